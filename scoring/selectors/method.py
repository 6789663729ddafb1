"""The method page of a published period (Cách tính điểm): the formula with a worked example, the bands, the
weight of each scoring method per framework and domain, each framework's legal basis, ties, exemptions, deadlines
and what lateness means, and what changed since the previous period and between publication versions.

Rules are described from where they live (scoring.calculator for the arithmetic, scoring.policy for the cycle,
the models' help texts for the marks), never restated as code here. A fixed number of queries whatever the number
of units: no published unit is read.
"""

from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils.text import capfirst

from scoring import calculator, codes, policy
from scoring.framework_diff import DiffNode, framework_diff
from scoring.models import (
    ADJUSTMENT_METHODS,
    Assessment,
    Band,
    Framework,
    FrameworkNode,
    Method,
    NodeLevel,
    PeriodGroup,
    Publication,
)
from scoring.selectors.method_history import previous_groups
from scoring.selectors.public import (
    UNVERIFIED_LABEL,
    _decimal_or_none,
    _period_info,
    _publication_info,
    public_period,
)

# The published example of "percentages from unrounded points" (DOMAIN.md, "Computation"): Cần Thơ 2017,
# domain 5, 12.048 points of 16, shown 12.05, published 75.30 % (75.31 % had the rounded points been used).
EXAMPLE_POINTS, EXAMPLE_MAX = Decimal("12.048"), Decimal(16)
# Exemption example: a unit exempted from a 2-point node of a 100-point framework, earning 80 points.
EXEMPT_POINTS, EXEMPT_MAX, EXEMPTED = Decimal(80), Decimal(100), Decimal(2)


def method_label(value: str) -> str:
    """A method's Vietnamese label; a method this code does not know yet is listed by its stored value."""
    return dict(Method.choices).get(value, value)


def _method_order(value: str) -> tuple[int, str]:
    known = list(Method.values)
    return (known.index(value), value) if value in known else (len(known), value)


def period_method(period_code: str) -> dict:
    """Everything the method page shows for a published period; 404 for unknown or unpublished periods."""
    period = public_period(period_code)
    publications = list(Publication.objects.filter(period=period).defer("groups").order_by("-version"))
    if not publications:
        raise Http404("Kỳ đánh giá chưa có kết quả công bố.")
    groups = list(
        PeriodGroup.objects.filter(period=period)
        .select_related("unit_group", "framework__previous_version")
        .order_by("unit_group__name")
    )
    matches = previous_groups(period, groups)
    frameworks = {group.framework_id: group.framework for group in groups}
    previous_ids = {match.group.framework_id for match in matches.values() if match}
    nodes_by_framework = _nodes(frameworks.keys() | previous_ids)
    described = [
        _framework(
            framework, nodes_by_framework[framework.pk], [g for g in groups if g.framework == framework]
        )
        for framework in frameworks.values()
    ]
    return {
        "period": {**_period_info(period), "deadlines": _deadlines(period)},
        "publication": _publication_info(publications[0]),
        "corrections": [
            {
                "version": p.version,
                "published_at": p.published_at,
                "reason": p.reason,
                "changes": [
                    {**change, "old": _decimal_or_none(change["old"]), "new": _decimal_or_none(change["new"])}
                    for change in p.changes
                ],
            }
            for p in reversed(publications)
            if p.version > 1
        ],
        "formula": _formula(),
        "bands": _bands(period),
        "frameworks": described,
        "has_adjustments": any(f["adjustments"] for f in described),
        "adjustment_rule": _adjustment_rule(period),
        "comparisons": [_comparison(group, matches[group.pk], nodes_by_framework) for group in groups],
        "lateness": _lateness(period),
        "unverified_label": UNVERIFIED_LABEL,
    }


def _nodes(framework_ids) -> dict[int, list[dict]]:
    by_framework = {pk: [] for pk in framework_ids}
    rows = (
        FrameworkNode.objects.filter(framework_id__in=framework_ids)
        .order_by("framework_id", "order")
        .values("framework_id", "code", "level", "name", "max_points", "method", "is_scorable", "verified")
    )
    for row in rows:
        by_framework[row["framework_id"]].append(row)
    return by_framework


# ---------------------------------------------------------------- formula, bands


