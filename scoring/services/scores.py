"""Score entries written in bulk (imports, historical results, test data) and the shared point checks."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import calculator
from scoring.formatting import decimal_places, format_number
from scoring.models import Assessment, FrameworkNode, ScoreEntry
from scoring.services.audit import bulk_update_logged

POINT_FIELDS = ("self_points", "appraised_points_r1", "appraised_points_r2", "survey_points")
POINT_LABELS = {
    "self_points": "Điểm tự đánh giá",
    "appraised_points_r1": "Điểm thẩm định lần 1",
    "appraised_points_r2": "Điểm thẩm định lần 2",
    "survey_points": "Điểm điều tra xã hội học",
}
MAX_POINT_PLACES = 4


def final_points_of(node, *, appraised_r1, appraised_r2, survey, not_applicable) -> Decimal | None:
    """The points the rules select for an entry of this node (scoring.calculator.final_points)."""
    return calculator.final_points(
        method=node.method,
        appraised_r1=appraised_r1,
        appraised_r2=appraised_r2,
        survey=survey,
        not_applicable=not_applicable,
    )


def validate_points(
    *, node: FrameworkNode, field: str, value: Decimal | None, places: int = MAX_POINT_PLACES
) -> None:
    """Refuse a score below zero, above the node's max or with more decimals than allowed."""
    if value is None:
        return
    label = POINT_LABELS[field]
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({field: f"{label} của tiêu chí {node.code} phải là số."})
    if value < 0:
        raise ValidationError({field: f"{label} của tiêu chí {node.code} không được âm."})
    if value.adjusted() >= 8:  # beyond the column (12 digits, 4 of them decimals)
        raise ValidationError({field: f"{label} của tiêu chí {node.code} quá lớn."})
    if value > node.max_points:
        raise ValidationError(
            {
                field: f"{label} của tiêu chí {node.code} ({format_number(value, 4)}) vượt điểm tối đa "
                f"{format_number(node.max_points, 4)}."
            }
        )
    if decimal_places(value) > places:
        raise ValidationError(
            {field: f"{label} của tiêu chí {node.code} chỉ được có tối đa {places} chữ số thập phân."}
        )


def apply_scores(entry: ScoreEntry, values: dict) -> None:
    """Set point inputs (and the exemption flag) on an entry after validation, and re-select its final points."""
    for field, value in values.items():
        if field in POINT_FIELDS:
            validate_points(node=entry.node, field=field, value=value)
        elif field != "not_applicable":
            raise ValidationError(f"Trường «{field}» không được sửa qua dịch vụ này.")
        setattr(entry, field, value)
    entry.final_points = final_points_of(
        entry.node,
        appraised_r1=entry.appraised_points_r1,
        appraised_r2=entry.appraised_points_r2,
        survey=entry.survey_points,
        not_applicable=entry.not_applicable,
    )


def score_entries_fill(*, assessment: Assessment, acting_user, values_by_code: dict[str, dict]) -> int:
    """Set the inputs of many entries of one assessment at once, with history naming the acting user.

    Internal to services that have checked their own permission (historical import, survey grid). All or
    nothing: an unknown node code or an invalid score refuses the whole call.
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
            apply_scores(entry, values)
            entry.version += 1
            entry.updated_at = now
            changed.append(entry)
        bulk_update_logged(
            changed,
            ScoreEntry,
            [*POINT_FIELDS, "not_applicable", "final_points", "version", "updated_at"],
            acting_user=acting_user,
        )
        return len(changed)
