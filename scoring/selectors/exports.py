"""What the official workbooks hold: a period's ranking from the stored results, a unit's scorecard and its
self-assessment report. Each reads in a fixed number of queries whatever the number of units or nodes."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from scoring import calculator, codes, policy
from scoring.models import ADJUSTMENT_METHODS, AssessmentResult, FrameworkNode, Method, NodeLevel, ScoreEntry
from scoring.selectors.self_assessment import self_assessment_page
from units.models import UnitKind
from units.scope import is_secretariat


@dataclass(frozen=True)
class Issuer:
    """Who issues a unit group's decision: the letterhead lines, the place of the date line and the province as
    a sentence names it ("thành phố Cần Thơ")."""

    heading: tuple[str, ...]
    place: str = ""
    province: str = ""


def issuer_of(units) -> Issuer:
    """The People's Committee of the province the units belong to (their parent); the Ministry of Home Affairs
    for a ranking of provinces; nobody named otherwise. `units` need their parent loaded."""
    provinces = {u.parent for u in units if u.parent is not None and u.parent.kind == UnitKind.PROVINCE}
    if len(provinces) == 1:
        province = provinces.pop()
        return Issuer(
            ("ỦY BAN NHÂN DÂN", province.name.upper()),
            place=province.short_name or province.name,
            province=province.name[:1].lower() + province.name[1:],
        )
    if units and all(unit.kind == UnitKind.PROVINCE for unit in units):
        return Issuer(("BỘ NỘI VỤ",))
    return Issuer(())


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def ranking_export(period) -> dict:
    """Per unit group of the period: its domains and its units' stored results (rank with ties, unit, domain
    points, total, index, band), ranked units first, then unranked ones with why (incomplete, excluded). Read
    from AssessmentResult, so the secretariat can draft the decision before publishing. With the publications
    (the decision's number and date are in the first one's note)."""
    groups = list(period.groups.select_related("unit_group", "framework").order_by("unit_group__name"))
    domains, adjusted = defaultdict(list), set()
    for node in FrameworkNode.objects.filter(
        framework_id__in=[group.framework_id for group in groups], level=NodeLevel.DOMAIN
    ).order_by("order"):
        if node.method in ADJUSTMENT_METHODS:  # bonus and deduction parts: their own columns
            adjusted.add(node.framework_id)
        else:
            domains[node.framework_id].append(node)
    results = defaultdict(list)
    for result in (
        AssessmentResult.objects.filter(assessment__period=period)
        .select_related("assessment__unit__parent")
        .order_by(F("rank").asc(nulls_last=True), "assessment__unit__name")
    ):
        results[result.assessment.period_group_id].append(result)
    computed = [result.computed_at for rows in results.values() for result in rows]
    return {
        "period": period,
        "publications": list(period.publications.order_by("version")),
        "computed_at": max(computed) if computed else None,
        "groups": [
            {
                **_ranking_group(group, domains[group.framework_id], results[group.pk]),
                "adjusted": group.framework_id in adjusted,
            }
            for group in groups
        ],
    }


def _ranking_group(group, domain_nodes, results) -> dict:
    codes_in_order = [node.code for node in domain_nodes]
    rows = []
    for result in results:
        assessment = result.assessment
        excluded = policy.is_excluded(assessment.status)
        points = {code: points for code, points, _, _ in result.domains}
        if excluded:
            note = "Không xếp hạng"
        elif result.missing_count:
            note = f"Chưa đủ điểm ({result.missing_count} tiêu chí)"
        else:
            note = result.band
        rows.append(
            {
                "rank": None if excluded else result.rank,
                "unit": assessment.unit,
                "domains": [_decimal(points.get(code)) for code in codes_in_order],
                "points": result.points,
                "base_points": result.base_points,
                "bonus": result.bonus,
                "deduction": result.deduction,
                "index": result.index,
                "band": note,
                "excluded": excluded,
            }
        )
    rows.sort(key=lambda row: row["excluded"])  # stable: excluded units last, the rest as ranked
    return {
        "group": group.unit_group,
        "framework": group.framework,
        "domains": domain_nodes,
        "rows": rows,
        "issuer": issuer_of([row["unit"] for row in rows]),
    }


def _reasons(entry, *, full: bool) -> str:
    """The appraisers' reasons and requests of an entry, as far as the reader may see them."""
    parts = []
    if full or entry.explanation_request:
        parts.append(("Thẩm định lần 1", entry.appraisal_reason_r1))
        parts.append(("Yêu cầu giải trình", entry.explanation_request))
    if full:
        parts.append(("Thẩm định lần 2", entry.appraisal_reason_r2))
        if entry.not_applicable:
            parts.append(("Không áp dụng", entry.not_applicable_reason or "có"))
    return "; ".join(f"{label}: {text.strip()}" for label, text in parts if text and text.strip())


