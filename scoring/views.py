"""Public pages. Each view: parse → selector → render HTML, or the page's data as open data with
`?format=json|csv|xlsx` (CSV and XLSX: scoring.opendata_files)."""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.html import format_html

from scoring import opendata_files, page_charts, pdf, selectors
from scoring.calculator import format_display, format_full
from scoring.formatting import is_ascii_digits, shown
from scoring.models import EvidenceDocument
from scoring.public_forms import RankingQueryForm, SiteSearchForm

DATA_FORMATS = ("json", "csv", "xlsx")


def jsonable(value):
    """Decimals become two strings: full stored precision (`x`) and the 2-place display (`x_display`)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, Decimal):
                out[key] = format_full(item)
                out[f"{key}_display"] = format_display(item)
            elif item is None or isinstance(
                item, str | int
            ):  # most values: no recursion (a streamed ranking)
                out[key] = item
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
        try:
            response = view(request, *args, **kwargs)
        except Http404 as refusal:  # a public page says why in Vietnamese (its selector's message)
            message = str(refusal.args[0]) if refusal.args else None
            response = render(request, "404.html", {"message": message}, status=404)
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


def _respond(request, template_name: str, dataset: str, data: dict, html_context=None):
    """The page, or its data as JSON/CSV/XLSX. `html_context(data)`: what only the HTML page needs (charts,
    the PDF link), computed only when the HTML is asked for and never part of the data files."""
    file_format = request.GET.get("format")
    if file_format == "json":
        return JsonResponse(jsonable(data), json_dumps_params={"ensure_ascii": False})
    if file_format in DATA_FORMATS:
        source_url = request.build_absolute_uri(_url_with(request, format=None))
        table = selectors.open_data_table(dataset, data, source_url=source_url)
        return opendata_files.download(table, file_format)
    data_urls = {name: _url_with(request, format=name) for name in DATA_FORMATS}
    extra = html_context(data) if html_context else {}
    return render(request, template_name, {**data, **extra, "data_urls": data_urls})


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


def _json_chunks(data: dict, rows_key: str = "rows") -> Iterator[str]:
    """A page's data as JSON in pieces: everything but the rows at once, then the rows as they are read."""
    head = jsonable({key: value for key, value in data.items() if key != rows_key})
    opening = json.dumps(head, ensure_ascii=False, cls=DjangoJSONEncoder)
    yield (opening[:-1] + ", " if head else "{") + f'"{rows_key}": ['
    batch = []
    for number, row in enumerate(data[rows_key]):
        batch.append(("" if number == 0 else ", ") + json.dumps(jsonable(row), ensure_ascii=False))
        if len(batch) == 500:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "]}"


def _streamed(request, dataset: str, data: dict):
    """JSON or CSV of a page whose rows are read lazily (a whole ranking): streamed, never held in memory."""
    if request.GET.get("format") == "json":
        return StreamingHttpResponse(_json_chunks(data), content_type="application/json")
    source_url = request.build_absolute_uri(_url_with(request, format=None))
    return opendata_files.stream(selectors.open_data_table(dataset, data, source_url=source_url, lazy=True))


def _page_links(request, page: int, pages: int) -> list[dict]:
    """Links to the first, last and nearby pages, with gaps marked (`number` None)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links, previous = [], 0
    for number in wanted:
        if number > previous + 1:
            links.append({"number": None})
        links.append(
            {"number": number, "url": _url_with(request, trang=str(number)), "current": number == page}
        )
        previous = number
    return links


def _sort_headers(request, data: dict) -> list[dict]:
    """The table's headings in column order, each a link sorting by it: a column not sorted yet starts in its
    natural direction, the sorted one flips. The page goes back to 1."""
    listing = data["listing"]
    names = {f"lv{domain['code']}": domain["name"] for domain in data["domains"]}
    headers = []
    for key, column in listing["columns"].items():
        current = key == listing["sort"]
        if current:
            direction = "tang" if listing["direction"] == "giam" else "giam"
        else:
            direction = column["natural"]
        headers.append(
            {
                "key": key,
                "label": column["label"],
                "title": names.get(key, ""),
                "numeric": key != "ten" and key != "xep-loai",
                "url": _url_with(request, **{"sap-xep": key, "chieu": direction, "trang": None}),
                "current": current,
                "aria": ("descending" if listing["direction"] == "giam" else "ascending")
                if current
                else "none",
                "arrow": ("▼" if listing["direction"] == "giam" else "▲") if current else "",
            }
        )
    return headers


@public_data
def period_method(request, period_code):
    """How the period's results are computed (Cách tính điểm)."""
    return _respond(request, "scoring/method.html", "method", selectors.period_method(period_code))


