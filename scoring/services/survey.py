"""Survey points (điểm điều tra xã hội học) entered or waived by the secretariat, for a whole period at once."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import policy
from scoring.models import Assessment, FrameworkNode, Method, ScoreEntry
from scoring.services.audit import bulk_update_logged, lock_period, require_secretariat
from scoring.services.recompute import scores_recompute
from scoring.services.scores import final_points_of, points_problem

SURVEY_PLACES = 4
ID_BATCH = 5000


@dataclass(frozen=True)
class SurveyValue:
    """One cell of the survey grid: a unit's survey node."""

    entry_id: int
    expected_version: int
    points: Decimal | None
    waived: bool = False
    waive_reason: str = ""


def _problems(entry: ScoreEntry, value: SurveyValue) -> list[str]:
    node = entry.node
    if node.method != Method.SURVEY:
        return [f"Tiêu chí {node.code} không phải tiêu chí điều tra xã hội học."]
    if policy.is_closed(entry.assessment.status):
        return [f"Bản đánh giá của {entry.assessment.unit} đã chốt hoặc không xếp hạng."]
    if entry.version != value.expected_version:
        return ["Vừa được người khác lưu; hãy tải lại trang để xem giá trị hiện tại."]
    if value.waived:
        if not value.waive_reason.strip():
            return ["Nhập lý do miễn điểm điều tra."]
        if value.points is not None:
            return ["Đã miễn điểm thì để trống ô điểm."]
        return []
    problem = points_problem(
        value.points, label="Điểm điều tra", max_points=node.max_points, places=SURVEY_PLACES
    )
    return [problem] if problem else []


def _entries(period, ids: list[int]) -> dict[int, ScoreEntry]:
    """The period's entries of these ids, each node and assessment (with its unit) read once and shared, not
    once per entry: a survey file may hold 100 000 cells of a few hundred nodes and units."""
    entries = {}
    for start in range(0, len(ids), ID_BATCH):  # a bounded IN list (SQLite caps query parameters)
        # By primary key alone: joined to the period, SQLite scans the period's entries once per chunk.
        entries.update((e.pk, e) for e in ScoreEntry.objects.filter(pk__in=ids[start : start + ID_BATCH]))
    nodes = FrameworkNode.objects.in_bulk({e.node_id for e in entries.values()})
    assessments = (
        Assessment.objects.filter(period=period)
        .select_related("unit")
        .in_bulk({e.assessment_id for e in entries.values()})
    )
    for entry in list(entries.values()):
        if entry.assessment_id not in assessments:  # another period's entry: refused as not of this period
            del entries[entry.pk]
            continue
        entry.node, entry.assessment = nodes[entry.node_id], assessments[entry.assessment_id]
    return entries


def survey_points_record(*, period, acting_user, values: list[SurveyValue]) -> int:
    """Enter or waive the survey points of any units and survey nodes of a period, all or nothing.

    A waived node (with a reason) is left out of the unit's index, which is normalised over the rest, and
    finalisation no longer waits for it. Allowed while the period is open; a published period changes only
    through a correction. Returns the number of cells changed; results are recomputed.
    """
    require_secretariat(acting_user, "nhập điểm điều tra xã hội học")
    with transaction.atomic():
        current = lock_period(period)
        if not policy.is_open(current.status):
            raise ValidationError(
                f"Chỉ nhập điểm điều tra khi kỳ đánh giá đang diễn ra (kỳ đang ở «{current.get_status_display()}»)."
            )
        entries = _entries(current, [value.entry_id for value in values])
        problems: dict[str, list[str]] = {}
        changed = []
        now = timezone.now()
        for value in values:
            entry = entries.get(value.entry_id)
            if entry is None:
                problems.setdefault("__all__", []).append("Ô điểm không thuộc kỳ đánh giá này.")
                continue
            found = _problems(entry, value)
            if found:
                problems[f"{entry.assessment.unit.code}/{entry.node.code}"] = [
                    f"{entry.assessment.unit}, tiêu chí {entry.node.code}: {message}" for message in found
                ]
                continue
            new = (
                None if value.waived else value.points,
                value.waived,
                value.waive_reason.strip() if value.waived else "",
            )
            if (entry.survey_points, entry.not_applicable, entry.not_applicable_reason) == new:
                continue
            entry.survey_points, entry.not_applicable, entry.not_applicable_reason = new
            entry.final_points = final_points_of(
                entry.node,
                appraised_r1=None,
                appraised_r2=None,
                survey=entry.survey_points,
                not_applicable=entry.not_applicable,
            )
            entry.version += 1
            entry.updated_at = now
            changed.append(entry)
        if problems:
            raise ValidationError(problems)
        bulk_update_logged(
            changed,
            ScoreEntry,
            [
                "survey_points",
                "not_applicable",
                "not_applicable_reason",
                "final_points",
                "version",
                "updated_at",
            ],
            acting_user=acting_user,
            reason="Điểm điều tra xã hội học",
        )
        if changed:
            scores_recompute(period=current)
    return len(changed)
