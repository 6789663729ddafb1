"""Issue 8 in a real browser, as a citizen and as a department officer would use it: Cần Thơ's 2017 gap
analysis (the 11 nodes of the published analysis, with their agencies), a merged unit's page across 2017 and
2018, the 2018 ranking sorted by its change and searched without accents, the method page, and the officer's
own gap analysis in the back office. Screenshots at 1366 and 390 px in test-output/e2e-phan-tich/."""

import csv

from django.conf import settings

from tests.e2e.browser import OUTPUT_ROOT, browser_session, pytestmark  # noqa: F401

OUTPUT = OUTPUT_ROOT / "e2e-phan-tich"
LOSSES = settings.BASE_DIR / "fixtures" / "sources" / "cantho-2017-losses.csv"


def test_a_citizen_reads_the_gap_analysis_the_years_the_ranking_and_the_method(live_server):
    from playwright.sync_api import expect

    with open(LOSSES, encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))

    with browser_session(live_server.url, OUTPUT / "cong-khai") as b:
        page = b.page
        # From the scorecard to its gap analysis by the link a reader sees.
        b.go("/ky-danh-gia/2017-tinh/don-vi/92/")
        page.get_by_role("link", name="Phân tích điểm bị mất").click()
        expect(page.locator("h1")).to_contain_text("Thành phố Cần Thơ")
        appraisal = page.locator("table.gaps").first
        codes = appraisal.locator("tbody tr[id] td:first-child").all_inner_texts()
        assert sorted(code.strip() for code in codes) == sorted(row["code"] for row in published)
        for row in published:
            line = appraisal.locator(f"tbody tr[id$='-{row['code']}']")
            for agency in filter(None, (a.strip() for a in row["advising_agency"].split(";"))):
                expect(line).to_contain_text(agency)
        b.shot("phan-tich-can-tho-2017")

        # The merged unit's page shows its predecessors' 2017 and 2018 results, labelled, and a chart.
        b.go("/tim-kiem/?q=so ke hoach")
        page.get_by_role("link", name="Sở Kế hoạch và Đầu tư").first.click()
        page.get_by_role("link", name="Sở Tài chính").first.click()
        expect(page.locator("h1")).to_have_text("Sở Tài chính")
        history = page.locator("table.history").first
        expect(history).to_contain_text("kết quả của Sở Kế hoạch và Đầu tư, tiền thân")
        for year in ("2017", "2018"):
            expect(history.locator("td", has_text=year).first).to_be_visible()
        expect(page.locator("#bieu-do-don-vi-qua-cac-nam svg")).to_be_visible()
        b.shot("don-vi-hop-nhat")

        # The 2018 ranking: change columns, sorted by the change of index, searched without accents.
        b.go("/ky-danh-gia/2018-so/xep-hang/cantho-so-2018/")
        page.get_by_role("link", name="Thay đổi chỉ số").click()
        expect(page.locator("th[aria-sort=descending]")).to_contain_text("Thay đổi chỉ số")
        page.fill("form.search input[name=q]", "tu phap")
        page.locator("form.search button").click()
        expect(page.locator("table.ranking tbody tr")).to_have_count(1)
        expect(page.locator("table.ranking tbody")).to_contain_text("Sở Tư pháp")
        b.shot("xep-hang-2018-tim-kiem")

        # How the figures were computed, reached from the ranking.
        page.get_by_role("link", name="Cách tính điểm").first.click()
        expect(page.locator("#diem-thuong-diem-tru")).to_be_visible()
        b.shot("cach-tinh-diem-2018")
        assert not b.too_wide, b.too_wide


def test_an_officer_reads_the_gap_analysis_of_their_own_unit_in_the_back_office(live_server):
    from playwright.sync_api import expect

    with browser_session(live_server.url, OUTPUT / "noi-bo") as b:
        page = b.page
        b.go("/ky-danh-gia/2018-so/don-vi/92-stp/phan-tich/")  # the public analysis of the same unit
        public_summary = page.locator("section.gap-summary p").first.inner_text()
        b.login("canbo.stp")
        b.go("/quan-tri/scoring/assessment/")
        row = page.locator("tr", has_text="năm 2018").first
        row.get_by_role("link", name="Phân tích điểm bị mất").click()
        expect(page.locator("h1")).to_contain_text("Sở Tư pháp")
        assert page.locator("section.gap-summary p").first.inner_text() == public_summary
        b.shot("phan-tich-noi-bo-stp")
        # Another unit's analysis is not in this officer's scope.
        other = page.request.get(live_server.url + "/quan-tri/scoring/assessment/?q=92-syt")
        assert "Sở Y tế" not in other.text()
        assert not b.too_wide, b.too_wide
