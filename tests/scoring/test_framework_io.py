"""Framework files: every bad input refused with row and column, nothing saved; export round-trips."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from scoring import services
from scoring.framework_integrity import DeclaredDomain, check_integrity
from scoring.framework_io import (
    FrameworkFileError,
    parse_nodes,
    read_table,
    to_csv,
    to_xlsx,
)
from scoring.models import DomainSummary, Framework, FrameworkNode, FrameworkStatus
from scoring.selectors import framework_specs
from tests.framework_files import GOOD_ROWS, HEADER, _actor, csv_bytes

SHARED_CSV = Path(settings.BASE_DIR) / "fixtures" / "sources" / "framework-qd2948-provincial.csv"


def problems_of(content, filename="f.csv"):
    with pytest.raises(FrameworkFileError) as caught:
        parse_nodes(read_table(content, filename))
    return caught.value.problems


def test_a_good_file_parses_with_vietnamese_decimal_commas():
    specs = parse_nodes(read_table(csv_bytes(*GOOD_ROWS), "f.csv"))
    assert [s.code for s in specs] == ["1", "1.1", "1.1.1", "1.1.2", "1.2"]
    assert specs[3].max_points == Decimal("0.5")
    assert [s.is_scorable for s in specs] == [False, False, True, True, True]


def test_missing_column_is_named():
    problems = problems_of(
        csv_bytes(
            "domain,1,,X,2,appraisal,yes", header="level,code,parent,name_vi,max_points,method,verified"
        )
    )
    assert problems == ["Dòng 1: thiếu cột «note» (hoặc «ghi chú»)."]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("criterion,1.x,1,Sai mã,1,appraisal,no,", "Dòng 3, cột «code»: mã «1.x» không đúng dạng"),
        (
            "criterion,1.1.3,1,Sai cấp,1,appraisal,no,",
            "Dòng 3, cột «code»: mã «1.1.3» không khớp cấp tiêu chí",
        ),
        (
            "criterion,1.3,1,Không phải số,một,appraisal,no,",
            "Dòng 3, cột «max_points»: «một» không phải là số",
        ),
        ("criterion,1.3,1,Âm,-1,appraisal,no,", "Dòng 3, cột «max_points»: điểm tối đa phải lớn hơn 0"),
        (
            "criterion,1.3,1,Quá nhiều số lẻ,0.12345,appraisal,no,",
            "Dòng 3, cột «max_points»: «0.12345» có quá 4 chữ số thập phân",
        ),
        (
            "criterion,1.3,1,Vượt cha,3,appraisal,no,",
            "Dòng 2, cột «max_points»: điểm tối đa của lĩnh vực «1» là 2 nhưng tổng điểm tối đa của 1 mục con là 3.",
        ),
        (
            "criterion,1.3,1,Sai phương pháp,1,guess,no,",
            "Dòng 3, cột «method»: phương pháp «guess» không hợp lệ",
        ),
        ("criterion,1.3,1,Sai xác minh,1,appraisal,maybe,", "Dòng 3, cột «verified»"),
        ("criterion,1.3,1,,1,appraisal,no,", "Dòng 3, cột «name_vi»: thiếu tên"),
        (
            "criterion,1.3,1,=HYPERLINK(1),1,appraisal,no,",
            "Dòng 3, cột «name_vi»: nội dung không được bắt đầu bằng =",
        ),
        ("criterion,1.3,2,Cha sai chỗ,1,appraisal,no,", "Dòng 3, cột «parent»: «1.3» phải thuộc «1»"),
        ("criterion,2.1,2,Cha không có,1,appraisal,no,", "Dòng 3, cột «parent»: không có mục cha «2»"),
        (
            "criterion,1.3,1,Khác phương pháp,1,survey,no,",
            "Dòng 3, cột «method»: «1.3» có phương pháp điều tra xã hội học nhưng mục cha «1» là thẩm định",
        ),
        ("bogus,1.3,1,Sai cấp,1,appraisal,no,", "Dòng 3, cột «level»"),
        (
            "domain,2,1,Lĩnh vực có cha,1,appraisal,no,",
            "Dòng 3, cột «parent»: lĩnh vực «2» không được có mục cha",
        ),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(row, expected):
    problems = problems_of(csv_bytes(GOOD_ROWS[0], row))
    assert any(expected in problem for problem in problems), problems


def test_duplicate_codes_name_both_rows():
    problems = problems_of(csv_bytes(*GOOD_ROWS, "criterion,1.1,1,Lặp,0.5,appraisal,no,"))
    assert "Dòng 7, cột «code»: mã «1.1» trùng với dòng 3." in problems


def test_a_cycle_is_refused_because_a_parent_must_be_the_code_prefix():
    problems = problems_of(
        csv_bytes(
            "domain,1,,Lĩnh vực,2,appraisal,no,",
            "criterion,1.1,1.1.1,Vòng,1,appraisal,no,",
            "subcriterion,1.1.1,1.1,Vòng,1,appraisal,no,",
        )
    )
    assert "Dòng 3, cột «parent»: «1.1» phải thuộc «1», không phải «1.1.1»." in problems


def test_a_subcriterion_directly_under_a_domain_is_refused():
    problems = problems_of(csv_bytes("domain,1,,A,2,appraisal,no,", "subcriterion,1.1,1,B,1,appraisal,no,"))
    assert any("không khớp cấp" in p for p in problems), problems


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "f.csv", "Tệp trống"),
        (HEADER.encode(), "f.csv", "Tệp không có dòng tiêu chí nào."),
        ("x".encode("utf-16"), "f.csv", "UTF-8"),
        (b"<html>not a sheet</html>", "f.xlsx", "không hợp lệ"),
        (b"PK\x03\x04broken", "f.xlsx", "Không đọc được tệp .xlsx"),
        (b"data", "f.pdf", "Chỉ nhận tệp .csv hoặc .xlsx"),
    ],
)
def test_unreadable_files_are_refused(content, filename, expected):
    problems = problems_of(content, filename)
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        csv_bytes(GOOD_ROWS[0], "criterion,1.x,1,A,1,appraisal,no,", "criterion,1.2,1,B,abc,appraisal,no,")
    )
    assert len(problems) == 2


def test_the_shared_framework_file_parses_and_passes_integrity():
    specs = parse_nodes(read_table(SHARED_CSV.read_bytes(), SHARED_CSV.name))
    levels = [s.level for s in specs]
    assert (levels.count("domain"), levels.count("criterion"), levels.count("subcriterion")) == (8, 38, 81)
    report = check_integrity(specs, [])
    assert report.ok, report.problems
    assert report.scorable_count == 89
    assert report.total_max == Decimal("100")
    assert report.unverified_count == 106  # 21 of 127 rows are verified


def test_integrity_reports_sums_declared_counts_and_leaf_methods():
    specs = parse_nodes(read_table(csv_bytes(*GOOD_ROWS), "f.csv"))
    specs[1].max_points = Decimal("1.75")  # children of 1.1 sum to 1.5, 1 has 1.75 + 0.5 ≠ 2
    specs[4].method = "mixed"
    declared = [DeclaredDomain("1", 3, 2, Decimal("2")), DeclaredDomain("9", 1, 1, Decimal("1"))]
    report = check_integrity(specs, declared)
    assert "«1.1»: tổng điểm các mục con là 1,5 nhưng điểm tối đa là 1,75." in report.sum_problems
    assert "«1»: tổng điểm các mục con là 2,25 nhưng điểm tối đa là 2." in report.sum_problems
    assert "Lĩnh vực 1: có 2 tiêu chí, văn bản quy định 3." in report.declared_problems
    assert "Văn bản có lĩnh vực 9 nhưng bộ tiêu chí không có." in report.declared_problems
    assert any("1.2" in p and "mixed" in p for p in report.code_problems)
    assert not report.ok


def test_integrity_reports_misplaced_codes_and_empty_domains():
    specs = parse_nodes(read_table(csv_bytes(*GOOD_ROWS, "domain,2,,Trống,1,appraisal,no,"), "f.csv"))
    specs[2].parent_code = "1.2"
    specs[0].max_points = Decimal("2")
    report = check_integrity(specs, [DeclaredDomain("1", 2, 2, Decimal("3"))])
    assert any("1.1.1" in p and "sai chỗ" in p for p in report.code_problems)
    assert "Lĩnh vực «2» chưa có tiêu chí nào." in report.code_problems
    assert "Lĩnh vực 1: điểm tối đa 2, văn bản quy định 3." in report.declared_problems
    assert "Lĩnh vực 2 không có trong tổng hợp của văn bản." in report.declared_problems


def test_csv_export_round_trips_the_shared_file():
    specs = parse_nodes(read_table(SHARED_CSV.read_bytes(), SHARED_CSV.name))
    again = parse_nodes(read_table(to_csv(specs), "export.csv"))
    assert [(s.code, s.parent_code, s.name, s.max_points, s.method, s.verified, s.note) for s in again] == [
        (s.code, s.parent_code, s.name, s.max_points, s.method, s.verified, s.note) for s in specs
    ]


def test_xlsx_export_round_trips_and_keeps_text_as_text():
    specs = parse_nodes(read_table(csv_bytes(*GOOD_ROWS), "f.csv"))
    specs[0].note = "=1+1"  # would be a formula if written naively
    content = to_xlsx(specs)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["H2"].value == "=1+1"
    assert sheet["H2"].data_type == "s"
    specs[0].note = ""
    again = parse_nodes(read_table(to_xlsx(specs), "f.xlsx"))
    assert [(s.code, s.max_points) for s in again] == [(s.code, s.max_points) for s in specs]


def test_xlsx_with_numeric_cells_is_read_as_typed():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["domain", 1, None, "Lĩnh vực", 1.5, "appraisal", "yes", None])
    sheet.append(["criterion", "1.1", 1, "Tiêu chí", 1.5, "appraisal", "no", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    specs = parse_nodes(read_table(buffer.getvalue(), "f.xlsx"))
    assert [(s.code, s.parent_code, s.max_points) for s in specs] == [
        ("1", None, Decimal("1.5")),
        ("1.1", "1", Decimal("1.5")),
    ]


# ---------------------------------------------------------------- stored through the service


@pytest.mark.django_db
def test_import_saves_nothing_when_any_row_is_bad():
    before = (Framework.objects.count(), FrameworkNode.objects.count())
    with pytest.raises(FrameworkFileError):
        services.framework_import(
            acting_user=_actor(),
            content=csv_bytes(*GOOD_ROWS, "criterion,1.3,1,Sai,xyz,appraisal,no,"),
            filename="f.csv",
            defaults={"code": "thu", "title": "Thử"},
        )
    assert (Framework.objects.count(), FrameworkNode.objects.count()) == before


@pytest.mark.django_db
def test_import_creates_the_tree_with_parents_and_domains():
    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "thu", "title": "Thử"},
    )
    node = FrameworkNode.objects.get(framework=framework, code="1.1.2")
    assert (node.parent.code, node.domain.code, node.is_scorable, node.max_points) == (
        "1.1",
        "1",
        True,
        Decimal("0.5"),
    )
    assert framework.status == FrameworkStatus.DRAFT


@pytest.mark.django_db
def test_a_frozen_framework_cannot_be_reimported_but_a_new_version_can():
    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "thu", "title": "Thử"},
    )
    Framework.objects.filter(pk=framework.pk).update(status=FrameworkStatus.FROZEN)
    framework.refresh_from_db()
    changed = csv_bytes(*[row.replace("Tiêu chí hai", "Tiêu chí hai (sửa)") for row in GOOD_ROWS])
    with pytest.raises(FrameworkFileError, match="đã khóa"):
        services.framework_import(
            acting_user=_actor(), content=changed, filename="f.csv", framework=framework
        )
    assert FrameworkNode.objects.get(framework=framework, code="1.2").name == "Tiêu chí hai"

    copy = services.framework_new_version(acting_user=_actor(), framework=framework, code="thu-v2")
    assert (copy.version, copy.previous_version, copy.status) == (2, framework, FrameworkStatus.DRAFT)
    services.framework_import(acting_user=_actor(), content=changed, filename="f.csv", framework=copy)
    assert FrameworkNode.objects.get(framework=copy, code="1.2").name == "Tiêu chí hai (sửa)"
    assert len(framework_specs(copy)) == len(framework_specs(framework)) == 5


@pytest.mark.django_db
def test_importing_the_official_text_over_a_draft_marks_nodes_verified():
    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "thu", "title": "Thử"},
    )
    official = csv_bytes(*[row.replace(",no,", ",yes,") for row in GOOD_ROWS])
    services.framework_import(acting_user=_actor(), content=official, filename="f.csv", framework=framework)
    assert not FrameworkNode.objects.filter(framework=framework, verified=False).exists()


@pytest.mark.django_db
def test_activation_is_refused_while_integrity_fails():
    from django.core.exceptions import ValidationError

    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "x", "title": "X"},
    )
    DomainSummary.objects.create(
        framework=framework, domain_code="1", criteria_count=2, subcriteria_count=2, max_points=Decimal("3")
    )
    with pytest.raises(ValidationError, match="còn lỗi"):
        services.framework_activate(acting_user=_actor(), framework=framework)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.DRAFT


@pytest.mark.django_db
def test_new_version_code_must_be_new():
    from django.core.exceptions import ValidationError

    framework = services.framework_import(
        acting_user=_actor(),
        content=csv_bytes(*GOOD_ROWS),
        filename="f.csv",
        defaults={"code": "x", "title": "X"},
    )
    with pytest.raises(ValidationError):
        services.framework_new_version(acting_user=_actor(), framework=framework, code="x")


@pytest.mark.django_db
def test_import_refuses_invalid_framework_metadata():
    before = Framework.objects.count()
    with pytest.raises(FrameworkFileError, match="Mã bộ tiêu chí: Nhập mã"):
        services.framework_import(
            acting_user=_actor(),
            content=csv_bytes(*GOOD_ROWS),
            filename="f.csv",
            defaults={"code": "", "title": "X"},
        )
    assert Framework.objects.count() == before
