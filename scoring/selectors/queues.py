"""What awaits each role when they open the back office (the admin index)."""

from django.db.models import Count, Q
from django.urls import reverse

from scoring import policy
from scoring.models import Assessment, DeadlineExtension, Method, Period
from scoring.roles import is_appraiser
from scoring.selectors.appraisal import appraisal_queue
from units.scope import is_secretariat, units_for_user

PAGES = {
    "self_assessment": "backoffice:self_assessment",
    "explanation": "backoffice:explanation",
    "appraisal": "backoffice:appraisal",
}
SECRETARIAT_ROWS = 60  # the index shows the units needing attention first; the full list is in the admin


def _progress(assessments, role: str) -> list[dict]:
    """Assessments of open periods with their counts and each one's deadline in the current phase (one query
    for all extensions)."""
    rows = list(
        assessments.filter(period__status__in=policy.OPEN_PERIOD_STATUSES)
        .select_related("unit", "period")
        .annotate(
            nodes=Count("entries", filter=~Q(entries__node__method=Method.SURVEY), distinct=True),
            filled=Count(
                "entries",
                filter=~Q(entries__node__method=Method.SURVEY) & Q(entries__self_points__isnull=False),
                distinct=True,
            ),
            evidence=Count("entries__evidence", distinct=True),
            requests=Count(
                "entries",
                filter=~Q(entries__explanation_request="") & Q(entries__unit_response=""),
                distinct=True,
            ),
        )
        .order_by("period__year", "period__title", "unit__name")
    )
    extensions = {
        (e.period_id, e.unit_id, e.phase): e.deadline
        for e in DeadlineExtension.objects.filter(period_id__in={a.period_id for a in rows})
    }
    on = policy.today()
    result = []
    for assessment in rows:
        deadline = policy.current_deadline(
            assessment.period,
            lambda phase, a=assessment: extensions.get((a.period_id, a.unit_id, phase)),
        )
        page = policy.page_for(
            role=role, period_status=assessment.period.status, assessment_status=assessment.status
        )
        days_left = policy.days_left(deadline, on)
        result.append(
            {
                "assessment": assessment,
                "phase": assessment.period.get_status_display(),
                "deadline": deadline,
                "days_left": days_left,
                "overdue": policy.deadline_passed(deadline, on) and not policy.is_closed(assessment.status),
                "filled_percent": round(100 * assessment.filled / assessment.nodes)
                if assessment.nodes
                else 0,
                "evidence": assessment.evidence,
                "open_requests": assessment.requests if policy.is_returned(assessment.status) else 0,
                "url": reverse(PAGES[page], args=[assessment.pk]),
            }
        )
    return result


def _attention_first(row) -> tuple:
    return (not row["overdue"], row["days_left"] if row["days_left"] is not None else 10**6)


def work_queues(user) -> dict:
    """The secretariat: open periods and the units needing attention. Officers and leaders: their units'
    deadlines, filling, evidence and open explanation requests. Appraisers: what waits in their scope."""
    if not user.is_authenticated:
        return {}
    queues = {}
    if is_secretariat(user):
        rows = sorted(_progress(Assessment.objects.all(), "secretariat"), key=_attention_first)
        queues["secretariat"] = rows[:SECRETARIAT_ROWS]
        queues["secretariat_total"] = len(rows)
        queues["periods"] = _open_periods()
        queues["is_secretariat"] = True
    else:
        own = _progress(Assessment.objects.filter(unit__in=units_for_user(user)), "unit")
        if own:
            queues["officer"] = own
    appraisal = appraisal_queue(user)
    for row in appraisal:
        row["url"] = reverse(PAGES["appraisal"], args=[row["assessment"].pk])
    if appraisal:
        queues["appraiser"] = appraisal
    if is_appraiser(user):
        queues["appraiser_periods"] = _appraiser_periods(user)
    return queues


def _appraiser_periods(user) -> list[dict]:
    """The unpublished periods the appraiser is assigned to, with what happens next in each."""
    periods = Period.objects.filter(
        assignments__appraiser=user, status__in=policy.OPEN_PERIOD_STATUSES
    ).distinct()
    return [
        {
            "period": period,
            "deadline": policy.period_deadline(period, period.status),
            "waiting_for_units": policy.round_of_phase(period.status) is None,
            "ranking_url": reverse("backoffice:ranking_xlsx", args=[period.pk]),
        }
        for period in periods.order_by("-year", "title")
    ]


def _open_periods() -> list[dict]:
    periods = (
        Period.objects.exclude(status__in=policy.PUBLIC_PERIOD_STATUSES)
        .annotate(units=Count("assessments"))
        .order_by("-year", "title")
    )
    return [
        {
            "period": period,
            "url": reverse("backoffice:period", args=[period.pk]),
            "units": period.units,
            "deadline": policy.period_deadline(period, period.status),
        }
        for period in periods
    ]
