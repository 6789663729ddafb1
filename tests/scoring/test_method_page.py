"""The method page of a published period (Cách tính điểm): formula, bands, method weights, legal basis, ties,
exemptions, lateness; what changed since the previous comparable period and between publication versions; its
JSON twin and dataset; refusals."""

import csv
from collections import defaultdict
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.framework_diff import DiffNode, framework_diff
from scoring.models import Period
from scoring.selectors.method import method_label
from scoring.services.publication import publication_write
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db

FRAMEWORK_CSV = Path(settings.BASE_DIR) / "fixtures" / "sources" / "framework-qd2948-provincial.csv"
HEADER = "level,code,parent,name_vi,max_points,method,verified,note"
V1_ROWS = [
    "domain,1,,Lĩnh vực một,2,appraisal,yes,",
    "criterion,1.1,1,Tiêu chí một,1.5,appraisal,no,",
    "subcriterion,1.1.1,1.1,Thành phần một,1,appraisal,no,",
    "subcriterion,1.1.2,1.1,Thành phần hai,0.5,appraisal,no,",
    "criterion,1.2,1,Tiêu chí hai,0.5,appraisal,no,",
]
# Version 2: 1.1.1 renamed and raised to 1.5, 1.1.2 removed, 1.2 scored by survey, 1.3 added; so the domain's
# max goes 2 → 3 and its method becomes mixed.
V2_ROWS = [
    "domain,1,,Lĩnh vực một,3,mixed,yes,",
    "criterion,1.1,1,Tiêu chí một,1.5,appraisal,no,",
    "subcriterion,1.1.1,1.1,Thành phần một (sửa đổi),1.5,appraisal,no,",
    "criterion,1.2,1,Tiêu chí hai,0.5,survey,no,",
    "criterion,1.3,1,Tiêu chí ba,1,appraisal,no,",
]
BANDS = [("Tốt", "80"), ("Đạt", "50"), ("Chưa đạt", "0")]


def url(period_code, **params):
    return reverse("scoring:period_method", args=[period_code]), params


def get(client, period_code, **params):
    path, query = url(period_code, **params)
    return client.get(path, query)


