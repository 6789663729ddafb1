"""Charts on the public pages (server-rendered SVG with a data table) and the PDF downloads of a scorecard and a
ranking (WeasyPrint), read back with pypdfium2."""

import re
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from scoring.formatting import format_fixed
from scoring.models import FrameworkNode, Publication
from tests.scenarios import json_body

SVG = "{http://www.w3.org/2000/svg}"
CANTHO = "/ky-danh-gia/2017-tinh/don-vi/92/"
DEPARTMENTS = "/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/"


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (a malformed chart fails here)."""
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in svg.iter(f"{SVG}text")]


def pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    text = "\n".join(document[i].get_textpage().get_text_bounded() for i in range(len(document)))
    return unicodedata.normalize("NFC", text)


def assert_accessible(svg: ET.Element):
    assert svg.get("role") == "img"
    assert svg.get("viewBox").startswith("0 0 ")
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.text
    assert desc is not None
    assert desc.text
    assert set(svg.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}


def test_the_ranking_page_draws_every_unit_as_a_bar_with_the_band_thresholds(client, demo):
    html = client.get(DEPARTMENTS).content.decode()
    (svg,) = svgs(html)
    assert_accessible(svg)
    labels = texts(svg)
    assert "1. Sở Khoa học và Công nghệ" in labels
    assert "93,15" in labels
    assert {"Rất tốt", "Tốt", "Khá", "Trung bình", "Yếu"} <= set(labels)
    assert {"90", "80", "70", "50"} <= set(labels)
    dashed = [line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray") == "5 3"]
    assert len(dashed) == 4
    assert len(svg.findall(f".//{SVG}rect")) == 20
    assert "Xem số liệu" in html
    assert "<td>10. Sở Tư pháp</td>" in html
    assert not re.search(r'(x|y|width)="[0-9]+,[0-9]', html)  # coordinates are never localised


def test_the_chart_is_for_the_html_page_only_and_not_in_its_data(client, demo):
    data = json_body(client.get(DEPARTMENTS + "?format=json"))
    assert "ranking_chart" not in data
    assert "pdf_url" not in data
    assert data["bands"][0] == {
        "name": "Rất tốt",
        "min_index": "90.0000",
        "min_index_display": "90.00",
        "count": 4,
    }


def test_the_scorecard_shows_the_unit_alone_and_says_so_when_the_publication_has_no_group_means(client, demo):
    # Publications made before group means were stored have none.
    Publication.objects.filter(period__code="2017-so").update(group_means={})
    html = client.get("/ky-danh-gia/2017-so/don-vi/92-stp/").content.decode()
    (svg,) = svgs(html)
    assert_accessible(svg)
    assert "chưa có tỷ lệ bình quân của nhóm" in html
    assert "url(#" not in ET.tostring(svg, encoding="unicode")  # no hatched reference bars


def test_the_scorecard_draws_the_group_mean_beside_each_domain_when_published(client, demo):
    publication = Publication.objects.get(period__code="2017-so")
    domain_5 = FrameworkNode.objects.get(framework__code="minh-hoa-so-huyen-2017", code="5")
    mean = D(publication.group_means["cantho-so-2017"]["5"])
    html = client.get("/ky-danh-gia/2017-so/don-vi/92-stp/").content.decode()
    (svg,) = svgs(html)
    shown = format_fixed(mean * 100 / domain_5.max_points)
    assert shown in texts(svg)
    assert "Bình quân nhóm" in texts(svg)
    assert "chưa có tỷ lệ bình quân" not in html


def test_the_cantho_scorecard_draws_domains_components_against_the_nation_and_the_years(client, demo):
    html = client.get(CANTHO).content.decode()
    domains, components, years = svgs(html)
    for svg in (domains, components, years):
        assert_accessible(svg)
    assert "96,55" in texts(domains)
    assert "75,30" in texts(domains)
    assert {"52,20", "46,76", "83,53", "77,72", "Bình quân cả nước"} <= set(texts(components))
    assert {"Cần Thơ", "Hậu Giang (đơn vị tiền thân)", "2017", "83,53"} <= set(texts(years))


def test_the_national_table_draws_all_63_provinces_and_the_mean(client, reference):
    html = client.get("/toan-quoc/2017/").content.decode()
    (svg,) = svgs(html)
    assert_accessible(svg)
    assert len(svg.findall(f".//{SVG}rect")) == 63
    assert "9. Cần Thơ" in texts(svg)
    assert "┆ Bình quân cả nước 77,72" in texts(svg)


def test_pages_link_their_pdf_of_the_same_version(client, secretariat):
    assert 'href="/ky-danh-gia/2017-tinh/don-vi/92/ban-in.pdf"' in client.get(CANTHO).content.decode()
    assert f'href="{DEPARTMENTS}ban-in.pdf"' in client.get(DEPARTMENTS).content.decode()


def test_the_scorecard_pdf_is_an_a4_portrait_document_with_vietnamese_text_and_its_charts(client, demo):
    import pypdfium2 as pdfium

    response = client.get(CANTHO + "ban-in.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="minh-hoa-ket-qua-2017-tinh-92-phien-ban-1.pdf"' in response["Content-Disposition"]
    width, height = pdfium.PdfDocument(response.content)[0].get_size()
    assert (round(width), round(height)) == (595, 842)
    text = pdf_text(response.content)
    for words in ("Chỉ số", "Cần Thơ", "Xếp loại", "Thành phố Cần Thơ", "Cải cách thủ tục hành chính"):
        assert words in text
    assert "LV3. Cải cách thủ tục hành chính" in text  # drawn inside the domains chart
    assert "Hậu Giang (đơn vị tiền thân)" in text  # the years chart
    assert "Bản in của trang http://testserver/ky-danh-gia/2017-tinh/don-vi/92/" in text
    assert "Tải bản PDF" not in text
    assert "Xem số liệu" not in text


def test_the_ranking_pdf_is_landscape_with_every_unit_and_the_bars(client, demo):
    import pypdfium2 as pdfium

    response = client.get(DEPARTMENTS + "ban-in.pdf")
    assert response["Content-Type"] == "application/pdf"
    width, height = pdfium.PdfDocument(response.content)[0].get_size()
    assert (round(width), round(height)) == (842, 595)
    text = pdf_text(response.content)
    for words in (
        "Xếp hạng",
        "Cần Thơ",
        "Xếp loại",
        "Chỉ số bình quân",
        "Sở Lao động - Thương binh và Xã hội",
    ):
        assert words in text
    assert "┆ Bình quân 80,99" in text  # the mean line of the chart


@pytest.mark.parametrize(
    "url",
    [
        "/ky-danh-gia/khong-co/don-vi/92/ban-in.pdf",
        "/ky-danh-gia/2017-tinh/don-vi/khong-co/ban-in.pdf",
        "/ky-danh-gia/khong-co/xep-hang/cantho-so-2017/ban-in.pdf",
        "/ky-danh-gia/2017-so/xep-hang/khong-co/ban-in.pdf",
        "/ky-danh-gia/2017-tinh/don-vi/92/ban-in.pdf?phien-ban=99",
        "/ky-danh-gia/2017-tinh/don-vi/92/ban-in.pdf?phien-ban=abc",
    ],
)
def test_an_unknown_period_unit_group_or_version_is_a_vietnamese_404(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_period_not_yet_published_has_no_pdf(client, open_period):
    unit = open_period.assessments.first().unit
    assert client.get(f"/ky-danh-gia/{open_period.code}/don-vi/{unit.code}/ban-in.pdf").status_code == 404


def test_a_pdf_is_laid_out_once_then_served_from_the_cache_until_the_publication_changes(
    client, demo, monkeypatch
):
    from django.core.cache import cache

    from scoring import pdf

    cache.clear()
    calls = []
    monkeypatch.setattr(pdf, "_write_pdf", lambda request, html: calls.append(html) or b"%PDF-1.7 test")
    assert client.get(CANTHO + "ban-in.pdf").content == b"%PDF-1.7 test"
    client.get(CANTHO + "ban-in.pdf")
    assert len(calls) == 1
    client.get(CANTHO + "ban-in.pdf?phien-ban=1")  # another address: its own file
    assert len(calls) == 2
    cache.clear()


def test_the_unit_page_draws_the_index_over_the_years_with_a_merged_units_predecessors(client, demo):
    html = client.get("/don-vi/92-stc-2025/").content.decode()
    (svg,) = svgs(html)
    assert_accessible(svg)
    labels = texts(svg)
    assert "Sở Kế hoạch và Đầu tư (tiền thân)" in labels
    assert "Sở Tài chính (tiền thân)" in labels
    assert "2017" in labels
    assert "2018" in labels


def test_the_province_page_draws_its_national_index_over_the_years(client, demo):
    html = client.get("/don-vi/92/").content.decode()
    assert "bieu-do-qua-cac-nam" in html
    assert "Chỉ số PAR INDEX qua các năm" in html
