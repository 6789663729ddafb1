"""Public pages: published periods, rankings, scorecards and frameworks (and framework specs for export)."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils.dateparse import parse_datetime

from scoring import calculator, codes, policy
from scoring.framework_io import NodeSpec
from scoring.models import (
    ADJUSTMENT_METHODS,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    Method,
    NodeLevel,
    Period,
    PeriodGroup,
    Publication,
    PublishedUnit,
)
from scoring.selectors.national import province_comparison
from scoring.selectors.year_on_year import comparison_fields
from units.folding import fold

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
            loss_kind=node.loss_kind,
        )
        for node in rows
    ]


# ---------------------------------------------------------------- public frameworks


def public_frameworks(query: str = ""):
    """Frameworks in force or in use (not drafts), searchable by code, title, decision number or its aliases
    (so the common misprint 2498/QĐ-BNV finds 2948/QĐ-BNV), without regard to case or accents ("cap tinh")."""
    frameworks = Framework.objects.exclude(status=FrameworkStatus.DRAFT).annotate(
        node_count=Count("nodes"), unverified_count=Count("nodes", filter=Q(nodes__verified=False))
    )
    folded = fold(query)
    if folded:
        frameworks = frameworks.filter(search_text__contains=folded)
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
                "depth": codes.depth(node.code),
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
        Period.objects.filter(status__in=policy.PUBLIC_PERIOD_STATUSES)
        .prefetch_related(Prefetch("groups", queryset=groups))
        .order_by("-year", "code")
    )


def public_period(code: str) -> Period:
    period = Period.objects.filter(code=code, status__in=policy.PUBLIC_PERIOD_STATUSES).first()
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
        "bonus_cap": period.bonus_cap,
        "deduction_cap": period.deduction_cap,
    }


def _publication(period: Period, version: int | None) -> Publication:
    """The latest publication of a period, or the requested version; 404 otherwise."""
    # `groups` holds every unit's row: pages read `group_summaries` and PublishedUnit instead.
    publications = Publication.objects.filter(period=period).defer("groups")
    publication = (
        publications.filter(version=version).first() if version else publications.order_by("-version").first()
    )
    if publication is None:
        raise Http404("Không có phiên bản công bố này.")
    return publication


def _publication_info(publication: Publication) -> dict:
    versions = list(
        Publication.objects.filter(period_id=publication.period_id)
        .order_by("-version")
        .values("version", "published_at", "reason")
    )
    provenance = publication.provenance
    return {
        "version": publication.version,
        "published_at": publication.published_at,
        "reason": publication.reason,
        "content_hash": publication.content_hash,
        "frameworks": provenance.get("frameworks", []),
        "computed_at": provenance.get("computed_at") and parse_datetime(provenance["computed_at"]),
        "assessment_count": provenance.get("assessments"),
        "is_latest": publication.version == versions[0]["version"],
        "is_correction": publication.version > 1,
        "versions": versions,
        "changes": [
            {
                **change,
                "old": _decimal_or_none(change["old"]),
                "new": _decimal_or_none(change["new"]),
            }
            for change in publication.changes
        ],
    }


def _row(row: dict, domain_codes: list[str]) -> dict:
    stored = {
        code: (points, max_points, percentage) for code, points, max_points, percentage in row["domains"]
    }
    return {
        "rank": row["rank"],
        "unit_code": row["unit_code"],
        "unit_name": row["unit_name"],
        "points": Decimal(row["points"]),
        "max_points": Decimal(row["max_points"]),
        # Publications made before bonus and deduction points existed: their base is their total.
        "base_points": Decimal(row.get("base_points", row["points"])),
        "bonus": Decimal(row.get("bonus", "0")),
        "deduction": Decimal(row.get("deduction", "0")),
        "index": _decimal_or_none(row["index"]),
        "band": row["band"],
        "group_size": row["group_size"],
        "excluded": row.get("excluded", False),
        "exclusion_reason": row.get("exclusion_reason", ""),
        "late_submission": row.get("late_submission", False),
        "explanation_missed": row.get("explanation_missed", False),
        "domains": [
            {
                "code": code,
                "points": _decimal_or_none(stored.get(code, (None,) * 3)[0]),
                "max_points": _decimal_or_none(stored.get(code, (None,) * 3)[1]),
                "percentage": _decimal_or_none(stored.get(code, (None,) * 3)[2]),
            }
            for code in domain_codes
        ],
        **comparison_fields(row),  # issue 8: named groups' ranks, change since the previous period
    }


def group_summary(publication: Publication, group_code: str) -> dict:
    """A published group's summary (no rows); 404 when the group is not in the publication."""
    group = next((g for g in publication.group_summaries if g["code"] == group_code), None)
    if group is None:
        raise Http404("Nhóm đơn vị này không tham gia kỳ đánh giá.")
    return group


def period_overview(code: str, version: int | None = None) -> dict:
    """A published period's groups; reads no unit's row, whatever the number of units."""
    period = public_period(code)
    publication = _publication(period, version)
    return {
        "period": _period_info(period),
        "publication": _publication_info(publication),
        "groups": [
            {
                "code": group["code"],
                "name": group["name"],
                "framework_code": group["framework_code"],
                "framework_title": group["framework_title"],
                "unit_count": group["unit_count"],
            }
            for group in publication.group_summaries
        ],
    }