def _formula() -> dict:
    rounded = calculator.round_display(EXAMPLE_POINTS)
    assessed = EXEMPT_MAX - EXEMPTED
    return {
        "example": {
            "points": EXAMPLE_POINTS,
            "points_shown": rounded,
            "max_points": EXAMPLE_MAX,
            "percentage": calculator.percentage(EXAMPLE_POINTS, EXAMPLE_MAX),
            "percentage_from_shown": calculator.percentage(rounded, EXAMPLE_MAX),
        },
        "exemption_example": {
            "points": EXEMPT_POINTS,
            "max_points": EXEMPT_MAX,
            "exempted_max": EXEMPTED,
            "assessed_max": assessed,
            "index": calculator.percentage(EXEMPT_POINTS, assessed),
            "index_without_exemption": calculator.percentage(EXEMPT_POINTS, EXEMPT_MAX),
        },
        "tie_example": _tie_example(),
    }


def _adjustment_rule(period) -> dict:
    """The period's caps on bonus and deduction points and a worked example of the rule's order, computed by
    calculator.apply_adjustments (a base of 96 of 100, 5 bonus and 2 deduction points asked for)."""
    base = calculator.NodeTotal(Decimal("96"), Decimal("100"))
    example = calculator.apply_adjustments(
        base,
        bonus=Decimal("5"),
        deduction=Decimal("2"),
        bonus_cap=period.bonus_cap,
        deduction_cap=period.deduction_cap,
    )
    return {
        "bonus_cap": period.bonus_cap,
        "deduction_cap": period.deduction_cap,
        "example": {
            "base_points": base.points,
            "max_points": base.max_points,
            "bonus_asked": Decimal("5"),
            "deduction_asked": Decimal("2"),
            "bonus": example.bonus,
            "deduction": example.deduction,
            "points": example.total.points,
            "index": example.total.percentage,
        },
    }


def _tie_example() -> list[dict]:
    """Four indexes ranked by calculator.competition_ranks: 88.5 and 88.4951 are both published as 88,50."""
    indexes = [Decimal("91.204"), Decimal("88.5"), Decimal("88.4951"), Decimal("80.1")]
    ranks = calculator.competition_ranks(dict(enumerate(indexes)))
    return [{"index": index, "rank": ranks[i]} for i, index in enumerate(indexes)]


def _bands(period) -> list[dict]:
    """The period's bands, highest first, each with the threshold of the band above it (its upper bound)."""
    bands = list(Band.objects.filter(period=period).order_by("-min_index"))
    return [
        {"name": band.name, "min_index": band.min_index, "below": bands[i - 1].min_index if i else None}
        for i, band in enumerate(bands)
    ]


# ---------------------------------------------------------------- frameworks and weights


def _framework(framework: Framework, nodes: list[dict], groups: list[PeriodGroup]) -> dict:
    """A framework's legal basis and the weight of each method: overall and per domain, from the max points of
    its scorable nodes."""
    # Bonus and deduction parts stay outside the index's max (calculator.apply_adjustments): listed apart.
    scorable = [n for n in nodes if n["is_scorable"] and n["method"] not in ADJUSTMENT_METHODS]
    methods = sorted({n["method"] for n in scorable}, key=_method_order)
    base_domains = [
        n for n in nodes if n["level"] == NodeLevel.DOMAIN and n["method"] not in ADJUSTMENT_METHODS
    ]
    total = sum((n["max_points"] for n in base_domains), calculator.ZERO)

    def weights(items, of: Decimal) -> list[dict]:
        sums = {m: calculator.ZERO for m in methods}
        for node in items:
            sums[node["method"]] += node["max_points"]
        return [
            {
                "method": m,
                "label": method_label(m),
                "max_points": sums[m],
                "share": calculator.percentage(sums[m], of),
            }
            for m in methods
        ]

    verified = sum(1 for n in nodes if n["verified"])
    previous = framework.previous_version
    return {
        "code": framework.code,
        "title": framework.title,
        "decision_number": framework.decision_number,
        "decision_date": framework.decision_date,
        "aliases": [alias.strip() for alias in framework.aliases.split(",") if alias.strip()],
        "status": framework.get_status_display(),
        "version": framework.version,
        "previous_version": {"code": previous.code, "title": previous.title} if previous else None,
        "unit_kinds": framework.get_unit_kinds_display(),
        "source_note": framework.source_note,
        "is_demo": framework.is_demo,
        "groups": [{"code": g.unit_group.code, "name": g.unit_group.name} for g in groups],
        "node_count": len(nodes),
        "verified_count": verified,
        "unverified_count": len(nodes) - verified,
        "max_points": total,
        "methods": weights(scorable, total),
        "domains": [
            {
                "code": domain["code"],
                "name": domain["name"],
                "max_points": domain["max_points"],
                "methods": weights(
                    (n for n in scorable if codes.domain_of(n["code"]) == domain["code"]),
                    domain["max_points"],
                ),
            }
            for domain in base_domains
        ],
        "adjustments": [
            {
                "code": n["code"],
                "name": n["name"],
                "method": n["method"],
                "label": method_label(n["method"]),
                "max_points": n["max_points"],
            }
            for n in nodes
            if n["level"] == NodeLevel.DOMAIN and n["method"] in ADJUSTMENT_METHODS
        ],
    }


