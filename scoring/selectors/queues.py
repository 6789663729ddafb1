"""What awaits each role when they open the back office (the admin index)."""

from django.db.models import Count, Q

from scoring.models import Assessment, AssessmentStatus, DeadlineExtension, PeriodStatus, Phase
from scoring.selectors.appraisal import appraisal_queue
from scoring.workflow import DEADLINE_FIELDS, today
from units.scope import is_secretariat, units_for_user

OPEN_PHASES = [
    PeriodStatus.SELF_ASSESSMENT,
    PeriodStatus.APPRAISAL,
    PeriodStatus.EXPLANATION,
    PeriodStatus.FINAL_APPRAISAL,
]
PHASE_OF_PERIOD = {
    PeriodStatus.SELF_ASSESSMENT: Phase.SELF_ASSESSMENT,
    PeriodStatus.EXPLANATION: Phase.EXPLANATION,
}
DEADLINE_FIELD = {
    Phase.SELF_ASSESSMENT: "self_assessment_deadline",
    Phase.EXPLANATION: "explanation_deadline",
}


def _progress(assessments):
    """Assessments of open periods with their counts, and each one's deadline in the current phase (one query
    for all extensions)."""
    rows = list(
        assessments.filter(period__status__in=OPEN_PHASES)
        .select_related("unit", "period")
        .annotate(
            nodes=Count("entries", filter=~Q(entries__node__method="survey"), distinct=True),
            filled=Count(
                "entries",
                filter=~Q(entries__node__method="survey") & Q(entries__self_points__isnull=False),
                distinct=True,
            ),
            evidence=Count("entries__evidence", distinct=True),
            requests=Count(
                "entries",
                filter=~Q(entries__explanation_request="") & Q(entries__unit_response=""),
                distinct=True,
            ),
        )
        .order_by("period__year", "unit__name")
    )
    extensions = {
        (e.period_id, e.unit_id, e.phase): e.deadline
        for e in DeadlineExtension.objects.filter(period_id__in={a.period_id for a in rows})
    }
    on = today()
    result = []
    for assessment in rows:
        phase = PHASE_OF_PERIOD.get(assessment.period.status)
        deadline = None
        if phase is not None:
            deadline = extensions.get(
                (assessment.period_id, assessment.unit_id, phase),
                getattr(assessment.period, DEADLINE_FIELDS[phase]),
            )
        result.append(
            {
                "assessment": assessment,
                "phase": assessment.period.get_status_display(),
                "deadline": deadline,
                "days_left": (deadline - on).days if deadline else None,
                "filled_percent": round(100 * assessment.filled / assessment.nodes)
                if assessment.nodes
                else 0,
                "evidence": assessment.evidence,
                "open_requests": assessment.requests if assessment.status == AssessmentStatus.RETURNED else 0,
            }
        )
    return result


def work_queues(user) -> dict:
    """The secretariat: every unit's progress. Officers: their units' deadlines, filling, evidence and open
    explanation requests. Appraisers: unappraised nodes per assigned unit."""
    if not user.is_authenticated:
        return {}
    queues = {}
    if is_secretariat(user):
        queues["secretariat"] = _progress(Assessment.objects.all())
    else:
        own = _progress(Assessment.objects.filter(unit__in=units_for_user(user)))
        if own:
            queues["officer"] = own
    appraisal = appraisal_queue(user)
    if appraisal:
        queues["appraiser"] = appraisal
    return queues
