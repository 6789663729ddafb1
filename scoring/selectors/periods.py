"""The secretariat's pages of one period: the dashboard, the preview of each step, assignments and
extensions. Each function reads in a fixed number of queries."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from scoring import policy
from scoring.models import (
    AppraiserAssignment,
    AssessmentResult,
    AssessmentStatus,
    CorrectionStatus,
    DeadlineExtension,
    FrameworkNode,
    Method,
    NodeLevel,
    PeriodStatus,
    ScoreEntry,
)


def advance_problems(period) -> list[str]:
    """What stops the period from entering its next phase (empty when it may advance)."""
    return policy.advance_refusals(
        period,
        has_groups=period.groups.exists(),
        has_bands=period.bands.exists(),
        open_corrections=period.corrections.filter(status=CorrectionStatus.OPEN).exists(),
        still_in_time=_still_in_time(period),
    )


def _still_in_time(period) -> list[tuple]:
    """(unit, deadline) of the assessments the next phase change would mark late before their deadline."""
    marks = policy.marks_on_advance(period.status)
    if not marks:
        return []
    extensions = {(e.unit_id, e.phase): e.deadline for e in DeadlineExtension.objects.filter(period=period)}
    on = policy.today()
    waiting = []
    for assessment in (
        period.assessments.filter(status__in=list(marks)).select_related("unit").order_by("unit__name")
    ):
        phase = marks[assessment.status]
        deadline = policy.unit_deadline(period, phase, extensions.get((assessment.unit_id, phase)))
        if deadline is not None and not policy.deadline_passed(deadline, on):
            waiting.append((assessment.unit, deadline))
    return waiting


def _deadlines(period) -> list[dict]:
    on = policy.today()
    return [
        {
            "label": policy.deadline_label(field),
            "date": getattr(period, field),
            "current": period.status == phase,
            "passed": policy.deadline_passed(getattr(period, field), on),
        }
        for phase, field in policy.PHASE_DEADLINE_FIELDS.items()
    ]


def period_dashboard(period) -> dict:
    """Everything the secretariat needs to run the period: phase, deadlines, bands, groups, where the units
    stand, what blocks the next step, assignments, extensions, exclusions, publications and corrections."""
    counts = Counter(
        dict(period.assessments.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    )
    groups = list(
        period.groups.select_related("unit_group", "framework").annotate(
            members=Count("unit_group__members", distinct=True), opened=Count("assessments", distinct=True)
        )
    )
    unscored = (
        ScoreEntry.objects.filter(assessment__period=period)
        .filter(policy.unscored_entries_q())
        .exclude(assessment__status__in=policy.CLOSED_ASSESSMENT_STATUSES)
        .aggregate(
            survey=Count("pk", filter=Q(node__method=Method.SURVEY)),
            appraisal=Count("pk", filter=~Q(node__method=Method.SURVEY)),
        )
    )
    target = policy.next_period_status(period.status)
    open_correction = period.corrections.filter(status=CorrectionStatus.OPEN).first()
    return {
        "period": period,
        "status_counts": [
            {"status": status, "label": status.label, "count": counts.get(status.value, 0)}
            for status in AssessmentStatus
            if counts.get(status.value, 0)
        ],
        "assessment_count": sum(counts.values()),
        "groups": groups,
        "bands": list(period.bands.order_by("-min_index")),
        "deadlines": _deadlines(period),
        "next_label": PeriodStatus(target).label if target else None,
        "publishes_next": policy.advance_is_publication(period.status),
        "advance_problems": advance_problems(period),
        "configurable": policy.may_configure(period.status),
        **_status_flags(period),
        "round": policy.round_of_phase(period.status),
        "may_finalise": period.status in policy.ASSESSMENT_TRANSITIONS["finalise"].phases,
        "unscored_survey": unscored["survey"],
        "unscored_appraisal": unscored["appraisal"],
        "assignments": _assignments(period),
        "extensions": _extensions(period),
        "excluded": _excluded(period),
        "publications": list(period.publications.order_by("-version")),
        "open_correction": open_correction,
        "events": [
            {
                "at": e.at,
                "actor": e.actor,
                "assessment": e.assessment,
                "label": policy.ACTION_LABELS.get(e.action, e.action),
                "reason": e.reason,
            }
            for e in period.events.select_related("actor", "assessment__unit")[:15]
        ],
    }


def _status_flags(period) -> dict:
    return {
        "is_open": policy.is_open(period.status),
        "is_public": policy.is_public(period.status),
        "is_published": policy.is_published(period.status),
        "may_assign": policy.may_assign(period.status),
    }


def _assignments(period) -> list:
    return list(
        AppraiserAssignment.objects.filter(period=period)
        .select_related("appraiser", "unit")
        .order_by("appraiser__username", "unit__name", "domain_code")
    )


def _extensions(period) -> list:
    return list(
        DeadlineExtension.objects.filter(period=period).select_related("unit").order_by("unit__name", "phase")
    )


def _excluded(period) -> list:
    return list(period.assessments.filter(status=policy.EXCLUDED_STATUS).select_related("unit"))


def assignments_page(period) -> dict:
    """The appraiser assignments of a period (the dashboard shows the same list)."""
    return {"period": period, **_status_flags(period), "assignments": _assignments(period)}


def extensions_page(period) -> dict:
    """The units' own deadlines in a period."""
    return {"period": period, **_status_flags(period), "extensions": _extensions(period)}


