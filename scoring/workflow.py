"""The yearly cycle as two state machines, enforced here and nowhere else (DOMAIN.md, "The yearly cycle").

Period:     setup → self-assessment → appraisal → explanation → final appraisal → published → archived
Assessment: draft → submitted → under appraisal → returned for explanation → explained → finalised,
            and submitted → draft (withdrawn by the unit's leader, with a reason, before the deadline).

Every transition checks the acting user's role on the object (scoring.roles), the period's phase and the
unit's deadline (the period's, or the unit's extension), then writes the new status, its history and a
WorkflowEvent in one transaction. Refusals raise PermissionDenied or ValidationError with a Vietnamese message
and change nothing.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from scoring.models import (
    Assessment,
    AssessmentStatus,
    DeadlineExtension,
    Period,
    PeriodStatus,
    Phase,
    WorkflowEvent,
)

PERIOD_ORDER = [
    PeriodStatus.SETUP,
    PeriodStatus.SELF_ASSESSMENT,
    PeriodStatus.APPRAISAL,
    PeriodStatus.EXPLANATION,
    PeriodStatus.FINAL_APPRAISAL,
    PeriodStatus.PUBLISHED,
    PeriodStatus.ARCHIVED,
]

# action: (statuses it starts from, status it ends in, period phases in which it is allowed, permission)
ASSESSMENT_TRANSITIONS = {
    "submit": (
        {AssessmentStatus.DRAFT},
        AssessmentStatus.SUBMITTED,
        {PeriodStatus.SELF_ASSESSMENT},
        "scoring.submit_assessment",
    ),
    "withdraw": (
        {AssessmentStatus.SUBMITTED},
        AssessmentStatus.DRAFT,
        {PeriodStatus.SELF_ASSESSMENT},
        "scoring.submit_assessment",
    ),
    "return_for_explanation": (
        {AssessmentStatus.UNDER_APPRAISAL},
        AssessmentStatus.RETURNED,
        {PeriodStatus.APPRAISAL},
        "scoring.appraise_assessment",
    ),
    "explain": (
        {AssessmentStatus.RETURNED},
        AssessmentStatus.EXPLAINED,
        {PeriodStatus.EXPLANATION},
        "scoring.explain_assessment",
    ),
    "finalise": (
        {AssessmentStatus.UNDER_APPRAISAL, AssessmentStatus.EXPLAINED},
        AssessmentStatus.FINALISED,
        {PeriodStatus.FINAL_APPRAISAL},
        "scoring.manage_period",
    ),
}
ACTION_LABELS = {
    "submit": "Nộp bản tự đánh giá",
    "withdraw": "Rút bản tự đánh giá để sửa",
    "return_for_explanation": "Yêu cầu giải trình",
    "explain": "Gửi giải trình",
    "finalise": "Chốt kết quả",
    "advance": "Chuyển giai đoạn",
    "start_appraisal": "Chuyển sang thẩm định",
}
DEADLINE_FIELDS = {
    Phase.SELF_ASSESSMENT: "self_assessment_deadline",
    Phase.EXPLANATION: "explanation_deadline",
}


# ---------------------------------------------------------------- deadlines


def today() -> datetime.date:
    """Deadlines are calendar days in the province's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def unit_deadline(assessment: Assessment, phase: str) -> datetime.date | None:
    """The unit's deadline for a phase: its extension if the secretariat granted one, else the period's."""
    extension = DeadlineExtension.objects.filter(
        period_id=assessment.period_id, unit_id=assessment.unit_id, phase=phase
    ).first()
    if extension is not None:
        return extension.deadline
    return getattr(assessment.period, DEADLINE_FIELDS[phase])


def deadline_passed(deadline: datetime.date | None, on: datetime.date | None = None) -> bool:
    """A deadline day is open until its end; no deadline means no limit."""
    return deadline is not None and (on or today()) > deadline


