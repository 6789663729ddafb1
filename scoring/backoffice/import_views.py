"""Data imports of the secretariat: upload → preview of every change → confirm (all or nothing)."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from scoring import selectors, services
from scoring.backoffice.common import (
    REFUSED,
    period_crumbs,
    period_for_secretariat,
    refusal_messages,
    render,
    run_action,
    secretariat_only,
)
from scoring.backoffice.import_forms import DataFileForm, NationalUploadForm
from scoring.models import DataImport, DataImportKind, DataImportStatus


def _preview(form, service, **kwargs):
    """Run a preview service on a valid upload: (the preview or None, the messages to show above the page)."""
    file_name, content = form.file()
    try:
        preview = service(file_name=file_name, content=content, **kwargs)
    except REFUSED as exc:
        return None, refusal_messages(exc)
    return preview, preview.errors


@require_http_methods(["GET", "POST"])
def national(request):
    """The stored national years, and the upload of a year's table with its preview."""
    secretariat_only(request)
    form = NationalUploadForm(request.POST or None, request.FILES or None)
    preview, problems = None, []
    if request.method == "POST" and form.is_valid():
        preview, problems = _preview(
            form,
            services.national_upload_preview,
            acting_user=request.user,
            year=form.cleaned_data["year"],
            title=form.cleaned_data["title"],
            source=form.cleaned_data["source"],
            published_means=form.published_means(),
        )
    return render(
        request,
        "scoring/backoffice/national.html",
        {"form": form, "preview": preview, "problems": problems, "years": selectors.national_years()},
        title="Bảng xếp hạng toàn quốc (PAR INDEX các tỉnh, thành phố)",
        crumbs=[("Bảng xếp hạng toàn quốc", None)],
    )


@require_http_methods(["GET", "POST"])
def survey_import(request, pk):
    """A period's survey points from a survey team's sheet (long or wide form), previewed before they are saved."""
    period = period_for_secretariat(request, pk)
    form = DataFileForm(request.POST or None, request.FILES or None)
    preview, problems = None, []
    if request.method == "POST" and form.is_valid():
        preview, problems = _preview(
            form, services.survey_upload_preview, period=period, acting_user=request.user
        )
    return render(
        request,
        "scoring/backoffice/survey_import.html",
        {"period": period, "form": form, "preview": preview, "problems": problems},
        title=f"Nhập điểm điều tra xã hội học từ tệp: {period}",
        crumbs=period_crumbs(period, "Nhập điểm điều tra từ tệp"),
    )


@require_POST
def import_confirm(request, import_pk):
    """Confirm a previewed import: the kept file is read and checked again, then written all or nothing."""
    secretariat_only(request)
    data_import = get_object_or_404(DataImport, pk=import_pk, status=DataImportStatus.PREVIEWED)
    if data_import.kind == DataImportKind.NATIONAL:
        back = done = reverse("backoffice:national")
    else:
        back = reverse("backoffice:survey_import", args=[data_import.period_id])
        done = reverse("backoffice:survey", args=[data_import.period_id])
    confirmed = run_action(
        request,
        lambda: services.data_import_confirm(data_import=data_import, acting_user=request.user),
        lambda preview: preview.summary.get("done", "Đã nhập dữ liệu."),
    )
    return redirect(done if confirmed else back)
