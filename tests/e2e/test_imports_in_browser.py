"""Data imports through the screens only, in a real browser: the secretariat imports the national 2017 table
and a survey team's sheet (upload, preview, confirm), and the public province page shows Cần Thơ 9th of 63.
Screenshots of every preview and result at 1366 and 390 px go to test-output/e2e-nhap-du-lieu/."""

import csv
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from django.conf import settings

from tests.e2e.browser import OUTPUT_ROOT, browser_session, pytestmark  # noqa: F401

OUTPUT = OUTPUT_ROOT / "e2e-nhap-du-lieu"
SOURCE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "par-index-2017-provinces.csv"


def ministry_workbook(path: Path) -> Path:
    """The published 2017 table laid out as the Ministry prints it: a title, Vietnamese headers, comma decimals,
    the national mean row."""
    with open(SOURCE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2017 CỦA CÁC TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG"])
    sheet.append(
        ["Xếp hạng", "Tỉnh, thành phố", "Điểm thẩm định LV1-7", "Tác động 8.1", "Điểm điều tra LV1-7"]
    )
    sheet["F2"], sheet["G2"], sheet["H2"] = "Tác động 8.2", "Tổng điểm", "Chỉ số PAR INDEX"
    keys = ["appraisal_domains_1_7", "impact_8_1", "survey_domains_1_7", "impact_8_2", "total", "par_index"]
    for row in rows:
        sheet.append([int(row["rank"]), row["province"], *(row[k].replace(".", ",") for k in keys)])
    sheet.append([None, "Trung bình cả nước", "46,76", "11,66", "16,44", "2,87", "77,72", "77,72"])
    book.save(path)
    return path


def survey_workbook(path: Path) -> Path:
    """A survey team's sheet in wide form: a row per unit (by name), a column per survey node."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC (MINH HỌA)"])
    sheet.append(["Đơn vị", "8.1.1", "8.1.2", "8.1.3", "8.1.4"])
    sheet.append(["Sở Tư pháp", 2.25, "2,1", 1.75, 2.5])
    sheet.append(["sở y tế", 1.5, 1.25, None, 2])
    book.save(path)
    return path


def test_the_secretariat_imports_the_national_table_and_survey_points_in_the_browser(live_server, tmp_path):
    from playwright.sync_api import expect

    from scoring import policy
    from scoring.models import NationalYear, ScoreEntry

    year = policy.today().year
    with browser_session(live_server.url, OUTPUT) as b:
        page = b.page
        b.login("sonoivu")
        page.click("text=Bảng xếp hạng toàn quốc")
        page.fill("#id_year", "2017")
        page.fill("#id_source", "Bộ Nội vụ, Báo cáo PAR INDEX 2017")
        page.set_input_files("#id_data_file", str(ministry_workbook(tmp_path / "par-index-2017.xlsx")))
        page.click("text=Kiểm tra và xem trước")
        expect(page.locator("#content-main")).to_contain_text("Xem trước: bảng năm 2017, 63 tỉnh, thành phố")
        expect(page.locator("#content-main")).to_contain_text("Cần Thơ")
        b.shot("bang-toan-quoc-xem-truoc")
        page.click("text=Xác nhận nhập bảng")
        b.message("Đã nhập bảng xếp hạng toàn quốc năm 2017: 63 tỉnh, thành phố.")
        b.shot("bang-toan-quoc-da-nhap")

        b.go("/toan-quoc/2017/")
        expect(page.locator("main")).to_contain_text("Quảng Ninh")
        b.shot("cong-khai-bang-toan-quoc-2017")
        b.go("/ky-danh-gia/2017-tinh/don-vi/92/")
        expect(page.locator("main")).to_contain_text("9/63")
        expect(page.locator("main")).to_contain_text("4/5")
        expect(page.locator("main")).to_contain_text("2/13")
        b.shot("cong-khai-can-tho-so-voi-ca-nuoc")

        b.go("/quan-tri/")
        page.locator("#work-queues a", has_text=f"năm {year}").first.click()
        page.click("text=nhập từ tệp Excel, CSV")
        page.set_input_files("#id_data_file", str(survey_workbook(tmp_path / "dieu-tra.xlsx")))
        page.click("text=Kiểm tra và xem trước")
        expect(page.locator("#content-main")).to_contain_text("7 điểm sẽ thay đổi")
        expect(page.locator("#content-main")).to_contain_text("khớp theo tên «sở y tế»")
        b.shot("dieu-tra-xem-truoc")
        page.click("text=Xác nhận nhập điểm điều tra")
        b.message("Đã nhập 7 điểm điều tra xã hội học.")
        b.shot("dieu-tra-da-nhap")

    assert NationalYear.objects.get(year=2017).imported_by.username == "sonoivu"
    justice = ScoreEntry.objects.get(
        assessment__period__code=f"{year}-so", assessment__unit__code="92-stp", node__code="8.1.2"
    )
    assert justice.survey_points == D("2.1")
    assert justice.history.first().history_user.username == "sonoivu"
    assert b.too_wide == []
    assert len(b.shots) == 12
