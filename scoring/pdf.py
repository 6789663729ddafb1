"""PDF downloads of a unit's scorecard and of a group's whole ranking, drawn on the server by WeasyPrint.

Why WeasyPrint and not the browser's print dialog: a download link gives every reader the same A4 document
(a phone's browser cannot print to a chosen paper size, and every browser adds its own headers, margins and
scaling); the file can be archived, sent and checked in tests (its text extracted, its first page rendered);
and the server needs no browser (a headless Chromium is hundreds of megabytes and a process per request).
WeasyPrint lays text out with Pango and HarfBuzz, so stacked Vietnamese diacritics (ệ, ữ, ở) are shaped
correctly, in DejaVu Sans from Debian's fonts-dejavu-core (named below: it covers Vietnamese), embedded in the
file. The stylesheet is the site's own: static/css/site.css with its `/* print */` section, so printing a page
from the browser and downloading its PDF give the same layout. The SVG charts are inline and drawn by WeasyPrint.

Nothing is fetched while rendering (no network, no file but the stylesheet given here): the fetcher allows no
protocol at all.
"""

import hashlib

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

CACHE_SECONDS = 24 * 3600

# Fonts for the PDF: named so that fontconfig cannot fall back to a font without Vietnamese glyphs.
PDF_CSS = """
body, .chart-svg { font-family: "DejaVu Sans", "Noto Sans", sans-serif; }
body { font-size: 8.5pt; }
@page { @bottom-right { font-family: "DejaVu Sans", "Noto Sans", sans-serif; } }
"""


def pdf_url(name: str, args: list[str], publication: dict) -> str:
    """The PDF of a page, of the same publication version as the page shows."""
    url = reverse(f"scoring:{name}", args=args)
    return url if publication["is_latest"] else f"{url}?phien-ban={publication['version']}"


def render_pdf(request, template_name: str, context: dict, file_name: str) -> HttpResponse:
    """`template_name` rendered with `context` as an A4 PDF attachment named `file_name`.

    Laying out a long scorecard takes seconds, and a publication never changes: the file is kept in the cache
    for a day, keyed by the address, the publication's content hash, whether it is still the latest version
    (the document says when it is not) and the day printed on it."""
    page_url, publication = _page_url(request), context["publication"]
    key = (
        "pdf:"
        + hashlib.sha256(
            f"{page_url}|{publication['content_hash']}|{publication['is_latest']}|{timezone.localdate()}".encode()
        ).hexdigest()
    )
    content = cache.get(key)
    if content is None:
        content = _write_pdf(
            request, render_to_string(template_name, {**context, "page_url": page_url}, request)
        )
        cache.set(key, content, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _write_pdf(request, html: str) -> bytes:
    import weasyprint  # imported here: loading Pango costs time every other page does not need

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=())
    stylesheets = [
        weasyprint.CSS(filename=finders.find("css/site.css"), url_fetcher=fetcher),
        weasyprint.CSS(string=PDF_CSS, url_fetcher=fetcher),
    ]
    document = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets)


def _page_url(request) -> str:
    """The address of the page the PDF prints: the PDF's own without `ban-in.pdf`, keeping only the version asked
    for (already checked by the view) of the query."""
    path = request.path.removesuffix("ban-in.pdf")
    version = request.GET.get("phien-ban")
    return request.build_absolute_uri(f"{path}?phien-ban={version}" if version else path)


def file_name(*parts: str, publication: dict, is_demo: bool) -> str:
    demo = ["minh-hoa"] if is_demo else []
    return "-".join([*demo, *parts, "phien-ban", str(publication["version"])]) + ".pdf"
