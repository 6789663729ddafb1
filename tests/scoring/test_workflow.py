"""The two state machines: every transition per role, deadlines and extensions, refusals change nothing."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring import services, workflow
from scoring.models import AppraiserAssignment, Assessment, Period, WorkflowEvent
from scoring.roles import APPRAISER_GROUP, OFFICER_GROUP
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_user(username, group, unit_code=None, role="officer"):
    user = get_user_model().objects.create_user(
        username=username, password="irrelevant-in-tests", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    if unit_code:
        Membership.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
    return user


@pytest.fixture
def period(demo):
    """The demo's 2018 department period, open for self-assessment for ten more days."""
    period = Period.objects.get(code="2018-so")
    period.self_assessment_deadline = TODAY + datetime.timedelta(days=10)
    period.explanation_deadline = TODAY + datetime.timedelta(days=20)
    period.save()
    return period


@pytest.fixture
def assessment(period):
    return Assessment.objects.get(period=period, unit__code="92-stp")


@pytest.fixture
def leader(demo):
    return make_user("lanhdao-stp", OFFICER_GROUP, "92-stp", role="leader")


@pytest.fixture
def appraiser(period):
    user = make_user("thamdinh-1", APPRAISER_GROUP)
    AppraiserAssignment.objects.create(period=period, appraiser=user, unit=Unit.objects.get(code="92-stp"))
    return user


def status_of(assessment):
    return Assessment.objects.get(pk=assessment.pk).status


def test_the_leader_submits_and_the_transition_is_logged(assessment, leader):
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    assert status_of(assessment) == "submitted"
    event = WorkflowEvent.objects.get(assessment=assessment)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "submit",
        "draft",
        "submitted",
        leader,
    )
    assert Assessment.objects.get(pk=assessment.pk).history.first().status == "submitted"


def test_an_officer_may_not_submit_and_nobody_outside_the_unit_may(
    assessment, officer_justice, officer_health
):
    for user in (
        officer_justice,
        officer_health,
        make_user("lanhdao-syt", OFFICER_GROUP, "92-syt", "leader"),
    ):
        with pytest.raises(PermissionDenied, match="không có quyền"):
            workflow.assessment_transition(assessment=assessment, action="submit", acting_user=user)
    assert status_of(assessment) == "draft"
    assert not WorkflowEvent.objects.filter(assessment=assessment).exists()


def test_submission_after_the_deadline_is_refused_until_an_extension(period, assessment, leader, secretariat):
    period.self_assessment_deadline = TODAY - datetime.timedelta(days=1)
    period.save()
    assert not workflow.self_assessment_editable(Assessment.objects.get(pk=assessment.pk))
    with pytest.raises(ValidationError, match="Đã quá hạn tự đánh giá"):
        workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    with pytest.raises(ValidationError, match="lý do"):
        workflow.deadline_extend(
            period=period,
            unit=assessment.unit,
            phase="self_assessment",
            deadline=TODAY,
            reason=" ",
            acting_user=secretariat,
        )
    with pytest.raises(PermissionDenied):
        workflow.deadline_extend(
            period=period,
            unit=assessment.unit,
            phase="self_assessment",
            deadline=TODAY,
            reason="x",
            acting_user=leader,
        )
    workflow.deadline_extend(
        period=period,
        unit=assessment.unit,
        phase="self_assessment",
        deadline=TODAY,
        reason="Đơn vị sáp nhập phòng chuyên môn",
        acting_user=secretariat,
    )
    assert workflow.self_assessment_editable(Assessment.objects.get(pk=assessment.pk))
    other = Assessment.objects.get(period=period, unit__code="92-syt")
    assert not workflow.self_assessment_editable(other)  # the extension is for one unit only
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    assert status_of(assessment) == "submitted"
    assert WorkflowEvent.objects.filter(assessment=assessment, action="extend").exists()


def test_an_extension_needs_a_participating_unit(period, secretariat):
    with pytest.raises(ValidationError, match="không tham gia"):
        workflow.deadline_extend(
            period=period,
            unit=Unit.objects.get(code="916"),
            phase="self_assessment",
            deadline=TODAY,
            reason="x",
            acting_user=secretariat,
        )


