"""Corrections of a published period: the secretariat opens one (units → nodes, with a reason), appraisers and
the secretariat enter the new values, the secretariat publishes the new version."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from scoring import services
from scoring.backoffice.common import (
    REFUSED,
    attach_forms,
    attach_refusal,
    period_crumbs,
    refusal_messages,
    render,
)
from scoring.backoffice.fields import StrictModelMultipleChoiceField
from scoring.backoffice.period_forms import ConfirmForm, CorrectionOpenForm, correction_formset
from scoring.models import Period
from scoring.selectors import corrections_page
from units.models import Unit


def _units_chosen(request, period):
    field = StrictModelMultipleChoiceField(
        queryset=Unit.objects.filter(assessments__period=period), required=False
    )
    try:
        return [unit.pk for unit in field.clean(request.GET.getlist("don-vi")[:50])]
    except ValidationError:
        return []


@require_http_methods(["GET", "POST"])
def corrections(request, pk):
    period = get_object_or_404(Period, pk=pk)
    if not request.user.has_perm("scoring.correct_period", period):
        raise Http404("Không có trang này trong phạm vi của bạn.")
    unit_ids = _units_chosen(request, period)
    if "don-vi" in request.GET and not unit_ids:
        messages.warning(request, "Chọn ít nhất một đơn vị trong danh sách.")
    page = corrections_page(period, request.user, unit_ids)
    post = request.POST if request.method == "POST" else None
    open_form = CorrectionOpenForm(post if "_open" in request.POST else None, candidates=page["candidates"])
    rows = correction_formset(post if "_record" in request.POST else None, items=page["editable_items"])
    confirm = ConfirmForm(
        post if "_publish" in request.POST else None,
        label="Tôi xác nhận công bố kết quả đã đính chính thành phiên bản mới (phiên bản cũ vẫn xem được)",
    )
    problems = []
    here = reverse("backoffice:corrections", args=[period.pk])
    if request.method == "POST":
        try:
            if "_open" in request.POST and open_form.is_valid():
                services.correction_open(
                    period=period,
                    acting_user=request.user,
                    reason=open_form.cleaned_data["reason"],
                    entries=open_form.chosen(),
                )
                messages.success(
                    request, "Đã mở đính chính; thẩm định viên nhập điểm mới cho các tiêu chí đã chọn."
                )
                return redirect(here)
            if "_record" in request.POST and rows.is_valid() and page["open_correction"]:
                changed = services.correction_record(
                    correction=page["open_correction"],
                    acting_user=request.user,
                    decisions=[
                        services.CorrectionDecision(
                            form.item.pk, form.cleaned_data["points"], form.cleaned_data["reason"]
                        )
                        for form in rows.forms
                        if form.has_changed()
                    ],
                )
                messages.success(request, f"Đã lưu điểm đính chính của {changed} tiêu chí.")
                return redirect(here)
            if "_publish" in request.POST and confirm.is_valid() and page["open_correction"]:
                publication = services.correction_publish(
                    correction=page["open_correction"], acting_user=request.user
                )
                messages.success(request, f"Đã công bố bản đính chính: phiên bản {publication.version}.")
                return redirect(here)
            if "_cancel" in request.POST and page["open_correction"]:
                services.correction_cancel(correction=page["open_correction"], acting_user=request.user)
                messages.success(request, "Đã hủy đợt đính chính.")
                return redirect(here)
        except REFUSED as exc:
            problems = (
                attach_refusal(exc, form=open_form) if "_open" in request.POST else refusal_messages(exc)
            )
    attach_forms(page["items"], rows.forms, key="item")
    return render(
        request,
        "scoring/backoffice/corrections.html",
        {
            "page": page,
            "open_form": open_form,
            "rows": rows,
            "confirm": confirm,
            "problems": problems,
            "chosen_units": unit_ids,
        },
        title=f"Đính chính kết quả: {period}",
        crumbs=period_crumbs(period, "Đính chính", link_period=page["manages"]),
    )
