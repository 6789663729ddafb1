"""Results of a year assessed before the province used parindex, entered as they were published.

A province starting with parindex has earlier years assessed on paper or in other software; their published
results are what year-on-year comparisons start from. This writes a period's final inputs for every unit at
once (self scores where known, appraised and survey points), marks the assessments finalised and publishes,
each step logged as "nhập kết quả đã công bố". The demo's 2017 periods are made this way.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import policy
from scoring.services.audit import bulk_move, event, lock_period, require_secretariat, save_with_history
from scoring.services.cycle import _open_assessments
from scoring.services.publication import publication_write
from scoring.services.scores import score_entries_fill


def historical_results_import(
    *, period, acting_user, values_by_unit: dict[str, dict[str, dict]], reason: str
):
    """Enter a past period's published results and publish them, all or nothing.

    `period` is in setup with its groups and bands; `values_by_unit`: {unit code: {node code: {field: value}}}
    with fields among self_points, appraised_points_r1, appraised_points_r2, survey_points, not_applicable and
    the appraisers' reasons appraisal_reason_r1, appraisal_reason_r2 (published causes of lost points).
    Every member unit of the period's groups must be given. Returns the publication.
    """
    require_secretariat(acting_user, "nhập kết quả đã công bố")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập nguồn của kết quả (quyết định công bố)."})
    with transaction.atomic():
        current = lock_period(period)
        if not policy.is_setup(current.status):
            raise ValidationError("Chỉ nhập kết quả đã công bố vào kỳ đánh giá đang thiết lập.")
        if not current.groups.exists() or not current.bands.exists():
            raise ValidationError("Kỳ đánh giá cần có nhóm đơn vị và mức xếp loại trước khi nhập kết quả.")
        _open_assessments(current, acting_user)
        assessments = list(current.assessments.select_related("unit"))
        given = set(values_by_unit)
        missing = sorted(a.unit.code for a in assessments if a.unit.code not in given)
        unknown = sorted(given - {a.unit.code for a in assessments})
        if missing or unknown:
            raise ValidationError(
                f"Dữ liệu không khớp các đơn vị của kỳ: thiếu {', '.join(missing) or 'không'}; "
                f"thừa {', '.join(unknown) or 'không'}."
            )
        for assessment in assessments:
            score_entries_fill(
                assessment=assessment,
                acting_user=acting_user,
                values_by_code=values_by_unit[assessment.unit.code],
            )
        bulk_move(
            current,
            assessments,
            to_status=policy.HISTORICAL_ASSESSMENT_STATUS,
            action="import_historical",
            acting_user=acting_user,
            reason=reason,
        )
        previous = current.status
        current.status = policy.HISTORICAL_PERIOD_STATUS
        current.published_at = timezone.now()
        save_with_history(current, acting_user=acting_user)
        publication = publication_write(current, acting_user=acting_user)
        event(
            period=current,
            actor=acting_user,
            action="import_historical",
            from_status=previous,
            to_status=current.status,
            reason=reason,
        )
    return publication
