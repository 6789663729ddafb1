"""The appraisal page of one assessment and the appraiser's queue; both count pending work with the same rule
(policy.entry_pending / policy.pending_entries_q)."""

from collections import defaultdict

from django.db.models import Exists, Q

from scoring import codes, policy
from scoring.models import AppraiserAssignment, Assessment, Method, ScoreEntry
from scoring.selectors.evidence import links_by_entry


def assessments_for_appraiser(user):
    """Assessments in periods where the user has an assignment covering their unit (or every unit)."""
    assigned = AppraiserAssignment.objects.filter(appraiser=user).filter(
        policy.assignment_covers_assessment_q()
    )
    return Assessment.objects.filter(Exists(assigned))


def appraisal_scope(user, assessment) -> tuple[bool, set[str] | None]:
    """(whether the user appraises this assessment at all, the domain codes in scope: None for every domain,
    empty when not assigned). The appraisal page and the services that record appraisal share it."""
    assignments = list(
        AppraiserAssignment.objects.filter(appraiser=user, period_id=assessment.period_id).values_list(
            "unit_id", "domain_code"
        )
    )
    if not policy.covers(assignments, unit_id=assessment.unit_id):
        return False, set()
    return True, policy.covered_domains(assignments, unit_id=assessment.unit_id)


def appraisal_page(assessment, user) -> dict:
    """Nodes side by side (self score, figures, explanation, evidence, the unit's response) with the open
    round's inputs for the nodes in the user's scope. A fixed number of queries."""
    assigned, scope = appraisal_scope(user, assessment)
    entries = list(
        ScoreEntry.objects.filter(assessment=assessment).select_related("node").order_by("node__order")
    )
    links = links_by_entry(entry__assessment=assessment)
    round_ = policy.open_round(period_status=assessment.period.status, assessment_status=assessment.status)
    shown_round = round_ or policy.round_of_phase(assessment.period.status)
    rows, pending = [], 0
    for entry in entries:
        in_scope = assigned and (scope is None or codes.domain_of(entry.node.code) in scope)
        survey = entry.node.method == Method.SURVEY
        waiting = shown_round is not None and policy.entry_pending(
            shown_round,
            appraised_r1=entry.appraised_points_r1,
            appraised_r2=entry.appraised_points_r2,
            not_applicable=entry.not_applicable,
            explanation_request=entry.explanation_request,
            is_survey=survey,
        )
        if in_scope and waiting:
            pending += 1
        rows.append(
            {
                "entry": entry,
                "links": links[entry.pk],
                "survey": survey,
                "deduction": entry.node.method == Method.DEDUCTION,
                "bonus": entry.node.method == Method.BONUS,
                "editable": in_scope and not survey and round_ is not None,
                "pending": waiting,
            }
        )
    may_appraise = assigned and round_ is not None
    unappraised = sum(
        1
        for row in rows
        if row["editable"]
        and not row["entry"].not_applicable
        and row["entry"].appraised_points_r1 is None
        and row["entry"].appraised_points_r2 is None
    )
    return {
        "assessment": assessment,
        "rows": rows,
        "editable_entries": [row["entry"] for row in rows if row["editable"]],
        "round": round_,
        "shown_round": shown_round,
        "open": may_appraise,
        "assigned": assigned,
        "pending": pending,
        "unappraised": unappraised,
        "deadline": policy.period_deadline(assessment.period, assessment.period.status),
        "requests": sum(1 for entry in entries if entry.explanation_request),
        "may_return": assigned
        and policy.may_return_for_explanation(
            period_status=assessment.period.status, assessment_status=assessment.status
        ),
    }


def appraisal_queue(user) -> list[dict]:
    """Per assessment assigned to the user in an appraisal phase: the nodes of the user's scope still waiting in
    its round (the rule and scope of the appraisal page), the round's deadline and whether it has passed.
    A fixed number of queries: the assignments, the assessments, and the waiting entries per phase."""
    assignments = defaultdict(list)
    for period_id, unit_id, domain in AppraiserAssignment.objects.filter(appraiser=user).values_list(
        "period_id", "unit_id", "domain_code"
    ):
        assignments[period_id].append((unit_id, domain))
    statuses = Q()
    for phase, allowed in policy.QUEUE_STATUSES.items():
        statuses |= Q(period__status=phase, status__in=allowed)
    assessments = list(
        assessments_for_appraiser(user)
        .filter(statuses)
        .select_related("unit", "period")
        .order_by("period__year", "unit__name")
    )
    waiting = defaultdict(int)
    for phase in policy.QUEUE_STATUSES:
        round_ = policy.round_of_phase(phase) or 1
        ids = [a.pk for a in assessments if a.period.status == phase]
        if not ids:
            continue
        for assessment_id, period_id, unit_id, code in ScoreEntry.objects.filter(
            policy.pending_entries_q(round_), assessment_id__in=ids
        ).values_list("assessment_id", "assessment__period_id", "assessment__unit_id", "node__code"):
            if policy.covers(assignments[period_id], unit_id=unit_id, domain_code=codes.domain_of(code)):
                waiting[assessment_id] += 1
    on = policy.today()
    rows = []
    for assessment in assessments:
        deadline = policy.period_deadline(assessment.period, assessment.period.status)
        rows.append(
            {
                "assessment": assessment,
                "round": policy.round_of_phase(assessment.period.status) or 1,
                "waiting": waiting[assessment.pk],
                "deadline": deadline,
                "days_left": policy.days_left(deadline, on),
                "overdue": policy.deadline_passed(deadline, on) and waiting[assessment.pk] > 0,
                "returned": policy.is_returned(assessment.status),
            }
        )
    return rows
