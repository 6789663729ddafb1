"""The secretariat's pages of a period: create, set up, dashboard, each step with its preview. The work inside a
period (survey points, assignments, extensions, exclusions) is in work_views; corrections in correction_views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from scoring import policy, selectors, services
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
    BandFormSet,
    ConfirmForm,
    GroupAddForm,
    PeriodFromPreviousForm,
    PeriodNewForm,
    PeriodSettingsForm,
    PublishForm,
    RankingGroupsForm,
    StepForm,
)
from scoring.models import AssessmentStatus, PeriodGroup
from units.scope import is_secretariat


@require_http_methods(["GET", "POST"])
def period_create(request):
    if not is_secretariat(request.user):
        raise PermissionDenied("Chỉ Sở Nội vụ được tạo kỳ đánh giá.")
    copy_form = PeriodFromPreviousForm(request.POST if "_copy" in request.POST else None, prefix="sao")
    new_form = PeriodNewForm(request.POST if "_new" in request.POST else None, prefix="moi")
    problems = []
    form = copy_form if "_copy" in request.POST else new_form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if form is copy_form:
                period = services.period_create_from_previous(
                    acting_user=request.user,
                    previous=data["previous"],
                    code=data["code"],
                    year=data["year"],
                    title=data["title"],
                )
            else:
                period = services.period_create(
                    acting_user=request.user, code=data["code"], year=data["year"], title=data["title"]
                )
        except REFUSED as exc:
            problems = attach_refusal(exc, form=form)
        else:
            messages.success(
                request, f"Đã tạo kỳ đánh giá «{period}». Hãy rà soát hạn, mức xếp loại và nhóm đơn vị."
            )
            return redirect("backoffice:period_settings", period.pk)
    return render(
        request,
        "scoring/backoffice/period_create.html",
        {"copy_form": copy_form, "new_form": new_form, "problems": problems},
        title="Tạo kỳ đánh giá",
        crumbs=period_crumbs(here="Tạo kỳ đánh giá"),
    )


def period_dashboard(request, pk):
    period = period_for_secretariat(request, pk)
    return render(
        request,
        "scoring/backoffice/period.html",
        {"page": selectors.period_dashboard(period)},
        title=str(period),
        crumbs=period_crumbs(period),
    )


@require_http_methods(["GET", "POST"])
def period_settings(request, pk):
    period = period_for_secretariat(request, pk)
    post = request.POST if request.method == "POST" else None
    settings_form = PeriodSettingsForm(
        post if "_settings" in request.POST else None,
        initial={
            "title": period.title,
            "note": period.note,
            **{field: getattr(period, field) for field in services.periods.DEADLINE_LABELS},
            **{field: getattr(period, field) for field in services.periods.CAP_LABELS},
        },
    )
    bands = BandFormSet(
        post if "_bands" in request.POST else None,
        initial=[{"name": b.name, "min_index": b.min_index} for b in period.bands.order_by("-min_index")],
        prefix="xl",
    )
    group_form = GroupAddForm(post if "_group" in request.POST else None)
    ranking_form = RankingGroupsForm(
        post if "_ranking" in request.POST else None,
        period=period,
        initial={"ranking_groups": list(period.ranking_groups.all())},
    )
    problems = []
    if request.method == "POST":
        try:
            if "_settings" in request.POST and settings_form.is_valid():
                data = settings_form.cleaned_data
                services.period_update(
                    period=period,
                    acting_user=request.user,
                    title=data["title"],
                    deadlines=settings_form.deadlines(),
                    note=data["note"],
                    caps=settings_form.caps(),
                )
                messages.success(
                    request, "Đã lưu tên, hạn, mức điểm thưởng, điểm trừ và ghi chú của kỳ đánh giá."
                )
                return redirect("backoffice:period_settings", period.pk)
            if "_bands" in request.POST and bands.is_valid():
                services.period_bands_set(period=period, acting_user=request.user, bands=bands.bands())
                messages.success(request, "Đã lưu các mức xếp loại.")
                return redirect("backoffice:period_settings", period.pk)
            if "_group" in request.POST and group_form.is_valid():
                services.period_group_add(
                    period=period,
                    acting_user=request.user,
                    unit_group=group_form.cleaned_data["unit_group"],
                    framework=group_form.cleaned_data["framework"],
                )
                messages.success(request, "Đã thêm nhóm đơn vị vào kỳ đánh giá.")
                return redirect("backoffice:period_settings", period.pk)
            if "_ranking" in request.POST and ranking_form.is_valid():
                services.period_ranking_groups_set(
                    period=period,
                    acting_user=request.user,
                    groups=ranking_form.cleaned_data["ranking_groups"],
                )
                messages.success(request, "Đã lưu các nhóm xếp hạng riêng.")
                return redirect("backoffice:period_settings", period.pk)
        except REFUSED as exc:
            form = {"_settings": settings_form, "_ranking": ranking_form}
            problems = attach_refusal(
                exc, form=next((f for k, f in form.items() if k in request.POST), group_form)
            )
    return render(
        request,
        "scoring/backoffice/period_settings.html",
        {
            "period": period,
            "settings_form": settings_form,
            "bands": bands,
            "group_form": group_form,
            "ranking_form": ranking_form,
            "ranking_groups": list(period.ranking_groups.order_by("name")),
            "ranking_editable": policy.may_set_ranking_groups(period.status),
            "groups": period.groups.select_related("unit_group", "framework").annotate(
                members=Count("unit_group__members")
            ),
            "configurable": policy.may_configure(period.status),
            "problems": problems,
        },
        title=f"Thiết lập: {period}",
        crumbs=period_crumbs(period, "Thiết lập"),
    )


@require_POST
def period_group_remove(request, pk, group_pk):
    period = period_for_secretariat(request, pk)
    group = get_object_or_404(PeriodGroup, pk=group_pk, period=period)
    run_action(
        request,
        lambda: services.period_group_remove(period_group=group, acting_user=request.user),
        lambda _: f"Đã bỏ nhóm «{group.unit_group}» khỏi kỳ đánh giá.",
    )
    return redirect("backoffice:period_settings", period.pk)


@require_http_methods(["GET", "POST"])
def period_advance(request, pk):
    period = period_for_secretariat(request, pk)
    preview = selectors.advance_preview(period)
    form = StepForm(request.POST or None, initial={"expected_status": period.status})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.period_advance(
                period=period,
                acting_user=request.user,
                expected_status=form.cleaned_data["expected_status"],
                reason=form.cleaned_data["reason"],
            )
        except REFUSED as exc:
            problems = refusal_messages(exc)
        else:
            text = f"Kỳ đánh giá đã chuyển sang giai đoạn «{result.period.get_status_display()}»."
            if result.opened:
                text += f" Đã mở {result.opened} bản đánh giá."
            if result.moved:
                text += (
                    " "
                    + "; ".join(
                        f"{n} bản đánh giá «{AssessmentStatus(source).label}» → «{AssessmentStatus(target).label}»"
                        for (source, target), n in result.moved.items()
                    )
                    + "."
                )
            messages.success(request, text)
            return redirect("backoffice:period", period.pk)
    return render(
        request,
        "scoring/backoffice/period_advance.html",
        {"preview": preview, "form": form, "problems": problems},
        title=f"Chuyển giai đoạn: {period}",
        crumbs=period_crumbs(period, "Chuyển giai đoạn"),
    )


@require_http_methods(["GET", "POST"])
def period_finalise(request, pk):
    period = period_for_secretariat(request, pk)
    form = ConfirmForm(
        request.POST or None,
        label="Tôi xác nhận chốt kết quả các bản đánh giá đủ điểm ở trên (sau khi chốt, điểm không sửa được nữa)",
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.assessments_finalise(period=period, acting_user=request.user)
        except REFUSED as exc:
            problems = refusal_messages(exc)
        else:
            messages.success(request, f"Đã chốt kết quả {count} bản đánh giá.")
            return redirect("backoffice:period", period.pk)
    return render(
        request,
        "scoring/backoffice/period_finalise.html",
        {"preview": selectors.finalise_preview(period), "form": form, "problems": problems},
        title=f"Chốt kết quả: {period}",
        crumbs=period_crumbs(period, "Chốt kết quả"),
    )


@require_http_methods(["GET", "POST"])
def period_publish(request, pk):
    period = period_for_secretariat(request, pk)
    form = PublishForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.period_publish(
                period=period, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except REFUSED as exc:
            problems = refusal_messages(exc)
        else:
            messages.success(request, f"Đã công bố kết quả (phiên bản {publication.version}).")
            return redirect("backoffice:period", period.pk)
    return render(
        request,
        "scoring/backoffice/period_publish.html",
        {"preview": selectors.publish_preview(period), "form": form, "problems": problems},
        title=f"Công bố kết quả: {period}",
        crumbs=period_crumbs(period, "Công bố kết quả"),
    )


@require_POST
def period_recompute(request, pk):
    period = period_for_secretariat(request, pk)
    run_action(
        request,
        lambda: services.period_recompute(period=period, acting_user=request.user),
        lambda count: f"Đã tính lại kết quả {count} bản đánh giá.",
    )
    return redirect("backoffice:period", period.pk)
