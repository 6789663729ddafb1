"""Public pages. Each view: parse → selector → render HTML, or JSON with `?format=json`."""

import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render

from scoring import selectors
from scoring.calculator import format_display, format_full
from scoring.formatting import is_ascii_digits
from scoring.models import EvidenceDocument


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


def _respond(request, template_name: str, data: dict):
    if request.GET.get("format") == "json":
        return JsonResponse(jsonable(data), json_dumps_params={"ensure_ascii": False})
    query = request.GET.copy()
    query["format"] = "json"
    return render(request, template_name, {**data, "json_url": f"{request.path}?{query.urlencode()}"})


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
    return _respond(request, "scoring/home.html", data)


def _version(request) -> int | None:
    """?phien-ban=N asks for an earlier publication; anything but a positive number is a 404."""
    raw = request.GET.get("phien-ban")
    if raw is None:
        return None
    if not is_ascii_digits(raw) or len(raw) > 6 or int(raw) < 1:
        raise Http404("Phiên bản không hợp lệ.")
    return int(raw)


def period_detail(request, period_code):
    return _respond(request, "scoring/period.html", selectors.period_overview(period_code, _version(request)))


def ranking(request, period_code, group_code):
    data = selectors.ranking_for_period(period_code, group_code, _version(request))
    return _respond(request, "scoring/ranking.html", data)


def scorecard(request, period_code, unit_code):
    data = selectors.unit_scorecard(period_code, unit_code, _version(request))
    return _respond(request, "scoring/scorecard.html", data)


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
    return _respond(request, "scoring/framework_list.html", data)


def framework_detail(request, framework_code):
    return _respond(request, "scoring/framework_detail.html", selectors.framework_detail(framework_code))


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
