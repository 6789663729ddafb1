"""The self-assessment page of one assessment: the whole tree, entries, evidence and running totals."""

from decimal import Decimal

from scoring import calculator, codes, policy
from scoring.models import ADJUSTMENT_METHODS, FrameworkNode, Method, NodeLevel, Phase, ScoreEntry
from scoring.selectors.deadlines import unit_deadline_of
from scoring.selectors.evidence import links_by_entry, unit_documents


def self_assessment_page(assessment, user) -> dict:
    """Domains with their nodes; per scorable node its entry, links and flag; totals per domain and overall;
    what the user may do. A fixed number of queries whatever the size of the framework."""
    nodes = list(
        FrameworkNode.objects.filter(framework_id=assessment.period_group.framework_id).order_by("order")
    )
    entries = {e.node_id: e for e in ScoreEntry.objects.filter(assessment=assessment)}
    links = links_by_entry(entry__assessment=assessment)
    documents = unit_documents(assessment.unit_id)
    deadline = unit_deadline_of(assessment, Phase.SELF_ASSESSMENT)
    on = policy.today()
    statuses = {"period_status": assessment.period.status, "assessment_status": assessment.status}
    editable = policy.self_assessment_editable(**statuses, deadline=deadline, on=on)

    domains, current = [], None
    for node in nodes:
        if node.level == NodeLevel.DOMAIN:
            # A bonus or deduction part (its own method, outside the base): its totals are shown apart.
            adjustment = node.method if node.method in ADJUSTMENT_METHODS else ""
            current = {"node": node, "rows": [], "scores": [], "adjustment": adjustment}
            domains.append(current)
            continue
        row = {
            "node": node,
            "depth": codes.depth(node.code),
            "survey": node.method == Method.SURVEY,
            "bonus": node.method == Method.BONUS,
            "deduction": node.method == Method.DEDUCTION,
        }
        entry = entries.get(node.pk)
        if node.is_scorable and entry is not None:
            entry.node = node  # already loaded: no query per row
            score = calculator.SelfScore(
                points=entry.self_points,
                requires_evidence=bool(node.evidence_requirement.strip()),
                has_evidence=bool(links[entry.pk]),
                has_explanation=bool(entry.explanation.strip()),
            )
            row.update(entry=entry, links=links[entry.pk], flagged=score.flagged)
            current["scores"].append(score)
        current["rows"].append(row)
    for domain in domains:
        domain["total"] = calculator.provisional_self_total(domain["scores"])
        domain["flagged"] = sum(1 for score in domain["scores"] if score.flagged)
    base = [domain for domain in domains if not domain["adjustment"]]
    all_scores = [score for domain in base for score in domain["scores"]]
    appraisal_rows = [
        row for domain in domains for row in domain["rows"] if "entry" in row and not row["survey"]
    ]
    return {
        "assessment": assessment,
        "domains": domains,
        "entries": [row["entry"] for row in appraisal_rows],
        "documents": documents,
        "total": calculator.provisional_self_total(all_scores),
        "max_total": sum((domain["node"].max_points for domain in base), calculator.ZERO),
        "bonus_total": _adjustment_total(domains, Method.BONUS),
        "deduction_total": _adjustment_total(domains, Method.DEDUCTION),
        "has_adjustments": len(base) < len(domains),
        "flagged": sum(1 for score in all_scores if score.flagged),
        "filled": sum(1 for row in appraisal_rows if row["entry"].self_points is not None),
        "scorable": len(appraisal_rows),
        "editable": editable,
        "deadline": deadline,
        "days_left": policy.days_left(deadline, on),
        "may_edit": editable and user.has_perm("scoring.edit_self_assessment", assessment),
        "may_submit": editable and user.has_perm("scoring.submit_assessment", assessment),
        "may_withdraw": policy.withdrawal_open(**statuses, deadline=deadline, on=on)
        and user.has_perm("scoring.submit_assessment", assessment),
        "submitted": policy.is_submitted(assessment.status),
        "explanation_page": policy.page_for(role="unit", **statuses) == "explanation",
    }


def _adjustment_total(domains, method) -> Decimal:
    """The provisional self total of the bonus (or deduction) parts, under the same evidence rule."""
    return calculator.provisional_self_total(
        score for domain in domains if domain["adjustment"] == method for score in domain["scores"]
    )


def last_changes(entries) -> dict[int, tuple]:
    """Who last saved each entry and when, from its history: {entry id: (user or None, time)}; one query."""
    latest = {}
    for record in (
        ScoreEntry.history.filter(id__in=[entry.pk for entry in entries])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        latest[record.id] = (record.history_user, record.history_date)
    return latest
