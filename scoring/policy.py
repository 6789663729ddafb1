"""The yearly cycle's rulebook, pure: which status follows which, which round is open when, a unit's deadline in
each phase, and which appraiser covers what (DOMAIN.md, "The yearly cycle").

Services enforce these rules, selectors and templates ask them; no other module names a status. Functions take
plain values (statuses, dates, codes) so that the whole rulebook is tested without a database; the `Q` builders at
the end turn the same rules into queries.

Period:     setup → self-assessment → appraisal → explanation → final appraisal → published → archived
Assessment: draft → submitted → under appraisal → returned → explained → finalised; submitted → draft (withdrawn);
            any status before publication → excluded (secretariat, with a reason).
Phase changes move every assessment that would otherwise wait forever:
  - into appraisal: submitted → under appraisal; draft → under appraisal, marked "không nộp đúng hạn";
  - into final appraisal: returned (not explained) → under appraisal, marked "không giải trình đúng hạn".
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.text import capfirst

from scoring.models import AssessmentStatus as A
from scoring.models import Method, Period, Phase, WorkflowAction
from scoring.models import PeriodStatus as P

# ---------------------------------------------------------------- periods

PERIOD_FLOW = [
    P.SETUP,
    P.SELF_ASSESSMENT,
    P.APPRAISAL,
    P.EXPLANATION,
    P.FINAL_APPRAISAL,
    P.PUBLISHED,
    P.ARCHIVED,
]
PUBLIC_PERIOD_STATUSES = (P.PUBLISHED, P.ARCHIVED)
OPEN_PERIOD_STATUSES = (P.SELF_ASSESSMENT, P.APPRAISAL, P.EXPLANATION, P.FINAL_APPRAISAL)
# Period phases whose deadline must be set before the phase opens, and the field that holds it.
PHASE_DEADLINE_FIELDS = {
    P.SELF_ASSESSMENT: "self_assessment_deadline",
    P.APPRAISAL: "appraisal_deadline",
    P.EXPLANATION: "explanation_deadline",
    P.FINAL_APPRAISAL: "final_appraisal_deadline",
}


def deadline_label(field: str) -> str:
    """The label of a deadline field ("Hạn tự đánh giá"), as the model names it."""
    return capfirst(Period._meta.get_field(field).verbose_name)


# Phases a unit may get its own deadline for (DeadlineExtension.phase) and the period phase they belong to.
UNIT_PHASES = {Phase.SELF_ASSESSMENT: P.SELF_ASSESSMENT, Phase.EXPLANATION: P.EXPLANATION}
UNIT_PHASE_OF_PERIOD = {period_status: phase for phase, period_status in UNIT_PHASES.items()}


def next_period_status(status: str) -> str | None:
    """The phase after `status`, or None after the last one."""
    position = PERIOD_FLOW.index(status)
    return PERIOD_FLOW[position + 1] if position + 1 < len(PERIOD_FLOW) else None


def is_public(period_status: str) -> bool:
    return period_status in PUBLIC_PERIOD_STATUSES


def is_open(period_status: str) -> bool:
    return period_status in OPEN_PERIOD_STATUSES


def is_setup(period_status: str) -> bool:
    return period_status == P.SETUP


def is_published(period_status: str) -> bool:
    return period_status == P.PUBLISHED


def may_configure(period_status: str) -> bool:
    """Groups, bands and the period's code are fixed once units have started work."""
    return period_status == P.SETUP


def may_assign(period_status: str) -> bool:
    """Appraisers are assigned until the period is archived (a published period's corrections need them)."""
    return period_status != P.ARCHIVED


def may_change_deadlines(period_status: str) -> bool:
    return period_status in (P.SETUP, *OPEN_PERIOD_STATUSES)


def may_set_ranking_groups(period_status: str) -> bool:
    """Named ranking groups are set until publication, which freezes the ranks within them (a correction ranks
    again within the same groups). The choice of the previous comparable period is documented in
    scoring.selectors.year_on_year."""
    return not is_public(period_status)


