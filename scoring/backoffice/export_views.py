"""Official workbooks to download (a period's ranking, a unit's scorecard and self-assessment report) and the
offline self-assessment: download the form, upload it filled, preview every change, confirm.

Scope as everywhere in the back office: outside the user's objects is a 404. The ranking is for the secretariat
and the period's appraisers; the scorecard and report for the secretariat, the unit's own people and its
appraisers; the offline round trip for the unit's officers and leader only.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scoring import selectors, services
from scoring.backoffice.common import REFUSED, assessment_or_404, refusal_messages, render, secretariat_only
from scoring.backoffice.export_forms import OfflineConfirmForm, OfflineUploadForm, ReportForm
from scoring.backoffice.views import self_assessment_crumbs, self_assessment_response
from scoring.exports.assessment import report_workbook, scorecard_workbook
from scoring.exports.national import national_workbook
from scoring.exports.offline import offline_workbook
from scoring.exports.ranking import ranking_workbook
from scoring.models import Period
from scoring.workbooks import XLSX_MEDIA_TYPE

READ_ONLY = (
    "Bản tự đánh giá không còn được sửa: đã nộp, đã quá hạn hoặc kỳ đánh giá đã chuyển giai đoạn. "
    "Không nhận tệp Excel nữa."
)


def _attachment(content: bytes, filename: str) -> HttpResponse:
    """A workbook to save; `filename` is ASCII (codes of units and periods are)."""
    response = HttpResponse(content, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _name(prefix: str, assessment) -> str:
    return f"{prefix}-{assessment.unit.code}-{assessment.period.code}.xlsx"


@require_GET
def period_ranking(request, pk):
    period = get_object_or_404(Period, pk=pk)
    if not request.user.has_perm("scoring.export_ranking", period):
        raise Http404("Không có trang này trong phạm vi của bạn.")
    return _attachment(ranking_workbook(selectors.ranking_export(period)), f"xep-hang-{period.code}.xlsx")


@require_GET
def national_table(request, year):
    """The national table of a year with this deployment's province (settings.PROVINCE_CODE) against it."""
    secretariat_only(request)
    data = selectors.national_export(year, settings.PROVINCE_CODE)
    return _attachment(national_workbook(data), f"toan-quoc-{year}.xlsx")


@require_GET
def scorecard(request, pk):
    assessment = assessment_or_404(request, pk)
    data = selectors.scorecard_export(assessment, request.user)
    return _attachment(scorecard_workbook(data), _name("bang-diem", assessment))


@require_http_methods(["GET", "POST"])
def report(request, pk):
    """The self-assessment report; the unit's difficulties and proposals come from the form on the
    self-assessment page (a plain link gives the report without them)."""
    assessment = assessment_or_404(request, pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        return self_assessment_response(request, assessment, report_form=form)
    texts = form.cleaned_data if form.is_bound else {}
    data = selectors.self_assessment_report(assessment, request.user)
    return _attachment(report_workbook(data, **texts), _name("bao-cao-tu-danh-gia", assessment))


# ---------------------------------------------------------------- offline self-assessment


def _offline_page(request, pk) -> dict:
    """The self-assessment page's data, for the unit's officers and leader only (a 404 for anyone else)."""
    assessment = assessment_or_404(request, pk)
    if not request.user.has_perm("scoring.edit_self_assessment", assessment):
        raise Http404("Không có trang này trong phạm vi của bạn.")
    return selectors.self_assessment_page(assessment, request.user)


@require_GET
def offline_download(request, pk):
    page = _offline_page(request, pk)
    if not page["may_edit"]:
        messages.error(request, READ_ONLY)
        return redirect("backoffice:self_assessment", pk)
    return _attachment(offline_workbook(page), _name("tu-danh-gia", page["assessment"]))


def _offline_response(request, page, *, form, upload=None, confirm_form=None, problems=()):
    assessment = page["assessment"]
    return render(
        request,
        "scoring/backoffice/offline_import.html",
        {"page": page, "form": form, "upload": upload, "confirm_form": confirm_form, "problems": problems},
        title=f"Nhập tệp Excel tự đánh giá: {assessment.unit} – {assessment.period}",
        crumbs=self_assessment_crumbs(assessment, "Nhập tệp Excel"),
    )


@require_http_methods(["GET", "POST"])
def offline_import(request, pk):
    """Upload a filled file and preview it: every change, every refused row. Nothing is saved here."""
    page = _offline_page(request, pk)
    if request.method != "POST":
        return _offline_response(request, page, form=OfflineUploadForm(page=page))
    form = OfflineUploadForm(request.POST, request.FILES, page=page)
    if not page["may_edit"]:
        return _offline_response(request, page, form=form, problems=[READ_ONLY])
    if not form.is_valid():
        return _offline_response(request, page, form=form)
    upload = form.cleaned_data["upload"]
    confirm_form = None
    if upload.values and not upload.refusals:
        signed = OfflineConfirmForm.sign(assessment=page["assessment"], user=request.user, upload=upload)
        confirm_form = OfflineConfirmForm(
            initial={"payload": signed}, assessment=page["assessment"], user=request.user
        )
    return _offline_response(request, page, form=form, upload=upload, confirm_form=confirm_form)


@require_POST
def offline_confirm(request, pk):
    """Save the previewed changes, all or nothing, through the same service as the web form."""
    page = _offline_page(request, pk)
    assessment = page["assessment"]
    form = OfflineConfirmForm(request.POST, assessment=assessment, user=request.user)
    problems = []
    if not form.is_valid():
        problems = form.errors.get("payload", ["Dữ liệu xác nhận không hợp lệ: hãy tải tệp lên lại."])
    else:
        values, versions = form.cleaned_data["payload"]
        try:
            changed = services.self_assessment_save(
                assessment=assessment, acting_user=request.user, values=values, versions=versions
            )
        except REFUSED as exc:
            problems = refusal_messages(exc)
        else:
            messages.success(request, f"Đã lưu {changed} tiêu chí từ tệp Excel.")
            return redirect("backoffice:self_assessment", assessment.pk)
    return _offline_response(request, page, form=OfflineUploadForm(page=page), problems=problems)