def test_withdrawal_needs_a_reason_and_reopens_the_form(assessment, leader):
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    assert not workflow.self_assessment_editable(Assessment.objects.get(pk=assessment.pk))
    with pytest.raises(ValidationError, match="Nhập lý do"):
        workflow.assessment_transition(assessment=assessment, action="withdraw", acting_user=leader)
    assert status_of(assessment) == "submitted"
    workflow.assessment_transition(
        assessment=assessment, action="withdraw", acting_user=leader, reason="Bổ sung tài liệu kiểm chứng"
    )
    assert status_of(assessment) == "draft"
    assert workflow.self_assessment_editable(Assessment.objects.get(pk=assessment.pk))


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("finalise", "Không thể «Chốt kết quả»: bản đánh giá đang ở trạng thái «Đang tự đánh giá»"),
        ("explain", "Không thể «Gửi giải trình»"),
        ("withdraw", "Không thể «Rút bản tự đánh giá để sửa»"),
    ],
)
def test_transitions_out_of_order_are_refused(assessment, secretariat, leader, action, message):
    user = secretariat if action == "finalise" else leader
    with pytest.raises(ValidationError, match=message):
        workflow.assessment_transition(assessment=assessment, action=action, acting_user=user, reason="x")
    assert status_of(assessment) == "draft"


def test_an_unknown_action_is_refused(assessment, secretariat):
    with pytest.raises(ValidationError, match="không tồn tại"):
        workflow.assessment_transition(assessment=assessment, action="publish", acting_user=secretariat)


def test_the_whole_cycle(
    period, assessment, leader, appraiser, secretariat, officer_justice, appraiser_elsewhere
):
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    with pytest.raises(PermissionDenied):
        workflow.period_advance(period=period, acting_user=leader)
    workflow.period_advance(period=period, acting_user=secretariat)  # → appraisal
    assert status_of(assessment) == "under_appraisal"
    assert Assessment.objects.get(period=period, unit__code="92-syt").status == "draft"  # never submitted

    with pytest.raises(PermissionDenied):
        workflow.assessment_transition(
            assessment=assessment,
            action="return_for_explanation",
            acting_user=appraiser_elsewhere,
            reason="x",
        )
    with pytest.raises(ValidationError, match="Nhập lý do"):
        workflow.assessment_transition(
            assessment=assessment, action="return_for_explanation", acting_user=appraiser
        )
    workflow.assessment_transition(
        assessment=assessment,
        action="return_for_explanation",
        acting_user=appraiser,
        reason="Thiếu minh chứng 1.2",
    )
    with pytest.raises(ValidationError, match="giai đoạn «Thẩm định»"):
        workflow.assessment_transition(assessment=assessment, action="explain", acting_user=officer_justice)

    workflow.period_advance(period=period, acting_user=secretariat)  # → explanation
    workflow.assessment_transition(assessment=assessment, action="explain", acting_user=officer_justice)
    assert status_of(assessment) == "explained"

    workflow.period_advance(period=period, acting_user=secretariat)  # → final appraisal
    with pytest.raises(ValidationError, match="36 tiêu chí chưa có điểm"):
        workflow.assessment_transition(assessment=assessment, action="finalise", acting_user=secretariat)
    services.score_entries_fill(
        assessment=assessment,
        values_by_code={
            e.node.code: (
                {"survey_points": D("0")} if e.node.method == "survey" else {"appraised_points_r1": D("0")}
            )
            for e in assessment.entries.select_related("node")
        },
    )
    workflow.assessment_transition(assessment=assessment, action="finalise", acting_user=secretariat)
    assert status_of(assessment) == "finalised"

    with pytest.raises(ValidationError, match="còn 19 bản đánh giá chưa chốt"):
        workflow.period_advance(period=period, acting_user=secretariat)
    Period.objects.filter(pk=period.pk).update(status="archived")
    with pytest.raises(ValidationError, match="đã lưu trữ"):
        workflow.period_advance(period=Period.objects.get(pk=period.pk), acting_user=secretariat)
    actions = list(
        WorkflowEvent.objects.filter(period=period).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "submit",
        "advance",
        "start_appraisal",
        "return_for_explanation",
        "advance",
        "explain",
        "advance",
        "finalise",
    ]


@pytest.fixture
def appraiser_elsewhere(period):
    user = make_user("thamdinh-2", APPRAISER_GROUP)
    AppraiserAssignment.objects.create(period=period, appraiser=user, unit=Unit.objects.get(code="92-syt"))
    return user


