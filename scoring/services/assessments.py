"""Periods, assessments and score entries: every write validated, versioned and kept in history."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from scoring import calculator
from scoring.framework_io import code_key
from scoring.models import (
    Assessment,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    Period,
    PeriodGroup,
    ScoreEntry,
)

POINT_FIELDS = ("self_points", "appraised_points_r1", "appraised_points_r2", "survey_points")
POINT_LABELS = {
    "self_points": "Điểm tự đánh giá",
    "appraised_points_r1": "Điểm thẩm định lần 1",
    "appraised_points_r2": "Điểm thẩm định lần 2",
    "survey_points": "Điểm điều tra xã hội học",
}
MAX_POINT_PLACES = 4


def period_group_add(*, period: Period, unit_group, framework: Framework) -> PeriodGroup:
    """Let a unit group take part in a period under a framework; the framework is frozen from then on."""
    if framework.status == FrameworkStatus.DRAFT:
        raise ValidationError("Bộ tiêu chí còn ở trạng thái dự thảo; hãy kiểm tra và áp dụng trước khi dùng.")
    with transaction.atomic():
        group, _ = PeriodGroup.objects.get_or_create(
            period=period, unit_group=unit_group, defaults={"framework": framework}
        )
        if group.framework_id != framework.pk:
            raise ValidationError("Nhóm đơn vị này đã tham gia kỳ đánh giá với một bộ tiêu chí khác.")
        if framework.status != FrameworkStatus.FROZEN:
            framework.status = FrameworkStatus.FROZEN
            framework.save(update_fields=["status", "updated_at"])
    return group


def assessment_open(*, period_group: PeriodGroup, unit) -> Assessment:
    """Open a unit's assessment in a period with an empty score entry per scorable node."""
    if not period_group.unit_group.members.filter(pk=unit.pk).exists():
        raise ValidationError(f"{unit} không thuộc nhóm {period_group.unit_group}.")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            period=period_group.period, period_group=period_group, unit=unit
        )
        nodes = FrameworkNode.objects.filter(framework_id=period_group.framework_id, is_scorable=True)
        bulk_create_with_history([ScoreEntry(assessment=assessment, node=node) for node in nodes], ScoreEntry)
    return assessment


def validate_points(*, node: FrameworkNode, field: str, value: Decimal | None) -> None:
    """Refuse a score below zero, above the node's max or with more than 4 decimals."""
    if value is None:
        return
    label = POINT_LABELS[field]
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({field: f"{label} của tiêu chí {node.code} phải là số."})
    if value < 0:
        raise ValidationError({field: f"{label} của tiêu chí {node.code} không được âm."})
    if value > node.max_points:
        raise ValidationError(
            {field: f"{label} của tiêu chí {node.code} ({value}) vượt điểm tối đa {node.max_points}."}
        )
    if decimal_places(value) > MAX_POINT_PLACES:
        raise ValidationError(
            {field: f"{label} của tiêu chí {node.code} chỉ được có tối đa 4 chữ số thập phân."}
        )


def _apply_scores(entry: ScoreEntry, values: dict) -> None:
    for field, value in values.items():
        if field in POINT_FIELDS:
            validate_points(node=entry.node, field=field, value=value)
        elif field != "not_applicable":
            raise ValidationError(f"Trường «{field}» không được sửa qua dịch vụ này.")
        setattr(entry, field, value)
    entry.final_points = calculator.final_points(
        method=entry.node.method,
        appraised_r1=entry.appraised_points_r1,
        appraised_r2=entry.appraised_points_r2,
        survey=entry.survey_points,
        not_applicable=entry.not_applicable,
    )


def score_entry_set(*, entry: ScoreEntry, expected_version: int | None = None, **values) -> ScoreEntry:
    """Change the inputs of one score entry and re-select its final points.

    Points are validated against the node (0 ≤ points ≤ max, at most 4 decimals). With `expected_version`,
    a concurrent change (another user saved first) is refused instead of overwritten.
    """
    with transaction.atomic():
        current = ScoreEntry.objects.select_related("node").get(pk=entry.pk)
        if expected_version is not None and current.version != expected_version:
            raise ValidationError(
                f"Tiêu chí {current.node.code} vừa được người khác cập nhật; vui lòng tải lại để xem giá trị mới."
            )
        _apply_scores(current, values)
        current.version += 1
        current.save()
    return current


def score_entries_fill(*, assessment: Assessment, values_by_code: dict[str, dict]) -> int:
    """Set the inputs of many entries of one assessment at once (imports, demo data), with history.

    All-or-nothing: every value is validated first; an unknown node code or an invalid score refuses the
    whole call.
    """
    with transaction.atomic():
        entries = {e.node.code: e for e in assessment.entries.select_related("node")}
        unknown = sorted(set(values_by_code) - set(entries))
        if unknown:
            raise ValidationError(f"Không có tiêu chí được chấm điểm với mã: {', '.join(unknown)}.")
        changed = []
        now = timezone.now()  # bulk_update does not apply auto_now
        for code, values in values_by_code.items():
            entry = entries[code]
            _apply_scores(entry, values)
            entry.version += 1
            entry.updated_at = now
            changed.append(entry)
        bulk_update_with_history(
            changed,
            ScoreEntry,
            [*POINT_FIELDS, "not_applicable", "final_points", "version", "updated_at"],
            batch_size=500,
        )
        return len(changed)


SELF_FIELDS = ("self_points", "declared_figures", "explanation")
SELF_POINT_PLACES = 2


