"""Publication: freeze a period's results into an immutable, hashed snapshot; corrections add versions."""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from scoring.models import (
    Assessment,
    AssessmentResult,
    Framework,
    FrameworkNode,
    NodeLevel,
    Period,
    PeriodGroup,
    PeriodStatus,
    Publication,
    PublishedUnit,
    ScoreEntry,
)
from scoring.services.recompute import scores_recompute


def _text(value):
    return None if value is None else str(value)


def _snapshot(period: Period) -> tuple[list[dict], dict[str, dict]]:
    """Every group's ranking and every unit's result and final points, as text at full precision."""
    groups = list(PeriodGroup.objects.filter(period=period).select_related("unit_group", "framework"))
    domains = {}
    for node in FrameworkNode.objects.filter(
        framework_id__in=[g.framework_id for g in groups], level=NodeLevel.DOMAIN
    ).order_by("order"):
        domains.setdefault(node.framework_id, []).append(
            {"code": node.code, "name": node.name, "max_points": str(node.max_points)}
        )
    bands = [
        [name, str(minimum)]
        for name, minimum in period.bands.order_by("-min_index").values_list("name", "min_index")
    ]
    results = (
        AssessmentResult.objects.filter(assessment__period=period)
        .select_related("assessment__unit", "assessment__period_group__unit_group")
        .order_by("rank", "assessment__unit__name")
    )
    leaves: dict[int, dict] = {}
    for entry in ScoreEntry.objects.filter(assessment__period=period).values(
        "assessment_id", "node__code", "final_points", "not_applicable"
    ):
        leaves.setdefault(entry["assessment_id"], {})[entry["node__code"]] = [
            _text(entry["final_points"]),
            entry["not_applicable"],
        ]
    rows_by_group: dict[int, list] = {g.pk: [] for g in groups}
    units = {}
    for result in results:
        assessment = result.assessment
        row = {
            "unit_code": assessment.unit.code,
            "unit_name": assessment.unit.name,
            "rank": result.rank,
            "group_size": result.group_size,
            "points": str(result.points),
            "max_points": str(result.max_points),
            "index": _text(result.index),
            "band": result.band,
            "domains": result.domains,
            "computed_at": result.computed_at.isoformat(),
        }
        rows_by_group[assessment.period_group_id].append(row)
        units[assessment.unit.code] = {
            "group_code": assessment.period_group.unit_group.code,
            "framework_code": result.framework_code,
            "row": row,
            "leaves": leaves.get(assessment.pk, {}),
        }
    snapshot_groups = [
        {
            "code": g.unit_group.code,
            "name": g.unit_group.name,
            "framework_code": g.framework.code,
            "framework_title": g.framework.title,
            "domains": domains.get(g.framework_id, []),
            "bands": bands,
            "rows": rows_by_group[g.pk],
        }
        for g in groups
    ]
    return snapshot_groups, units


def content_hash(period_code: str, groups: list, units: dict) -> str:
    """SHA-256 of the canonical JSON of the published content (sorted keys, no whitespace, UTF-8)."""
    canonical = json.dumps(
        {"period": period_code, "groups": groups, "units": units},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def publication_create(*, period: Period, acting_user=None, reason: str = "") -> Publication:
    """Recompute and freeze the period's results as the next publication version (called by the workflow).

    Every assessment must be finalised. The snapshot holds each group's ranking, each unit's result and
    the final points of every scorable node, with provenance and a content hash; nothing in it changes later.
    """
    if period.assessments.exclude(status="finalised").exists():
        raise ValidationError("Chưa thể công bố: còn bản đánh giá chưa chốt kết quả.")
    with transaction.atomic():
        scores_recompute(period=period)
        groups, units = _snapshot(period)
        version = (period.publications.aggregate(last=Max("version"))["last"] or 0) + 1
        frameworks = [
            {"code": f.code, "version": f.version, "decision_number": f.decision_number}
            for f in Framework.objects.filter(code__in={g["framework_code"] for g in groups}).order_by("code")
        ]
        computed = AssessmentResult.objects.filter(assessment__period=period).aggregate(
            at=Max("computed_at")
        )["at"]
        publication = Publication.objects.create(
            period=period,
            version=version,
            published_at=timezone.now(),
            published_by=acting_user,
            reason=reason.strip(),
            provenance={
                "frameworks": frameworks,
                "computed_at": computed.isoformat() if computed else None,
                "assessments": Assessment.objects.filter(period=period).count(),
                "survey_points": "điểm điều tra xã hội học đã lưu trong điểm tiêu chí tại thời điểm tính",
            },
            content_hash=content_hash(period.code, groups, units),
            groups=groups,
        )
        PublishedUnit.objects.bulk_create(
            PublishedUnit(
                publication=publication,
                unit_code=code,
                group_code=unit["group_code"],
                framework_code=unit["framework_code"],
                row=unit["row"],
                leaves=unit["leaves"],
            )
            for code, unit in units.items()
        )
    return publication


def publication_correct(*, period: Period, acting_user, reason: str) -> Publication:
    """Publish a corrected version of an already published period (secretariat, with a reason). Earlier
    versions stay as they were and remain reachable."""
    if not acting_user.has_perm("scoring.manage_period"):
        raise PermissionDenied("Chỉ Sở Nội vụ được đính chính kết quả đã công bố.")
    if period.status != PeriodStatus.PUBLISHED:
        raise ValidationError("Chỉ đính chính được kỳ đánh giá đang ở trạng thái đã công bố.")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do đính chính."})
    return publication_create(period=period, acting_user=acting_user, reason=reason)
