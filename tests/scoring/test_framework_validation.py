"""Framework files: bad numbers, shifted rows, hidden characters and wrong sums are refused with their row and
column; Vietnamese headers and words are understood; what is stored always fits its column."""

import io
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring import services
from scoring.framework_columns import COLUMN_NAMES, LEVEL_WORDS, METHOD_WORDS, TEXT_LIMITS
from scoring.framework_io import FrameworkFileError, parse_nodes, read_table
from scoring.models import DomainSummary, Framework, FrameworkNode, FrameworkStatus
from tests.framework_files import FULL_HEADER, GOOD_ROWS, HEADER, _actor, csv_bytes, parse

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_CSV = FIXTURES / "sources" / "framework-qd2948-provincial.csv"
DEMO_CSV = FIXTURES / "demo" / "framework-demo-cap-so-huyen.csv"


def problems_of(content, filename="f.csv"):
    with pytest.raises(FrameworkFileError) as caught:
        parse(content, filename)
    return caught.value.problems


def xlsx_bytes(*rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot(framework):
    return list(
        FrameworkNode.objects.filter(framework=framework)
        .order_by("order")
        .values_list("code", "name", "max_points", "method")
    )


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "raw",
    [
        "1e999",
        "1E2",
        "999999999",
        "100000000",
        "1_0",
        "１",
        "²",
        "٣",
        "1 0",
        "0,00001",
        "nan",
        "Infinity",
        "+1",
        "1.000.000",
        "0",
        "0,0000",
        "-0,5",
        "",
    ],
)
def test_max_points_other_than_plain_digits_in_range_are_refused(raw):
    problems = problems_of(csv_bytes(f'domain,1,,Lĩnh vực,"{raw}",appraisal,no,'))
    assert len(problems) == 1, problems
    assert problems[0].startswith("Dòng 2, cột «max_points»: "), problems


def test_the_largest_max_points_the_column_holds_is_accepted_and_stored_exactly(db):
    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes('domain,1,,Lĩnh vực,"99999999,9999",appraisal,no,'),
        filename="f.csv",
        defaults={"code": "lon-nhat", "title": "Lớn nhất"},
    )
    assert FrameworkNode.objects.get(framework=framework).max_points == Decimal("99999999.9999")


def test_trailing_zeros_beyond_four_places_are_dropped_not_refused():
    (spec,) = parse(csv_bytes('domain,1,,Lĩnh vực,"1,50000",appraisal,no,'))
    assert spec.max_points == Decimal("1.5")
    assert spec.max_points.as_tuple().exponent >= -4


@pytest.mark.parametrize("value", [1e20, float("inf"), 1e-05, 123456789.0])
def test_xlsx_numbers_out_of_range_are_refused(value):
    content = xlsx_bytes(HEADER.split(","), ["domain", 1, None, "Lĩnh vực", value, "appraisal", "no", None])
    problems = problems_of(content, "f.xlsx")
    assert [p for p in problems if p.startswith("Dòng 2, cột «max_points»")], problems


# ---------------------------------------------------------------- rows wider than the header


def test_the_demo_file_reads_1_1_1_with_its_evidence_and_advising_agency():
    rows = read_table(DEMO_CSV.read_bytes(), DEMO_CSV.name)
    assert all(len(row) <= len(rows[0]) for row in rows)
    spec = next(s for s in parse_nodes(rows) if s.code == "1.1.1")
    assert spec.evidence_requirement == "Kế hoạch CCHC năm của đơn vị (số hiệu, ngày ban hành)."
    assert spec.advising_agency == "Sở Nội vụ"


def test_a_row_with_more_cells_than_the_header_is_refused_naming_the_row():
    row = "subcriterion,1.1.1,1.1,A,1,appraisal,no,,Hướng dẫn,Kế hoạch (số hiệu, ngày),Sở Nội vụ"
    problems = problems_of(
        csv_bytes(
            "domain,1,,L,1,appraisal,no,,,,", "criterion,1.1,1,T,1,appraisal,no,,,,", row, header=FULL_HEADER
        )
    )
    assert problems == [
        "Dòng 4: có 12 ô nhưng dòng tiêu đề chỉ có 11 cột (ô thừa từ cột L), có thể thiếu dấu ngoặc kép "
        "quanh nội dung có dấu phẩy."
    ]


def test_empty_cells_after_the_last_column_are_ignored():
    specs = parse(csv_bytes("domain,1,,L,1,appraisal,no,,,,  ,", "criterion,1.1,1,T,1,appraisal,no,"))
    assert [s.code for s in specs] == ["1", "1.1"]


# ---------------------------------------------------------------- Vietnamese headers and words