def self_assessment_editable(assessment: Assessment) -> bool:
    """Whether the unit may still change its self-assessment (the form is read-only otherwise)."""
    return (
        assessment.period.status == PeriodStatus.SELF_ASSESSMENT
        and assessment.status == AssessmentStatus.DRAFT
        and not deadline_passed(unit_deadline(assessment, Phase.SELF_ASSESSMENT))
    )


def explanation_open(assessment: Assessment) -> bool:
    return (
        assessment.period.status == PeriodStatus.EXPLANATION
        and assessment.status == AssessmentStatus.RETURNED
        and not deadline_passed(unit_deadline(assessment, Phase.EXPLANATION))
    )


def deadline_extend(*, period: Period, unit, phase: str, deadline: datetime.date, reason: str, acting_user):
    """Give one unit its own deadline for a phase (secretariat only; a reason is required)."""
    if not acting_user.has_perm("scoring.manage_period"):
        raise PermissionDenied("Chỉ Sở Nội vụ được gia hạn cho đơn vị.")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do gia hạn."})
    if phase not in DEADLINE_FIELDS:
        raise ValidationError({"phase": "Giai đoạn không hợp lệ."})
    if not Assessment.objects.filter(period=period, unit=unit).exists():
        raise ValidationError(f"{unit} không tham gia {period}.")
    with transaction.atomic():
        extension, _ = DeadlineExtension.objects.update_or_create(
            period=period,
            unit=unit,
            phase=phase,
            defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": acting_user},
        )
        WorkflowEvent.objects.create(
            period=period,
            assessment=Assessment.objects.get(period=period, unit=unit),
            action="extend",
            from_status="",
            to_status="",
            reason=f"Gia hạn {extension.get_phase_display().lower()} đến {deadline:%d/%m/%Y}: {reason.strip()}",
            actor=acting_user,
        )
    return extension


# ---------------------------------------------------------------- assessments


def assessment_transition(
    *, assessment: Assessment, action: str, acting_user, reason: str = ""
) -> Assessment:
    """Move an assessment along its state machine (see ASSESSMENT_TRANSITIONS)."""
    if action not in ASSESSMENT_TRANSITIONS:
        raise ValidationError(f"Thao tác «{action}» không tồn tại.")
    sources, target, phases, permission = ASSESSMENT_TRANSITIONS[action]
    label = ACTION_LABELS[action]
    with transaction.atomic():
        current = (
            Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
        )
        if not acting_user.has_perm(permission, current):
            raise PermissionDenied(
                f"Bạn không có quyền thực hiện «{label}» với bản đánh giá của {current.unit}."
            )
        if current.status not in sources:
            raise ValidationError(
                f"Không thể «{label}»: bản đánh giá đang ở trạng thái «{current.get_status_display()}»."
            )
        if current.period.status not in phases:
            raise ValidationError(
                f"Không thể «{label}»: kỳ đánh giá đang ở giai đoạn «{current.period.get_status_display()}»."
            )
        _check_assessment_rules(current, action, reason)
        previous = current.status
        current.status = target
        current.save(update_fields=["status", "updated_at"])
        WorkflowEvent.objects.create(
            period=current.period,
            assessment=current,
            action=action,
            from_status=previous,
            to_status=target,
            reason=reason.strip(),
            actor=acting_user,
        )
    return current


def _check_assessment_rules(assessment: Assessment, action: str, reason: str) -> None:
    if action in ("submit", "withdraw"):
        deadline = unit_deadline(assessment, Phase.SELF_ASSESSMENT)
        if deadline_passed(deadline):
            raise ValidationError(
                f"Đã quá hạn tự đánh giá ({deadline:%d/%m/%Y}); liên hệ Sở Nội vụ để được gia hạn."
            )
    if action in ("withdraw", "return_for_explanation") and not reason.strip():
        raise ValidationError({"reason": "Nhập lý do."})
    if action == "explain":
        deadline = unit_deadline(assessment, Phase.EXPLANATION)
        if deadline_passed(deadline):
            raise ValidationError(f"Đã quá hạn giải trình ({deadline:%d/%m/%Y}).")
    if action == "finalise":
        missing = list(
            assessment.entries.filter(final_points__isnull=True, not_applicable=False)
            .order_by("node__order")
            .values_list("node__code", flat=True)
        )
        if missing:
            raise ValidationError(
                f"Chưa thể chốt kết quả: {len(missing)} tiêu chí chưa có điểm thẩm định hoặc điểm điều tra "
                f"({', '.join(missing[:10])}{'…' if len(missing) > 10 else ''})."
            )