def qd2948_rows():
    with open(FRAMEWORK_CSV, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- the demo's 2017 periods


def test_the_provincial_page_explains_the_formula_with_the_published_domain_5_example(client, demo):
    response = get(client, "2017-tinh")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Cách tính điểm" in text
    assert "tổng điểm / tổng điểm tối đa được đánh giá × 100" in text
    assert "<strong>12,05</strong> trên 16 điểm nhưng tỷ lệ <strong>75,30 %</strong>" in text
    assert "thì ra 75,31 %" in text
    assert "nửa lên (12,045 → 12,05)" in text


def test_the_bands_of_the_period_are_listed_with_their_thresholds(client, demo):
    text = get(client, "2017-so").content.decode()
    for line in (
        "<td>Rất tốt</td><td>từ 90 % trở lên</td>",
        "<td>Tốt</td><td>từ 80 % đến dưới 90 %</td>",
        "<td>Khá</td><td>từ 70 % đến dưới 80 %</td>",
        "<td>Trung bình</td><td>từ 50 % đến dưới 70 %</td>",
        "<td>Yếu</td><td>dưới 50 %</td>",
    ):
        assert line in text


def test_the_2948_appraisal_and_survey_split_matches_the_framework_data(client, demo):
    rows = qd2948_rows()
    parents = {row["parent"] for row in rows}
    by_method, by_domain = defaultdict(D), defaultdict(D)
    for row in rows:
        if row["code"] not in parents:  # a scorable node
            by_method[row["method"]] += D(row["max_points"])
            by_domain[(row["code"].split(".")[0], row["method"])] += D(row["max_points"])
    assert (by_method["appraisal"], by_method["survey"]) == (D("63.5"), D("36.5"))

    framework = get(client, "2017-tinh", format="json").json()["frameworks"][0]
    weights = {m["method"]: D(m["max_points"]) for m in framework["methods"]}
    assert weights == dict(by_method)
    assert {m["method"]: m["share_display"] for m in framework["methods"]} == {
        "appraisal": "63.50",
        "survey": "36.50",
    }
    for domain in framework["domains"]:
        for method in domain["methods"]:
            assert D(method["max_points"]) == by_domain[(domain["code"], method["method"])]
    text = get(client, "2017-tinh").content.decode()
    assert '<strong>63,5 điểm</strong><span class="muted">63,50 % tổng điểm</span>' in text
    assert '<strong>36,5 điểm</strong><span class="muted">36,50 % tổng điểm</span>' in text


@pytest.mark.parametrize("period_code", ["2017-tinh", "2017-so", "2017-huyen"])
def test_the_method_weights_sum_to_the_framework_max_overall_and_per_domain(client, demo, period_code):
    for framework in get(client, period_code, format="json").json()["frameworks"]:
        assert framework["max_points_display"] == "100.00"
        assert sum(D(m["max_points"]) for m in framework["methods"]) == D(framework["max_points"])
        assert sum(D(d["max_points"]) for d in framework["domains"]) == D(framework["max_points"])
        for domain in framework["domains"]:
            assert sum(D(m["max_points"]) for m in domain["methods"]) == D(domain["max_points"])


def test_the_framework_is_shown_with_its_legal_basis_and_verified_counts(client, demo):
    rows = qd2948_rows()
    verified = sum(1 for row in rows if row["verified"] == "yes")
    framework = get(client, "2017-tinh", format="json").json()["frameworks"][0]
    assert (framework["decision_number"], framework["decision_date"]) == ("2948/QĐ-BNV", "2017-12-28")
    assert framework["aliases"] == ["2498/QĐ-BNV"]
    assert (framework["verified_count"], framework["unverified_count"]) == (verified, len(rows) - verified)
    text = get(client, "2017-tinh").content.decode()
    assert "<strong>2948/QĐ-BNV</strong> ngày 28/12/2017" in text
    assert "một số tài liệu ghi là 2498/QĐ-BNV" in text
    assert f"{len(rows)} mục: {verified} đã đối chiếu văn bản gốc, {len(rows) - verified} mục" in text
    assert reverse("scoring:framework", args=["qd2948-tinh"]) in text


def test_ties_exemptions_and_lateness_are_explained_from_the_rules(client, demo):
    data = get(client, "2017-so", format="json").json()
    assert [t["rank"] for t in data["formula"]["tie_example"]] == [1, 2, 2, 4]
    assert data["formula"]["exemption_example"]["index_display"] == "81.63"
    assert [m["field"] for m in data["lateness"]] == ["late_submission", "explanation_missed"]
    assert data["period"]["deadlines"][0] == {
        "field": "self_assessment_deadline",
        "label": "Hạn tự đánh giá",
        "date": "2018-01-15",
    }
    text = get(client, "2017-so").content.decode()
    assert "(1, 2, 2, 4)" in text
    assert "= <strong>81,63 %</strong> (không phải 80,00 %)" in text
    assert "<strong>Không nộp đúng hạn</strong> (sau hạn tự đánh giá 15/01/2018)" in text
    assert "bản đánh giá được khóa và thẩm định theo nội dung đã nhập" in text


def test_a_period_without_an_earlier_one_and_without_corrections_says_so(client, demo):
    data = get(client, "2017-so", format="json").json()
    assert [c["previous"] for c in data["comparisons"]] == [None]
    assert data["corrections"] == []
    text = get(client, "2017-so").content.decode()
    assert "Không có kỳ đánh giá trước đã công bố cho nhóm đơn vị này" in text
    assert "Kết quả chưa được đính chính" in text


def test_the_period_ranking_and_scorecard_link_to_the_method_page(client, demo):
    link = reverse("scoring:period_method", args=["2017-so"])
    for page in (
        reverse("scoring:period", args=["2017-so"]),
        reverse("scoring:ranking", args=["2017-so", "cantho-so-2017"]),
        reverse("scoring:scorecard", args=["2017-so", "92-stp"]),
    ):
        assert f'href="{link}">Cách tính điểm</a>' in client.get(page).content.decode()


def test_the_page_reads_no_published_unit_and_its_queries_do_not_grow_with_units(client, demo):
    counts = []
    for code in ("2017-tinh", "2017-so"):  # 1 unit and 20 units
        with CaptureQueriesContext(connection) as queries:
            assert get(client, code).status_code == 200
        counts.append(len(queries))
        assert not any("publishedunit" in q["sql"].lower() for q in queries.captured_queries)
    assert counts[0] == counts[1]


def test_a_method_the_page_does_not_know_is_listed_by_its_stored_name():
    assert method_label("appraisal") == "Thẩm định"
    assert method_label("survey") == "Điều tra xã hội học"
    assert method_label("phuong-phap-moi") == "phuong-phap-moi"


# ---------------------------------------------------------------- open data, refusals


def test_the_json_twin_carries_full_precision_and_display_values(client, demo):
    data = get(client, "2017-tinh", format="json").json()
    assert data["period"]["code"] == "2017-tinh"
    assert data["publication"]["version"] == 1
    example = data["formula"]["example"]
    assert (example["percentage"], example["percentage_display"]) == ("75.3000000000", "75.30")
    assert data["bands"][0] == {
        "name": "Rất tốt",
        "min_index": "90.0000",
        "min_index_display": "90.00",
        "below": None,
    }


def test_the_dataset_lists_the_weights_in_csv_and_xlsx(client, demo):
    response = get(client, "2017-tinh", format="csv")
    assert response.status_code == 200
    assert 'filename="minh-hoa-cach-tinh-diem-2017-tinh-phien-ban-1.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period_code,publication_version,section,group_code,framework_code,code,name")
    assert "2017-tinh,1,trọng số,,qd2948-tinh,,Toàn bộ tiêu chí,Điều tra xã hội học,36.5000,36.50" in lines[2]
    assert get(client, "2017-tinh", format="xlsx").status_code == 200
    catalogue = client.get(reverse("scoring:open_data"), {"format": "json"}).json()
    assert "method" in {dataset["key"] for dataset in catalogue["datasets"]}


CURRENT = f"{timezone.localdate().year}-so"


@pytest.mark.parametrize("period_code", ["khong-co", CURRENT])
@pytest.mark.parametrize("file_format", [None, "json", "csv", "xlsx"])
def test_an_unknown_or_unpublished_period_is_a_vietnamese_404(client, demo, period_code, file_format):
    response = get(client, period_code, **({"format": file_format} if file_format else {}))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert "Không có kỳ đánh giá đã công bố với mã này." in text


def test_an_unknown_format_is_refused_before_any_read(client, demo):
    response = get(client, "2017-tinh", format="pdf")
    assert response.status_code == 404
    assert "Không có định dạng dữ liệu" in response.content.decode()


def test_the_page_is_the_same_for_every_persona(client, demo, officer_justice, secretariat):
    anonymous = get(client, "2017-so", format="json").json()
    client.force_login(officer_justice)
    assert get(client, "2017-so", format="json").json() == anonymous


# ---------------------------------------------------------------- what changed between versions


def nodes(rows):
    out = []
    for row in rows:
        level, code, _parent, name, max_points, method, *_ = row.split(",")
        out.append(DiffNode(code, level, name, D(max_points), method))
    return out


def test_the_framework_diff_finds_added_removed_renamed_and_changed_nodes():
    diff = framework_diff(nodes(V1_ROWS), nodes(V2_ROWS))
    assert [n.code for n in diff.added] == ["1.3"]
    assert [n.code for n in diff.removed] == ["1.1.2"]
    assert [(c.code, c.old, c.new) for c in diff.renamed] == [
        ("1.1.1", "Thành phần một", "Thành phần một (sửa đổi)")
    ]
    assert [(c.code, c.old, c.new) for c in diff.max_changed] == [
        ("1", D(2), D(3)),
        ("1.1.1", D(1), D("1.5")),
    ]
    assert [(c.code, c.old, c.new) for c in diff.method_changed] == [
        ("1", "appraisal", "mixed"),
        ("1.2", "appraisal", "survey"),
    ]
    assert (diff.old_total, diff.new_total, diff.change_count) == (D(2), D(3), 7)
    assert framework_diff(nodes(V1_ROWS), nodes(V1_ROWS)).is_empty


def test_spacing_or_letter_case_is_not_a_rename():
    before = [DiffNode("1", "domain", "Lĩnh vực  một", D(1), "appraisal")]
    after = [DiffNode("1", "domain", "lĩnh vực một", D(1), "appraisal")]
    assert framework_diff(before, after).is_empty


def _framework_versions(actor):
    first = services.framework_import(
        acting_user=actor,
        content="\n".join([HEADER, *V1_ROWS]).encode(),
        filename="v1.csv",
        defaults={"code": "thu-nghiem-v1", "title": "Bộ tiêu chí thử nghiệm", "unit_kinds": ["department"]},
    )
    services.framework_activate(framework=first, acting_user=actor)
    second = services.framework_new_version(framework=first, code="thu-nghiem-v2", acting_user=actor)
    second = services.framework_import(
        acting_user=actor, content="\n".join([HEADER, *V2_ROWS]).encode(), filename="v2.csv", framework=second
    )
    services.framework_activate(framework=second, acting_user=actor)
    return first, second


def _published(actor, code, year, unit_group, framework, *, previous=None):
    period = services.period_create(
        acting_user=actor,
        code=code,
        year=year,
        title=f"Kỳ thử nghiệm {year}",
        bands=[services.BandSpec(name, D(minimum)) for name, minimum in BANDS],
        groups=[(unit_group, framework)],
        previous=previous,
    )
    scorable = [n for n in framework.nodes.filter(is_scorable=True)]
    values = {
        n.code: {"survey_points": n.max_points}
        if n.method == "survey"
        else {"appraised_points_r1": n.max_points}
        for n in scorable
    }
    services.historical_results_import(
        period=period,
        acting_user=actor,
        values_by_unit={unit.code: values for unit in unit_group.members.all()},
        reason="Kết quả thử nghiệm.",
    )
    period.refresh_from_db()
    return period


def _group(code, *unit_codes):
    group = UnitGroup.objects.create(code=code, name=f"Nhóm {code}")
    group.members.set(
        Unit.objects.create(code=unit_code, name=f"Sở thử {unit_code}", kind="department")
        for unit_code in unit_codes
    )
    return group


@pytest.fixture
def two_versions(secretariat):
    """Period 2031 on version 1 (group A), period 2032 on version 2 (group B: other units of the same kind)."""
    first, second = _framework_versions(secretariat)
    earlier = _published(secretariat, "thu-2031", 2031, _group("thu-a", "t-a1", "t-a2"), first)
    later = _published(secretariat, "thu-2032", 2032, _group("thu-b", "t-b1"), second)
    return earlier, later


def test_the_page_lists_what_changed_since_the_latest_earlier_period_of_the_same_unit_kinds(
    client, two_versions
):
    earlier, later = two_versions
    data = get(client, later.code, format="json").json()
    (comparison,) = data["comparisons"]
    assert comparison["previous"]["period_code"] == earlier.code
    assert comparison["previous"]["how"] == "nhóm có cùng loại đơn vị"
    assert comparison["previous"]["framework_code"] == "thu-nghiem-v1"
    assert comparison["same_framework"] is False
    assert [n["code"] for n in comparison["added"]] == ["1.3"]
    assert [n["code"] for n in comparison["removed"]] == ["1.1.2"]
    assert comparison["renamed"] == [
        {"code": "1.1.1", "old": "Thành phần một", "new": "Thành phần một (sửa đổi)"}
    ]
    assert [(c["code"], c["old_display"], c["new_display"]) for c in comparison["max_changed"]] == [
        ("1", "2.00", "3.00"),
        ("1.1.1", "1.00", "1.50"),
    ]
    assert [(c["code"], c["old"], c["new"]) for c in comparison["method_changed"]] == [
        ("1", "Thẩm định", "Thẩm định và điều tra xã hội học"),
        ("1.2", "Thẩm định", "Điều tra xã hội học"),
    ]
    assert data["frameworks"][0]["previous_version"]["code"] == "thu-nghiem-v1"

    text = get(client, later.code).content.decode()
    assert "tổng điểm tối đa 2 → 3. 7 thay đổi" in text
    assert "<td>1.1.1</td><td>Thành phần một</td><td>Thành phần một (sửa đổi)</td>" in text
    assert '<td>1.2</td><td class="name">Tiêu chí hai</td><td>Thẩm định → Điều tra xã hội học</td>' in text
    assert reverse("scoring:period_method", args=[earlier.code]) in text

    rows = get(client, later.code, format="csv").content.decode("utf-8-sig").splitlines()
    changes = [row for row in rows if ",thay đổi so với kỳ trước," in row]
    assert len(changes) == 7
    assert any(",đổi điểm tối đa,1.0000,1.5000" in row for row in changes)


def test_the_period_it_was_created_from_comes_before_a_later_one(client, secretariat, two_versions):
    earlier, later = two_versions
    group = UnitGroup.objects.get(code="thu-b")
    framework = later.groups.get().framework
    newest = _published(secretariat, "thu-2033", 2033, group, framework, previous=earlier)
    comparison = get(client, newest.code, format="json").json()["comparisons"][0]
    assert comparison["previous"]["period_code"] == earlier.code  # not thu-2032, the latest
    again = _published(secretariat, "thu-2034", 2034, group, framework, previous=newest)
    comparison = get(client, again.code, format="json").json()["comparisons"][0]
    assert (comparison["previous"]["how"], comparison["same_framework"], comparison["change_count"]) == (
        "cùng nhóm đơn vị",
        True,
        0,
    )
    assert "Hai kỳ dùng cùng bộ tiêu chí" in get(client, again.code).content.decode()


def test_corrections_between_publication_versions_are_listed(client, secretariat, two_versions):
    _, later = two_versions
    publication_write(
        Period.objects.get(pk=later.pk),
        acting_user=secretariat,
        reason="Đính chính điểm tiêu chí 1.3",
        changes=[
            {
                "unit_code": "t-b1",
                "unit_name": "Sở thử t-b1",
                "node_code": "1.3",
                "node_name": "Tiêu chí ba",
                "old": "1",
                "new": "0.75",
                "reason": "Thiếu tài liệu kiểm chứng",
            }
        ],
    )
    data = get(client, later.code, format="json").json()
    assert data["publication"]["version"] == 2
    (correction,) = data["corrections"]
    assert (correction["version"], correction["reason"]) == (2, "Đính chính điểm tiêu chí 1.3")
    assert correction["changes"][0]["new_display"] == "0.75"
    text = get(client, later.code).content.decode()
    assert "<strong>Phiên bản 2</strong>" in text
    assert "1 → 0,75" in text


def test_bonus_and_deduction_parts_stay_outside_the_weights_and_their_rule_is_explained_with_the_caps(
    client, demo
):
    data = get(client, "2018-so", format="json").json()
    (framework,) = data["frameworks"]
    assert D(framework["max_points"]) == D("100")
    assert sum(D(m["max_points"]) for m in framework["methods"]) == D("100")
    assert {m["method"] for m in framework["methods"]} == {"appraisal", "survey"}
    assert [(a["code"], a["method"]) for a in framework["adjustments"]] == [
        ("9", "bonus"),
        ("10", "deduction"),
    ]
    rule = data["adjustment_rule"]
    assert (D(rule["bonus_cap"]), D(rule["deduction_cap"])) == (D("3"), D("4"))
    example = rule["example"]  # 96 + min(5, cap 3, room 4) - min(2, cap 4) = 97
    assert (D(example["bonus"]), D(example["deduction"]), D(example["points"])) == (D("3"), D("2"), D("97"))
    html = get(client, "2018-so").content.decode()
    assert "Điểm thưởng, điểm trừ" in html
    assert "<strong>3 điểm</strong> (mức tối đa của kỳ)" in html
    assert "Điểm thưởng, điểm trừ" not in get(client, "2017-so").content.decode()
