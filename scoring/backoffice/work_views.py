"""The secretariat's work inside a period: survey points, appraiser assignments, deadline extensions,
exclusions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from scoring import selectors, services
from scoring.backoffice.common import (
    REFUSED,
    attach_refusal,
    period_crumbs,
    period_for_secretariat,
    refusal_messages,
    render,
    run_action,
)
from scoring.backoffice.period_forms import (
    AssignmentForm,
    ExcludeForm,
    ExtensionForm,
    SurveyGridForm,
    SurveyWaiveForm,
)
from scoring.models import AppraiserAssignment


@require_http_methods(["GET", "POST"])
def survey(request, pk):
    period = period_for_secretariat(request, pk)
    grid = selectors.survey_grid(period, request.GET.get("nhom"))
    grid_form = SurveyGridForm(request.POST if "_grid" in request.POST else None, grid=grid)
    waive_form = SurveyWaiveForm(request.POST if "_waive" in request.POST else None, grid=grid)
    problems = []
    here = reverse("backoffice:survey", args=[period.pk]) + (
        f"?nhom={grid['group'].unit_group.code}" if grid["group"] else ""
    )
    if request.method == "POST":
        values = None
        if "_grid" in request.POST and grid_form.is_valid():
            values = grid_form.values()
        elif "_waive" in request.POST and waive_form.is_valid():
            values = _waiver(grid, waive_form)
        if values is not None:
            try:
                changed = services.survey_points_record(
                    period=period, acting_user=request.user, values=values
                )
            except REFUSED as exc:
                problems = refusal_messages(exc)
            else:
                messages.success(request, f"Đã lưu {changed} ô điểm điều tra xã hội học.")
                return redirect(here)
    cells = {name: grid_form[name] for name in grid_form.fields}
    for row in grid["rows"]:
        row["inputs"] = [
            (entry, cells.get(f"d_{entry.pk}"), cells.get(f"u_{entry.pk}"), cells.get(f"v_{entry.pk}"))
            if entry
            else (None, None, None, None)
            for entry in row["cells"]
        ]
    return render(
        request,
        "scoring/backoffice/survey.html",
        {"grid": grid, "grid_form": grid_form, "waive_form": waive_form, "problems": problems},
        title=f"Điểm điều tra xã hội học: {period}",
        crumbs=period_crumbs(period, "Điểm điều tra xã hội học"),
    )


def _waiver(grid, form):
    assessment, code = form.cleaned_data["assessment"], form.cleaned_data["node"]
    for row in grid["rows"]:
        if row["assessment"].pk == assessment.pk:
            for entry in row["cells"]:
                if entry is not None and entry.node.code == code:
                    return [
                        services.SurveyValue(entry.pk, entry.version, None, True, form.cleaned_data["reason"])
                    ]
    form.add_error("node", "Không có ô điểm này.")
    return None


@require_http_methods(["GET", "POST"])
def assignments(request, pk):
    period = period_for_secretariat(request, pk)
    form = AssignmentForm(
        request.POST or None, period=period, domain_choices=selectors.domain_choices(period)
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.appraisers_assign(
                period=period,
                acting_user=request.user,
                appraiser=data["appraiser"],
                units=list(data["units"]),
                domain_codes=data["domains"],
            )
        except REFUSED as exc:
            problems = attach_refusal(exc, form=form)
        else:
            messages.success(request, f"Đã thêm {added} phân công thẩm định.")
            return redirect("backoffice:assignments", period.pk)
    return render(
        request,
        "scoring/backoffice/assignments.html",
        {"period": period, "form": form, "problems": problems, "page": selectors.assignments_page(period)},
        title=f"Phân công thẩm định: {period}",
        crumbs=period_crumbs(period, "Phân công thẩm định"),
    )


@require_POST
def assignment_remove(request, pk, assignment_pk):
    period = period_for_secretariat(request, pk)
    assignment = get_object_or_404(AppraiserAssignment, pk=assignment_pk, period=period)
    run_action(
        request,
        lambda: services.appraiser_assignment_remove(assignment=assignment, acting_user=request.user),
        lambda _: "Đã bỏ phân công.",
    )
    return redirect("backoffice:assignments", period.pk)


@require_http_methods(["GET", "POST"])
def extensions(request, pk):
    period = period_for_secretariat(request, pk)
    form = ExtensionForm(request.POST or None, period=period)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.deadline_extend(
                period=period,
                unit=data["unit"],
                phase=data["phase"],
                deadline=data["deadline"],
                reason=data["reason"],
                acting_user=request.user,
            )
        except REFUSED as exc:
            problems = attach_refusal(exc, form=form)
        else:
            messages.success(request, f"Đã gia hạn cho {data['unit']} đến {data['deadline']:%d/%m/%Y}.")
            return redirect("backoffice:extensions", period.pk)
    return render(
        request,
        "scoring/backoffice/extensions.html",
        {"period": period, "form": form, "problems": problems, "page": selectors.extensions_page(period)},
        title=f"Gia hạn cho đơn vị: {period}",
        crumbs=period_crumbs(period, "Gia hạn"),
    )


@require_http_methods(["GET", "POST"])
def exclusions(request, pk):
    period = period_for_secretariat(request, pk)
    form = ExcludeForm(request.POST or None, period=period)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_exclude(
                assessment=form.cleaned_data["assessment"],
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except REFUSED as exc:
            problems = attach_refusal(exc, form=form)
        else:
            messages.success(request, f"{form.cleaned_data['assessment'].unit}: không xếp hạng trong kỳ này.")
            return redirect("backoffice:exclusions", period.pk)
    return render(
        request,
        "scoring/backoffice/exclusions.html",
        {"period": period, "form": form, "problems": problems, "page": selectors.exclusions_page(period)},
        title=f"Đơn vị không xếp hạng: {period}",
        crumbs=period_crumbs(period, "Không xếp hạng"),
    )


@require_POST
def inclusion(request, pk, assessment_pk):
    period = period_for_secretariat(request, pk)
    assessment = get_object_or_404(period.assessments, pk=assessment_pk)
    run_action(
        request,
        lambda: services.assessment_include(assessment=assessment, acting_user=request.user),
        lambda _: f"{assessment.unit}: được xếp hạng lại.",
    )
    return redirect("backoffice:exclusions", period.pk)
