"""The yearly cycle through the services: submit, withdraw, extensions, phase changes that never dead-end,
exclusion, finalisation and publication. Every refusal changes nothing."""

import datetime
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse_lazy

from scoring import policy, services
from scoring.models import Assessment, AssessmentResult, Period, ScoreEntry, WorkflowEvent
from tests.scenarios import advance, appraise_all, self_values
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db
TODAY = policy.today()


def status_of(assessment):
    return Assessment.objects.get(pk=assessment.pk).status


def test_the_leader_saves_and_submits_in_one_step_and_it_is_logged(justice, leader_justice):
    values, versions = self_values(justice, points="1")
    services.self_assessment_submit(
        assessment=justice, acting_user=leader_justice, values=values, versions=versions
    )
    assert status_of(justice) == "submitted"
    event = WorkflowEvent.objects.get(assessment=justice, action="submit")
    assert (event.from_status, event.to_status, event.actor) == ("draft", "submitted", leader_justice)
    entry = ScoreEntry.objects.get(assessment=justice, node__code="1.2")
    assert entry.self_points == D("1")
    assert entry.history.first().history_user == leader_justice


def test_a_refused_submission_saves_nothing(justice, leader_justice, officer_justice, officer_health):
    before = list(justice.entries.values_list("self_points", "version"))
    values, versions = self_values(justice, points="1")
    for user in (officer_justice, officer_health):  # officers save; only the unit's leader submits
        with pytest.raises(PermissionDenied):
            services.self_assessment_submit(
                assessment=justice, acting_user=user, values=values, versions=versions
            )
    values.pop("1.2")
    values["1.1.1"]["self_points"] = None  # one node left unscored: the whole submission is refused
    with pytest.raises(ValidationError, match="chưa tự chấm"):
        services.self_assessment_submit(
            assessment=justice, acting_user=leader_justice, values=values, versions=versions
        )
    assert list(justice.entries.values_list("self_points", "version")) == before
    assert status_of(justice) == "draft"


def test_submission_after_the_deadline_is_refused_until_an_extension(
    justice, leader_justice, secretariat, open_period
):
    Period.objects.filter(pk=open_period.pk).update(
        self_assessment_deadline=TODAY - datetime.timedelta(days=1)
    )
    values, versions = self_values(justice)
    with pytest.raises(ValidationError, match="quá hạn"):
        services.self_assessment_submit(
            assessment=justice, acting_user=leader_justice, values=values, versions=versions
        )
    with pytest.raises(ValidationError):
        services.deadline_extend(
            period=open_period,
            unit=justice.unit,
            phase="self_assessment",
            deadline=TODAY,
            reason="",
            acting_user=secretariat,
        )
    with pytest.raises(PermissionDenied):
        services.deadline_extend(
            period=open_period,
            unit=justice.unit,
            phase="self_assessment",
            deadline=TODAY,
            reason="Ốm",
            acting_user=leader_justice,
        )
    services.deadline_extend(
        period=open_period,
        unit=justice.unit,
        phase="self_assessment",
        deadline=TODAY + datetime.timedelta(days=2),
        reason="Đơn vị mới sáp nhập",
        acting_user=secretariat,
    )
    services.self_assessment_submit(
        assessment=justice, acting_user=leader_justice, values=values, versions=versions
    )
    assert status_of(justice) == "submitted"
    assert WorkflowEvent.objects.filter(assessment=justice, action="extend").exists()


def test_an_extension_needs_a_unit_of_the_period(open_period, secretariat):
    outsider = Unit.objects.get(code="916")  # a district: not in the departments' period
    with pytest.raises(ValidationError, match="không tham gia"):
        services.deadline_extend(
            period=open_period,
            unit=outsider,
            phase="explanation",
            deadline=TODAY,
            reason="x",
            acting_user=secretariat,
        )


def test_withdrawal_needs_a_reason_and_reopens_the_form(health, secretariat):
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.get(username="lanhdao.syt")
    with pytest.raises(ValidationError):
        services.self_assessment_withdraw(assessment=health, acting_user=leader, reason=" ")
    services.self_assessment_withdraw(assessment=health, acting_user=leader, reason="Sửa số liệu 3.3.1")
    assert status_of(health) == "draft"
    assert WorkflowEvent.objects.get(assessment=health, action="withdraw").reason == "Sửa số liệu 3.3.1"
    with pytest.raises(ValidationError):  # nothing to withdraw any more
        services.self_assessment_withdraw(assessment=health, acting_user=leader, reason="lại")