def advance_refusals(
    period, *, has_groups: bool, has_bands: bool, open_corrections: bool, still_in_time=()
) -> list[str]:
    """What stops a period from entering its next phase (empty when it may advance).

    Self-assessment needs unit groups and bands; every phase needs its deadline; archiving waits for open
    corrections. Publication is a step of its own. `still_in_time`: (unit, deadline) of the units the change
    would mark as late (not submitted, not explained) although their own deadline has not passed: the phase
    waits for them, so that nobody is marked late before their deadline."""
    target = next_period_status(period.status)
    if target is None:
        return ["Kỳ đánh giá đã lưu trữ, không còn giai đoạn nào tiếp theo."]
    if advance_is_publication(period.status):
        return ["Bước tiếp theo là công bố kết quả (nút «Công bố kết quả»)."]
    problems = []
    if target == P.SELF_ASSESSMENT:
        if not has_groups:
            problems.append("Chưa có nhóm đơn vị nào tham gia kỳ đánh giá.")
        if not has_bands:
            problems.append("Chưa đặt mức xếp loại.")
    if target in PHASE_DEADLINE_FIELDS and period_deadline(period, target) is None:
        problems.append(f"Chưa đặt hạn của giai đoạn «{P(target).label}».")
    if target == P.ARCHIVED and open_corrections:
        problems.append("Còn đợt đính chính chưa công bố.")
    if still_in_time:
        action = "nộp bản tự đánh giá" if period.status == P.SELF_ASSESSMENT else "gửi giải trình"
        shown = "; ".join(f"{unit} (hạn {deadline:%d/%m/%Y})" for unit, deadline in list(still_in_time)[:5])
        more = f" và {len(still_in_time) - 5} đơn vị khác" if len(still_in_time) > 5 else ""
        problems.append(
            f"Còn {len(still_in_time)} đơn vị chưa {action} mà chưa hết hạn: {shown}{more}. Chuyển giai đoạn bây "
            "giờ sẽ khóa và đánh dấu các đơn vị này quá hạn; hãy chờ hết hạn (hoặc sửa hạn của kỳ)."
        )
    return problems


def marks_on_advance(period_status: str) -> dict:
    """The statuses the next phase change marks as late, with the unit phase whose deadline they missed."""
    target = next_period_status(period_status)
    sources = [source for (phase, source) in PHASE_CHANGE_MARKS if phase == target]
    phase = UNIT_PHASE_OF_PERIOD.get(period_status)
    return {source: phase for source in sources} if phase else {}


def opens_assessments(target: str) -> bool:
    """Entering self-assessment creates every member unit's assessment."""
    return target == P.SELF_ASSESSMENT


def advance_is_publication(period_status: str) -> bool:
    """The step out of final appraisal is publication, a step of its own (period_publish)."""
    return period_status == P.FINAL_APPRAISAL


# ---------------------------------------------------------------- assessments


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    phases: frozenset  # period phases in which the action is allowed
    permission: str
    label: str
    needs_reason: bool = False


ASSESSMENT_TRANSITIONS = {
    "submit": Transition(
        frozenset({A.DRAFT}),
        A.SUBMITTED,
        frozenset({P.SELF_ASSESSMENT}),
        "scoring.submit_assessment",
        "Nộp bản tự đánh giá",
    ),
    "withdraw": Transition(
        frozenset({A.SUBMITTED}),
        A.DRAFT,
        frozenset({P.SELF_ASSESSMENT}),
        "scoring.submit_assessment",
        "Rút bản tự đánh giá để sửa",
        needs_reason=True,
    ),
    "return_for_explanation": Transition(
        frozenset({A.UNDER_APPRAISAL}),
        A.RETURNED,
        frozenset({P.APPRAISAL}),
        "scoring.appraise_assessment",
        "Yêu cầu giải trình",
    ),
    "explain": Transition(
        frozenset({A.RETURNED}),
        A.EXPLAINED,
        frozenset({P.EXPLANATION}),
        "scoring.explain_assessment",
        "Gửi giải trình",
    ),
    "finalise": Transition(
        frozenset({A.UNDER_APPRAISAL, A.EXPLAINED}),
        A.FINALISED,
        frozenset({P.FINAL_APPRAISAL}),
        "scoring.manage_period",
        "Chốt kết quả",
    ),
    "exclude": Transition(
        frozenset({A.DRAFT, A.SUBMITTED, A.UNDER_APPRAISAL, A.RETURNED, A.EXPLAINED, A.FINALISED}),
        A.EXCLUDED,
        frozenset({P.SETUP, *OPEN_PERIOD_STATUSES}),
        "scoring.manage_period",
        "Không xếp hạng đơn vị",
        needs_reason=True,
    ),
}
# Transitions made by a phase change, for every assessment concerned: period phase entered → {from: to}.
PHASE_CHANGE_MOVES = {
    P.APPRAISAL: {A.SUBMITTED: A.UNDER_APPRAISAL, A.DRAFT: A.UNDER_APPRAISAL},
    P.FINAL_APPRAISAL: {A.RETURNED: A.UNDER_APPRAISAL},
}
# Marks a phase change leaves on assessments it moves: (phase entered, from status) → model field.
PHASE_CHANGE_MARKS = {
    (P.APPRAISAL, A.DRAFT): "late_submission",
    (P.FINAL_APPRAISAL, A.RETURNED): "explanation_missed",
}
# The WorkflowEvent action each of those moves is logged as.
PHASE_CHANGE_ACTIONS = {
    (P.APPRAISAL, A.SUBMITTED): "start_appraisal",
    (P.APPRAISAL, A.DRAFT): "lock_late",
    (P.FINAL_APPRAISAL, A.RETURNED): "skip_explanation",
}
ACTION_LABELS = dict(WorkflowAction.choices)
# A past period entered as published (services.historical): where its assessments and the period end up.
HISTORICAL_ASSESSMENT_STATUS = A.FINALISED
HISTORICAL_PERIOD_STATUS = P.PUBLISHED
EXCLUDED_STATUS = A.EXCLUDED
# Assessments that count in a finished period: finalised ones are ranked, excluded ones are listed apart.
CLOSED_ASSESSMENT_STATUSES = (A.FINALISED, A.EXCLUDED)


