"""Bonus and deduction points from recompute to every published view: stored result, snapshot row, scorecard,
ranking, JSON, open data and the ranking workbook."""

import csv
import io
import json
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from scoring import demo as demo_data
from scoring import selectors, services
from scoring.exports.ranking import ranking_workbook
from scoring.models import AssessmentResult, FrameworkNode, PublishedUnit
from tests.framework_files import _actor
from tests.scenarios import body, json_body
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db

CODE = "thu-thuong-tru"
# unit: (points lost on the base, bonus by node, deduction by node)
SCENARIO = {
    "92-stp": ("10", {"9.1": "3", "9.2": "2"}, {}),  # base 90, bonus 5 held to the cap 3: 93
    "92-syt": ("5", {}, {"10.1": "3", "10.2": "2"}),  # base 95, deduction 5 held to the cap 4: 91
    "92-sct": ("1", {"9.1": "2"}, {"10.1": "1"}),  # base 99, bonus held to 100, then 1 deducted: 99
}


def unit_values(nodes, lost, bonus, deduction):
    values, left = {}, D(lost)
    for node in nodes:
        if node.method in ("bonus", "deduction"):
            points = D({**bonus, **deduction}.get(node.code, "0"))
            values[node.code] = {"self_points": points, "appraised_points_r1": points}
            continue
        taken = min(left, node.max_points)
        left -= taken
        field = "survey_points" if node.method == "survey" else "appraised_points_r1"
        values[node.code] = {field: node.max_points - taken}
    return values


@pytest.fixture
def published(demo):
    """A published period on the 2018 demo framework, caps 3 and 4, three departments (SCENARIO)."""
    actor = _actor()
    framework = demo_data._demo_framework_2018([], actor)
    group = UnitGroup.objects.create(code="thu-thuong-tru-nhom", name="Nhóm thử điểm thưởng")
    group.members.set(Unit.objects.filter(code__in=SCENARIO))
    period = services.period_create(
        acting_user=actor,
        code=CODE,
        year=2018,
        title="Kỳ thử điểm thưởng, điểm trừ",
        bands=[services.BandSpec(n, D(m)) for n, m in demo_data.BANDS_2017],
        groups=[(group, framework)],
        bonus_cap=demo_data.BONUS_CAP_2018,
        deduction_cap=demo_data.DEDUCTION_CAP_2018,
    )
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True).order_by("order"))
    services.historical_results_import(
        period=period,
        acting_user=actor,
        values_by_unit={code: unit_values(nodes, *case) for code, case in SCENARIO.items()},
        reason="Kiểm thử.",
    )
    return period


def result_of(unit_code):
    return AssessmentResult.objects.get(assessment__period__code=CODE, assessment__unit__code=unit_code)


def test_recompute_stores_the_base_the_bonus_and_deduction_applied_and_the_final_index(published):
    stp, syt, sct = (result_of(code) for code in SCENARIO)
    assert (stp.base_points, stp.bonus, stp.deduction, stp.points, stp.index) == (
        D("90"),
        D("3"),
        D("0"),
        D("93"),
        D("93"),
    )
    assert (syt.base_points, syt.bonus, syt.deduction, syt.points) == (D("95"), D("0"), D("4"), D("91"))
    assert (sct.base_points, sct.bonus, sct.deduction, sct.points) == (D("99"), D("1"), D("1"), D("99"))
    assert {r.max_points for r in (stp, syt, sct)} == {D("100")}  # bonus and deduction add no max
    assert [code for code, *_ in stp.domains] == [str(n) for n in range(1, 9)]
    assert stp.missing_count == 0


def test_bands_and_ranks_use_the_final_index(published):
    ranks = {code: (result_of(code).rank, result_of(code).band) for code in SCENARIO}
    # On the base alone Sở Y tế (95) would rank above Sở Tư pháp (90).
    assert ranks == {"92-sct": (1, "Rất tốt"), "92-stp": (2, "Rất tốt"), "92-syt": (3, "Rất tốt")}


