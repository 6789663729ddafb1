"""Score entries written in bulk (imports, historical results, test data) and the shared point checks."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import calculator, codes
from scoring.formatting import decimal_places, format_points
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
# Appraisers' reasons, which historical imports carry (the demo's published causes) beside the points.
REASON_FIELDS = ("appraisal_reason_r1", "appraisal_reason_r2")


def final_points_of(node, *, appraised_r1, appraised_r2, survey, not_applicable) -> Decimal | None:
    """The points the rules select for an entry of this node (scoring.calculator.final_points)."""
    return calculator.final_points(
        method=node.method,
        appraised_r1=appraised_r1,
        appraised_r2=appraised_r2,
        survey=survey,
        not_applicable=not_applicable,
    )


def points_problem(value, *, label: str, max_points: Decimal, places: int = MAX_POINT_PLACES) -> str | None:
    """Why a score cannot be stored, as a Vietnamese sentence starting with `label`, or None (an empty score is
    no problem). Every service that takes points checks them here: a number, not negative, within the column,
    at most the node's max, at most `places` decimals."""
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        return f"{label} phải là số."
    if value < 0:
        return f"{label} không được âm."
    if value.adjusted() >= 8:  # beyond the column (12 digits, 4 of them decimals)
        return f"{label} quá lớn."
    if value > max_points:
        return f"{label} ({format_points(value)}) vượt điểm tối đa {format_points(max_points)}."
    if decimal_places(value) > places:
        return f"{label} chỉ được có tối đa {places} chữ số thập phân."
    return None


def validate_points(
    *, node: FrameworkNode, field: str, value: Decimal | None, places: int = MAX_POINT_PLACES
) -> None:
    """Refuse a score that points_problem finds wrong, naming the field and the node."""
    problem = points_problem(
        value,
        label=f"{POINT_LABELS[field]} của tiêu chí {node.code}",
        max_points=node.max_points,
        places=places,
    )
    if problem:
        raise ValidationError({field: problem})


def stale_codes(entries: dict[str, ScoreEntry], versions: dict[str, int]) -> list[str]:
    """Codes, in framework order, of the entries someone saved since the page was loaded (`versions`: the
    version each row was loaded with): a save that would overwrite them is refused."""
    return sorted(
        (code for code, version in versions.items() if code in entries and entries[code].version != version),
        key=codes.code_key,
    )


def apply_scores(entry: ScoreEntry, values: dict) -> None:
    """Set point inputs (and the exemption flag) on an entry after validation, and re-select its final points."""
    for field, value in values.items():
        if field in POINT_FIELDS:
            validate_points(node=entry.node, field=field, value=value)
        elif field in REASON_FIELDS:
            if not isinstance(value, str):
                raise ValidationError(
                    {field: f"Lý do thẩm định của tiêu chí {entry.node.code} phải là văn bản."}
                )
            value = value.strip()
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
        reasons = sorted(
            {field for values in values_by_code.values() for field in values if field in REASON_FIELDS}
        )
        bulk_update_logged(
            changed,
            ScoreEntry,
            [*POINT_FIELDS, *reasons, "not_applicable", "final_points", "version", "updated_at"],
            acting_user=acting_user,
        )
        return len(changed)
