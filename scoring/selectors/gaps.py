"""The gap analysis (phân tích điểm bị mất) of one unit's published assessment: every scorable node below its
max, why, who answers for it, how recoverable, against the group's mean and the unit's previous year.

Read from the publication's snapshot only (the unit's own PublishedUnit row, the publication's group means and
the unit's row in its previous published period), so it costs the same few queries in a group of 1 or 5 000.
"""

from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404

from scoring import calculator, codes, policy
from scoring.models import FrameworkNode, LossKind, Method, NodeLevel, PublishedUnit
from scoring.selectors.public import (
    UNVERIFIED_LABEL,
    _decimal_or_none,
    _period_info,
    _publication,
    _publication_info,
    public_period,
)
from units.models import UnitGroup

# Recoverable first: process losses are fixed by the next deadline; unclassified ones may be either, so they
# come before the structural ones, which take more than a year.
LOSS_KIND_ORDER = {LossKind.PROCESS: 0, "": 1, LossKind.STRUCTURAL: 2}
UNCLASSIFIED_LABEL = "Chưa phân loại"
NO_PREVIOUS_NODE = "Không có trong bộ tiêu chí kỳ trước"


def _previous(period, unit_code: str) -> PublishedUnit | None:
    """The unit's row in its previous published result: the period's declared previous one if the unit was
    published there, else the latest earlier public period where it was (latest version). One query."""
    order = ["-publication__period__year", "-publication__version"]
    if period.previous_id:
        declared = When(publication__period_id=period.previous_id, then=Value(0))
        order.insert(0, Case(declared, default=Value(1), output_field=IntegerField()).asc())
    return (
        PublishedUnit.objects.filter(
            unit_code=unit_code,
            publication__period__status__in=policy.PUBLIC_PERIOD_STATUSES,
            publication__period__year__lt=period.year,
        )
        .select_related("publication__period")
        .defer("publication__groups", "publication__group_means", "publication__changes")
        .order_by(*order)
        .first()
    )


def gap_analysis(period_code: str, unit_code: str, version: int | None = None) -> dict:
    """Every scorable node of the unit below its max (exempted nodes left out), in two sections: appraisal
    losses and survey shortfalls. Each item: code, name, domain, max, points, points lost, lost as a share of
    the domain's max, the appraiser's reason, the advising agency (the node's, else its domain's), the loss
    kind, the group's mean on the node and the unit's own points in its previous published period (matched by
    node code). Ordered recoverable-first (LOSS_KIND_ORDER), then by points lost, then by code. With the
    points lost per domain. 404 (Vietnamese) for an unknown period, version or unit. Seven queries."""
    period = public_period(period_code)
    publication = _publication(period, version)
    published = PublishedUnit.objects.filter(publication=publication, unit_code=unit_code).first()
    if published is None:
        raise Http404("Đơn vị này không có kết quả trong kỳ đánh giá.")
    previous = _previous(period, unit_code)
    framework_codes = {published.framework_code} | ({previous.framework_code} if previous else set())
    nodes_by_framework: dict[str, list[FrameworkNode]] = {}
    for node in (
        FrameworkNode.objects.filter(framework__code__in=framework_codes)
        .select_related("framework")
        .order_by("order")
    ):
        nodes_by_framework.setdefault(node.framework.code, []).append(node)
    nodes = nodes_by_framework.get(published.framework_code, [])
    if not nodes:
        raise Http404("Không còn bộ tiêu chí của kết quả này.")
    framework = nodes[0].framework
    group_name = (
        UnitGroup.objects.filter(code=published.group_code).values_list("name", flat=True).first()
        or published.group_code
    )
    row = published.row
    means = publication.group_means.get(published.group_code, {})
    compare_group = row["group_size"] > 1 and bool(means)
    previous_points = _previous_points(previous, nodes_by_framework)
    domain_nodes = {node.code: node for node in nodes if node.level == NodeLevel.DOMAIN}
    stored_domains = {code: (points, max_points) for code, points, max_points, _ in row["domains"]}
    items = []
    for node in nodes:
        if not node.is_scorable or node.code not in published.leaves:
            continue
        earned, exempt = published.leaves[node.code]
        points = _decimal_or_none(earned) or calculator.ZERO
        if node.method == Method.BONUS:
            continue  # a bonus not earned is not a loss of the index's base (calculator.apply_adjustments)
        if node.method == Method.DEDUCTION:
            # A deduction node's points are the points taken off: a loss of that much, against a max of 0.
            if exempt or points == calculator.ZERO:
                continue
            points, lost = -points, points
        elif exempt or points >= node.max_points:
            continue
        else:
            lost = node.max_points - points
        domain = domain_nodes.get(codes.domain_of(node.code))
        domain_max = _decimal_or_none(stored_domains.get(domain.code, (None, None))[1]) if domain else None
        mean = _decimal_or_none(means.get(node.code)) if compare_group else None
        before = previous_points.get(node.code) if previous else None
        if node.method == Method.DEDUCTION:  # compared on the same signed scale as the points shown
            mean = None if mean is None else -mean
            if before and before[0] is not None:
                before = (-before[0], calculator.ZERO)
        items.append(
            {
                "code": node.code,
                "name": node.name,
                "verified": node.verified,
                "method": node.method,
                "method_label": node.get_method_display(),
                "domain_code": domain.code if domain else "",
                "domain_name": domain.name if domain else "",
                "max_points": calculator.ZERO if node.method == Method.DEDUCTION else node.max_points,
                "points": points,
                "lost": lost,
                "domain_share": calculator.percentage(lost, domain_max) if domain_max else None,
                "reason": published.reasons.get(node.code, ""),
                "advising_agency": node.advising_agency or (domain.advising_agency if domain else ""),
                "agency_from_domain": not node.advising_agency and bool(domain and domain.advising_agency),
                "loss_kind": node.loss_kind,
                "loss_kind_label": node.get_loss_kind_display() or UNCLASSIFIED_LABEL,
                "group_mean": mean,
                "from_group_mean": None if mean is None else points - mean,
                "previous_points": before[0] if before else None,
                "previous_max_points": before[1] if before else None,
                "previous_change": points - before[0] if before and before[0] is not None else None,
                "previous_note": _previous_note(previous, before),
            }
        )
    items.sort(
        key=lambda item: (
            LOSS_KIND_ORDER.get(item["loss_kind"], 1),
            -item["lost"],
            codes.code_key(item["code"]),
        )
    )
    appraisal = [item for item in items if item["method"] != Method.SURVEY]
    survey = [item for item in items if item["method"] == Method.SURVEY]
    return {
        "period": _period_info(period),
        "publication": _publication_info(publication),
        "unit": {"code": unit_code, "name": row["unit_name"]},
        "group": {"code": published.group_code, "name": group_name, "size": row["group_size"]},
        "framework": {"code": framework.code, "title": framework.title},
        "result": {
            "points": Decimal(row["points"]),
            "max_points": Decimal(row["max_points"]),
            "lost": Decimal(row["max_points"]) - Decimal(row["points"]),
            "index": _decimal_or_none(row["index"]),
            "band": row["band"],
            "rank": row["rank"],
            "group_size": row["group_size"],
        },
        "compare_group": compare_group,
        "previous": _previous_info(previous),
        "appraisal": appraisal,
        "survey": survey,
        "domain_totals": _domain_totals(domain_nodes, stored_domains, appraisal, survey),
        "totals": {
            "lost": sum((item["lost"] for item in items), calculator.ZERO),
            "appraisal_lost": sum((item["lost"] for item in appraisal), calculator.ZERO),
            "survey_lost": sum((item["lost"] for item in survey), calculator.ZERO),
            "appraisal_count": len(appraisal),
            "survey_count": len(survey),
        },
        "loss_kinds": [{"value": value, "label": label} for value, label in LossKind.choices],
        "unverified_count": sum(1 for item in items if not item["verified"]),
        "unverified_label": UNVERIFIED_LABEL,
    }