def test_opening_a_period_creates_every_members_assessment(secretariat):
    group = UnitGroup.objects.get(code="cantho-huyen-2017")
    framework = Period.objects.get(code="2017-huyen").groups.get().framework
    period = services.period_create(acting_user=secretariat, code="2030-huyen", year=2030, title="Huyện 2030")
    problems = services.cycle.advance_problems(period)
    assert len(problems) == 3  # no group, no band, no deadline
    with pytest.raises(ValidationError):
        services.period_advance(period=period, acting_user=secretariat, expected_status="setup")
    services.period_group_add(period=period, acting_user=secretariat, unit_group=group, framework=framework)
    services.period_bands_set(
        period=period, acting_user=secretariat, bands=[services.BandSpec("Đạt", D("0"))]
    )
    services.period_update(
        period=period,
        acting_user=secretariat,
        title="Huyện 2030",
        deadlines={"self_assessment_deadline": TODAY + datetime.timedelta(days=5)},
    )
    result = services.period_advance(period=period, acting_user=secretariat, expected_status="setup")
    assert result.opened == 9
    assert period.assessments.count() == 9
    assert ScoreEntry.objects.filter(assessment__period=period).count() == 9 * 36
    assert WorkflowEvent.objects.filter(period=period, action="open").count() == 9
    with pytest.raises(ValidationError, match="đã chuyển"):  # a second click on the same preview
        services.period_advance(period=period, acting_user=secretariat, expected_status="setup")


def test_entering_appraisal_locks_unsubmitted_assessments_instead_of_waiting(
    submitted, appraiser, secretariat, open_period
):
    advance(open_period, secretariat)
    assessments = {a.unit.code: a for a in open_period.assessments.select_related("unit")}
    assert assessments["92-stp"].status == "under_appraisal"
    assert not assessments["92-stp"].late_submission
    late = assessments["92-sct"]
    assert (late.status, late.late_submission) == ("under_appraisal", True)
    assert WorkflowEvent.objects.get(assessment=late, action="lock_late").actor == secretariat
    # The appraiser scores it on what it holds: no self score, no evidence → 0 with the standard reason.
    services.appraisal_accept_proposals(assessment=late, acting_user=appraiser, round=1)
    entry = ScoreEntry.objects.get(assessment=late, node__code="1.2")
    assert entry.appraised_points_r1 == D("0")
    assert entry.appraisal_reason_r1 == services.appraisal.REASON_NOT_SCORED


def test_an_unanswered_explanation_goes_to_round_two_marked(returned, secretariat, open_period):
    advance(open_period, secretariat)  # the unit never sent its explanation
    returned.refresh_from_db()
    assert (returned.status, returned.explanation_missed) == ("under_appraisal", True)
    assert policy.open_round(period_status="final_appraisal", assessment_status=returned.status) == 2


def test_an_excluded_unit_is_listed_but_never_ranked(under_appraisal, secretariat):
    with pytest.raises(ValidationError):
        services.assessment_exclude(assessment=under_appraisal, acting_user=secretariat, reason="")
    services.assessment_exclude(
        assessment=under_appraisal, acting_user=secretariat, reason="Sáp nhập vào Sở Nội vụ từ 01/03"
    )
    under_appraisal.refresh_from_db()
    assert under_appraisal.status == "excluded"
    result = AssessmentResult.objects.get(assessment=under_appraisal)
    assert (result.rank, result.band) == (None, "")