def _decimal_or_none(text):
    return None if text is None else Decimal(text)


def _adjustment_row(node, points, exempt) -> dict:
    """A node of a bonus or deduction part on the scorecard: its published points (for a deduction node, the
    points deducted) and its max; parts and criteria above the nodes show their max only, as the totals applied
    within the period's caps are shown in the result."""
    return {
        "code": node.code,
        "level": node.level,
        "depth": codes.depth(node.code),
        "name": node.name,
        "method": node.get_method_display(),
        "is_deduction": node.method == Method.DEDUCTION,
        "is_scorable": node.is_scorable,
        "verified": node.verified,
        "not_applicable": bool(exempt),
        "points": (_decimal_or_none(points) or calculator.ZERO) if node.is_scorable and not exempt else None,
        "max_points": node.max_points,
    }


def _mean_percentage(mean_points: str | None, max_points: Decimal) -> Decimal | None:
    """A group's mean points on a domain as a share of the domain's max in the framework (units exempted from
    part of it are measured on the same max, as the mean of points is)."""
    if mean_points is None:
        return None
    return calculator.percentage(Decimal(mean_points), max_points)


def unit_scorecard(period_code: str, unit_code: str, version: int | None = None) -> dict:
    """One unit's published result: total, index, band, rank and every node's points, max and percentage,
    read from the publication's snapshot (domains and criteria as stored when it was computed; sub-criteria are
    the published final points). Nothing is added up here."""
    period = public_period(period_code)
    publication = _publication(period, version)
    published = (
        PublishedUnit.objects.filter(publication=publication, unit_code=unit_code)
        .only("group_code", "framework_code", "row", "criteria", "leaves")
        .first()
    )
    if published is None:
        raise Http404("Đơn vị này không có kết quả trong kỳ đánh giá.")
    framework = Framework.objects.get(code=published.framework_code)
    group = group_summary(publication, published.group_code)
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("order"))
    row = _row(published.row, [n.code for n in nodes if n.level == NodeLevel.DOMAIN])
    stored = {code: (points, max_points, pct) for code, points, max_points, pct in published.row["domains"]}
    stored.update({code: (points, max_points, pct) for code, points, max_points, pct in published.criteria})
    # The group's mean points per node, stored at publication (no other unit's row is read); a group of one
    # has nothing to compare with.
    means = publication.group_means.get(published.group_code, {}) if row["group_size"] > 1 else {}
    rows, adjustment_rows = [], []
    adjustment_domains = {
        n.code for n in nodes if n.level == NodeLevel.DOMAIN and n.method in ADJUSTMENT_METHODS
    }
    for node in nodes:
        points, exempt = published.leaves.get(node.code, (None, False)) if node.is_scorable else (None, False)
        if codes.domain_of(node.code) in adjustment_domains:
            adjustment_rows.append(_adjustment_row(node, points, exempt))
            continue
        if node.code in stored:
            figures = dict(
                zip(
                    ("points", "max_points", "percentage"),
                    map(_decimal_or_none, stored[node.code]),
                    strict=False,
                )
            )
        elif exempt:
            figures = {"points": None, "max_points": None, "percentage": None}
        else:
            earned = _decimal_or_none(points) or calculator.ZERO
            figures = {
                "points": earned,
                "max_points": node.max_points,
                "percentage": calculator.percentage(earned, node.max_points),
            }
        rows.append(
            {
                "code": node.code,
                "level": node.level,
                "depth": codes.depth(node.code),
                "name": node.name,
                "method": node.get_method_display(),
                "verified": node.verified,
                "not_applicable": bool(exempt) or (figures["max_points"] == calculator.ZERO),
                **figures,
                **(
                    {"group_mean_percentage": _mean_percentage(means.get(node.code), node.max_points)}
                    if node.level == NodeLevel.DOMAIN and means
                    else {}
                ),
            }
        )
    return {
        "period": _period_info(period),
        "publication": _publication_info(publication),
        "unit": {"code": unit_code, "name": row["unit_name"]},
        "group": {"code": group["code"], "name": group["name"]},
        "framework": {"code": framework.code, "title": framework.title},
        "result": {
            "points": row["points"],
            "max_points": row["max_points"],
            "index": row["index"],
            "band": row["band"],
            "rank": row["rank"],
            "group_size": row["group_size"],
            "excluded": row["excluded"],
            "exclusion_reason": row["exclusion_reason"],
            "late_submission": row["late_submission"],
            "explanation_missed": row["explanation_missed"],
            "base_points": row["base_points"],
            "bonus": row["bonus"],
            "deduction": row["deduction"],
            "has_adjustments": bool(adjustment_domains),
            **comparison_fields(published.row),  # issue 8: named groups' ranks, previous period
        },
        "nodes": rows,
        "adjustment_nodes": adjustment_rows,
        "national": province_comparison(unit_code, period.year),
        "unverified_count": sum(1 for node in nodes if not node.verified),
        "unverified_label": UNVERIFIED_LABEL,
    }
