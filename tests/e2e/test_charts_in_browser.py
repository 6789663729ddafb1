"""The charts in a real browser and in the PDF downloads: the departments' 2017 ranking and Cần Thơ's 2017
scorecard at 1366 and 390 px (charts visible, no sideways scroll), each PDF's first page rendered to PNG, and
the ranking printed by the browser on landscape A4. Everything goes to test-output/e2e-bieu-do/."""

from tests.e2e.browser import OUTPUT_ROOT, browser_session, pytestmark  # noqa: F401

OUTPUT = OUTPUT_ROOT / "e2e-bieu-do"
RANKING = "/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/"
CANTHO = "/ky-danh-gia/2017-tinh/don-vi/92/"


def first_page_png(content: bytes, path) -> tuple[int, int]:
    """Page 1 of a PDF rendered to PNG; the page's size in points."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(content)[0]
    page.render(scale=2).to_pil().save(path)
    width, height = page.get_size()
    return round(width), round(height)


def test_charts_show_in_the_browser_at_both_widths_and_in_both_pdfs(live_server):
    from playwright.sync_api import expect

    with browser_session(live_server.url, OUTPUT) as b:
        page = b.page
        b.go(RANKING)
        chart = page.locator("#bieu-do-xep-hang svg")
        expect(chart).to_be_visible()
        expect(chart.locator("text", has_text="Rất tốt").first).to_be_attached()
        b.shot("xep-hang-so-2017")
        page.set_viewport_size({"width": 390, "height": 900})
        expect(chart).to_be_visible()
        assert 300 <= chart.bounding_box()["width"] <= 390
        page.set_viewport_size({"width": 1366, "height": 900})

        page.pdf(path=OUTPUT / "xep-hang-ban-in-trinh-duyet.pdf", prefer_css_page_size=True)
        printed = (OUTPUT / "xep-hang-ban-in-trinh-duyet.pdf").read_bytes()
        assert first_page_png(printed, OUTPUT / "xep-hang-ban-in-trinh-duyet-trang-1.png") == (842, 595)

        download = page.request.get(live_server.url + page.locator(".pdf-link a").get_attribute("href"))
        assert download.headers["content-type"] == "application/pdf"
        assert first_page_png(download.body(), OUTPUT / "xep-hang-pdf-trang-1.png") == (842, 595)

        b.go(CANTHO)
        for chart_id in ("bieu-do-linh-vuc", "bieu-do-thanh-phan", "bieu-do-qua-cac-nam"):
            expect(page.locator(f"#{chart_id} svg")).to_be_visible()
        page.locator("#bieu-do-thanh-phan summary").click()
        expect(page.locator("#bieu-do-thanh-phan table")).to_contain_text("46,76")
        b.shot("can-tho-2017")
        page.set_viewport_size({"width": 390, "height": 900})
        for chart_id in ("bieu-do-linh-vuc", "bieu-do-thanh-phan", "bieu-do-qua-cac-nam"):
            expect(page.locator(f"#{chart_id} svg")).to_be_visible()
        page.set_viewport_size({"width": 1366, "height": 900})

        download = page.request.get(live_server.url + page.locator(".pdf-link a").get_attribute("href"))
        assert download.headers["content-type"] == "application/pdf"
        assert first_page_png(download.body(), OUTPUT / "can-tho-2017-pdf-trang-1.png") == (595, 842)

        b.go("/toan-quoc/2017/")
        expect(page.locator("#bieu-do-toan-quoc svg")).to_be_visible()
        b.shot("toan-quoc-2017")
        b.go("/bo-tieu-chi/qd2948-tinh/")
        b.shot("bo-tieu-chi")

    assert b.too_wide == []
    assert len(b.shots) == 8