def test_vietnamese_headers_are_accepted_in_any_case_order_and_unicode_form():
    header = ",".join(
        [
            " Mã ",
            "CẤP",
            "Thuộc",
            unicodedata.normalize("NFD", "Tên tiêu chí"),
            "Điểm  tối đa",
            "Phương pháp",
            "Đã đối chiếu",
            "Ghi chú",
            "STT",
            "Hướng dẫn chấm điểm",
            "Tài liệu kiểm chứng",
            "Cơ quan tham mưu",
        ]
    )
    rows = [
        "1,domain,,Lĩnh vực,2,appraisal,yes,,1,,,",
        "1.1,criterion,1,Tiêu chí,2,appraisal,no,nguồn,2,Hướng dẫn,Báo cáo,Sở Tư pháp",
    ]
    specs = parse(csv_bytes(*rows, header=header))
    assert [(s.code, s.level, s.max_points, s.verified) for s in specs] == [
        ("1", "domain", Decimal("2"), True),
        ("1.1", "criterion", Decimal("2"), False),
    ]
    assert (specs[1].note, specs[1].guidance, specs[1].evidence_requirement, specs[1].advising_agency) == (
        "nguồn",
        "Hướng dẫn",
        "Báo cáo",
        "Sở Tư pháp",
    )


def test_problems_name_the_column_as_the_file_does():
    header = "cấp,mã,mã mục cha,tên,điểm tối đa,phương pháp,đã đối chiếu,ghi chú"
    problems = problems_of(csv_bytes("lĩnh vực,1,,A,abc,thẩm định,không,", header=header))
    assert problems[0].startswith("Dòng 2, cột «điểm tối đa»: «abc» không phải là số"), problems


def test_a_header_naming_a_column_twice_is_refused():
    problems = problems_of(csv_bytes("domain,1,,A,1,appraisal,no,,B", header=HEADER + ",tên"))
    assert problems == ["Dòng 1, cột «tên»: trùng với cột «name_vi» (cả hai đều là cột tên)."]


def test_missing_columns_are_named_in_english_and_vietnamese():
    problems = problems_of(csv_bytes("domain,1", header="cấp,mã"))
    assert problems == [
        "Dòng 1: thiếu cột «parent» (hoặc «mã mục cha»), «name_vi» (hoặc «tên»), «max_points» (hoặc «điểm tối "
        "đa»), «method» (hoặc «phương pháp»), «verified» (hoặc «đã đối chiếu»), «note» (hoặc «ghi chú»)."
    ]


def test_vietnamese_levels_methods_and_verified_words_are_accepted():
    rows = [
        "Lĩnh vực,1,,A,3,HỖN HỢP,Có,",
        "TIÊU CHÍ,1.1,1,B,2,Thẩm định và điều tra xã hội học,chưa,",
        "tiêu chí thành phần,1.1.1,1.1,C,1,thẩm định,không,",
        f"{unicodedata.normalize('NFD', 'tiêu chí thành phần')},1.1.2,1.1,D,1,Điều tra xã hội học,,",
        "TC,1.2,1,E,1,XHH,x,",
    ]
    specs = parse(csv_bytes(*rows))
    assert [(s.level, s.method, s.verified) for s in specs] == [
        ("domain", "mixed", True),
        ("criterion", "mixed", False),
        ("subcriterion", "appraisal", False),
        ("subcriterion", "survey", False),
        ("criterion", "survey", True),
    ]


def test_every_accepted_column_name_and_word_is_documented_on_the_import_page(client, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("admin:scoring_framework_import")).content.decode().casefold()
    words = [name for names in COLUMN_NAMES.values() for name in names] + [*LEVEL_WORDS, *METHOD_WORDS]
    missing = [word for word in words if f"<code>{word}</code>" not in html]
    assert not missing


# ---------------------------------------------------------------- text hygiene


