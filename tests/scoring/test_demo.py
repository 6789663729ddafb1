"""The demo reproduces Cần Thơ's published 2017 figures and is idempotent."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from scoring import calculator
from scoring.models import AssessmentResult, Period, ScoreEntry
from scoring.selectors import ranking_for_period, unit_scorecard

pytestmark = pytest.mark.django_db

PUBLISHED_DOMAINS = {  # published-facts.md: points, percentage
    "1": ("8.25", "82.50"),
    "2": ("8.73", "87.30"),
    "3": ("14.00", "96.55"),
    "4": ("8.83", "80.27"),
    "5": ("12.05", "75.30"),
    "6": ("5.21", "74.43"),
    "7": ("11.99", "74.93"),
    "8": ("14.47", "93.35"),
}
PUBLISHED_LOSSES = {
    "1.2": ("1.75", "3"),
    "1.6": ("0.5", "1"),
    "3.2.3": ("0.5", "1"),
    "4.1.2": ("0.5", "1.5"),
    "8.2.2": ("0.5", "1"),
    "5.1.2": ("0", "1"),
    "5.5.2": ("0", "0.5"),
    "6.2.3": ("0", "1"),
    "7.2.1": ("0", "0.5"),
    "7.2.2": ("0", "1"),
    "7.3.1": ("0", "0.5"),
}


def test_cantho_2017_domains_and_index_match_the_publication(demo):
    card = unit_scorecard("2017-tinh", "92")
    domains = {n["code"]: n for n in card["nodes"] if n["level"] == "domain"}
    for code, (points, percent) in PUBLISHED_DOMAINS.items():
        assert calculator.round_display(domains[code]["points"]) == D(points), code
        assert calculator.round_display(domains[code]["percentage"]) == D(percent), code
    assert calculator.round_display(card["result"]["index"]) == D("83.53")
    assert card["result"]["max_points"] == D("100")


def test_cantho_2017_appraisal_losses_are_exactly_the_published_eleven(demo):
    entries = ScoreEntry.objects.filter(assessment__period__code="2017-tinh").select_related("node")
    lost = {
        e.node.code: (e.final_points, e.node.max_points)
        for e in entries
        if e.node.method == "appraisal" and e.final_points < e.node.max_points
    }
    assert lost == {code: (D(p), D(m)) for code, (p, m) in PUBLISHED_LOSSES.items()}


def test_department_bands_match_the_published_counts(demo):
    ranking = ranking_for_period("2017-so", "cantho-so-2017")
    counts = {band["name"]: band["count"] for band in ranking["bands"]}
    assert counts == {"Rất tốt": 4, "Tốt": 5, "Khá": 11, "Trung bình": 0, "Yếu": 0}
    assert ranking["unit_count"] == 20
    ranks = [row["rank"] for row in ranking["rows"]]
    assert ranks[10:13] == [11, 11, 13]  # two departments tie at 78.85


def test_district_bands_and_mean_match_the_publication(demo):
    ranking = ranking_for_period("2017-huyen", "cantho-huyen-2017")
    counts = {band["name"]: band["count"] for band in ranking["bands"]}
    assert (counts["Rất tốt"], counts["Tốt"], counts["Khá"]) == (0, 7, 2)
    assert calculator.round_display(ranking["mean_index"]) == D("83.78")
    assert {row["unit_name"] for row in ranking["rows"] if row["band"] == "Khá"} == {
        "Huyện Vĩnh Thạnh",
        "Quận Cái Răng",
    }


def test_unit_bands_follow_the_published_list(demo):
    import csv
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "fixtures" / "sources" / "cantho-units-2017.csv"
    with open(path, encoding="utf-8") as handle:
        published = {row["name_vi"]: row["band_2017"] for row in csv.DictReader(handle)}
    results = AssessmentResult.objects.filter(assessment__period__code__in=["2017-so", "2017-huyen"])
    assert {r.assessment.unit.name: r.band for r in results.select_related("assessment__unit")} == published


def test_published_demo_periods_hold_finalised_assessments_only(demo):
    from scoring.models import Assessment

    published = Assessment.objects.filter(period__code__startswith="2017-")
    assert published.count() == 30
    assert set(published.values_list("status", flat=True)) == {"finalised"}
    assessment = published.first()
    assert assessment.history.first().status == "finalised"  # the change is in the history


def test_the_current_period_is_open_so_every_role_can_act(demo):
    from scoring import demo_current, policy

    today = policy.today()
    period = Period.objects.get(code=demo_current.current_code(today.year))
    assert period.status == "self_assessment"
    assert period.self_assessment_deadline > today  # officers can fill at once
    assert period.appraisal_deadline > period.self_assessment_deadline
    # The 20 departments of 2017, Sở Kế hoạch và Đầu tư and Sở Tài chính merged in 2025 into one (fixtures).
    assert period.assessments.count() == 19
    assert period.assessments.filter(unit__code="92-stc-2025").exists()
    statuses = dict(period.assessments.values_list("unit__code", "status"))
    assert statuses["92-syt"] == "submitted"  # the leader of Sở Y tế may withdraw
    assert statuses["92-stp"] == "draft"
    assert ScoreEntry.objects.filter(
        assessment__period=period, assessment__unit__code="92-stp", self_points__isnull=False
    ).exists()
    assert not ScoreEntry.objects.filter(assessment__period=period, final_points__isnull=False).exists()
    assert period.assignments.filter(appraiser__username="thamdinh", unit__isnull=True).exists()
    # Everything was entered by the demo's own accounts, as the history shows.
    entry = ScoreEntry.objects.filter(assessment__period=period, assessment__unit__code="92-syt").first()
    assert entry.history.first().history_user.username == "canbo.syt"
    assert period.events.filter(action="submit", actor__username="lanhdao.syt").exists()
    # Incomplete results carry no band or rank.
    assert not AssessmentResult.objects.filter(assessment__period=period).exclude(band="").exists()


def snapshot():
    return (
        sorted(ScoreEntry.objects.values_list("id", "final_points", "self_points", "version", "updated_at")),
        sorted(AssessmentResult.objects.values_list("id", "index", "rank", "computed_at", "domains")),
        sorted(Period.objects.values_list("code", "status", "published_at")),
    )


def test_seed_demo_again_changes_nothing(demo, capsys):
    call_command("seed_demo")  # accounts are created by the first call of the command
    capsys.readouterr()
    before = snapshot()
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "không thay đổi gì" in output
    assert "sonoivu " not in output  # passwords are printed once only
    assert snapshot() == before


def test_demo_passwords_are_random_per_installation(demo, capsys):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user_model.objects.filter(username="canbo.stp").update(username="canbo.stp.cu")
    call_command("seed_demo")
    output = capsys.readouterr().out
    line = next(line for line in output.splitlines() if line.strip().startswith("canbo.stp "))
    password = line.split()[1]
    user = user_model.objects.get(username="canbo.stp")
    assert len(password) >= 16
    assert user.check_password(password)
    assert user.unit_memberships.get().unit.code == "92-stp"
    assert "sonoivu " not in output  # only the missing account is created and printed


def test_seed_demo_without_reference_data_explains_what_to_do(demo):
    from django.core.management.base import CommandError

    from scoring.models import Framework

    Framework.objects.filter(code="qd2948-tinh").update(code="renamed")
    with pytest.raises(CommandError, match="dữ liệu tham chiếu"):
        call_command("seed_demo")


def test_the_2018_demo_periods_follow_2017_and_rank_the_districts_in_their_blocks(demo):
    so, huyen = Period.objects.get(code="2018-so"), Period.objects.get(code="2018-huyen")
    assert (so.previous.code, huyen.previous.code) == ("2017-so", "2017-huyen")
    assert so.is_demo
    assert huyen.is_demo
    assert so.status == huyen.status == "published"
    assert set(huyen.ranking_groups.values_list("code", flat=True)) == {
        "cantho-khoi-quan",
        "cantho-khoi-huyen",
    }
    assert not so.ranking_groups.exists()
    ranking = ranking_for_period("2018-huyen", "cantho-huyen-2018")
    rows = {row["unit_code"]: row for row in ranking["rows"]}
    assert rows["926"]["rank"] == rows["927"]["rank"] == 2  # Phong Điền and Thới Lai tie
    assert [(g["code"], g["rank"], g["size"]) for g in rows["926"]["group_ranks"]] == [
        ("cantho-khoi-huyen", 1, 4)
    ]
    assert [(g["code"], g["rank"], g["size"]) for g in rows["927"]["group_ranks"]] == [
        ("cantho-khoi-huyen", 1, 4)
    ]
    assert [(g["code"], g["rank"], g["size"]) for g in rows["918"]["group_ranks"]] == [
        ("cantho-khoi-quan", 1, 5)
    ]
    # 2017 → 2018 for every unit, by code
    assert {row["previous_period"] for row in ranking["rows"]} == {"2017-huyen"}
    assert rows["918"]["index_change"] == D("0.45")
    assert rows["918"]["rank_change"] == 0
    departments = {row["unit_code"]: row for row in ranking_for_period("2018-so", "cantho-so-2018")["rows"]}
    assert departments["92-sct"]["rank_change"] == 1
    assert departments["92-skhcn"]["rank_change"] == -1


def test_the_2018_figures_are_labelled_illustrative(demo):
    from scoring.models import WorkflowEvent

    event = WorkflowEvent.objects.get(
        period__code="2018-so", action="import_historical", assessment__isnull=True
    )
    assert "minh họa" in event.reason