def test_without_caps_the_period_applies_the_nodes_own_maxima(published):
    published.bonus_cap = None
    published.deduction_cap = None
    published.save()
    services.scores_recompute(period=published)
    assert (result_of("92-stp").bonus, result_of("92-stp").points) == (D("5"), D("95"))
    assert (result_of("92-syt").deduction, result_of("92-syt").points) == (D("5"), D("90"))


def test_the_snapshot_row_carries_base_bonus_and_deduction_as_text_at_full_precision(published):
    row = PublishedUnit.objects.get(publication__period=published, unit_code="92-stp").row
    assert {key: row[key] for key in ("base_points", "bonus", "deduction", "points")} == {
        "base_points": "90.0000",
        "bonus": "3.0000",
        "deduction": "0.0000",
        "points": "93.0000",
    }
    group = published.publications.get().groups[0]
    assert [d["code"] for d in group["domains"]] == [str(n) for n in range(1, 9)]
    assert [(d["code"], d["method"]) for d in group["adjustments"]] == [("9", "bonus"), ("10", "deduction")]


def test_a_framework_without_bonus_keeps_its_snapshot_shape_and_shows_no_bonus_columns(client, published):
    group = selectors.period_overview("2017-so")["groups"][0]
    html = client.get(reverse("scoring:ranking", args=["2017-so", group["code"]])).content.decode()
    assert "Điểm cơ bản" not in html
    assert "Điểm thưởng" not in html
    card = client.get(reverse("scoring:scorecard", args=["2017-so", "92-stp"])).content.decode()
    assert "Điểm cơ bản" not in card
    assert "diem-thuong-diem-tru" not in card


def test_the_scorecard_shows_base_bonus_and_deduction_and_their_own_section(client, published):
    html = client.get(reverse("scoring:scorecard", args=[CODE, "92-stp"])).content.decode()
    for text in (
        "Chỉ số</span><strong>93,00%",
        "Tổng điểm</span><strong>93,00/100,00",
        "Điểm cơ bản</span><strong>90,00",
        "Điểm thưởng</span><strong>+3,00",
        "Điểm trừ</span><strong>0,00",
    ):
        assert text in html, text
    section = html[html.index('id="diem-thuong-diem-tru"') :]
    assert "Sáng kiến cải cách hành chính được cấp có thẩm quyền công nhận" in section
    assert "Điểm được thưởng tối đa" not in section
    assert "Điểm thưởng được cộng tối đa 3 điểm" in section
    assert "Điểm trừ tối đa 4 điểm" in section
    assert "Cộng (+), trừ (−) sau điểm cơ bản" in section
    assert "+2,00" in section  # 9.2 appraised at 2
    # The base table stops before the bonus part: part 9 has no row among the base's domains.
    base_table = html[: html.index('id="diem-thuong-diem-tru"')]
    assert "Mô hình cải cách hành chính được nhân rộng" not in base_table


def test_a_deduction_on_the_scorecard_reads_as_points_taken_off(client, published):
    html = client.get(reverse("scoring:scorecard", args=[CODE, "92-syt"])).content.decode()
    section = html[html.index('id="diem-thuong-diem-tru"') :]
    assert "−3,00" in section
    assert "−2,00" in section
    assert "Điểm trừ</span><strong>−4,00" in html


def test_the_ranking_shows_base_bonus_and_deduction_columns_for_such_a_framework(client, published):
    url = reverse("scoring:ranking", args=[CODE, "thu-thuong-tru-nhom"])
    html = client.get(url).content.decode()
    table = html[html.index('<table class="ranking">') :]
    headers = re.findall(r"<th[^>]*><a [^>]*>([^<]+)</a>", table)
    assert headers[:6] == ["Hạng", "Đơn vị", "Tổng điểm", "Điểm cơ bản", "Điểm thưởng", "Điểm trừ"]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    assert first_row.count("<td") == len(headers)
    # Sorted by the bonus, most first: 92-stp (3) before 92-sct (1) before 92-syt (0).
    sorted_html = client.get(url, {"sap-xep": "diem-thuong"}).content.decode()
    assert sorted_html.index("92-stp") < sorted_html.index("92-sct") < sorted_html.index("92-syt")
    assert "LV9" not in html
    assert "LV10" not in html
    assert "Tổng điểm = điểm cơ bản + điểm thưởng − điểm trừ" in html