def test_text_cells_are_stored_in_nfc_and_trimmed():
    name = unicodedata.normalize("NFD", "Cải cách thủ tục hành chính")
    (spec,) = parse(csv_bytes(f'domain,1,,"  {name}\t",1,appraisal,no,"  ghi chú "'))
    assert spec.name == "Cải cách thủ tục hành chính"
    assert unicodedata.is_normalized("NFC", spec.name)
    assert spec.note == "ghi chú"


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (HEADER, "domain,1,,A\x00B,1,appraisal,no,", "Dòng 2, cột «name_vi»: có ký tự NUL"),
        (HEADER, "domain,1,,A,1,appraisal,no,nguồn\x00", "Dòng 2, cột «note»: có ký tự NUL"),
        (HEADER, "domain,1,,A,1\x00,appraisal,no,", "Dòng 2, cột «max_points»: có ký tự NUL"),
        (HEADER + ",STT", "domain,1,,A,1,appraisal,no,,\x00", "Dòng 2, cột «STT»: có ký tự NUL"),
        (HEADER + ",", "domain,1,,A,1,appraisal,no,,\x00", "Dòng 2, cột I: có ký tự NUL"),
        (HEADER + ",gh\x00i", "domain,1,,A,1,appraisal,no,", "Dòng 1, cột I: có ký tự NUL"),
        (HEADER, "domain,1,,A\x07,1,appraisal,no,", "Dòng 2, cột «name_vi»: có ký tự điều khiển"),
    ],
)
def test_nul_and_control_characters_anywhere_are_refused_naming_row_and_column(header, row, expected):
    problems = problems_of(csv_bytes(row, header=header))
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    ("column", "limit"),
    [
        ("name_vi", 5000),
        ("note", 5000),
        ("guidance", 5000),
        ("evidence_requirement", 5000),
        ("advising_agency", 255),
    ],
)
def test_text_longer_than_its_column_is_refused(column, limit):
    def file_with(length):
        values = dict.fromkeys(FULL_HEADER.split(","), "")
        values.update(
            level="domain", code="1", name_vi="A", max_points="1", method="appraisal", verified="no"
        )
        values[column] = "ư" * length
        return csv_bytes(",".join(values.values()), header=FULL_HEADER)

    assert len(parse(file_with(limit))) == 1
    problems = problems_of(file_with(limit + 1))
    assert problems == [
        f"Dòng 2, cột «{column}»: nội dung dài {limit + 1} ký tự, vượt giới hạn {limit} ký tự."
    ]


def test_text_limits_are_those_of_the_model():
    assert TEXT_LIMITS["code"] == FrameworkNode._meta.get_field("code").max_length
    assert TEXT_LIMITS["advising_agency"] == FrameworkNode._meta.get_field("advising_agency").max_length


@pytest.mark.parametrize("code", ["01", "1.01", "1..1", "1.1000", "١", "1.", ".1", "1.1.1.1", "1 .1", "1,1"])
def test_codes_must_be_positional(code):
    problems = problems_of(
        csv_bytes("domain,1,,A,1,appraisal,no,", f'criterion,"{code}",1,B,1,appraisal,no,')
    )
    assert any(p.startswith("Dòng 3, cột «code»: mã «") for p in problems), problems


# ---------------------------------------------------------------- sums


def test_a_domain_whose_children_do_not_add_up_is_refused_with_both_figures():
    problems = problems_of(
        csv_bytes(
            'domain,3,,Cải cách thủ tục hành chính,"14,5",appraisal,no,',
            "criterion,3.1,3,A,10,appraisal,no,",
            "criterion,3.2,3,B,4,appraisal,no,",
        )
    )
    assert problems == [
        "Dòng 2, cột «max_points»: điểm tối đa của lĩnh vực «3» là 14,5 nhưng tổng điểm tối đa của 2 mục con là 14."
    ]


def test_a_criterion_whose_subcriteria_do_not_add_up_is_refused():
    rows = [*GOOD_ROWS]
    rows[3] = rows[3].replace('"0,5"', '"0,25"')
    problems = problems_of(
        csv_bytes(*rows, header="cấp,mã,thuộc,tên,điểm tối đa,phương pháp,đã đối chiếu,ghi chú")
    )
    assert problems == [
        "Dòng 3, cột «điểm tối đa»: điểm tối đa của tiêu chí «1.1» là 1,5 nhưng tổng điểm tối đa của 2 mục con "
        "là 1,25."
    ]


def test_no_sum_is_reported_for_a_parent_whose_child_row_is_refused():
    rows = [*GOOD_ROWS]
    rows[3] = rows[3].replace('"0,5"', "nửa")
    problems = problems_of(csv_bytes(*rows))
    assert problems == [
        "Dòng 5, cột «max_points»: «nửa» không phải là số (chỉ dùng chữ số 0–9 và một dấu phẩy hoặc "
        "dấu chấm)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [REFERENCE_CSV, DEMO_CSV], ids=["qd2948", "demo"])
def test_the_shipped_framework_files_import_and_pass_integrity(path):
    framework = services.framework_import(
        acting_user=_actor(),
        content=path.read_bytes(),
        filename=path.name,
        defaults={"code": "nhap-lai", "title": "Nhập lại"},
    )
    report = services.framework_integrity(framework=framework)
    assert not report.sum_problems
    assert not report.code_problems
    assert report.total_max == Decimal("100")


# ---------------------------------------------------------------- replacing an active framework


@pytest.fixture
def active_framework(db):
    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "dang-dung", "title": "Đang dùng"},
    )
    DomainSummary.objects.create(
        framework=framework, domain_code="1", criteria_count=2, subcriteria_count=2, max_points=Decimal("2")
    )
    services.framework_activate(acting_user=_actor(), framework=framework)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.ACTIVE
    return framework