def exclusions_page(period) -> dict:
    """The units left out of a period's ranking, with their reasons."""
    return {"period": period, **_status_flags(period), "excluded": _excluded(period)}


def _coverage(period) -> list[tuple]:
    return list(AppraiserAssignment.objects.filter(period=period).values_list("unit_id", "domain_code"))


def advance_preview(period) -> dict:
    """Before a phase change: what will happen to each unit (opened, locked as not submitted, taken to round 2
    without explanation, no appraiser assigned, nodes still unappraised), and what blocks the change."""
    target = policy.next_period_status(period.status)
    problems = advance_problems(period)
    rows = []
    if target is not None and policy.opens_assessments(target):
        existing = set(period.assessments.values_list("unit_id", flat=True))
        for group in period.groups.select_related("unit_group", "framework"):
            units = group.unit_group.members.filter(policy.units_in_year_q(period.year)).order_by("name")
            for unit in units:
                rows.append(
                    {
                        "unit": unit,
                        "status": "",
                        "notes": [f"Mở bản đánh giá theo «{group.framework.title}»"]
                        if unit.pk not in existing
                        else ["Đã có bản đánh giá"],
                        "warn": False,
                    }
                )
    else:
        rows = _assessment_rows(period, target)
    return {
        "period": period,
        "target": target,
        "target_label": PeriodStatus(target).label if target else None,
        "problems": problems,
        "rows": rows,
        "warnings": sum(1 for row in rows if row["warn"]),
        "moves": _move_counts(period, target),
    }


def _move_counts(period, target) -> list[str]:
    moves = policy.PHASE_CHANGE_MOVES.get(target, {})
    counts = dict(
        period.assessments.filter(status__in=list(moves)).values_list("status").annotate(n=Count("pk"))
    )
    return [
        f"{counts[source]} bản đánh giá «{AssessmentStatus(source).label}» → «{AssessmentStatus(destination).label}»"
        for source, destination in moves.items()
        if counts.get(source)
    ]