@public_data
def ranking(request, period_code, group_code):
    """A group's ranking: 100 rows a page, sortable by any column, searchable; JSON and CSV stream the whole
    group (with the search and sort asked for), XLSX goes through the open-data workbook."""
    form = RankingQueryForm(request.GET)
    if not form.is_valid():
        raise Http404(form.problem())
    version = _version(request)
    file_format = request.GET.get("format")
    if file_format in ("json", "csv"):
        data = selectors.ranking_for_period(
            period_code, group_code, version, listing=form.listing(whole=True), lazy=True
        )
        return _streamed(request, "ranking", data)
    whole = file_format == "xlsx"
    data = selectors.ranking_for_period(period_code, group_code, version, listing=form.listing(whole=whole))
    if not whole:
        listing = data["listing"]
        data["page_links"] = (
            _page_links(request, listing["page"], listing["pages"]) if listing["pages"] > 1 else []
        )
        data["headers"] = _sort_headers(request, data)
    return _respond(request, "scoring/ranking.html", "ranking", data, _ranking_html)


def _ranking_html(data: dict) -> dict:
    return {
        "ranking_chart": page_charts.ranking_chart(data),
        "print_layout": "landscape",
        "pdf_url": pdf.pdf_url(
            "ranking_pdf", [data["period"]["code"], data["group"]["code"]], data["publication"]
        ),
    }


@public_data
def scorecard(request, period_code, unit_code):
    data = selectors.unit_scorecard(period_code, unit_code, _version(request))
    return _respond(request, "scoring/scorecard.html", "scorecard", data, _scorecard_html)


def _scorecard_html(data: dict) -> dict:
    return {
        **page_charts.scorecard_charts(data),
        "print_layout": "portrait",
        "pdf_url": pdf.pdf_url(
            "scorecard_pdf", [data["period"]["code"], data["unit"]["code"]], data["publication"]
        ),
    }


# ---------------------------------------------------------------- PDF downloads (scoring.pdf says why WeasyPrint)


def scorecard_pdf(request, period_code, unit_code):
    """A unit's scorecard as a portrait A4 PDF: the page itself (scoring/scorecard.html) on the PDF's base."""
    data = selectors.unit_scorecard(period_code, unit_code, _version(request))
    context = {**data, **_scorecard_html(data), "base_template": "scoring/pdf/base.html"}
    name = pdf.file_name(
        "ket-qua", period_code, unit_code, publication=data["publication"], is_demo=data["period"]["is_demo"]
    )
    return pdf.render_pdf(request, "scoring/scorecard.html", context, name)


def ranking_pdf(request, period_code, group_code):
    """A group's whole ranking (every unit, however the page paginates) as a landscape A4 PDF."""
    data = selectors.ranking_for_period(period_code, group_code, _version(request))
    name = pdf.file_name(
        "xep-hang",
        period_code,
        group_code,
        publication=data["publication"],
        is_demo=data["period"]["is_demo"],
    )
    context = {**data, **_ranking_html(data), "ranking_charts": page_charts.ranking_chart_parts(data)}
    return pdf.render_pdf(request, "scoring/pdf/ranking.html", context, name)


@public_data
def unit_page(request, unit_code):
    """A unit across the years: lineage and every published result, its predecessors' labelled."""
    return _respond(
        request,
        "scoring/unit.html",
        "unit_history",
        selectors.unit_history(unit_code),
        page_charts.unit_history_charts,
    )


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
    return _respond(
        request,
        "scoring/national_table.html",
        "national_table",
        selectors.national_table(year),
        lambda data: {"national_chart": page_charts.national_ranking_chart(data)},
    )


@public_data
def search(request):
    """Site search: units (with their published results), frameworks, framework nodes and published periods,
    without regard to case or accents."""
    form = SiteSearchForm(request.GET)
    form.is_valid()  # every text is a valid search; the form only cleans it
    return _respond(request, "scoring/search.html", "search", selectors.site_search(form.cleaned_data["q"]))


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