def transition_refusal(action: str, *, assessment_status: str, period_status: str) -> str | None:
    """Why `action` cannot move an assessment now (Vietnamese), or None when the statuses allow it."""
    transition = ASSESSMENT_TRANSITIONS[action]
    if assessment_status not in transition.sources:
        return (
            f"Không thể «{transition.label}»: bản đánh giá đang ở trạng thái «{A(assessment_status).label}»."
        )
    if period_status not in transition.phases:
        return f"Không thể «{transition.label}»: kỳ đánh giá đang ở giai đoạn «{P(period_status).label}»."
    return None


def is_excluded(assessment_status: str) -> bool:
    return assessment_status == EXCLUDED_STATUS


def is_closed(assessment_status: str) -> bool:
    return assessment_status in CLOSED_ASSESSMENT_STATUSES


def is_returned(assessment_status: str) -> bool:
    return assessment_status == A.RETURNED


def is_explained(assessment_status: str) -> bool:
    return assessment_status == A.EXPLAINED


def is_submitted(assessment_status: str) -> bool:
    return assessment_status == A.SUBMITTED


def units_in_year_q(year: int, prefix: str = "") -> Q:
    """Units that exist during the year: a unit dissolved before it or created after it is not assessed."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": start})) & (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})
    )


def page_for(*, role: str, period_status: str, assessment_status: str) -> str:
    """The page a queue row leads to for the current phase: "self_assessment", "explanation" or "appraisal".

    Units work on their self-assessment until they are asked to explain; appraisers and the secretariat follow
    the appraisal once it starts."""
    if role == "unit":
        if period_status == P.EXPLANATION and assessment_status in (A.RETURNED, A.EXPLAINED):
            return "explanation"
        return "self_assessment"
    if period_status == P.SELF_ASSESSMENT:
        return "self_assessment"
    return "appraisal"


def unit_sees_appraisal(period_status: str) -> bool:
    """Whether a unit's own people see every node's appraised, survey and final points and the appraisers'
    reasons (scorecard, exports): once the results are published. Before that they see only what their
    explanation page shows: the round-1 points and reasons of the nodes they are asked to explain."""
    return is_public(period_status)


# ---------------------------------------------------------------- deadlines


def today() -> datetime.date:
    """Deadlines are calendar days in the province's time zone (Asia/Ho_Chi_Minh)."""
    from django.utils import timezone

    return timezone.localdate()


def deadline_passed(deadline: datetime.date | None, on: datetime.date) -> bool:
    """A deadline day is open until its end; no deadline means no limit."""
    return deadline is not None and on > deadline


def days_left(deadline: datetime.date | None, on: datetime.date) -> int | None:
    """Days from `on` to the deadline (0 on the day, negative once passed); None without a deadline."""
    return (deadline - on).days if deadline is not None else None


def period_deadline(period, period_status: str) -> datetime.date | None:
    """The period's own deadline for a phase (None for phases without one)."""
    field = PHASE_DEADLINE_FIELDS.get(period_status)
    return getattr(period, field) if field else None


def unit_deadline(period, phase: str, extension: datetime.date | None) -> datetime.date | None:
    """A unit's deadline in a unit phase: its extension if the secretariat granted one, else the period's."""
    return extension if extension is not None else period_deadline(period, UNIT_PHASES[phase])


def current_deadline(period, extension_for_phase) -> datetime.date | None:
    """The deadline that applies now, for a unit: `extension_for_phase(phase)` gives its extension or None."""
    phase = UNIT_PHASE_OF_PERIOD.get(period.status)
    if phase is not None:
        return unit_deadline(period, phase, extension_for_phase(phase))
    return period_deadline(period, period.status)


def self_assessment_editable(*, period_status: str, assessment_status: str, deadline, on) -> bool:
    """Whether the unit may still change its self-assessment (the form is read-only otherwise)."""
    return (
        period_status == P.SELF_ASSESSMENT
        and assessment_status == A.DRAFT
        and not deadline_passed(deadline, on)
    )


