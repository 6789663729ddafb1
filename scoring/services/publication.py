"""Publication: freeze a period's results into an immutable, hashed snapshot; corrections add versions."""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from scoring import calculator, policy
from scoring.models import (
    ADJUSTMENT_METHODS,
    AssessmentResult,
    Framework,
    FrameworkNode,
    NodeLevel,
    PeriodGroup,
    Publication,
    PublishedUnit,
    ScoreEntry,
)
from scoring.publication_rows import group_summary, unit_columns
from scoring.selectors.year_on_year import comparisons_for_publication
from scoring.services.audit import event, lock_period, require_secretariat, save_with_history
from scoring.services.recompute import scores_recompute


def _text(value):
    return None if value is None else str(value)


def _snapshot(period) -> tuple[list[dict], dict[str, dict]]:
    """Every group's ranking and every unit's result, criteria and final points, as text at full precision.

    Only content: nothing here depends on when or by whom it was computed, so identical figures hash alike.
    """
    groups = list(PeriodGroup.objects.filter(period=period).select_related("unit_group", "framework"))
    domains, adjustments = {}, {}
    for node in FrameworkNode.objects.filter(
        framework_id__in=[g.framework_id for g in groups], level=NodeLevel.DOMAIN
    ).order_by("order"):
        item = {"code": node.code, "name": node.name, "max_points": str(node.max_points)}
        if node.method in ADJUSTMENT_METHODS:  # bonus and deduction parts: outside the base's domains
            adjustments.setdefault(node.framework_id, []).append({**item, "method": node.method})
        else:
            domains.setdefault(node.framework_id, []).append(item)
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
    reasons: dict[int, dict] = {}  # the final round's appraisal reason, for the gap analysis
    for entry in ScoreEntry.objects.filter(assessment__period=period).values(
        "assessment_id",
        "node__code",
        "final_points",
        "not_applicable",
        "appraisal_reason_r1",
        "appraisal_reason_r2",
    ):
        leaves.setdefault(entry["assessment_id"], {})[entry["node__code"]] = [
            _text(entry["final_points"]),
            entry["not_applicable"],
        ]
        reason = (entry["appraisal_reason_r2"] or entry["appraisal_reason_r1"]).strip()
        if reason:
            reasons.setdefault(entry["assessment_id"], {})[entry["node__code"]] = reason
    rows_by_group: dict[int, list] = {g.pk: [] for g in groups}
    units = {}
    for result in results:
        assessment = result.assessment
        excluded = policy.is_excluded(assessment.status)
        row = {
            "unit_code": assessment.unit.code,
            "unit_name": assessment.unit.name,
            "rank": result.rank,
            "group_size": result.group_size,
            "points": str(result.points),
            "max_points": str(result.max_points),
            "base_points": str(result.base_points),
            "bonus": str(result.bonus),
            "deduction": str(result.deduction),
            "index": _text(result.index),
            "band": result.band,
            "domains": result.domains,
            "excluded": excluded,
            "exclusion_reason": assessment.exclusion_reason if excluded else "",
            "late_submission": assessment.late_submission,
            "explanation_missed": assessment.explanation_missed,
        }
        rows_by_group[assessment.period_group_id].append(row)
        units[assessment.unit.code] = {
            "group_code": assessment.period_group.unit_group.code,
            "framework_code": result.framework_code,
            "row": row,
            "criteria": result.criteria,
            "leaves": leaves.get(assessment.pk, {}),
            "reasons": reasons.get(assessment.pk, {}),
        }
    # Issue 8: ranks within the period's named groups and the change since the previous comparable period.
    extras = comparisons_for_publication(period, [unit["row"] for unit in units.values()])
    for code, unit in units.items():
        unit["row"].update(extras[code])
    for rows in rows_by_group.values():
        rows.sort(key=lambda row: (row["excluded"], row["rank"] is None, row["rank"] or 0, row["unit_name"]))
    snapshot_groups = [
        {
            "code": g.unit_group.code,
            "name": g.unit_group.name,
            "framework_code": g.framework.code,
            "framework_title": g.framework.title,
            "domains": domains.get(g.framework_id, []),
            "bands": bands,
            "rows": rows_by_group[g.pk],
            # Only for frameworks with bonus or deduction parts, so that other snapshots keep their shape.
            **({"adjustments": adjustments[g.framework_id]} if g.framework_id in adjustments else {}),
        }
        for g in groups
    ]
    return snapshot_groups, units


