"""The unit's explanation page: the appraisers' requests with their reasons, the unit's answers, evidence."""

from scoring import policy
from scoring.models import Phase, ScoreEntry
from scoring.selectors.deadlines import unit_deadline_of
from scoring.selectors.evidence import links_by_entry, unit_documents


def explanation_page(assessment, user) -> dict:
    """The nodes with an explanation request, the appraiser's general note, the unit's documents, the deadline
    and whether the user may answer now. A fixed number of queries."""
    entries = list(
        ScoreEntry.objects.filter(assessment=assessment)
        .exclude(explanation_request="")
        .select_related("node")
        .order_by("node__order")
    )
    links = links_by_entry(entry__in=entries)
    deadline = unit_deadline_of(assessment, Phase.EXPLANATION)
    on = policy.today()
    is_open = policy.explanation_open(
        period_status=assessment.period.status, assessment_status=assessment.status, deadline=deadline, on=on
    )
    return {
        "assessment": assessment,
        "rows": [{"entry": entry, "links": links[entry.pk]} for entry in entries],
        "entries": entries,
        "unanswered": [entry.node.code for entry in entries if not entry.unit_response.strip()],
        "documents": unit_documents(assessment.unit_id),
        "deadline": deadline,
        "days_left": policy.days_left(deadline, on),
        "open": is_open,
        "may_explain": is_open and user.has_perm("scoring.explain_assessment", assessment),
        "sent": policy.is_explained(assessment.status),
    }