def withdrawal_open(*, period_status: str, assessment_status: str, deadline, on) -> bool:
    return (
        period_status == P.SELF_ASSESSMENT
        and assessment_status == A.SUBMITTED
        and not deadline_passed(deadline, on)
    )


def explanation_open(*, period_status: str, assessment_status: str, deadline, on) -> bool:
    return (
        period_status == P.EXPLANATION
        and assessment_status == A.RETURNED
        and not deadline_passed(deadline, on)
    )


# ---------------------------------------------------------------- appraisal rounds

ROUND_PHASES = {1: P.APPRAISAL, 2: P.FINAL_APPRAISAL}
ROUND_STATUSES = {1: frozenset({A.UNDER_APPRAISAL}), 2: frozenset({A.UNDER_APPRAISAL, A.EXPLAINED})}
# Statuses an appraiser's queue lists in each period phase.
QUEUE_STATUSES = {
    P.APPRAISAL: (A.UNDER_APPRAISAL, A.RETURNED),
    P.EXPLANATION: (A.UNDER_APPRAISAL, A.RETURNED, A.EXPLAINED),
    P.FINAL_APPRAISAL: (A.UNDER_APPRAISAL, A.EXPLAINED),
}


def round_of_phase(period_status: str) -> int | None:
    for round_, phase in ROUND_PHASES.items():
        if phase == period_status:
            return round_
    return None


def open_round(*, period_status: str, assessment_status: str) -> int | None:
    """The appraisal round open for an assessment now: 1 or 2, or None."""
    round_ = round_of_phase(period_status)
    if round_ is not None and assessment_status in ROUND_STATUSES[round_]:
        return round_
    return None


def may_return_for_explanation(*, period_status: str, assessment_status: str) -> bool:
    return (
        transition_refusal(
            "return_for_explanation", assessment_status=assessment_status, period_status=period_status
        )
        is None
    )


def entry_pending(
    round_: int,
    *,
    appraised_r1,
    appraised_r2,
    not_applicable: bool,
    explanation_request: str,
    is_survey: bool,
) -> bool:
    """Whether an appraisal node still waits for the appraiser in a round.

    Round 1: every appraisal node without a round-1 score. Round 2 looks again at what was questioned (nodes
    with an explanation request and no round-2 score) and at anything never appraised.
    """
    if is_survey or not_applicable:
        return False
    if round_ == 1:
        return appraised_r1 is None
    if appraised_r2 is not None:
        return False
    return appraised_r1 is None or bool(explanation_request)


def pending_entries_q(round_: int, prefix: str = "") -> Q:
    """`entry_pending` as a filter on score entries (prefix: the path to the entry, e.g. "entries__")."""

    def f(name):
        return f"{prefix}{name}"

    base = ~Q(**{f("node__method"): Method.SURVEY}) & Q(**{f("not_applicable"): False})
    if round_ == 1:
        return base & Q(**{f("appraised_points_r1__isnull"): True})
    questioned = ~Q(**{f("explanation_request"): ""})
    return (
        base
        & Q(**{f("appraised_points_r2__isnull"): True})
        & (Q(**{f("appraised_points_r1__isnull"): True}) | questioned)
    )


def unscored_entries_q(prefix: str = "") -> Q:
    """Entries with no final points that are not exempted: they block finalisation."""
    return Q(**{f"{prefix}final_points__isnull": True, f"{prefix}not_applicable": False})


# ---------------------------------------------------------------- appraiser coverage


def covers(assignments, *, unit_id, domain_code: str | None = None) -> bool:
    """Whether assignments [(unit_id or None, domain_code or "")] cover a unit (and a domain, if given).

    A blank unit means every unit of the period, a blank domain every domain.
    """
    return any(
        (unit is None or unit == unit_id) and (domain_code is None or not domain or domain == domain_code)
        for unit, domain in assignments
    )


def covered_domains(assignments, *, unit_id) -> set[str] | None:
    """Domain codes the assignments cover in a unit; None means every domain."""
    domains = {domain for unit, domain in assignments if unit is None or unit == unit_id}
    return None if "" in domains else domains


def may_correct(assignments, *, manages: bool, is_survey: bool, unit_id, domain_code: str) -> bool:
    """Who changes a reopened entry in a correction: survey nodes the secretariat (`manages`), appraisal nodes an
    appraiser whose assignments cover them."""
    if is_survey:
        return manages
    return covers(assignments, unit_id=unit_id, domain_code=domain_code)


def assignment_covers_assessment_q(prefix: str = "") -> Q:
    """On AppraiserAssignment, filtered by an OuterRef("period"), OuterRef("unit") of an assessment."""
    from django.db.models import OuterRef

    return Q(period=OuterRef(f"{prefix}period")) & (Q(unit__isnull=True) | Q(unit=OuterRef(f"{prefix}unit")))