def _group_means(units: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Per group, the mean final points of every domain, criterion and scorable node over the group's ranked
    units (exempted nodes left out of their node's mean), as text at full precision: a one-unit page compares
    with its group without reading the other units."""
    points: dict[str, dict[str, list]] = {}
    for unit in units.values():
        row = unit["row"]
        if row["excluded"] or row["rank"] is None:
            continue
        into = points.setdefault(unit["group_code"], {})
        for code, earned, *_ in (*row["domains"], *unit["criteria"]):
            if earned is not None:
                into.setdefault(code, []).append(Decimal(earned))
        for code, (earned, exempt) in unit["leaves"].items():
            if earned is not None and not exempt:
                into.setdefault(code, []).append(Decimal(earned))
    return {
        group: {code: str(calculator.mean(values)) for code, values in by_code.items()}
        for group, by_code in points.items()
    }


def content_hash(period_code: str, groups: list, units: dict) -> str:
    """SHA-256 of the canonical JSON of the published content (sorted keys, no whitespace, UTF-8)."""
    canonical = json.dumps(
        {"period": period_code, "groups": groups, "units": units},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def publication_write(period, *, acting_user, reason: str = "", changes=()) -> Publication:
    """Recompute and freeze the period's results as its next publication version.

    Internal: the caller holds the period's row lock and has checked that every assessment is closed. The
    snapshot holds each group's ranking, each unit's result, criteria and final points, with provenance and a
    content hash; nothing in it changes later.
    """
    scores_recompute(period=period, criteria=True)  # the scorecard shows every criterion
    groups, units = _snapshot(period)
    version = (period.publications.aggregate(last=Max("version"))["last"] or 0) + 1
    frameworks = [
        {"code": f.code, "title": f.title, "version": f.version, "decision_number": f.decision_number}
        for f in Framework.objects.filter(code__in={g["framework_code"] for g in groups}).order_by("code")
    ]
    computed = AssessmentResult.objects.filter(assessment__period=period).aggregate(at=Max("computed_at"))[
        "at"
    ]
    publication = Publication.objects.create(
        period=period,
        version=version,
        published_at=timezone.now(),
        published_by=acting_user,
        reason=reason.strip(),
        provenance={
            "frameworks": frameworks,
            "computed_at": computed.isoformat() if computed else None,
            "assessments": sum(len(g["rows"]) for g in groups),
            "survey_points": "điểm điều tra xã hội học đã lưu trong điểm tiêu chí tại thời điểm tính",
        },
        # The hash keeps its first definition (figures, not the reasons added later for the gap analysis), so
        # that earlier publications still verify against their stored rows.
        content_hash=content_hash(
            period.code,
            groups,
            {code: {k: v for k, v in unit.items() if k != "reasons"} for code, unit in units.items()},
        ),
        groups=groups,
        group_means=_group_means(units),
        group_summaries=[group_summary(group) for group in groups],
        changes=list(changes),
    )
    published_units_write(publication, groups, units)
    return publication


def published_units_write(publication: Publication, groups: list[dict], units: dict[str, dict]) -> None:
    """Store a publication's units: each unit's snapshot (`_snapshot`'s `units`) with its row as indexed
    columns, placed in its group's published order. Internal to publication_write (and the public pages'
    benchmark, which stores generated snapshots the same way)."""
    positions = {row["unit_code"]: place for group in groups for place, row in enumerate(group["rows"])}
    PublishedUnit.objects.bulk_create(
        (
            PublishedUnit(
                publication=publication,
                unit_code=code,
                group_code=unit["group_code"],
                framework_code=unit["framework_code"],
                row=unit["row"],
                criteria=unit["criteria"],
                leaves=unit["leaves"],
                reasons=unit.get("reasons", {}),
                **unit_columns(unit["row"], positions[code]),
            )
            for code, unit in units.items()
        ),
        batch_size=1000,
    )


def period_publish(*, period, acting_user, reason: str = "") -> Publication:
    """Publish a period's results after final appraisal: every assessment finalised or excluded. Publishing
    twice is refused; a later change is a correction (services.corrections)."""
    require_secretariat(acting_user, "công bố kết quả")
    with transaction.atomic():
        current = lock_period(period)
        if policy.is_public(current.status):
            raise ValidationError("Kỳ đánh giá đã được công bố; muốn thay đổi kết quả hãy mở đính chính.")
        if not policy.advance_is_publication(current.status):
            raise ValidationError(
                f"Chưa thể công bố: kỳ đánh giá đang ở giai đoạn «{current.get_status_display()}», cần hoàn thành "
                "thẩm định lần 2 trước."
            )
        pending = current.assessments.exclude(status__in=policy.CLOSED_ASSESSMENT_STATUSES).count()
        if pending:
            raise ValidationError(f"Chưa thể công bố: còn {pending} bản đánh giá chưa chốt kết quả.")
        previous = current.status
        current.status = policy.next_period_status(current.status)
        current.published_at = timezone.now()
        save_with_history(current, acting_user=acting_user)
        publication = publication_write(current, acting_user=acting_user, reason=reason)
        event(
            period=current,
            actor=acting_user,
            action="publish",
            from_status=previous,
            to_status=current.status,
            reason=reason,
        )
    return publication