# ---------------------------------------------------------------- periods


def period_advance(*, period: Period, acting_user, reason: str = "") -> Period:
    """Move a period to its next phase (secretariat only, one step at a time).

    Entering appraisal puts every submitted assessment under appraisal. Publishing requires every assessment
    finalised.
    """
    if not acting_user.has_perm("scoring.manage_period"):
        raise PermissionDenied("Chỉ Sở Nội vụ được chuyển giai đoạn của kỳ đánh giá.")
    with transaction.atomic():
        current = Period.objects.select_for_update().get(pk=period.pk)
        position = PERIOD_ORDER.index(current.status)
        if position == len(PERIOD_ORDER) - 1:
            raise ValidationError("Kỳ đánh giá đã lưu trữ, không còn giai đoạn nào tiếp theo.")
        target = PERIOD_ORDER[position + 1]
        if target == PeriodStatus.SELF_ASSESSMENT and not current.groups.exists():
            raise ValidationError("Chưa có nhóm đơn vị nào tham gia kỳ đánh giá.")
        if target == PeriodStatus.PUBLISHED:
            pending = current.assessments.exclude(status=AssessmentStatus.FINALISED).count()
            if pending:
                raise ValidationError(f"Chưa thể công bố: còn {pending} bản đánh giá chưa chốt kết quả.")
        previous = current.status
        current.status = target
        if target == PeriodStatus.PUBLISHED:
            current.published_at = timezone.now()
        current.save()
        WorkflowEvent.objects.create(
            period=current,
            action="advance",
            from_status=previous,
            to_status=target,
            reason=reason.strip(),
            actor=acting_user,
        )
        if target == PeriodStatus.APPRAISAL:
            _start_appraisal(current, acting_user)
        if target == PeriodStatus.PUBLISHED:
            from scoring.services.publication import publication_create

            publication_create(period=current, acting_user=acting_user, reason=reason)
    return current


def _start_appraisal(period: Period, acting_user) -> None:
    submitted = list(period.assessments.filter(status=AssessmentStatus.SUBMITTED))
    for assessment in submitted:
        assessment.status = AssessmentStatus.UNDER_APPRAISAL
        assessment.updated_at = timezone.now()
    bulk_update_with_history(submitted, Assessment, ["status", "updated_at"], default_user=acting_user)
    WorkflowEvent.objects.bulk_create(
        WorkflowEvent(
            period=period,
            assessment=assessment,
            action="start_appraisal",
            from_status=AssessmentStatus.SUBMITTED,
            to_status=AssessmentStatus.UNDER_APPRAISAL,
            actor=acting_user,
        )
        for assessment in submitted
    )


def period_publish(*, period: Period, acting_user, reason: str = "") -> Period:
    """Publish a period's results: only from final appraisal, so publishing twice is refused (a later change
    is a correction: scoring.services.publication_correct)."""
    current = Period.objects.get(pk=period.pk)
    if current.status in (PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED):
        raise ValidationError(
            "Kỳ đánh giá đã được công bố; muốn thay đổi kết quả hãy công bố bản đính chính."
        )
    if current.status != PeriodStatus.FINAL_APPRAISAL:
        raise ValidationError(
            f"Chưa thể công bố: kỳ đánh giá đang ở giai đoạn «{current.get_status_display()}», cần hoàn thành "
            "thẩm định lần 2 trước."
        )
    return period_advance(period=current, acting_user=acting_user, reason=reason)