def _previous_points(previous, nodes_by_framework) -> dict[str, tuple]:
    """{node code: (points, max)} of the unit's previous published result (None points when exempted)."""
    if previous is None:
        return {}
    maxima = {node.code: node.max_points for node in nodes_by_framework.get(previous.framework_code, [])}
    return {
        code: (None if exempt else _decimal_or_none(earned) or calculator.ZERO, maxima.get(code))
        for code, (earned, exempt) in previous.leaves.items()
    }


def _previous_note(previous, before) -> str:
    if previous is None:
        return ""
    if before is None:
        return NO_PREVIOUS_NODE
    if before[0] is None:
        return "Không áp dụng ở kỳ trước"
    return ""


def _previous_info(previous) -> dict | None:
    if previous is None:
        return None
    period = previous.publication.period
    return {
        "period_code": period.code,
        "period_title": period.title,
        "year": period.year,
        "version": previous.publication.version,
        "index": _decimal_or_none(previous.row["index"]),
        "framework_code": previous.framework_code,
    }


def _domain_totals(domain_nodes, stored_domains, appraisal, survey) -> list[dict]:
    """Points lost per domain (appraisal, survey, both) against the domain's assessed max."""
    totals = []
    for code, node in domain_nodes.items():
        if node.method == Method.BONUS:
            continue
        points, max_points = (_decimal_or_none(v) for v in stored_domains.get(code, (None, None)))
        appraisal_lost = sum((i["lost"] for i in appraisal if i["domain_code"] == code), calculator.ZERO)
        survey_lost = sum((i["lost"] for i in survey if i["domain_code"] == code), calculator.ZERO)
        lost = appraisal_lost + survey_lost
        totals.append(
            {
                "code": code,
                "name": node.name,
                "max_points": max_points,
                "points": points,
                "appraisal_lost": appraisal_lost,
                "survey_lost": survey_lost,
                "lost": lost,
                "lost_share": calculator.percentage(lost, max_points) if max_points else None,
                "advising_agency": node.advising_agency,
            }
        )
    return totals