def self_assessment_save(
    *,
    assessment: Assessment,
    acting_user,
    values: dict[str, dict],
    versions: dict[str, int],
    links=(),
    unlinks=(),
) -> int:
    """Save the unit's self-assessment: self points, declared figures, explanations and evidence links.

    All-or-nothing: the form must be open (workflow.self_assessment_editable), every point value must lie in
    [0, max] with at most 2 decimals, and every entry must still be at the version the form was loaded with
    (someone else's save is never overwritten). `links` are (code, document, locator); `unlinks` are link ids.
    Only the self-assessment fields can be set here; appraisal fields and exemptions are not reachable.
    Returns the number of entries changed.
    """
    from scoring import workflow
    from scoring.models import EvidenceLink

    if not acting_user.has_perm("scoring.edit_self_assessment", assessment):
        raise PermissionDenied("Bạn không có quyền sửa bản tự đánh giá của đơn vị này.")
    with transaction.atomic():
        current = (
            Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
        )
        if not workflow.self_assessment_editable(current):
            raise ValidationError(
                "Bản tự đánh giá không còn được sửa: đã nộp, đã quá hạn hoặc kỳ đánh giá đã chuyển giai đoạn."
            )
        entries = {e.node.code: e for e in current.entries.select_related("node")}
        problems = []
        stale = [
            code for code, version in versions.items() if code in entries and entries[code].version != version
        ]
        if stale:
            raise ValidationError(
                "Các tiêu chí sau vừa được người khác lưu, giá trị của bạn chưa được ghi: "
                + ", ".join(sorted(stale, key=code_key))
                + ". Vui lòng tải lại trang để xem giá trị hiện tại."
            )
        changed = []
        now = timezone.now()
        for code, fields in values.items():
            entry = entries.get(code)
            if entry is None:
                problems.append(f"Không có tiêu chí được chấm điểm với mã {code}.")
                continue
            points = fields.get("self_points")
            try:
                validate_points(node=entry.node, field="self_points", value=points)
                if points is not None and decimal_places(points) > SELF_POINT_PLACES:
                    raise ValidationError(
                        f"Điểm tự đánh giá của tiêu chí {code} chỉ được có tối đa 2 chữ số thập phân."
                    )
            except ValidationError as exc:
                problems.extend(exc.messages)
                continue
            new = {
                "self_points": points,
                "declared_figures": fields.get("declared_figures", "").strip(),
                "explanation": fields.get("explanation", "").strip(),
            }
            if any(getattr(entry, name) != value for name, value in new.items()):
                for name, value in new.items():
                    setattr(entry, name, value)
                entry.version += 1
                entry.updated_at = now
                changed.append(entry)
        new_links = []
        for code, document, locator in links:
            entry = entries.get(code)
            if entry is None or document.unit_id != current.unit_id:
                problems.append(f"Tài liệu «{document}» không thể liên kết với tiêu chí {code}.")
                continue
            new_links.append(
                EvidenceLink(document=document, entry=entry, locator=locator.strip(), created_by=acting_user)
            )
        if problems:
            raise ValidationError(problems)
        bulk_update_with_history(
            changed,
            ScoreEntry,
            [*SELF_FIELDS, "version", "updated_at"],
            batch_size=500,
            default_user=acting_user,
        )
        for link in EvidenceLink.objects.filter(pk__in=list(unlinks), entry__assessment=current):
            link.delete()  # one by one so that history records each removal
        for link in new_links:
            if not EvidenceLink.objects.filter(document=link.document, entry=link.entry).exists():
                link.save()
    return len(changed)


def decimal_places(value: Decimal) -> int:
    """Decimal places that carry a digit: 1.2500 has 2, 10 has 0."""
    return max(0, -value.normalize().as_tuple().exponent)


def explanation_save(
    *, assessment: Assessment, acting_user, responses: dict[str, str], versions: dict[str, int]
) -> int:
    """Save the unit's answers to the appraisers' per-node explanation requests (explanation phase only).

    Only nodes with a request can be answered; a stale version is refused like in the self-assessment.
    """
    from scoring import workflow

    if not acting_user.has_perm("scoring.explain_assessment", assessment):
        raise PermissionDenied("Bạn không có quyền giải trình cho đơn vị này.")
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
        if not workflow.explanation_open(current):
            raise ValidationError(
                "Không trong thời gian giải trình của đơn vị (hoặc đã gửi giải trình, đã quá hạn)."
            )
        entries = {
            e.node.code: e for e in current.entries.select_related("node").exclude(explanation_request="")
        }
        unknown = sorted(set(responses) - set(entries), key=code_key)
        if unknown:
            raise ValidationError(f"Các tiêu chí không có yêu cầu giải trình: {', '.join(unknown)}.")
        stale = [
            code for code, version in versions.items() if code in entries and entries[code].version != version
        ]
        if stale:
            raise ValidationError(
                "Các tiêu chí sau vừa được người khác lưu: "
                + ", ".join(sorted(stale, key=code_key))
                + ". Vui lòng tải lại trang."
            )
        changed = []
        now = timezone.now()
        for code, text in responses.items():
            entry = entries[code]
            if entry.unit_response != text.strip():
                entry.unit_response = text.strip()
                entry.version += 1
                entry.updated_at = now
                changed.append(entry)
        bulk_update_with_history(
            changed, ScoreEntry, ["unit_response", "version", "updated_at"], default_user=acting_user
        )
    return len(changed)
