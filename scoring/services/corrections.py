"""Corrections of a published period (đính chính): the secretariat reopens chosen score entries with a reason,
appraisers (appraisal nodes) and the secretariat (survey nodes) change them, the secretariat republishes. The
public page of the new version lists every change: unit, node, old → new, reason."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import codes, policy
from scoring.models import (
    AppraiserAssignment,
    Correction,
    CorrectionItem,
    CorrectionStatus,
    Method,
    ScoreEntry,
)
from scoring.services.audit import bulk_update_logged, event, lock_period, require, require_secretariat
from scoring.services.publication import publication_write
from scoring.services.scores import final_points_of, points_problem

MANAGE = "scoring.manage_period"


@dataclass(frozen=True)
class CorrectionDecision:
    item_id: int
    points: Decimal
    reason: str


def correction_open(*, period, acting_user, reason: str, entries) -> Correction:
    """Reopen chosen score entries of the published period with a reason; they can then be changed until the
    correction is published. One open correction per period."""
    require_secretariat(acting_user, "mở đính chính kết quả đã công bố")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do đính chính."})
    entries = list(entries)
    if not entries:
        raise ValidationError({"entries": "Chọn ít nhất một tiêu chí cần đính chính."})
    with transaction.atomic():
        current = lock_period(period)
        if not policy.is_published(current.status):
            raise ValidationError("Chỉ đính chính kỳ đánh giá đã công bố (chưa lưu trữ).")
        if current.corrections.filter(status=CorrectionStatus.OPEN).exists():
            raise ValidationError("Kỳ đánh giá đang có một đợt đính chính chưa công bố.")
        foreign = [e for e in entries if e.assessment.period_id != current.pk]
        if foreign:
            raise ValidationError({"entries": "Có tiêu chí không thuộc kỳ đánh giá này."})
        excluded = [e for e in entries if policy.is_excluded(e.assessment.status)]
        if excluded:
            raise ValidationError({"entries": f"{excluded[0].assessment.unit} không được xếp hạng trong kỳ."})
        correction = Correction.objects.create(
            period=current,
            reason=reason.strip(),
            base_publication=current.publications.order_by("-version").first(),
            opened_by=acting_user,
        )
        CorrectionItem.objects.bulk_create(
            CorrectionItem(correction=correction, entry=e, old_points=e.final_points) for e in entries
        )
        event(
            period=current,
            actor=acting_user,
            action="correction_open",
            reason=f"{reason.strip()} ({len(entries)} tiêu chí)",
        )
    return correction


def _may_change(user, item: CorrectionItem, assignments) -> bool:
    entry = item.entry
    return policy.may_correct(
        assignments,
        manages=user.has_perm(MANAGE),
        is_survey=entry.node.method == Method.SURVEY,
        unit_id=entry.assessment.unit_id,
        domain_code=codes.domain_of(entry.node.code),
    )


def correction_record(*, correction, acting_user, decisions: list[CorrectionDecision]) -> int:
    """Change reopened entries (new points and a reason for each), all or nothing; returns how many changed.

    Appraisal nodes take the new value as their round-2 appraised score, survey nodes as their survey points;
    history keeps the previous values."""
    require(
        acting_user,
        "scoring.correct_period",
        correction.period,
        message="Bạn không được phân công đính chính kỳ đánh giá này.",
    )
    with transaction.atomic():
        lock_period(correction.period)
        current = Correction.objects.get(pk=correction.pk)
        if current.status != CorrectionStatus.OPEN:
            raise ValidationError("Đợt đính chính này đã đóng.")
        items = {
            item.pk: item for item in current.items.select_related("entry__node", "entry__assessment__unit")
        }
        assignments = list(
            AppraiserAssignment.objects.filter(appraiser=acting_user, period=current.period).values_list(
                "unit_id", "domain_code"
            )
        )
        problems: dict[str, list[str]] = {}
        changed_entries, changed_items = [], []
        now = timezone.now()
        for decision in decisions:
            item = items.get(decision.item_id)
            if item is None:
                problems.setdefault("__all__", []).append("Tiêu chí không thuộc đợt đính chính này.")
                continue
            entry, key = item.entry, f"{item.entry.assessment.unit.code}/{item.entry.node.code}"
            found = _problems(acting_user, item, decision, assignments)
            if found:
                problems[key] = found
                continue
            field = "survey_points" if entry.node.method == Method.SURVEY else "appraised_points_r2"
            setattr(entry, field, decision.points)
            entry.final_points = final_points_of(
                entry.node,
                appraised_r1=entry.appraised_points_r1,
                appraised_r2=entry.appraised_points_r2,
                survey=entry.survey_points,
                not_applicable=entry.not_applicable,
            )
            if field == "appraised_points_r2":
                entry.appraisal_reason_r2 = decision.reason.strip()
            entry.version += 1
            entry.updated_at = now
            changed_entries.append(entry)
            item.new_points = entry.final_points
            item.change_reason = decision.reason.strip()
            item.changed_by = acting_user
            item.changed_at = now
            changed_items.append(item)
        if problems:
            raise ValidationError(problems)
        bulk_update_logged(
            changed_entries,
            ScoreEntry,
            [
                "survey_points",
                "appraised_points_r2",
                "appraisal_reason_r2",
                "final_points",
                "version",
                "updated_at",
            ],
            acting_user=acting_user,
            reason=f"Đính chính: {current.reason}",
        )
        CorrectionItem.objects.bulk_update(
            changed_items, ["new_points", "change_reason", "changed_by", "changed_at"]
        )
    return len(changed_items)


def _problems(user, item, decision: CorrectionDecision, assignments) -> list[str]:
    node = item.entry.node
    if not _may_change(user, item, assignments):
        return [f"Bạn không được sửa tiêu chí {node.code} của {item.entry.assessment.unit}."]
    if decision.points is None:
        return ["Nhập điểm mới (số không âm)."]
    places = 4 if node.method == Method.SURVEY else 2
    problem = points_problem(decision.points, label="Điểm mới", max_points=node.max_points, places=places)
    if problem:
        return [problem]
    if item.entry.not_applicable:
        return ["Tiêu chí đang được miễn hoặc không áp dụng; không đính chính điểm được."]
    if not decision.reason.strip():
        return ["Nhập lý do thay đổi."]
    return []


def correction_publish(*, correction, acting_user):
    """Publish the corrected results as the period's next version, listing what changed (unit, node,
    old → new, reason). Earlier versions stay as they were."""
    require_secretariat(acting_user, "công bố bản đính chính")
    with transaction.atomic():
        period = lock_period(correction.period)
        current = Correction.objects.get(pk=correction.pk)
        if current.status != CorrectionStatus.OPEN:
            raise ValidationError("Đợt đính chính này đã đóng.")
        items = list(
            current.items.select_related("entry__node", "entry__assessment__unit").order_by(
                "entry__assessment__unit__name", "entry__node__order"
            )
        )
        changes = [
            {
                "unit_code": item.entry.assessment.unit.code,
                "unit_name": item.entry.assessment.unit.name,
                "node_code": item.entry.node.code,
                "node_name": item.entry.node.name,
                "old": None if item.old_points is None else str(item.old_points),
                "new": str(item.new_points),
                "reason": item.change_reason,
            }
            for item in items
            if item.changed_at is not None and item.new_points != item.old_points
        ]
        if not changes:
            raise ValidationError(
                "Chưa có điểm nào thay đổi: nhập điểm mới trước khi công bố bản đính chính."
            )
        publication = publication_write(
            period, acting_user=acting_user, reason=current.reason, changes=changes
        )
        current.status = CorrectionStatus.PUBLISHED
        current.publication = publication
        current.save(update_fields=["status", "publication"])
        event(
            period=period,
            actor=acting_user,
            action="correction_publish",
            reason=f"Phiên bản {publication.version}: {current.reason} ({len(changes)} thay đổi)",
        )
    return publication


def correction_cancel(*, correction, acting_user) -> Correction:
    """Close a correction in which nothing was changed (opened by mistake)."""
    require_secretariat(acting_user, "hủy đợt đính chính")
    with transaction.atomic():
        period = lock_period(correction.period)
        current = Correction.objects.get(pk=correction.pk)
        if current.status != CorrectionStatus.OPEN:
            raise ValidationError("Đợt đính chính này đã đóng.")
        if current.items.filter(changed_at__isnull=False).exists():
            raise ValidationError("Đã có điểm được đính chính: hãy công bố bản đính chính thay vì hủy.")
        current.status = CorrectionStatus.CANCELLED
        current.save(update_fields=["status"])
        event(period=period, actor=acting_user, action="correction_cancel", reason=current.reason)
    return current
