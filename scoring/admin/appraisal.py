"""The appraisal page: the unit's claims side by side with the appraiser's decisions, saved all-or-nothing."""

from decimal import InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from scoring import services, workflow
from scoring.framework_io import parse_decimal
from scoring.selectors import UNVERIFIED_LABEL, appraisal_form
from units.scope import is_secretariat


class _Rollback(Exception):
    pass


def _changes(post, data) -> tuple[list[dict], list[str]]:
    """The rows whose posted values differ from what is stored, parsed; and the values that are not numbers."""
    round_, changes, problems = data["round"], [], []
    for row in data["rows"]:
        if not row["appraisable"]:
            continue
        entry, code = row["entry"], row["entry"].node.code
        if f"version_{code}" not in post:
            continue
        raw = post.get(f"points_{code}", "").strip()
        points = None
        if raw:
            try:
                points = parse_decimal(raw)
            except (InvalidOperation, ValueError):
                problems.append(f"Điểm thẩm định của tiêu chí {code} («{raw}») không phải là số.")
                continue
        change = {
            "entry": entry,
            "version": int(post[f"version_{code}"]) if post[f"version_{code}"].isdigit() else -1,
            "points": points,
            "reason": post.get(f"reason_{code}", "").strip(),
            "request": post.get(f"request_{code}", "").strip(),
            "na": post.get(f"na_{code}") == "on",
            "na_reason": post.get(f"na_reason_{code}", "").strip(),
        }
        stored = (
            getattr(entry, f"appraised_points_r{round_}"),
            getattr(entry, f"appraisal_reason_r{round_}"),
            entry.explanation_request,
            entry.not_applicable,
            entry.not_applicable_reason,
        )
        posted = (points, change["reason"], change["request"], change["na"], change["na_reason"])
        if posted != stored:
            changes.append(change)
    return changes, problems


def appraisal_view(model_admin, request, pk):
    assessment = get_object_or_404(
        model_admin.get_queryset(request).select_related("period", "unit", "period_group__framework"), pk=pk
    )
    if not (is_secretariat(request.user) or request.user.has_perm("scoring.appraise_assessment", assessment)):
        raise Http404("Không có bản đánh giá này trong phạm vi thẩm định của bạn.")
    data = appraisal_form(assessment, request.user)
    problems, posted = [], None
    if request.method == "POST":
        if "_return" in request.POST:
            try:
                workflow.assessment_transition(
                    assessment=assessment,
                    action="return_for_explanation",
                    acting_user=request.user,
                    reason=request.POST.get("return_reason", ""),
                )
            except ValidationError as exc:
                problems = exc.messages
            except PermissionDenied as exc:
                problems = [str(exc)]
            else:
                model_admin.message_user(request, "Đã gửi yêu cầu giải trình cho đơn vị.", messages.SUCCESS)
                return redirect("admin:scoring_assessment_appraise", assessment.pk)
        else:
            if not data["open"]:
                raise PermissionDenied("Bản đánh giá này không ở giai đoạn thẩm định.")
            changes, problems = _changes(request.POST, data)
            if not problems:
                try:
                    with transaction.atomic():
                        for change in changes:
                            try:
                                services.appraisal_record(
                                    entry=change["entry"],
                                    acting_user=request.user,
                                    expected_version=change["version"],
                                    round=data["round"],
                                    points=change["points"],
                                    reason=change["reason"],
                                    explanation_request=change["request"],
                                    not_applicable=change["na"],
                                    not_applicable_reason=change["na_reason"],
                                )
                            except ValidationError as exc:
                                problems.extend(f"{change['entry'].node.code}: {m}" for m in exc.messages)
                            except PermissionDenied as exc:
                                problems.append(f"{change['entry'].node.code}: {exc}")
                        if problems:
                            raise _Rollback
                except _Rollback:
                    pass
                else:
                    model_admin.message_user(
                        request, f"Đã lưu kết quả thẩm định của {len(changes)} tiêu chí.", messages.SUCCESS
                    )
                    return redirect("admin:scoring_assessment_appraise", assessment.pk)
        posted = request.POST
        data = appraisal_form(assessment, request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Thẩm định: {assessment.unit} – {assessment.period}",
        "form": data,
        "problems": problems,
        "posted": posted,
        "may_return": request.user.has_perm("scoring.appraise_assessment", assessment)
        and assessment.status == "under_appraisal"
        and assessment.period.status == "appraisal",
        "unverified_label": UNVERIFIED_LABEL,
    }
    return TemplateResponse(request, "admin/scoring/assessment/appraisal.html", context)