# ---------------------------------------------------------------- what changed


def _diff_nodes(nodes: list[dict]) -> list[DiffNode]:
    return [DiffNode(n["code"], n["level"], n["name"], n["max_points"], n["method"]) for n in nodes]


def _comparison(group: PeriodGroup, match, nodes_by_framework) -> dict:
    """One group against the same group in the previous comparable period: which period, which framework, and
    every node added, removed, renamed, with another max or another method."""
    head = {
        "group_code": group.unit_group.code,
        "group_name": group.unit_group.name,
        "framework_code": group.framework.code,
        "framework_title": group.framework.title,
        "previous": None,
    }
    if match is None:
        return head
    before = match.group
    diff = framework_diff(
        _diff_nodes(nodes_by_framework[before.framework_id]),
        _diff_nodes(nodes_by_framework[group.framework_id]),
    )

    def listed(nodes):
        return [
            {"code": n.code, "name": n.name, "max_points": n.max_points, "method": method_label(n.method)}
            for n in nodes
        ]

    return {
        **head,
        "previous": {
            "period_code": match.period.code,
            "period_title": match.period.title,
            "year": match.period.year,
            "group_code": before.unit_group.code,
            "group_name": before.unit_group.name,
            "framework_code": before.framework.code,
            "framework_title": before.framework.title,
            "how": match.how,
        },
        "same_framework": before.framework_id == group.framework_id,
        "change_count": diff.change_count,
        "old_max_points": diff.old_total,
        "new_max_points": diff.new_total,
        "added": listed(diff.added),
        "removed": listed(diff.removed),
        "renamed": [{"code": c.code, "old": c.old, "new": c.new} for c in diff.renamed],
        "max_changed": [
            {"code": c.code, "name": c.name, "old": c.old, "new": c.new} for c in diff.max_changed
        ],
        "method_changed": [
            {"code": c.code, "name": c.name, "old": method_label(c.old), "new": method_label(c.new)}
            for c in diff.method_changed
        ],
    }


# ---------------------------------------------------------------- deadlines and lateness


def _deadlines(period) -> list[dict]:
    return [
        {"field": field, "label": policy.deadline_label(field), "date": getattr(period, field)}
        for field in policy.PHASE_DEADLINE_FIELDS.values()
    ]


def _lateness(period) -> list[dict]:
    """What each mark a phase change leaves means (policy.PHASE_CHANGE_MARKS, explained by the model's help
    text), the deadline it follows, and how many units of this period carry it."""
    marks = []
    for (entered, _source), field in policy.PHASE_CHANGE_MARKS.items():
        left = policy.PERIOD_FLOW[policy.PERIOD_FLOW.index(entered) - 1]
        model_field = Assessment._meta.get_field(field)
        deadline_field = policy.PHASE_DEADLINE_FIELDS[left]
        marks.append(
            {
                "field": field,
                "label": capfirst(model_field.verbose_name),
                "meaning": model_field.help_text,
                "deadline_label": policy.deadline_label(deadline_field),
                "deadline": getattr(period, deadline_field),
            }
        )
    counts = Assessment.objects.filter(period=period).aggregate(
        **{mark["field"]: Count("pk", filter=Q(**{mark["field"]: True})) for mark in marks}
    )
    for mark in marks:
        mark["count"] = counts[mark["field"]]
    return marks
