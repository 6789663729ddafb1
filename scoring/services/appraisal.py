"""Appraisal: the appraiser's decisions on a whole page of nodes in one round, proposals for what the unit
claimed, and the return for explanation.

Concurrency: every node is a conditional UPDATE on the entry's version (… WHERE version = the version the
appraiser saw). Two appraisers saving the same node: the second updates nothing and the whole page is refused
with the current value; on PostgreSQL the second UPDATE waits for the first's row lock, then finds the version
changed. Nothing is overwritten silently.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from scoring import calculator, codes, policy
from scoring.formatting import format_number
from scoring.models import Assessment, EvidenceLink, Method, ScoreEntry
from scoring.selectors.appraisal import appraisal_scope
from scoring.services.audit import move, require
from scoring.services.scores import POINT_LABELS, final_points_of, points_problem

APPRAISAL_PLACES = 2
REASON_NO_EVIDENCE = "Không có tài liệu kiểm chứng (không có tài liệu kiểm chứng thì không tính điểm)."
REASON_NOT_SCORED = "Đơn vị không tự chấm điểm tiêu chí này."
REASON_ACCEPTED = "Chấp nhận điểm tự chấm."


@dataclass(frozen=True)
class Decision:
    """What the appraiser set for one node on the page."""

    code: str
    expected_version: int
    points: Decimal | None
    reason: str = ""
    explanation_request: str = ""
    not_applicable: bool = False
    not_applicable_reason: str = ""


class AppraisalConflict(ValidationError):
    """Someone saved a node first; carries the entry as it now stands."""

    def __init__(self, current: ScoreEntry, who: str):
        value = (
            current.appraised_points_r2
            if current.appraised_points_r2 is not None
            else current.appraised_points_r1
        )
        super().__init__(
            {
                current.node.code: [
                    f"Tiêu chí {current.node.code} vừa được {who} lưu trước bạn (điểm thẩm định hiện là "
                    f"{format_number(value) if value is not None else 'trống'}). Giá trị của bạn chưa được ghi; "
                    "hãy xem lại rồi lưu lại nếu vẫn muốn thay đổi."
                ]
            }
        )
        self.current = current


def _open_round_or_refuse(assessment: Assessment, expected_round: int) -> int:
    round_ = policy.open_round(period_status=assessment.period.status, assessment_status=assessment.status)
    if round_ is None:
        raise ValidationError(
            f"Không thể thẩm định: kỳ đánh giá đang ở giai đoạn «{assessment.period.get_status_display()}», "
            f"bản đánh giá «{assessment.get_status_display()}»."
        )
    if round_ != expected_round:
        raise ValidationError(
            f"Giai đoạn đã chuyển sang thẩm định lần {round_}; giá trị của bạn chưa được ghi. Hãy tải lại trang."
        )
    return round_


def _check(entry: ScoreEntry, decision: Decision, round_: int, scope) -> list[str]:
    node = entry.node
    if scope is not None and codes.domain_of(node.code) not in scope:
        return [f"Bạn không được phân công thẩm định tiêu chí {node.code}."]
    if node.method == Method.SURVEY:
        return [f"Tiêu chí {node.code} chấm bằng điều tra xã hội học, không thẩm định."]
    points = decision.points
    problem = points_problem(
        points,
        label=POINT_LABELS[f"appraised_points_r{round_}"],
        max_points=node.max_points,
        places=APPRAISAL_PLACES,
    )
    problems = [problem] if problem else []
    compared = entry.self_points if round_ == 1 else entry.appraised_points_r1
    if points is not None and points != compared and not decision.reason.strip():
        against = "điểm tự đánh giá" if round_ == 1 else "điểm thẩm định lần 1"
        problems.append(f"Nhập lý do khi điểm thẩm định khác {against}.")
    if decision.not_applicable and not decision.not_applicable_reason.strip():
        problems.append("Nhập lý do khi xác định tiêu chí không áp dụng.")
    if decision.not_applicable and points is not None:
        problems.append("Tiêu chí không áp dụng thì để trống điểm thẩm định.")
    return problems


def _changes(entry: ScoreEntry, decision: Decision, round_: int) -> dict:
    changes = {
        f"appraised_points_r{round_}": decision.points,
        f"appraisal_reason_r{round_}": decision.reason.strip(),
        "not_applicable": decision.not_applicable,
        "not_applicable_reason": decision.not_applicable_reason.strip() if decision.not_applicable else "",
    }
    if round_ == 1:  # requests are made in round 1; round 2 answers them
        changes["explanation_request"] = decision.explanation_request.strip()
    merged = {
        "appraised_points_r1": entry.appraised_points_r1,
        "appraised_points_r2": entry.appraised_points_r2,
        **changes,
    }
    changes["final_points"] = final_points_of(
        entry.node,
        appraised_r1=merged["appraised_points_r1"],
        appraised_r2=merged["appraised_points_r2"],
        survey=entry.survey_points,
        not_applicable=decision.not_applicable,
    )
    return changes


def appraisal_round_record(*, assessment, acting_user, round: int, decisions: list[Decision]) -> int:  # noqa: A002
    """Record the appraiser's decisions on the nodes of one assessment in the open round, all or nothing.

    Round 1 (period in appraisal) compares with the self score, round 2 (final appraisal) with round 1: a score
    that differs needs a reason; an exemption (không áp dụng) needs a reason and is set only here. `round` is
    the round the page was made for: if the period moved on meanwhile, nothing is written. Returns the number of
    nodes changed.
    """
    require(
        acting_user,
        "scoring.appraise_assessment",
        assessment,
        message="Bạn không được phân công thẩm định bản đánh giá này.",
    )
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
        round_ = _open_round_or_refuse(current, round)
        _, scope = appraisal_scope(acting_user, current)
        entries = {e.node.code: e for e in current.entries.select_related("node")}
        problems: dict[str, list[str]] = {}
        planned = []
        for decision in decisions:
            entry = entries.get(decision.code)
            if entry is None:
                problems.setdefault("__all__", []).append(
                    f"Không có tiêu chí {decision.code} trong bản đánh giá."
                )
                continue
            found = _check(entry, decision, round_, scope)
            if found:
                problems[decision.code] = found
                continue
            planned.append((entry, decision, _changes(entry, decision, round_)))
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        saved = []
        for entry, decision, changes in planned:
            updated = ScoreEntry.objects.filter(pk=entry.pk, version=decision.expected_version).update(
                **changes, version=F("version") + 1, updated_at=now
            )
            if not updated:
                raise AppraisalConflict(
                    ScoreEntry.objects.select_related("node").get(pk=entry.pk), _last_author(entry)
                )
            saved.append(entry.pk)
        # QuerySet.update writes no history: record it here, in the same transaction.
        rows = list(ScoreEntry.objects.filter(pk__in=saved))
        if rows:
            ScoreEntry.history.bulk_history_create(
                rows, update=True, default_user=acting_user, default_change_reason=f"Thẩm định lần {round_}"
            )
    return len(saved)


def _last_author(entry: ScoreEntry) -> str:
    last = entry.history.order_by("-history_date").select_related("history_user").first()
    if last and last.history_user:
        return last.history_user.get_full_name() or last.history_user.username
    return "người khác"


def appraisal_proposals(assessment, user, round_: int) -> list[Decision]:
    """What the appraiser would record by accepting the unit's claims on nodes not yet appraised in any round:
    the self score where evidence (or an explanation) backs it, else 0 with the standard reason."""
    _, scope = appraisal_scope(user, assessment)
    with_evidence = set(
        EvidenceLink.objects.filter(entry__assessment=assessment).values_list("entry_id", flat=True)
    )
    proposals = []
    for entry in assessment.entries.select_related("node").order_by("node__order"):
        node = entry.node
        if node.method == Method.SURVEY or entry.not_applicable:
            continue
        if entry.appraised_points_r1 is not None or entry.appraised_points_r2 is not None:
            continue
        if scope is not None and codes.domain_of(node.code) not in scope:
            continue
        claim = calculator.SelfScore(
            points=entry.self_points,
            requires_evidence=bool(node.evidence_requirement.strip()),
            has_evidence=entry.pk in with_evidence,
            has_explanation=bool(entry.explanation.strip()),
        )
        if entry.self_points is None:
            points, reason = Decimal(0), REASON_NOT_SCORED
        elif claim.flagged:
            points, reason = Decimal(0), REASON_NO_EVIDENCE
        else:
            points, reason = entry.self_points, REASON_ACCEPTED
        proposals.append(
            Decision(code=node.code, expected_version=entry.version, points=points, reason=reason)
        )
    return proposals


def appraisal_accept_proposals(*, assessment, acting_user, round: int) -> int:  # noqa: A002
    """Record appraisal_proposals for every node of the assessment still without an appraised score, in one
    decision of the appraiser (they may change any of them afterwards)."""
    require(
        acting_user,
        "scoring.appraise_assessment",
        assessment,
        message="Bạn không được phân công thẩm định bản đánh giá này.",
    )
    proposals = appraisal_proposals(assessment, acting_user, round)
    if not proposals:
        raise ValidationError("Mọi tiêu chí trong phạm vi của bạn đã có điểm thẩm định.")
    return appraisal_round_record(
        assessment=assessment, acting_user=acting_user, round=round, decisions=proposals
    )


def appraisal_return(*, assessment, acting_user, note: str = "") -> Assessment:
    """Send the assessment back to the unit for explanation of the nodes that carry a request, with the
    appraiser's general note."""
    require(
        acting_user,
        "scoring.appraise_assessment",
        assessment,
        message="Bạn không được phân công thẩm định bản đánh giá này.",
    )
    with transaction.atomic():
        current = (
            Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
        )
        refusal = policy.transition_refusal(
            "return_for_explanation", assessment_status=current.status, period_status=current.period.status
        )
        if refusal:
            raise ValidationError(refusal)
        if not current.entries.exclude(explanation_request="").exists():
            raise ValidationError(
                "Chưa có tiêu chí nào được yêu cầu giải trình: nhập nội dung yêu cầu ở từng tiêu chí rồi lưu trước."
            )
        current.appraiser_note = note.strip()
        move(current, "return_for_explanation", acting_user=acting_user, reason=note)
    return current