def test_an_active_framework_refuses_a_replacement_that_fails_integrity_and_keeps_its_nodes(active_framework):
    before = snapshot(active_framework)
    one_criterion_less = csv_bytes(
        GOOD_ROWS[0].replace(",2,", ",1.5,"), *[row.replace("một", "một (sửa)") for row in GOOD_ROWS[1:4]]
    )
    with pytest.raises(FrameworkFileError) as caught:
        services.framework_import(
            acting_user=_actor(), content=one_criterion_less, filename="f.csv", framework=active_framework
        )
    assert "Lĩnh vực 1: có 1 tiêu chí, văn bản quy định 2." in caught.value.problems
    assert "Lĩnh vực 1: điểm tối đa 1,5, văn bản quy định 2." in caught.value.problems
    assert snapshot(active_framework) == before


def test_an_active_framework_takes_a_replacement_that_passes_integrity(active_framework):
    corrected = csv_bytes(*[row.replace("Tiêu chí hai", "Tiêu chí hai (đúng văn bản)") for row in GOOD_ROWS])
    services.framework_import(
        acting_user=_actor(), content=corrected, filename="f.csv", framework=active_framework
    )
    assert (
        FrameworkNode.objects.get(framework=active_framework, code="1.2").name
        == "Tiêu chí hai (đúng văn bản)"
    )


def test_a_draft_takes_any_valid_replacement_even_against_its_declared_summary(db):
    draft = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "du-thao", "title": "Dự thảo"},
    )
    DomainSummary.objects.create(
        framework=draft, domain_code="1", criteria_count=5, subcriteria_count=5, max_points=Decimal("9")
    )
    services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(GOOD_ROWS[0], "criterion,1.1,1,Một,2,appraisal,no,"),
        filename="f.csv",
        framework=draft,
    )
    assert [code for code, *_ in snapshot(draft)] == ["1", "1.1"]


# ---------------------------------------------------------------- new versions


BAD_CODES = ["có-dấu", "hai từ", "a/b", "x" * 65, "", "qd2948-tinh", "<script>"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", BAD_CODES)
def test_a_new_version_code_must_be_a_new_slug(code):
    framework = Framework.objects.get(code="qd2948-tinh")
    before = Framework.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.framework_new_version(acting_user=_actor(), framework=framework, code=code)
    assert "code" in caught.value.message_dict
    assert Framework.objects.count() == before


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_new_version_page_shows_code_errors_next_to_the_field(client, secretariat, code):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")
    before = Framework.objects.count()
    response = client.post(
        reverse("admin:scoring_framework_new_version", args=[framework.pk]), {"code": code}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    html = response.content.decode()
    assert '<div class="form-row errors">' in html
    assert Framework.objects.count() == before


def test_the_new_version_page_suggests_a_slug_and_creates_the_draft(client, secretariat):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")
    page = client.get(reverse("admin:scoring_framework_new_version", args=[framework.pk]))
    assert 'value="qd2948-tinh-v2"' in page.content.decode()
    response = client.post(
        reverse("admin:scoring_framework_new_version", args=[framework.pk]), {"code": "qd2948-tinh-v2"}
    )
    copy = Framework.objects.get(code="qd2948-tinh-v2")
    assert response.status_code == 302
    assert client.get(reverse("scoring:framework", args=[copy.code])).status_code in (200, 404)


# ---------------------------------------------------------------- every problem at once


def test_every_problem_in_a_file_is_listed_at_once_in_row_order():
    rows = [
        "domain,1,,Lĩnh vực,3,appraisal,no,",
        "criterion,1.1,1,Sai điểm,1e999,appraisal,no,",
        "criterion,1.2,1,Có NUL\x00,1,appraisal,no,",
        "criterion,1.3,1,Sai phương pháp,1,đoán,no,",
        "criterion,1.4,1,Lệch cột,1,appraisal,no,ghi chú, không ngoặc kép",
        "domain,2,,Lĩnh vực hai,5,appraisal,no,",
        "criterion,2.1,2,Tiêu chí,4,appraisal,no,",
    ]
    problems = problems_of(csv_bytes(*rows))
    assert [p.split(":")[0] for p in problems] == [
        "Dòng 3, cột «max_points»",
        "Dòng 4, cột «name_vi»",
        "Dòng 5, cột «method»",
        "Dòng 6",
        "Dòng 7, cột «max_points»",
    ]
