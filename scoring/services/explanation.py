"""The unit's explanation (giải trình): answers to the appraisers' requests, new evidence, and sending."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import codes, policy
from scoring.models import Assessment, Phase, ScoreEntry
from scoring.selectors.deadlines import unit_deadline_of
from scoring.services.audit import bulk_update_logged, move, require
from scoring.services.evidence import link_problems, links_write
from scoring.services.scores import stale_codes


def explanation_open(assessment) -> bool:
    return policy.explanation_open(
        period_status=assessment.period.status,
        assessment_status=assessment.status,
        deadline=unit_deadline_of(assessment, Phase.EXPLANATION),
        on=policy.today(),
    )


def _apply(current: Assessment, acting_user, responses: dict, versions: dict, links) -> list[str]:
    """Write the answers and links; returns the codes of requests still without an answer."""
    entries = {e.node.code: e for e in current.entries.select_related("node").exclude(explanation_request="")}
    unknown = sorted(set(responses) - set(entries), key=codes.code_key)
    if unknown:
        raise ValidationError(f"Các tiêu chí không có yêu cầu giải trình: {', '.join(unknown)}.")
    stale = stale_codes(entries, versions)
    if stale:
        raise ValidationError(
            "Các tiêu chí sau vừa được người khác lưu: " + ", ".join(stale) + ". Vui lòng tải lại trang."
        )
    problems = link_problems(current, entries, links)
    if problems:
        raise ValidationError(problems)
    changed = []
    now = timezone.now()
    for code, text in responses.items():
        entry = entries[code]
        if entry.unit_response != text.strip():
            entry.unit_response = text.strip()
            entry.version += 1
            entry.updated_at = now
            changed.append(entry)
    bulk_update_logged(
        changed, ScoreEntry, ["unit_response", "version", "updated_at"], acting_user=acting_user
    )
    links_write(entries, links, acting_user=acting_user)
    return [code for code, entry in entries.items() if not entry.unit_response.strip()]


def _locked(assessment, acting_user) -> Assessment:
    require(
        acting_user,
        "scoring.explain_assessment",
        assessment,
        message="Bạn không có quyền giải trình cho đơn vị này.",
    )
    current = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    if not explanation_open(current):
        raise ValidationError(
            "Không trong thời gian giải trình của đơn vị (đã gửi giải trình hoặc đã quá hạn)."
        )
    return current


def explanation_save(*, assessment, acting_user, responses: dict, versions: dict, links=()) -> int:
    """Save the unit's answers and new evidence links without sending (explanation phase, before the unit's
    deadline). `responses`: {code: text}; `links`: (code, document, locator). Returns requests unanswered."""
    with transaction.atomic():
        current = _locked(assessment, acting_user)
        return len(_apply(current, acting_user, responses, versions, links))


def explanation_send(
    *, assessment, acting_user, responses: dict, versions: dict, links=(), confirm_unanswered: bool = False
) -> Assessment:
    """Save the answers and send the explanation, as one decision: all or nothing.

    Requests left unanswered are listed and sending is refused unless the unit confirms it sends without them.
    """
    with transaction.atomic():
        current = _locked(assessment, acting_user)
        unanswered = _apply(current, acting_user, responses, versions, links)
        if unanswered and not confirm_unanswered:
            raise ValidationError(
                {
                    "confirm_unanswered": (
                        f"Còn {len(unanswered)} yêu cầu chưa trả lời ({', '.join(unanswered)}). Trả lời, hoặc "
                        "đánh dấu xác nhận gửi khi chưa trả lời hết."
                    )
                }
            )
        move(
            current,
            "explain",
            acting_user=acting_user,
            reason=f"Gửi khi còn {len(unanswered)} yêu cầu chưa trả lời." if unanswered else "",
        )
    return current
