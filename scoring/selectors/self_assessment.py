"""The self-assessment form of one assessment: the whole tree, entries, evidence and running totals."""

from collections import defaultdict

from scoring import calculator, workflow
from scoring.models import EvidenceDocument, EvidenceLink, FrameworkNode, NodeLevel, Phase, ScoreEntry


def self_assessment_form(assessment) -> dict:
    """Domains with their nodes; per scorable node its entry, links and flag; totals per domain and overall.

    Five queries whatever the size of the framework: nodes, entries, links, the unit's documents, deadline.
    """
    nodes = list(
        FrameworkNode.objects.filter(framework_id=assessment.period_group.framework_id).order_by("order")
    )
    entries = {e.node_id: e for e in ScoreEntry.objects.filter(assessment=assessment)}
    links = defaultdict(list)
    for link in EvidenceLink.objects.filter(entry__assessment=assessment).select_related("document"):
        links[link.entry_id].append(link)
    documents = list(
        EvidenceDocument.objects.filter(unit_id=assessment.unit_id).order_by("-issue_date", "title")
    )

    domains, current = [], None
    for node in nodes:
        if node.level == NodeLevel.DOMAIN:
            current = {"node": node, "rows": [], "scores": []}
            domains.append(current)
            continue
        row = {"node": node, "depth": node.code.count(".")}
        entry = entries.get(node.pk)
        if node.is_scorable and entry is not None:
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
    all_scores = [score for domain in domains for score in domain["scores"]]
    return {
        "assessment": assessment,
        "domains": domains,
        "documents": documents,
        "total": calculator.provisional_self_total(all_scores),
        "max_total": sum((domain["node"].max_points for domain in domains), calculator.ZERO),
        "flagged": sum(1 for score in all_scores if score.flagged),
        "filled": sum(1 for score in all_scores if score.points is not None),
        "scorable": len(all_scores),
        "editable": workflow.self_assessment_editable(assessment),
        "deadline": workflow.unit_deadline(assessment, Phase.SELF_ASSESSMENT),
    }
