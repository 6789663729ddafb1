"""Public pages. Each view: parse → selector → render HTML, or the page's data as open data with
`?format=json|csv|xlsx` (CSV and XLSX: scoring.opendata_files)."""

import datetime
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html

from scoring import opendata_files, selectors
from scoring.calculator import format_display, format_full
from scoring.formatting import is_ascii_digits, shown
from scoring.models import EvidenceDocument

DATA_FORMATS = ("json", "csv", "xlsx")


def jsonable(value):
    """Decimals become two strings: full stored precision (`x`) and the 2-place display (`x_display`)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, Decimal):
                out[key] = format_full(item)
                out[f"{key}_display"] = format_display(item)
            else:
                out[key] = jsonable(item)
        return out
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return format_full(value)
    if isinstance(value, datetime.date):  # dates and datetimes (aware, UTC offset included)
        return value.isoformat()
    return value


def public_data(view):
    """A public page: an unknown `?format=` is a 404 that says which formats exist (checked before any read),
    and every GET answer may be read by any web site (`Access-Control-Allow-Origin: *`): the data is public."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        requested = request.GET.get("format")
        if requested is not None and requested not in DATA_FORMATS:
            message = format_html(
                "Không có định dạng dữ liệu{}. Dữ liệu của trang có ở dạng JSON (<code>?format=json</code>), "
                "CSV (<code>?format=csv</code>) và Excel (<code>?format=xlsx</code>).",
                f" «{shown(requested)}»" if requested else "",
            )
            return render(request, "404.html", {"message": message}, status=404)
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def _url_with(request, **params) -> str:
    """This page's address with the current query string, some parameters set (or dropped when None)."""
    query = request.GET.copy()
    for key, value in params.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _respond(request, template_name: str, dataset: str, data: dict):
    file_format = request.GET.get("format")
    if file_format == "json":
        return JsonResponse(jsonable(data), json_dumps_params={"ensure_ascii": False})
    if file_format in DATA_FORMATS:
        source_url = request.build_absolute_uri(_url_with(request, format=None))
        table = selectors.open_data_table(dataset, data, source_url=source_url)
        return opendata_files.download(table, file_format)
    data_urls = {name: _url_with(request, format=name) for name in DATA_FORMATS}
    return render(request, template_name, {**data, "data_urls": data_urls})


@public_data
def home(request):
    periods = selectors.public_periods()
    data = {
        "periods": [
            {
                "code": period.code,
                "year": period.year,
                "title": period.title,
                "status": period.get_status_display(),
                "is_demo": period.is_demo,
                "groups": [
                    {
                        "code": group.unit_group.code,
                        "name": group.unit_group.name,
                        "framework_code": group.framework.code,
                        "unit_count": group.unit_count,
                    }
                    for group in period.groups.all()
                ],
            }
            for period in periods
        ]
    }
    return _respond(request, "scoring/home.html", "periods", data)


def _version(request) -> int | None:
    """?phien-ban=N asks for an earlier publication; anything but a positive number is a 404."""
    raw = request.GET.get("phien-ban")
    if raw is None:
        return None
    if not is_ascii_digits(raw) or len(raw) > 6 or int(raw) < 1:
        raise Http404("Phiên bản không hợp lệ.")
    return int(raw)


@public_data
def period_detail(request, period_code):
    data = selectors.period_overview(period_code, _version(request))
    return _respond(request, "scoring/period.html", "period", data)


@public_data
def ranking(request, period_code, group_code):
    data = selectors.ranking_for_period(period_code, group_code, _version(request))
    return _respond(request, "scoring/ranking.html", "ranking", data)


@public_data
def scorecard(request, period_code, unit_code):
    data = selectors.unit_scorecard(period_code, unit_code, _version(request))
    return _respond(request, "scoring/scorecard.html", "scorecard", data)


@public_data
def unit_page(request, unit_code):
    """A unit across the years: lineage and every published result, its predecessors' labelled."""
    return _respond(request, "scoring/unit.html", "unit_history", selectors.unit_history(unit_code))


@public_data
def national_list(request):
    years = selectors.national_years()
    data = {
        "years": [
            {"year": y.year, "title": y.title, "province_count": y.province_count, "mean_index": y.mean_index}
            for y in years
        ]
    }
    return _respond(request, "scoring/national_list.html", "national_years", data)


@public_data
def national_table(request, year):
    return _respond(request, "scoring/national_table.html", "national_table", selectors.national_table(year))


@public_data
def framework_list(request):
    query = request.GET.get("q", "")[:100]
    frameworks = selectors.public_frameworks(query)
    data = {
        "query": query,
        "frameworks": [
            {
                "code": f.code,
                "title": f.title,
                "decision_number": f.decision_number,
                "decision_date": f.decision_date,
                "aliases": f.aliases,
                "status": f.get_status_display(),
                "node_count": f.node_count,
                "unverified_count": f.unverified_count,
                "is_demo": f.is_demo,
            }
            for f in frameworks
        ],
    }
    return _respond(request, "scoring/framework_list.html", "frameworks", data)


@public_data
def framework_detail(request, framework_code):
    data = selectors.framework_detail(framework_code)
    return _respond(request, "scoring/framework_detail.html", "framework", data)


@public_data
def open_data(request):
    """The "Dữ liệu mở" page: every dataset with its fields, formats, licence and provenance."""
    return _respond(request, "scoring/open_data.html", "catalogue", selectors.open_data_catalogue())


# ---------------------------------------------------------------- back office downloads


@login_required
def evidence_download(request, pk):
    """An evidence file, only for users who may read the unit's evidence; 404 for everyone else."""
    document = EvidenceDocument.objects.filter(pk=pk).exclude(file="").first()
    if document is None or not request.user.has_perm("scoring.read_evidence", document):
        raise Http404("Không có tài liệu này trong phạm vi của bạn.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    response = FileResponse(handle, as_attachment=True, filename=document.original_name or "tai-lieu")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Type"] = document.content_type or "application/octet-stream"
    return response