def test_the_json_twins_carry_the_figures_at_full_precision(client, published):
    ranking = json_body(
        client.get(reverse("scoring:ranking", args=[CODE, "thu-thuong-tru-nhom"]), {"format": "json"})
    )
    row = next(r for r in ranking["rows"] if r["unit_code"] == "92-syt")
    assert (row["base_points"], row["bonus"], row["deduction"]) == ("95.0000", "0.0000", "4.0000")
    card = json.loads(
        client.get(reverse("scoring:scorecard", args=[CODE, "92-syt"]), {"format": "json"}).content
    )
    assert card["result"]["deduction"] == "4.0000"
    assert [n["code"] for n in card["adjustment_nodes"]] == ["9", "9.1", "9.2", "10", "10.1", "10.2"]


def test_open_data_describes_and_exports_the_new_fields(client, published):
    response = client.get(reverse("scoring:ranking", args=[CODE, "thu-thuong-tru-nhom"]), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    stp = next(r for r in rows if r["unit_code"] == "92-stp")
    assert (stp["base_points"], stp["bonus"], stp["bonus_display"], stp["deduction"]) == (
        "90.0000",
        "3.0000",
        "3.00",
        "0.0000",
    )
    card = client.get(reverse("scoring:scorecard", args=[CODE, "92-syt"]), {"format": "csv"})
    lines = list(csv.DictReader(io.StringIO(card.content.decode("utf-8-sig"))))
    assert [(r["code"], r["method"], r["points"]) for r in lines if r["code"].startswith("10.")] == [
        ("10.1", "Điểm trừ", "3.0000"),
        ("10.2", "Điểm trừ", "2.0000"),
    ]
    catalogue = client.get(reverse("scoring:open_data")).content.decode()
    assert "Điểm thưởng được cộng, sau khi áp dụng mức tối đa của kỳ" in catalogue


def test_the_ranking_workbook_has_base_bonus_and_deduction_columns(published):
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(selectors.ranking_export(published))))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "STT")
    assert ["Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm"] == [
        cell for cell in header if cell in ("Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm")
    ]
    rows = values[values.index(header) + 1 : values.index(header) + 4]
    columns = [
        header.index(name) for name in ("Đơn vị", "Điểm cơ bản", "Điểm thưởng", "Điểm trừ", "Tổng điểm")
    ]
    assert [[row[i] for i in columns] for row in rows] == [
        ["Sở Công Thương", 99, 1, 1, 99],
        ["Sở Tư pháp", 90, 3, 0, 93],
        ["Sở Y tế", 95, 0, 4, 91],
    ]


def test_the_gap_analysis_counts_a_deduction_as_points_lost_and_a_bonus_not_earned_as_none(published):
    gaps = selectors.gap_analysis(CODE, "92-syt")
    deductions = {item["code"]: item for item in gaps["appraisal"] if item["method"] == "deduction"}
    assert {code: item["lost"] for code, item in deductions.items()} == {"10.1": D("3"), "10.2": D("2")}
    assert deductions["10.1"]["points"] == D("-3")
    # The group deducted 3 + 0 + 1 points on 10.1 (mean 4/3): compared on the same signed scale.
    assert deductions["10.1"]["group_mean"] == -D(4) / 3
    assert deductions["10.1"]["from_group_mean"] == D(-3) + D(4) / 3
    assert not [item for item in gaps["appraisal"] if item["method"] == "bonus"]
    assert "9" not in [domain["code"] for domain in gaps["domain_totals"]]
    # 92-stp earned bonus on 9.1 and 9.2 but not all of the bonus part: nothing listed for it.
    assert not [
        item for item in selectors.gap_analysis(CODE, "92-stp")["appraisal"] if item["code"][0] == "9"
    ]