def scorecard_export(assessment, user) -> dict:
    """Every node of the assessment's framework (domains, criteria, sub-criteria) with its max, self score,
    appraised scores of both rounds, survey points, final points and the reasons, plus the stored result.

    The secretariat and assigned appraisers see everything. The unit's own people see the appraisal only as the
    rules let them (policy.unit_sees_appraisal): before publication, the round-1 points and reasons of the nodes
    they are asked to explain, as on their explanation page."""
    full = (
        is_secretariat(user)
        or user.has_perm("scoring.appraise_assessment", assessment)
        or policy.unit_sees_appraisal(assessment.period.status)
    )
    nodes = list(
        FrameworkNode.objects.filter(framework_id=assessment.period_group.framework_id)
        .select_related("parent")
        .order_by("order")
    )
    entries = {entry.node_id: entry for entry in ScoreEntry.objects.filter(assessment=assessment)}
    self_totals = calculator.tree_totals(
        [
            calculator.TreeNode(
                node.code, node.parent.code if node.parent else None, node.max_points, node.is_scorable
            )
            for node in nodes
        ],
        {
            node.code: calculator.LeafScore(entries[node.pk].self_points)
            for node in nodes
            if node.pk in entries
        },
    )
    result = AssessmentResult.objects.filter(assessment=assessment).first() if full else None
    stored = {}
    if result is not None:
        stored = {code: _decimal(points) for code, points, _, _ in [*result.domains, *result.criteria]}
    rows = []
    for node in nodes:
        entry = entries.get(node.pk)
        row = {
            "code": node.code,
            "level": node.level,
            "depth": codes.depth(node.code),
            # A deduction node's points are the points deducted: say so where the number stands alone.
            "name": node.name + (" (điểm bị trừ)" if node.method == Method.DEDUCTION else ""),
            "max_points": node.max_points,
            "self_points": None,
            "r1": None,
            "r2": None,
            "survey": None,
            "final": stored.get(node.code),
            "reason": "",
        }
        if entry is not None:
            shows_r1 = full or bool(entry.explanation_request)
            row.update(
                self_points=entry.self_points,
                r1=entry.appraised_points_r1 if shows_r1 else None,
                r2=entry.appraised_points_r2 if full else None,
                survey=entry.survey_points if full else None,
                final=entry.final_points if full else None,
                reason=_reasons(entry, full=full),
            )
        elif not node.is_scorable:
            row["self_points"] = self_totals[node.code].points
        rows.append(row)
    return {"assessment": assessment, "full": full, "result": result, "rows": rows}


def self_assessment_report(assessment, user) -> dict:
    """The unit's self-assessment for its leader's signature: per domain the max, the points claimed, the points
    counted under "no evidence, no points" and how many nodes are scored; the nodes scored without evidence, with
    their explanation; the issuer (the unit's province) for the letterhead."""
    page = self_assessment_page(assessment, user)
    summary, unevidenced = [], []
    for domain in page["domains"]:
        rows = [row for row in domain["rows"] if "entry" in row and not row["survey"]]
        claimed = [row["entry"].self_points for row in rows if row["entry"].self_points is not None]
        # Bonus and deduction parts are outside the base's summary (page["bonus_total"], page["deduction_total"]).
        if not domain["adjustment"]:
            summary.append(
                {
                    "code": domain["node"].code,
                    "name": domain["node"].name,
                    "max_points": domain["node"].max_points,
                    "claimed": sum(claimed, calculator.ZERO),
                    "counted": domain["total"],
                    "filled": len(claimed),
                    "scorable": len(rows),
                    "flagged": domain["flagged"],
                }
            )
        for row in rows:
            entry = row["entry"]
            if entry.self_points and not row["links"]:
                unevidenced.append(
                    {
                        "code": row["node"].code,
                        "name": row["node"].name,
                        "self_points": entry.self_points,
                        "explanation": entry.explanation.strip(),
                        "flagged": row["flagged"],
                    }
                )
    unit = assessment.unit
    return {
        "assessment": assessment,
        "page": page,
        "summary": summary,
        "unevidenced": unevidenced,
        "issuer": issuer_of([unit]),
        "survey_nodes": sum(
            1 for domain in page["domains"] for row in domain["rows"] if "entry" in row and row["survey"]
        ),
    }
