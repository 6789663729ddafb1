"""Appraisal writes: a node's appraised score per round with its reason, explanation requests, exemptions.

Concurrency: every write is a conditional UPDATE on the entry's version (… WHERE version = the version the
appraiser saw). Two appraisers saving the same node: the second updates nothing and gets the current value
back, on SQLite (writers are serialised) and on PostgreSQL (the second UPDATE waits for the first's row lock,
then finds the version changed). Nothing is overwritten silently.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from scoring import calculator
from scoring.models import AssessmentStatus, PeriodStatus, ScoreEntry
from scoring.services.assessments import POINT_LABELS, decimal_places, validate_points

# round → (period phases, assessment statuses) in which it may be recorded
ROUNDS = {
    1: ({PeriodStatus.APPRAISAL}, {AssessmentStatus.UNDER_APPRAISAL}),
    2: (
        {PeriodStatus.FINAL_APPRAISAL},
        {AssessmentStatus.UNDER_APPRAISAL, AssessmentStatus.EXPLAINED},
    ),
}
APPRAISAL_PLACES = 2


class AppraisalConflict(ValidationError):
    """Someone saved the node first; carries the entry as it now stands."""

    def __init__(self, current: ScoreEntry, who: str):
        field = f"appraised_points_r{2 if current.appraised_points_r2 is not None else 1}"
        value = getattr(current, field)
        shown = "trống" if value is None else calculator.format_display(value).replace(".", ",")
        super().__init__(
            f"Tiêu chí {current.node.code} vừa được {who} lưu trước bạn: {POINT_LABELS[field].lower()} hiện là "
            f"{shown}. Giá trị của bạn chưa được ghi; hãy xem lại rồi lưu lại nếu vẫn muốn thay đổi."
        )
        self.current = current


def appraisal_record(
    *,
    entry: ScoreEntry,
    acting_user,
    expected_version: int,
    round: int,  # noqa: A002 - the word of the domain (thẩm định lần 1, lần 2)
    points: Decimal | None,
    reason: str = "",
    explanation_request: str | None = None,
    not_applicable: bool | None = None,
    not_applicable_reason: str = "",
) -> ScoreEntry:
    """Record an appraiser's decision on one node.

    Round 1 (period in appraisal) compares with the self score; round 2 (final appraisal) with round 1: a
    score that differs needs a reason. An exemption (không áp dụng) needs a reason and is only ever set here.
    Survey nodes take imported points and cannot be appraised.
    """
    current = ScoreEntry.objects.select_related("node", "assessment__period").get(pk=entry.pk)
    if not acting_user.has_perm("scoring.appraise_entry", current):
        raise PermissionDenied("Bạn không được phân công thẩm định tiêu chí này.")
    if round not in ROUNDS:
        raise ValidationError("Vòng thẩm định không hợp lệ.")
    phases, statuses = ROUNDS[round]
    assessment = current.assessment
    if assessment.period.status not in phases or assessment.status not in statuses:
        raise ValidationError(
            f"Không thể thẩm định lần {round}: kỳ đánh giá đang ở giai đoạn «{assessment.period.get_status_display()}», "
            f"bản đánh giá «{assessment.get_status_display()}»."
        )
    if current.node.method == "survey":
        raise ValidationError(f"Tiêu chí {current.node.code} chấm bằng điều tra xã hội học, không thẩm định.")
    field = f"appraised_points_r{round}"
    validate_points(node=current.node, field=field, value=points)
    if points is not None and decimal_places(points) > APPRAISAL_PLACES:
        raise ValidationError({field: f"{POINT_LABELS[field]} chỉ được có tối đa 2 chữ số thập phân."})
    compared = current.self_points if round == 1 else current.appraised_points_r1
    if points is not None and points != compared and not reason.strip():
        raise ValidationError(
            {
                "reason": f"Nhập lý do khi điểm thẩm định khác {'điểm tự đánh giá' if round == 1 else 'điểm thẩm định lần 1'}."
            }
        )
    exempt = current.not_applicable if not_applicable is None else not_applicable
    if exempt and not (not_applicable_reason.strip() or current.not_applicable_reason):
        raise ValidationError({"not_applicable_reason": "Nhập lý do khi xác định tiêu chí không áp dụng."})

    changes = {field: points, f"appraisal_reason_r{round}": reason.strip(), "not_applicable": exempt}
    if not_applicable is not None:
        changes["not_applicable_reason"] = not_applicable_reason.strip() if exempt else ""
    if explanation_request is not None:
        changes["explanation_request"] = explanation_request.strip()
    merged = {
        "appraised_points_r1": current.appraised_points_r1,
        "appraised_points_r2": current.appraised_points_r2,
        **{k: v for k, v in changes.items() if k.startswith("appraised_points")},
    }
    changes["final_points"] = calculator.final_points(
        method=current.node.method,
        appraised_r1=merged["appraised_points_r1"],
        appraised_r2=merged["appraised_points_r2"],
        survey=current.survey_points,
        not_applicable=exempt,
    )
    with transaction.atomic():
        updated = ScoreEntry.objects.filter(pk=current.pk, version=expected_version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        saved = ScoreEntry.objects.select_related("node").get(pk=current.pk)
        if not updated:
            last = saved.history.order_by("-history_date").select_related("history_user").first()
            who = (
                (last.history_user.get_full_name() or last.history_user.username)
                if last and last.history_user
                else "người khác"
            )
            raise AppraisalConflict(saved, who)
        # QuerySet.update writes no history: record it here, in the same transaction.
        ScoreEntry.history.bulk_history_create(
            [saved], update=True, default_user=acting_user, default_change_reason=reason.strip()[:100]
        )
    return saved


def survey_waive(*, entry: ScoreEntry, acting_user, reason: str) -> ScoreEntry:
    """Waive a survey node that has no survey points (secretariat, with a reason): the node is left out of the
    unit's index, which is normalised over the rest, and finalisation no longer waits for it."""
    current = ScoreEntry.objects.select_related("node", "assessment").get(pk=entry.pk)
    if not acting_user.has_perm("scoring.manage_period"):
        raise PermissionDenied("Chỉ Sở Nội vụ được miễn điểm điều tra xã hội học.")
    if current.node.method != "survey":
        raise ValidationError(f"Tiêu chí {current.node.code} không phải tiêu chí điều tra xã hội học.")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do miễn điểm điều tra."})
    if current.assessment.status == AssessmentStatus.FINALISED:
        raise ValidationError("Bản đánh giá đã chốt kết quả.")
    with transaction.atomic():
        current.not_applicable = True
        current.not_applicable_reason = reason.strip()
        current.final_points = None
        current.version += 1
        current._history_user = acting_user
        current.save()
    return current