def _assessment_rows(period, target) -> list[dict]:
    coverage = _coverage(period)
    round_ = policy.round_of_phase(period.status) or 1
    assessments = list(
        period.assessments.select_related("unit")
        .annotate(
            filled=Count(
                "entries",
                filter=Q(entries__self_points__isnull=False) & ~Q(entries__node__method=Method.SURVEY),
            ),
            nodes=Count("entries", filter=~Q(entries__node__method=Method.SURVEY)),
            requests=Count("entries", filter=~Q(entries__explanation_request="")),
            unanswered=Count(
                "entries", filter=~Q(entries__explanation_request="") & Q(entries__unit_response="")
            ),
            waiting=Count("entries", filter=policy.pending_entries_q(round_, "entries__")),
        )
        .order_by("unit__name")
    )
    moves = policy.PHASE_CHANGE_MOVES.get(target, {})
    rows = []
    for a in assessments:
        notes, warn = [], False
        mark = policy.PHASE_CHANGE_MARKS.get((target, a.status))
        if mark == "late_submission":
            notes.append(
                f"Không nộp đúng hạn: khóa và chuyển thẩm định theo nội dung đã nhập ({a.filled}/{a.nodes} tiêu chí "
                "đã tự chấm)"
            )
            warn = True
        elif mark == "explanation_missed":
            notes.append(
                f"Không giải trình đúng hạn ({a.unanswered}/{a.requests} yêu cầu chưa trả lời): chuyển thẩm định "
                "lần 2 không có giải trình"
            )
            warn = True
        elif a.status in moves:
            notes.append(f"Chuyển sang «{AssessmentStatus(moves[a.status]).label}»")
        if policy.is_returned(a.status) and not mark:
            notes.append(f"Chờ đơn vị giải trình {a.requests} tiêu chí")
        in_round = policy.round_of_phase(period.status) is not None
        if in_round and not policy.is_closed(a.status) and a.waiting:
            notes.append(f"Còn {a.waiting} tiêu chí chưa thẩm định lần {round_}")
            warn = True
        if not policy.is_closed(a.status) and not policy.covers(coverage, unit_id=a.unit_id):
            notes.append("Chưa phân công thẩm định viên")
            warn = True
        if policy.is_excluded(a.status):
            notes = [f"Không xếp hạng: {a.exclusion_reason}"]
            warn = False
        rows.append(
            {"unit": a.unit, "status": a.get_status_display(), "notes": notes, "warn": warn, "assessment": a}
        )
    return rows


def finalise_preview(period) -> dict:
    """Assessments waiting to be finalised: those with every point, and those still missing some (listed)."""
    transition = policy.ASSESSMENT_TRANSITIONS["finalise"]
    waiting = list(
        period.assessments.filter(status__in=transition.sources)
        .select_related("unit")
        .annotate(missing=Count("entries", filter=policy.unscored_entries_q("entries__")))
        .order_by("unit__name")
    )
    missing_codes = defaultdict(list)
    for assessment_id, code in (
        ScoreEntry.objects.filter(
            policy.unscored_entries_q(), assessment__in=[a for a in waiting if a.missing]
        )
        .order_by("node__order")
        .values_list("assessment_id", "node__code")
    ):
        missing_codes[assessment_id].append(code)
    unreviewed = defaultdict(list)
    for assessment_id, code in (
        ScoreEntry.objects.filter(
            policy.pending_entries_q(2), assessment__in=waiting, appraised_points_r1__isnull=False
        )
        .order_by("node__order")
        .values_list("assessment_id", "node__code")
    ):
        unreviewed[assessment_id].append(code)
    return {
        "period": period,
        "allowed": period.status in transition.phases,
        "unreviewed": [{"assessment": a, "codes": unreviewed[a.pk]} for a in waiting if unreviewed[a.pk]],
        "complete": [a for a in waiting if not a.missing],
        "incomplete": [{"assessment": a, "codes": missing_codes[a.pk]} for a in waiting if a.missing],
    }


def publish_preview(period) -> dict:
    """The ranking that publishing would freeze (from the stored results), and what still blocks it."""
    pending = list(
        period.assessments.exclude(status__in=policy.CLOSED_ASSESSMENT_STATUSES)
        .select_related("unit")
        .order_by("unit__name")
    )
    results = list(
        AssessmentResult.objects.filter(assessment__period=period)
        .select_related("assessment__unit", "assessment__period_group__unit_group")
        .order_by("assessment__period_group__unit_group__name", "rank", "assessment__unit__name")
    )
    groups = defaultdict(list)
    for result in results:
        groups[result.assessment.period_group.unit_group.name].append(result)
    return {
        "period": period,
        "allowed": policy.advance_is_publication(period.status) and not pending,
        "phase_ok": policy.advance_is_publication(period.status),
        "pending": pending,
        "groups": [{"name": name, "results": rows} for name, rows in groups.items()],
    }


def domain_choices(period) -> list[tuple[str, str]]:
    """The domains of the period's frameworks, for assignment forms."""
    seen = {}
    for code, name in (
        FrameworkNode.objects.filter(framework__in=period.groups.values("framework"), level=NodeLevel.DOMAIN)
        .order_by("order")
        .values_list("code", "name")
    ):
        seen.setdefault(code, f"{code}. {name}")
    return sorted(seen.items(), key=lambda item: int(item[0]))