def test_an_appraiser_assigned_to_every_unit_covers_all(period, assessment):
    user = make_user("thamdinh-3", APPRAISER_GROUP)
    assert not user.has_perm("scoring.appraise_assessment", assessment)
    AppraiserAssignment.objects.create(period=period, appraiser=user, domain_code="3")
    assert user.has_perm("scoring.appraise_assessment", assessment)
    user.groups.clear()
    assert not get_user_model().objects.get(pk=user.pk).has_perm("scoring.appraise_assessment", assessment)


def test_explanation_after_its_deadline_is_refused(period, assessment, leader, appraiser, secretariat):
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    workflow.period_advance(period=period, acting_user=secretariat)
    workflow.assessment_transition(
        assessment=assessment, action="return_for_explanation", acting_user=appraiser, reason="x"
    )
    workflow.period_advance(period=period, acting_user=secretariat)
    Period.objects.filter(pk=period.pk).update(explanation_deadline=TODAY - datetime.timedelta(days=1))
    assert not workflow.explanation_open(Assessment.objects.get(pk=assessment.pk))
    with pytest.raises(ValidationError, match="Đã quá hạn giải trình"):
        workflow.assessment_transition(assessment=assessment, action="explain", acting_user=leader)
    assert status_of(assessment) == "returned"


def test_a_period_without_groups_cannot_open(secretariat):
    period = Period.objects.create(code="rong", year=2030, title="Kỳ trống")
    with pytest.raises(ValidationError, match="Chưa có nhóm"):
        workflow.period_advance(period=period, acting_user=secretariat)
    assert Period.objects.get(pk=period.pk).status == "setup"


def test_publishing_twice_is_refused(demo, secretariat):
    published = Period.objects.get(code="2017-so")
    with pytest.raises(ValidationError, match="đã được công bố"):
        workflow.period_publish(period=published, acting_user=secretariat)
    with pytest.raises(ValidationError, match="Chưa thể công bố: kỳ đánh giá đang ở giai đoạn «Tự đánh giá»"):
        workflow.period_publish(period=Period.objects.get(code="2018-so"), acting_user=secretariat)
    assert Period.objects.get(pk=published.pk).status == "published"
    assert published.publications.count() == 1


def test_appraising_a_draft_is_refused(period, assessment, appraiser):
    entry = assessment.entries.select_related("node").get(node__code="1.2")
    with pytest.raises(ValidationError, match="Không thể thẩm định lần 1"):
        services.appraisal_record(
            entry=entry,
            acting_user=appraiser,
            expected_version=entry.version,
            round=1,
            points=D("1"),
            reason="x",
        )


def test_a_missing_survey_score_is_waived_with_a_reason_and_finalisation_proceeds(
    period, assessment, leader, appraiser, secretariat, officer_justice
):
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    for _ in range(3):
        workflow.period_advance(period=Period.objects.get(pk=period.pk), acting_user=secretariat)  # → final
    values = {
        e.node.code: {"appraised_points_r1": D("0")}
        for e in assessment.entries.select_related("node").exclude(node__method="survey")
    }
    values.update({code: {"survey_points": D("1")} for code in ("8.1.1", "8.1.2", "8.1.3")})
    services.score_entries_fill(assessment=assessment, values_by_code=values)
    with pytest.raises(ValidationError, match="1 tiêu chí chưa có điểm .*8.1.4"):
        workflow.assessment_transition(assessment=assessment, action="finalise", acting_user=secretariat)
    survey = assessment.entries.get(node__code="8.1.4")
    with pytest.raises(PermissionDenied):
        services.survey_waive(entry=survey, acting_user=officer_justice, reason="x")
    with pytest.raises(ValidationError, match="Nhập lý do"):
        services.survey_waive(entry=survey, acting_user=secretariat, reason="")
    with pytest.raises(ValidationError, match="không phải tiêu chí điều tra"):
        services.survey_waive(
            entry=assessment.entries.get(node__code="1.2"), acting_user=secretariat, reason="x"
        )
    waived = services.survey_waive(
        entry=survey, acting_user=secretariat, reason="Không đủ phiếu khảo sát hợp lệ"
    )
    assert waived.history.first().history_user == secretariat
    workflow.assessment_transition(assessment=assessment, action="finalise", acting_user=secretariat)
    assert Assessment.objects.get(pk=assessment.pk).status == "finalised"
