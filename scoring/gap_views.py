"""Public pages of the gap analysis (phân tích điểm bị mất): the page with its JSON/CSV/XLSX twins, and the
official workbook. Kept beside scoring.views, whose helpers (public_data, _respond, _version) they use."""

from django.http import HttpResponse

from scoring import selectors
from scoring.exports.gaps import gap_workbook as build_gap_workbook
from scoring.views import _respond, _version, public_data
from scoring.workbooks import XLSX_MEDIA_TYPE


@public_data
def gap_analysis(request, period_code, unit_code):
    """Where the unit lost points, from the published snapshot."""
    data = selectors.gap_analysis(period_code, unit_code, _version(request))
    return _respond(request, "scoring/gap_analysis.html", "gap_analysis", data)


def gap_workbook(request, period_code, unit_code):
    """The gap analysis as an official workbook to print or file (A4 portrait)."""
    data = selectors.gap_analysis(period_code, unit_code, _version(request))
    return workbook_attachment(build_gap_workbook(data), gap_workbook_name(data))


def gap_workbook_name(data: dict) -> str:
    """ASCII file name of a gap analysis workbook (codes of periods and units are slugs)."""
    demo = "minh-hoa-" if data["period"]["is_demo"] else ""
    period, unit, version = data["period"]["code"], data["unit"]["code"], data["publication"]["version"]
    return f"{demo}phan-tich-{period}-{unit}-v{version}.xlsx"


def workbook_attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
