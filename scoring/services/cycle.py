"""Moving a period through its phases, and the secretariat's decisions on whole assessments: open, advance,
finalise, exclude, recompute. Each locks the period row first, so concurrent calls queue instead of failing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from scoring import policy
from scoring.models import (
    Assessment,
    FrameworkNode,
    ScoreEntry,
    WorkflowEvent,
)
from scoring.selectors.periods import advance_problems
from scoring.services.audit import bulk_move, event, lock_period, move, require_secretariat, save_with_history
from scoring.services.recompute import scores_recompute


@dataclass
class AdvanceResult:
    period: object
    opened: int = 0  # assessments created when self-assessment opens
    moved: dict = field(default_factory=dict)  # (from, to) → count


def period_advance(*, period, acting_user, expected_status: str, reason: str = "") -> AdvanceResult:
    """Move a period to its next phase after the secretariat has seen the preview (selectors.advance_preview).

    `expected_status` is the phase the preview was made in: if the period moved meanwhile, nothing happens.
    Opening self-assessment creates every member unit's assessment; entering appraisal locks unsubmitted
    assessments ("không nộp đúng hạn"); entering final appraisal takes unexplained ones to round 2
    ("không giải trình đúng hạn"). Publication is period_publish.
    """
    require_secretariat(acting_user, "chuyển giai đoạn của kỳ đánh giá")
    with transaction.atomic():
        current = lock_period(period)
        if current.status != expected_status:
            raise ValidationError(
                f"Kỳ đánh giá đã chuyển sang giai đoạn «{current.get_status_display()}» trước đó; hãy xem lại."
            )
        problems = advance_problems(current)
        if problems:
            raise ValidationError(problems)
        previous, target = current.status, policy.next_period_status(current.status)
        current.status = target
        save_with_history(current, acting_user=acting_user)
        event(
            period=current,
            actor=acting_user,
            action="advance",
            from_status=previous,
            to_status=target,
            reason=reason,
        )
        result = AdvanceResult(current)
        if policy.opens_assessments(target):
            result.opened = _open_assessments(current, acting_user)
        result.moved = _move_assessments(current, target, acting_user)
        if policy.is_open(target):
            scores_recompute(period=current)
    return result


def _open_assessments(period, acting_user) -> int:
    """An assessment with an empty entry per scorable node for every member unit of every group."""
    existing = set(period.assessments.values_list("unit_id", flat=True))
    created = []
    for group in period.groups.select_related("unit_group"):
        units = group.unit_group.members.filter(policy.units_in_year_q(period.year)).exclude(pk__in=existing)
        created += [Assessment(period=period, period_group=group, unit=unit) for unit in units]
    created = bulk_create_with_history(created, Assessment, batch_size=500, default_user=acting_user)
    created = list(
        Assessment.objects.filter(period=period, unit_id__in=[a.unit_id for a in created]).select_related(
            "period_group"
        )
    )
    nodes = {}
    entries = []
    for assessment in created:
        framework_id = assessment.period_group.framework_id
        if framework_id not in nodes:
            nodes[framework_id] = list(
                FrameworkNode.objects.filter(framework_id=framework_id, is_scorable=True)
            )
        entries += [ScoreEntry(assessment=assessment, node=node) for node in nodes[framework_id]]
    bulk_create_with_history(entries, ScoreEntry, batch_size=1000, default_user=acting_user)
    WorkflowEvent.objects.bulk_create(
        WorkflowEvent(
            period=period,
            assessment=assessment,
            action="open",
            from_status="",
            to_status=assessment.status,
            actor=acting_user,
        )
        for assessment in created
    )
    return len(created)


def _move_assessments(period, target, acting_user) -> dict:
    """The moves a phase change makes (policy.PHASE_CHANGE_MOVES), each logged per assessment."""
    counts = {}
    for source, destination in policy.PHASE_CHANGE_MOVES.get(target, {}).items():
        moved = list(period.assessments.filter(status=source))
        mark = policy.PHASE_CHANGE_MARKS.get((target, source))
        for assessment in moved:
            if mark:
                setattr(assessment, mark, True)
        bulk_move(
            period,
            moved,
            to_status=destination,
            action=policy.PHASE_CHANGE_ACTIONS[target, source],
            acting_user=acting_user,
            fields=[mark] if mark else [],
        )
        if moved:
            counts[source, destination] = len(moved)
    return counts


def assessments_finalise(*, period, acting_user, assessments=None) -> int:
    """Finalise the chosen assessments (default: every one in round 2 that has all its points), all or none.

    Refused while any chosen assessment still has a node without appraised or survey points (waived and
    exempted nodes excepted)."""
    require_secretariat(acting_user, "chốt kết quả")
    transition = policy.ASSESSMENT_TRANSITIONS["finalise"]
    with transaction.atomic():
        current = lock_period(period)
        if current.status not in transition.phases:
            raise ValidationError(
                f"Chỉ chốt kết quả trong giai đoạn thẩm định lần 2 (kỳ đang ở «{current.get_status_display()}»)."
            )
        chosen = current.assessments.filter(status__in=transition.sources).select_related("unit")
        if assessments is not None:
            chosen = chosen.filter(pk__in=[a.pk for a in assessments])
        chosen = list(chosen)
        if not chosen:
            raise ValidationError("Không có bản đánh giá nào chờ chốt kết quả.")
        problems = []
        missing = ScoreEntry.objects.filter(policy.unscored_entries_q(), assessment__in=chosen).values_list(
            "assessment__unit__name", "node__code"
        )
        by_unit = {}
        for unit, code in missing.order_by("assessment__unit__name", "node__order"):
            by_unit.setdefault(unit, []).append(code)
        for unit, node_codes in by_unit.items():
            shown = ", ".join(node_codes[:8]) + ("…" if len(node_codes) > 8 else "")
            problems.append(
                f"{unit}: {len(node_codes)} tiêu chí chưa có điểm thẩm định hoặc điểm điều tra ({shown})."
            )
        if problems:
            raise ValidationError(["Chưa thể chốt kết quả:", *problems])
        bulk_move(current, chosen, to_status=transition.target, action="finalise", acting_user=acting_user)
        scores_recompute(period=current)
    return len(chosen)


def assessment_exclude(*, assessment, acting_user, reason: str) -> Assessment:
    """Leave a unit out of the period's ranking with a reason (a dissolved or merged unit): it stays listed,
    marked, and is never ranked."""
    require_secretariat(acting_user, "loại đơn vị khỏi xếp hạng")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do không xếp hạng đơn vị."})
    with transaction.atomic():
        period = lock_period(assessment.period)
        current = Assessment.objects.select_related("unit").get(pk=assessment.pk)
        refusal = policy.transition_refusal(
            "exclude", assessment_status=current.status, period_status=period.status
        )
        if refusal:
            raise ValidationError(refusal)
        current.period = period
        current.exclusion_reason = reason.strip()
        move(current, "exclude", acting_user=acting_user, reason=reason)
        scores_recompute(period=period)
    return current


def assessment_include(*, assessment, acting_user) -> Assessment:
    """Undo an exclusion made by mistake: the unit takes back the status it had, as long as the period has not
    changed phase since (the status would no longer fit the phase)."""
    require_secretariat(acting_user, "xếp hạng lại đơn vị")
    with transaction.atomic():
        period = lock_period(assessment.period)
        current = Assessment.objects.select_related("unit").get(pk=assessment.pk)
        excluded = current.events.filter(action="exclude").order_by("-at", "-pk").first()
        if not policy.is_excluded(current.status) or excluded is None:
            raise ValidationError(f"{current.unit} đang được xếp hạng.")
        if period.events.filter(action="advance", at__gt=excluded.at).exists() or not policy.is_open(
            period.status
        ):
            raise ValidationError(
                "Kỳ đánh giá đã chuyển giai đoạn từ khi đơn vị không được xếp hạng: không khôi phục được nữa."
            )
        current.status = excluded.from_status
        current.exclusion_reason = ""
        save_with_history(current, acting_user=acting_user, reason="Xếp hạng lại")
        event(
            period=period,
            assessment=current,
            actor=acting_user,
            action="include",
            from_status=excluded.to_status,
            to_status=current.status,
        )
        scores_recompute(period=period)
    return current


def period_recompute(*, period, acting_user) -> int:
    """Recompute a period's stored results now (the secretariat's button); published snapshots never change."""
    require_secretariat(acting_user, "tính lại kết quả")
    with transaction.atomic():
        current = lock_period(period)
        return scores_recompute(period=current)
