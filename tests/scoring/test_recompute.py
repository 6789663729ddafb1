"""scores_recompute: stored results equal the calculator's, normalisation, ranks, stamps."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from scoring import calculator, services
from scoring.calculator import LeafScore, TreeNode
from scoring.models import AssessmentResult, FrameworkNode, ScoreEntry
from scoring.selectors import unit_scorecard
from scoring.services.publication import publication_write

from .builders import build_period

pytestmark = pytest.mark.django_db


def calculator_totals(assessment):
    nodes = [
        TreeNode(n.code, n.parent.code if n.parent else None, n.max_points, n.is_scorable)
        for n in FrameworkNode.objects.filter(framework=assessment.period_group.framework)
        .select_related("parent")
        .order_by("order")
    ]
    leaves = {
        e.node.code: LeafScore(e.final_points, e.not_applicable)
        for e in assessment.entries.select_related("node")
    }
    return calculator.tree_totals(nodes, leaves)


def test_stored_results_equal_the_calculator_for_every_domain_and_the_total(demo):
    period = build_period(6)
    for assessment in period.assessments.select_related("period_group__framework", "result"):
        expected = calculator_totals(assessment)
        stored = {code: figures for code, *figures in assessment.result.domains}
        assert list(stored) == list("12345678")
        for code, (points, max_points, percentage) in stored.items():
            assert D(points) == expected[code].points, code
            assert D(max_points) == expected[code].max_points, code
            assert D(percentage) == expected[code].percentage, code
        total = calculator.total_of([expected[c] for c in "12345678"])
        assert assessment.result.points == total.points
        assert assessment.result.max_points == total.max_points
        assert assessment.result.index == total.percentage


def test_the_scorecard_shows_every_node_as_the_calculator_sums_it(demo):
    period = build_period(2, code="the")
    period.status = "published"
    period.save()
    assessment = period.assessments.first()
    expected = calculator_totals(assessment)
    card = unit_scorecard("the", assessment.unit.code)
    assert len(card["nodes"]) == 127
    for row in card["nodes"]:
        assert row["points"] == expected[row["code"]].points, row["code"]
        assert row["max_points"] == expected[row["code"]].max_points, row["code"]


def test_not_applicable_nodes_are_left_out_of_points_and_max(demo):
    period = build_period(2, code="na")
    period.status = "published"
    period.save()
    assessment = period.assessments.order_by("unit__code").first()
    actor = get_user_model().objects.get(username="sonoivu")
    services.score_entries_fill(
        assessment=assessment, acting_user=actor, values_by_code={"5.1.2": {"not_applicable": True}}
    )
    services.scores_recompute(period=period)
    result = AssessmentResult.objects.get(assessment=assessment)
    assert result.max_points == D("99")
    assert result.missing_count == 0
    domain5 = next(item for item in result.domains if item[0] == "5")
    assert D(domain5[2]) == D("15")
    expected = calculator_totals(assessment)
    assert result.index == calculator.total_of([expected[c] for c in "12345678"]).percentage
    published = {row["code"]: row for row in unit_scorecard("na", assessment.unit.code)["nodes"]}
    assert published["5.1"]["max_points"] == D("2")  # published figures do not follow later changes
    publication_write(period, acting_user=actor)  # a new version does
    card = {row["code"]: row for row in unit_scorecard("na", assessment.unit.code)["nodes"]}
    assert card["5.1"]["max_points"] == D("1")
    assert card["5.1.2"]["not_applicable"] is True
    assert card["5.1.2"]["points"] is None


def test_ties_share_a_rank_and_the_next_rank_skips(demo):
    period = build_period(4, code="hoa")
    assessments = list(period.assessments.order_by("unit__code"))
    # Make the first two identical.
    for source, target in zip(
        assessments[0].entries.order_by("node_id"), assessments[1].entries.order_by("node_id"), strict=True
    ):
        ScoreEntry.objects.filter(pk=target.pk).update(
            appraised_points_r1=source.appraised_points_r1,
            survey_points=source.survey_points,
            final_points=source.final_points,
        )
    services.scores_recompute(period=period)
    results = {r.assessment_id: r for r in AssessmentResult.objects.filter(assessment__period=period)}
    first, second = results[assessments[0].pk], results[assessments[1].pk]
    assert first.rank == second.rank
    ranks = sorted(r.rank for r in results.values())
    expected = calculator.competition_ranks({pk: r.index for pk, r in results.items()})
    assert {pk: r.rank for pk, r in results.items()} == expected
    assert ranks.count(first.rank) == 2
    assert all(r.group_size == 4 for r in results.values())


def test_results_are_stamped_with_time_inputs_and_framework(demo):
    period = build_period(2, code="dau")
    result = AssessmentResult.objects.filter(assessment__period=period).first()
    latest = max(result.assessment.entries.values_list("updated_at", flat=True))
    assert result.inputs_count == 89
    assert result.inputs_updated_at == latest
    assert result.framework_code == "qd2948-tinh"
    assert result.computed_at >= latest
    assert result.missing_count == 0


def test_recompute_replaces_results_without_duplicates(demo):
    period = build_period(3, code="lai")
    services.scores_recompute(period=period)
    services.scores_recompute(period=period)
    assert AssessmentResult.objects.filter(assessment__period=period).count() == 3


def test_an_unscored_node_leaves_the_result_without_band_or_rank(demo):
    period = build_period(2, code="thieu")
    assessment = period.assessments.first()
    services.score_entries_fill(
        assessment=assessment,
        acting_user=get_user_model().objects.get(username="sonoivu"),
        values_by_code={"1.2": {"appraised_points_r1": None}},
    )
    services.scores_recompute(period=period)
    result = AssessmentResult.objects.get(assessment=assessment)
    assert (result.missing_count, result.band, result.rank) == (1, "", None)
    other = AssessmentResult.objects.exclude(assessment=assessment).get(assessment__period=period)
    assert other.rank == 1
    assert other.group_size == 1


def test_recompute_uses_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    small = build_period(3, code="nho")
    large = build_period(60, code="lon")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        services.scores_recompute(period=small)
    with CaptureQueriesContext(connection) as large_queries:
        services.scores_recompute(period=large)
    assert len(small_queries) == len(large_queries)


# ---------------------------------------------------------------- score validation in the service


@pytest.fixture
def entry(demo):
    return ScoreEntry.objects.select_related("node", "assessment").get(
        assessment__period__code="2017-tinh", node__code="1.2"
    )


def fill(entry, **values):
    actor = get_user_model().objects.get(username="sonoivu")
    return services.score_entries_fill(
        assessment=entry.assessment, acting_user=actor, values_by_code={entry.node.code: values}
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("self_points", D("3.25"), "vượt điểm tối đa 3"),
        ("appraised_points_r1", D("-0.25"), "không được âm"),
        ("appraised_points_r2", D("1.12345"), "tối đa 4 chữ số thập phân"),
        ("survey_points", D("NaN"), "phải là số"),
        ("self_points", "1", "phải là số"),
        ("survey_points", D("1E+999"), "quá lớn"),
    ],
)
def test_scores_outside_the_node_are_refused_and_nothing_changes(entry, field, value, message):
    before = ScoreEntry.objects.get(pk=entry.pk)
    with pytest.raises(ValidationError, match=message):
        fill(entry, **{field: value})
    after = ScoreEntry.objects.get(pk=entry.pk)
    assert (after.self_points, after.appraised_points_r1, after.version) == (
        before.self_points,
        before.appraised_points_r1,
        before.version,
    )


def test_only_score_fields_can_be_set(entry):
    with pytest.raises(ValidationError, match="final_points"):
        fill(entry, final_points=D("3"))


def test_round_two_overrides_round_one_and_history_keeps_before_and_after(entry):
    fill(entry, appraised_points_r2=D("2.5"))
    updated = ScoreEntry.objects.get(pk=entry.pk)
    assert updated.final_points == D("2.5")
    assert updated.version == entry.version + 1
    history = list(updated.history.order_by("-history_date")[:2])
    assert history[0].appraised_points_r2 == D("2.5")
    assert history[0].history_user.username == "sonoivu"
    assert history[1].appraised_points_r2 is None


def test_bulk_fill_refuses_unknown_nodes_and_writes_nothing(justice):
    actor = get_user_model().objects.get(username="sonoivu")
    before = sorted(justice.entries.values_list("id", "self_points", "version"))
    with pytest.raises(ValidationError, match="9.9"):
        services.score_entries_fill(
            assessment=justice,
            acting_user=actor,
            values_by_code={"1.2": {"self_points": D("1")}, "9.9": {"self_points": D("1")}},
        )
    with pytest.raises(ValidationError, match="vượt điểm tối đa"):
        services.score_entries_fill(
            assessment=justice,
            acting_user=actor,
            values_by_code={"1.2": {"self_points": D("1")}, "1.4": {"self_points": D("5")}},
        )
    assert sorted(justice.entries.values_list("id", "self_points", "version")) == before


def test_a_draft_framework_cannot_be_used_by_a_period(secretariat):
    from scoring.models import Framework, FrameworkStatus, Period
    from units.models import UnitGroup

    framework = Framework.objects.get(code="qd2948-tinh")
    draft = services.framework_new_version(
        framework=framework, code="qd2948-tinh-v2", acting_user=secretariat
    )
    period = services.period_create(acting_user=secretariat, code="p-draft", year=2031, title="Thử")
    with pytest.raises(ValidationError, match="dự thảo"):
        services.period_group_add(
            period=period,
            acting_user=secretariat,
            unit_group=UnitGroup.objects.get(code="cantho-tinh"),
            framework=draft,
        )
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT
    assert not Period.objects.get(pk=period.pk).groups.exists()


def test_using_a_framework_freezes_it_and_a_unit_is_assessed_once_per_period(secretariat):
    from scoring.models import Framework, FrameworkStatus
    from units.models import UnitGroup

    demo_framework = Framework.objects.get(code="minh-hoa-so-huyen-2017")
    assert demo_framework.status == FrameworkStatus.FROZEN
    period = services.period_create(
        acting_user=secretariat,
        code="p-hai-nhom",
        year=2031,
        title="Thử",
        groups=[(UnitGroup.objects.get(code="cantho-so-2017"), demo_framework)],
    )
    with pytest.raises(ValidationError, match="đã tham gia"):
        services.period_group_add(
            period=period,
            acting_user=secretariat,
            unit_group=UnitGroup.objects.get(code="cantho-so-2017"),
            framework=Framework.objects.get(code="qd2948-tinh"),
        )
    with pytest.raises(ValidationError, match="mỗi đơn vị chỉ được đánh giá một lần"):
        services.period_group_add(
            period=period,
            acting_user=secretariat,
            unit_group=UnitGroup.objects.get(code="cantho-so-minh-hoa"),
            framework=demo_framework,
        )


def test_stored_criteria_equal_the_calculator_for_every_criterion(demo):
    period = build_period(3, code="tieu-chi")
    for assessment in period.assessments.select_related("period_group__framework", "result"):
        expected = calculator_totals(assessment)
        stored = {code: figures for code, *figures in assessment.result.criteria}
        assert len(stored) == 38
        for code, (points, max_points, _percentage) in stored.items():
            assert D(points) == expected[code].points, code
            assert D(max_points) == expected[code].max_points, code


def test_a_domain_with_no_points_is_stored_as_zero_not_lost(demo):
    period = build_period(1, code="khong")
    assessment = period.assessments.get()
    services.score_entries_fill(
        assessment=assessment,
        acting_user=get_user_model().objects.get(username="sonoivu"),
        values_by_code={
            code: {"appraised_points_r1": D("0")}
            for code in assessment.entries.filter(node__domain__code="1").values_list("node__code", flat=True)
        },
    )
    services.scores_recompute(period=period)
    domain1 = AssessmentResult.objects.get(assessment=assessment).domains[0]
    assert domain1[0] == "1"
    assert D(domain1[1]) == 0
    assert D(domain1[3]) == 0


def test_an_assessment_without_entries_gets_an_empty_result(demo):
    from scoring.models import Assessment

    period = build_period(2, code="rong")
    empty = period.assessments.first()
    empty.entries.all().delete()
    services.scores_recompute(period=period)
    result = AssessmentResult.objects.get(assessment=Assessment.objects.get(pk=empty.pk))
    assert (result.points, result.max_points, result.index, result.rank, result.inputs_count) == (
        D("0"),
        D("100"),
        D("0"),
        None,
        0,
    )
