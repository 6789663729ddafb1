"""The unit's self-assessment: save (officers), save and submit in one decision (the leader), withdraw."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import policy
from scoring.models import Assessment, EvidenceLink, Method, Phase, ScoreEntry
from scoring.selectors.deadlines import unit_deadline_of
from scoring.services.audit import bulk_update_logged, move, require
from scoring.services.evidence import link_problems, links_write
from scoring.services.scores import POINT_LABELS, points_problem, stale_codes

SELF_FIELDS = ("self_points", "declared_figures", "explanation")
SELF_POINT_PLACES = 2


def _locked_assessment(assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)


def self_assessment_editable(assessment) -> bool:
    """Whether the unit may still change its self-assessment (the form is read-only otherwise)."""
    return policy.self_assessment_editable(
        period_status=assessment.period.status,
        assessment_status=assessment.status,
        deadline=unit_deadline_of(assessment, Phase.SELF_ASSESSMENT),
        on=policy.today(),
    )


def _apply(current: Assessment, acting_user, values, versions, links, unlinks) -> int:
    """Validate everything, then write the self-assessment fields and evidence links; returns entries changed."""
    entries = {e.node.code: e for e in current.entries.select_related("node")}
    stale = stale_codes(entries, versions)
    if stale:
        raise ValidationError(
            "Các tiêu chí sau vừa được người khác lưu, giá trị của bạn chưa được ghi: "
            + ", ".join(stale)
            + ". Vui lòng tải lại trang để xem giá trị hiện tại."
        )
    problems: dict[str, list[str]] = {}
    changed = []
    now = timezone.now()
    for code, fields in values.items():
        entry = entries.get(code)
        if entry is None:
            problems.setdefault("__all__", []).append(f"Không có tiêu chí được chấm điểm với mã {code}.")
            continue
        points = fields.get("self_points")
        message = _points_problem(entry, points)
        if message:
            problems.setdefault(code, []).append(message)
            continue
        new = {
            "self_points": points,
            "declared_figures": fields.get("declared_figures", "").strip(),
            "explanation": fields.get("explanation", "").strip(),
        }
        if any(getattr(entry, name) != value for name, value in new.items()):
            for name, value in new.items():
                setattr(entry, name, value)
            entry.version += 1
            entry.updated_at = now
            changed.append(entry)
    for code, messages in link_problems(current, entries, links).items():
        problems.setdefault(code, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    bulk_update_logged(changed, ScoreEntry, [*SELF_FIELDS, "version", "updated_at"], acting_user=acting_user)
    for link in EvidenceLink.objects.filter(pk__in=list(unlinks), entry__assessment=current):
        link._history_user = acting_user
        link.delete()  # one by one so that history records each removal
    links_write(entries, links, acting_user=acting_user)
    return len(changed)


def _points_problem(entry: ScoreEntry, points: Decimal | None) -> str | None:
    code = entry.node.code
    if points is None:
        return None
    if entry.node.method == Method.SURVEY:
        return f"Tiêu chí {code} chấm bằng điều tra xã hội học; đơn vị không tự chấm."
    return points_problem(
        points,
        label=f"{POINT_LABELS['self_points']} của tiêu chí {code}",
        max_points=entry.node.max_points,
        places=SELF_POINT_PLACES,
    )


def self_assessment_save(
    *, assessment, acting_user, values: dict, versions: dict, links=(), unlinks=()
) -> int:
    """Save the unit's self scores, declared figures, explanations and evidence links as a draft.

    All-or-nothing: the form must be open, every point value in [0, max] with at most 2 decimals, every entry
    still at the version the form was loaded with. `values`: {code: {self_points, declared_figures,
    explanation}}; `links`: (code, document, locator); `unlinks`: link ids. Returns the entries changed.
    """
    require(
        acting_user,
        "scoring.edit_self_assessment",
        assessment,
        message="Bạn không có quyền sửa bản tự đánh giá của đơn vị này.",
    )
    with transaction.atomic():
        current = _locked_assessment(assessment)
        if not self_assessment_editable(current):
            raise ValidationError(
                "Bản tự đánh giá không còn được sửa: đã nộp, đã quá hạn hoặc kỳ đánh giá đã chuyển giai đoạn."
            )
        return _apply(current, acting_user, values, versions, links, unlinks)


def self_assessment_submit(
    *, assessment, acting_user, values: dict, versions: dict, links=(), unlinks=()
) -> int:
    """Save what the form holds and submit it, as one decision of the unit's leader: all or nothing.

    Every appraisal node must carry a self score (0 is a score); nodes scored without evidence are allowed,
    they are flagged for the appraiser ("không có tài liệu kiểm chứng thì không tính điểm")."""
    require(
        acting_user,
        "scoring.submit_assessment",
        assessment,
        message="Chỉ lãnh đạo đơn vị được nộp bản tự đánh giá.",
    )
    with transaction.atomic():
        current = _locked_assessment(assessment)
        if not self_assessment_editable(current):
            refusal = policy.transition_refusal(
                "submit", assessment_status=current.status, period_status=current.period.status
            )
            deadline = unit_deadline_of(current, Phase.SELF_ASSESSMENT)
            raise ValidationError(
                refusal or f"Đã quá hạn tự đánh giá ({deadline:%d/%m/%Y}); liên hệ Sở Nội vụ để được gia hạn."
            )
        changed = _apply(current, acting_user, values, versions, links, unlinks)
        unscored = list(
            current.entries.filter(self_points__isnull=True)
            .exclude(node__method=Method.SURVEY)
            .order_by("node__order")
            .values_list("node__code", flat=True)
        )
        if unscored:
            shown = ", ".join(unscored[:10]) + ("…" if len(unscored) > 10 else "")
            raise ValidationError(
                f"Chưa thể nộp: còn {len(unscored)} tiêu chí chưa tự chấm ({shown}). Nhập 0 nếu đơn vị không đạt."
            )
        move(current, "submit", acting_user=acting_user)
    return changed


def self_assessment_withdraw(*, assessment, acting_user, reason: str) -> Assessment:
    """The leader takes a submitted self-assessment back to edit it, with a reason, before the deadline."""
    require(
        acting_user,
        "scoring.submit_assessment",
        assessment,
        message="Chỉ lãnh đạo đơn vị được rút bản tự đánh giá.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do rút bản tự đánh giá."})
    with transaction.atomic():
        current = _locked_assessment(assessment)
        open_ = policy.withdrawal_open(
            period_status=current.period.status,
            assessment_status=current.status,
            deadline=unit_deadline_of(current, Phase.SELF_ASSESSMENT),
            on=policy.today(),
        )
        if not open_:
            raise ValidationError(
                policy.transition_refusal(
                    "withdraw", assessment_status=current.status, period_status=current.period.status
                )
                or "Đã quá hạn tự đánh giá: không rút lại được nữa."
            )
        move(current, "withdraw", acting_user=acting_user, reason=reason)
    return current
