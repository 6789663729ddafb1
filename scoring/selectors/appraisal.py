"""The appraisal page of one assessment and the appraiser's queue."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q

from scoring.models import (
    AppraiserAssignment,
    Assessment,
    AssessmentStatus,
    EvidenceLink,
    PeriodStatus,
    ScoreEntry,
)

ROUND_OF_PHASE = {PeriodStatus.APPRAISAL: 1, PeriodStatus.FINAL_APPRAISAL: 2}


def assessments_for_appraiser(user):
    """Assessments in periods where the user has an assignment covering their unit (or every unit)."""
    assigned = AppraiserAssignment.objects.filter(appraiser=user, period=OuterRef("period")).filter(
        Q(unit__isnull=True) | Q(unit=OuterRef("unit"))
    )
    return Assessment.objects.filter(Exists(assigned))


def _domains_in_scope(user, assessment) -> set[str] | None:
    """Domain codes the user may appraise in this assessment; None means every domain."""
    codes = set(
        AppraiserAssignment.objects.filter(appraiser=user, period_id=assessment.period_id)
        .filter(Q(unit__isnull=True) | Q(unit_id=assessment.unit_id))
        .values_list("domain_code", flat=True)
    )
    return None if "" in codes else codes


def appraisal_form(assessment, user) -> dict:
    """Nodes of the assessment side by side (self score, figures, explanation, evidence, response) with the
    current round's inputs for the nodes in the user's scope. A fixed number of queries."""
    scope = _domains_in_scope(user, assessment)
    entries = list(
        ScoreEntry.objects.filter(assessment=assessment).select_related("node").order_by("node__order")
    )
    links = defaultdict(list)
    for link in EvidenceLink.objects.filter(entry__assessment=assessment).select_related("document"):
        links[link.entry_id].append(link)
    round_ = ROUND_OF_PHASE.get(assessment.period.status)
    open_statuses = {
        1: {AssessmentStatus.UNDER_APPRAISAL},
        2: {AssessmentStatus.UNDER_APPRAISAL, AssessmentStatus.EXPLAINED},
    }
    is_open = round_ is not None and assessment.status in open_statuses[round_]
    rows, pending = [], 0
    for entry in entries:
        domain = entry.node.code.split(".")[0]
        in_scope = scope is None or domain in scope
        appraisable = in_scope and entry.node.method != "survey"
        if round_ == 2:  # round 2 looks again at what was questioned; round 1 stands elsewhere
            done = (
                entry.not_applicable or not entry.explanation_request or entry.appraised_points_r2 is not None
            )
        else:
            done = entry.not_applicable or entry.appraised_points_r1 is not None
        if appraisable and not done:
            pending += 1
        rows.append(
            {"entry": entry, "links": links[entry.pk], "appraisable": appraisable and is_open, "done": done}
        )
    return {"assessment": assessment, "rows": rows, "round": round_, "open": is_open, "pending": pending}


def appraisal_queue(user) -> list[dict]:
    """Per assessment assigned to the user and under appraisal: how many appraisal nodes still wait."""
    assessments = (
        assessments_for_appraiser(user)
        .filter(status__in=[AssessmentStatus.UNDER_APPRAISAL, AssessmentStatus.EXPLAINED])
        .select_related("unit", "period")
        .annotate(
            waiting=Count(
                "entries",
                filter=Q(entries__appraised_points_r1__isnull=True, entries__not_applicable=False)
                & ~Q(entries__node__method="survey"),
            )
        )
        .order_by("period__year", "unit__name")
    )
    return [{"assessment": a, "waiting": a.waiting} for a in assessments]
