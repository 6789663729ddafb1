"""Public pages: published periods, rankings, scorecards and frameworks (and framework specs for export)."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404

from scoring import calculator
from scoring.framework_io import NodeSpec
from scoring.models import (
    PUBLIC_PERIOD_STATUSES,
    Assessment,
    AssessmentResult,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    NodeLevel,
    Period,
    PeriodGroup,
    ScoreEntry,
)

UNVERIFIED_LABEL = "chưa đối chiếu văn bản gốc"
DEMO_LABEL = "Dữ liệu minh họa"


def framework_specs(framework: Framework) -> list[NodeSpec]:
    """A stored framework's nodes as plain specs (parent first), for export and the integrity check."""
    rows = FrameworkNode.objects.filter(framework=framework).select_related("parent").order_by("order")
    return [
        NodeSpec(
            row=node.order + 1,
            level=node.level,
            code=node.code,
            parent_code=node.parent.code if node.parent else None,
            name=node.name,
            max_points=node.max_points,
            method=node.method,
            verified=node.verified,
            note=node.source_note,
            guidance=node.guidance,
            evidence_requirement=node.evidence_requirement,
            advising_agency=node.advising_agency,
            order=node.order,
            is_scorable=node.is_scorable,
        )
        for node in rows
    ]


def _depth(code: str) -> int:
    return code.count(".")


# ---------------------------------------------------------------- public frameworks


def public_frameworks(query: str = ""):
    """Frameworks in force or in use (not drafts), searchable by code, title, decision number or its aliases
    (so the common misprint 2498/QĐ-BNV finds 2948/QĐ-BNV)."""
    frameworks = Framework.objects.exclude(status=FrameworkStatus.DRAFT).annotate(
        node_count=Count("nodes"), unverified_count=Count("nodes", filter=Q(nodes__verified=False))
    )
    query = query.strip()
    if query:
        frameworks = frameworks.filter(
            Q(code__icontains=query)
            | Q(title__icontains=query)
            | Q(decision_number__icontains=query)
            | Q(aliases__icontains=query)
        )
    return list(frameworks.order_by(F("decision_date").desc(nulls_last=True), "code"))


def framework_detail(code: str) -> dict:
    """A public framework with its whole tree; 404 for unknown codes and drafts."""
    framework = Framework.objects.exclude(status=FrameworkStatus.DRAFT).filter(code=code).first()
    if framework is None:
        raise Http404("Không có bộ tiêu chí này.")
    nodes = list(FrameworkNode.objects.filter(framework=framework).select_related("parent").order_by("order"))
    summaries = list(framework.declared_domains.all())
    return {
        "framework": {
            "code": framework.code,
            "title": framework.title,
            "decision_number": framework.decision_number,
            "decision_date": framework.decision_date,
            "aliases": [alias.strip() for alias in framework.aliases.split(",") if alias.strip()],
            "unit_kinds": framework.get_unit_kinds_display(),
            "status": framework.get_status_display(),
            "version": framework.version,
            "source_note": framework.source_note,
            "is_demo": framework.is_demo,
        },
        "declared_domains": [
            {
                "domain_code": s.domain_code,
                "criteria_count": s.criteria_count,
                "subcriteria_count": s.subcriteria_count,
                "max_points": s.max_points,
            }
            for s in summaries
        ],
        "nodes": [
            {
                "code": node.code,
                "level": node.level,
                "level_label": node.get_level_display(),
                "depth": _depth(node.code),
                "parent": node.parent.code if node.parent else None,
                "name": node.name,
                "max_points": node.max_points,
                "method": node.method,
                "method_label": node.get_method_display(),
                "is_scorable": node.is_scorable,
                "guidance": node.guidance,
                "evidence_requirement": node.evidence_requirement,
                "advising_agency": node.advising_agency,
                "verified": node.verified,
                "source_note": node.source_note,
            }
            for node in nodes
        ],
        "unverified_count": sum(1 for node in nodes if not node.verified),
        "unverified_label": UNVERIFIED_LABEL,
    }


# ---------------------------------------------------------------- public periods


def public_periods() -> list[Period]:
    """Published (and archived) periods with their groups, newest first."""
    groups = PeriodGroup.objects.select_related("unit_group", "framework").annotate(
        unit_count=Count("assessments")
    )
    return list(
        Period.objects.filter(status__in=PUBLIC_PERIOD_STATUSES)
        .prefetch_related(Prefetch("groups", queryset=groups))
        .order_by("-year", "code")
    )


def public_period(code: str) -> Period:
    period = Period.objects.filter(code=code, status__in=PUBLIC_PERIOD_STATUSES).first()
    if period is None:
        raise Http404("Không có kỳ đánh giá đã công bố với mã này.")
    return period


def _period_info(period: Period) -> dict:
    return {
        "code": period.code,
        "year": period.year,
        "title": period.title,
        "status": period.get_status_display(),
        "published_at": period.published_at,
        "is_demo": period.is_demo,
    }


def period_overview(code: str) -> dict:
    period = public_period(code)
    groups = (
        PeriodGroup.objects.filter(period=period)
        .select_related("unit_group", "framework")
        .annotate(unit_count=Count("assessments"))
        .order_by("unit_group__name")
    )
    return {
        "period": _period_info(period),
        "groups": [
            {
                "code": group.unit_group.code,
                "name": group.unit_group.name,
                "framework_code": group.framework.code,
                "framework_title": group.framework.title,
                "unit_count": group.unit_count,
            }
            for group in groups
        ],
    }