def test_finalisation_waits_for_survey_points_or_a_waiver(returned, appraiser, secretariat, open_period):
    advance(open_period, secretariat)  # final appraisal
    others = open_period.assessments.exclude(pk=returned.pk)
    for assessment in others:
        services.assessment_exclude(
            assessment=assessment, acting_user=secretariat, reason="Thử nghiệm một đơn vị"
        )
    with pytest.raises(ValidationError, match="chưa có điểm"):
        services.assessments_finalise(period=open_period, acting_user=secretariat)
    survey = list(returned.entries.filter(node__method="survey").select_related("node"))
    values = [services.SurveyValue(e.pk, e.version, e.node.max_points / 2) for e in survey[1:]]
    values.append(services.SurveyValue(survey[0].pk, survey[0].version, None, True, "Không đủ phiếu hợp lệ"))
    services.survey_points_record(period=open_period, acting_user=secretariat, values=values)
    assert services.assessments_finalise(period=open_period, acting_user=secretariat) == 1
    publication = services.period_publish(period=open_period, acting_user=secretariat)
    assert publication.version == 1
    with pytest.raises(ValidationError, match="đã được công bố"):
        services.period_publish(period=open_period, acting_user=secretariat)
    rows = publication.groups[0]["rows"]
    assert rows[0]["unit_code"] == "92-stp"
    assert rows[0]["rank"] == 1
    assert all(row["excluded"] and row["rank"] is None for row in rows[1:])


def test_publication_is_refused_while_an_assessment_is_open(under_appraisal, secretariat, open_period):
    with pytest.raises(ValidationError, match="thẩm định lần 2"):
        services.period_publish(period=open_period, acting_user=secretariat)


def test_nobody_but_the_secretariat_moves_a_period(open_period, leader_justice, appraiser):
    for user in (leader_justice, appraiser):
        with pytest.raises(PermissionDenied):
            services.period_advance(period=open_period, acting_user=user, expected_status=open_period.status)
    assert Period.objects.get(pk=open_period.pk).status == "self_assessment"


def test_the_whole_cycle_with_explanation_and_round_two(returned, appraiser, secretariat, open_period):
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.get(username="lanhdao.stp")
    entry = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    services.explanation_send(
        assessment=returned,
        acting_user=leader,
        responses={"1.2": "Báo cáo quý IV gửi ngày 28/12 (số 98/BC-STP)"},
        versions={"1.2": entry.version},
    )
    assert status_of(returned) == "explained"
    advance(open_period, secretariat)
    returned.refresh_from_db()
    appraise_all(
        returned, appraiser, round_=2, changes={"1.2": {"points": D("1.5"), "reason": "Đã bổ sung, nộp chậm"}}
    )
    assert ScoreEntry.objects.get(pk=entry.pk).final_points == D("1.5")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers on several connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overlapping_recomputes_queue_on_the_period_lock_instead_of_failing():
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(username="sonoivu")
    period = Period.objects.get(code="2017-so")
    errors = []

    def recompute():
        try:
            services.period_recompute(period=period, acting_user=actor)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert AssessmentResult.objects.filter(assessment__period=period).count() == 20


def test_nobody_is_marked_late_before_their_deadline(open_period, secretariat):
    from tests.scenarios import let_deadline_pass

    with pytest.raises(ValidationError, match="chưa hết hạn"):
        services.period_advance(
            period=open_period, acting_user=secretariat, expected_status="self_assessment"
        )
    let_deadline_pass(open_period, secretariat)
    justice = Assessment.objects.get(period=open_period, unit__code="92-stp")
    services.deadline_extend(
        period=open_period,
        unit=justice.unit,
        phase="self_assessment",
        deadline=TODAY + datetime.timedelta(days=3),
        reason="Đơn vị mới sáp nhập",
        acting_user=secretariat,
    )
    with pytest.raises(
        ValidationError, match=r"Còn 1 đơn vị chưa nộp bản tự đánh giá mà chưa hết hạn: Sở Tư pháp"
    ):
        services.period_advance(
            period=open_period, acting_user=secretariat, expected_status="self_assessment"
        )
    assert not Assessment.objects.filter(period=open_period, late_submission=True).exists()


def test_an_exclusion_made_by_mistake_is_undone_within_the_phase(client, health, secretariat, open_period):
    services.assessment_exclude(assessment=health, acting_user=secretariat, reason="Nhầm đơn vị")
    client.force_login(secretariat)
    client.post(reverse_lazy("backoffice:inclusion", args=[open_period.pk, health.pk]))
    health.refresh_from_db()
    assert (health.status, health.exclusion_reason) == ("submitted", "")
    assert WorkflowEvent.objects.filter(assessment=health, action="include", actor=secretariat).exists()
    services.assessment_exclude(assessment=health, acting_user=secretariat, reason="Giải thể")
    from tests.scenarios import advance

    advance(open_period, secretariat)
    with pytest.raises(ValidationError, match="đã chuyển giai đoạn"):
        services.assessment_include(assessment=health, acting_user=secretariat)