def ranking_for_period(period_code: str, group_code: str) -> dict:
    """The ranking of one group in a published period: rank, unit, index, band, domain percentages.

    A fixed number of queries whatever the number of units: period, group, domain headers, results, bands.
    """
    period = public_period(period_code)
    group = (
        PeriodGroup.objects.filter(period=period, unit_group__code=group_code)
        .select_related("unit_group", "framework")
        .first()
    )
    if group is None:
        raise Http404("Nhóm đơn vị này không tham gia kỳ đánh giá.")
    domains = list(
        FrameworkNode.objects.filter(framework_id=group.framework_id, level=NodeLevel.DOMAIN)
        .order_by("order")
        .values("id", "code", "name", "max_points")
    )
    results = list(
        AssessmentResult.objects.filter(assessment__period_group=group)
        .select_related("assessment__unit")
        .order_by("rank", "assessment__unit__name")
    )
    rows = []
    band_counts: dict[str, int] = {}
    for result in results:
        unit = result.assessment.unit
        rows.append(
            {
                "rank": result.rank,
                "unit_code": unit.code,
                "unit_name": unit.name,
                "points": result.points,
                "max_points": result.max_points,
                "index": result.index,
                "band": result.band,
                "domains": _stored_domains(result, domains),
            }
        )
        if result.band:
            band_counts[result.band] = band_counts.get(result.band, 0) + 1
    band_order = list(period.bands.order_by("-min_index").values_list("name", flat=True))
    computed_at = max((result.computed_at for result in results), default=None)
    return {
        "period": _period_info(period),
        "group": {"code": group.unit_group.code, "name": group.unit_group.name},
        "framework": {"code": group.framework.code, "title": group.framework.title},
        "domains": [{"code": d["code"], "name": d["name"], "max_points": d["max_points"]} for d in domains],
        "rows": rows,
        "unit_count": len(rows),
        "mean_index": calculator.mean(row["index"] for row in rows if row["index"] is not None),
        "bands": [{"name": name, "count": band_counts.get(name, 0)} for name in band_order],
        "computed_at": computed_at,
    }


def _decimal_or_none(text):
    return None if text is None else Decimal(text)


def _stored_domains(result: AssessmentResult, domains: list[dict]) -> list[dict]:
    """The domain results stored with an assessment's result, in the framework's domain order."""
    stored = {
        code: (points, max_points, percentage) for code, points, max_points, percentage in result.domains
    }
    rows = []
    for domain in domains:
        points, max_points, percentage = stored.get(domain["code"], (None, None, None))
        rows.append(
            {
                "code": domain["code"],
                "points": _decimal_or_none(points),
                "max_points": _decimal_or_none(max_points),
                "percentage": _decimal_or_none(percentage),
            }
        )
    return rows


def unit_scorecard(period_code: str, unit_code: str) -> dict:
    """One unit's published result: total, index, band, rank and every node's points, max and percentage."""
    period = public_period(period_code)
    assessment = (
        Assessment.objects.filter(period=period, unit__code=unit_code)
        .select_related("unit", "period_group__unit_group", "period_group__framework", "result")
        .first()
    )
    if assessment is None or not hasattr(assessment, "result"):
        raise Http404("Đơn vị này không có kết quả trong kỳ đánh giá.")
    result = assessment.result
    framework = assessment.period_group.framework
    nodes = list(FrameworkNode.objects.filter(framework=framework).select_related("parent").order_by("order"))
    entries = {
        row["node_id"]: row
        for row in ScoreEntry.objects.filter(assessment=assessment).values(
            "node_id", "final_points", "not_applicable"
        )
    }
    # Domains come from the stored result; criteria are summed from the stored final points by the same
    # calculator (storing them for every unit made recompute several times slower: bench/README.md).
    stored_domains = {
        item["code"]: item for item in _stored_domains(result, [{"code": n.code} for n in nodes])
    }
    totals = calculator.tree_totals(
        [
            calculator.TreeNode(n.code, n.parent.code if n.parent else None, n.max_points, n.is_scorable)
            for n in nodes
        ],
        {
            n.code: calculator.LeafScore(entries[n.pk]["final_points"], entries[n.pk]["not_applicable"])
            for n in nodes
            if n.pk in entries
        },
    )
    rows = []
    for node in nodes:
        entry = entries.get(node.pk, {"not_applicable": False})
        if node.level == NodeLevel.DOMAIN:
            figures = stored_domains[node.code]
        elif node.is_scorable and entry["not_applicable"]:
            figures = {"points": None, "max_points": None, "percentage": None}
        else:
            total = totals[node.code]
            figures = {"points": total.points, "max_points": total.max_points, "percentage": total.percentage}
        rows.append(
            {
                "code": node.code,
                "level": node.level,
                "depth": _depth(node.code),
                "name": node.name,
                "method": node.get_method_display(),
                "verified": node.verified,
                "not_applicable": node.is_scorable and entry["not_applicable"],
                **figures,
            }
        )
    return {
        "period": _period_info(period),
        "unit": {
            "code": assessment.unit.code,
            "name": assessment.unit.name,
            "kind": assessment.unit.get_kind_display(),
        },
        "group": {
            "code": assessment.period_group.unit_group.code,
            "name": assessment.period_group.unit_group.name,
        },
        "framework": {"code": framework.code, "title": framework.title},
        "result": {
            "points": result.points,
            "max_points": result.max_points,
            "index": result.index,
            "band": result.band,
            "rank": result.rank,
            "group_size": result.group_size,
            "computed_at": result.computed_at,
            "inputs_count": result.inputs_count,
            "inputs_updated_at": result.inputs_updated_at,
            "framework_code": result.framework_code,
        },
        "nodes": rows,
        "unverified_count": sum(1 for node in nodes if not node.verified),
        "unverified_label": UNVERIFIED_LABEL,
    }
