"""The whole yearly cycle through the screens only, in a real browser (Debian chromium driven by Playwright).

After the demo seed (what `make run` loads), nothing here writes through the ORM or a service: the secretariat
creates an appraiser and a leader (who set their passwords through their one-time links), opens the year's
period from last year's with a two-unit group it creates, one unit fills and submits with evidence, the other
never submits, the appraiser appraises both (one exemption, one explanation request), the unit explains, survey
points are entered, round 2, finalise, publish; then a correction changes one score and the public page shows the
new version and what changed. A screenshot per step at 1366 and 390 px goes to test-output/e2e/.

Runs wherever /usr/bin/chromium exists; .ci/run installs it and sets E2E_REQUIRED=1 so that a missing browser
fails instead of skipping.
"""

import datetime
import re
from decimal import Decimal as D

from tests.e2e.browser import OUTPUT_ROOT, Browser, browser_session, pytestmark  # noqa: F401

OUTPUT = OUTPUT_ROOT / "e2e"
NEW_PASSWORD = "Ca-nhan-moi-2026!"


def run_cycle(b: Browser, year: int):
    from playwright.sync_api import expect

    page = b.page
    title = f"Chỉ số CCHC thí điểm năm {year}"
    from scoring import policy

    today = policy.today()

    def day(offset):
        return (today + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")

    # 1. The secretariat creates an appraiser and a unit leader; each sets a password through its link.
    b.login("sonoivu")
    b.shot("so-noi-vu-trang-chu")
    links = {}
    for username, full_name, role, unit in (
        ("thamdinh.e2e", "Trần Thị Thẩm Định", "appraiser", None),
        ("lanhdao.e2e", "Nguyễn Văn Lãnh Đạo", "unit", "Sở Tư pháp"),
    ):
        b.go("/quan-tri/auth/user/add/")
        page.fill("#id_username", username)
        page.fill("#id_first_name", full_name)
        page.check(f"input[name=role][value={role}]")
        if unit:
            page.click("#unit_memberships-0 .select2-selection")
            page.fill(".select2-search__field", "Tư pháp")
            page.locator(".select2-results__option", has_text=unit).first.click()
            page.select_option("#id_unit_memberships-0-role", "leader")
        page.click("input[name=_save]")
        b.message("Đã thêm người dùng")
        links[username] = re.search(r"(/tai-khoan/dat-mat-khau/[^\"'<\s]+)", page.content()).group(1)
        b.shot(f"tao-tai-khoan-{role}")
    for link in links.values():
        page.context.clear_cookies()
        b.go(link)
        page.fill("#id_new_password1", NEW_PASSWORD)
        page.fill("#id_new_password2", NEW_PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#content-main")).to_contain_text("Mật khẩu đã được đặt")
    b.shot("dat-mat-khau-xong")

    # 2. A two-unit group for this year, then the year's period from last year's.
    b.login("sonoivu")
    b.go("/quan-tri/units/unitgroup/add/")
    page.fill("#id_code", "e2e-thi-diem")
    page.fill("#id_name", "Nhóm thí điểm (kiểm thử trình duyệt)")
    page.select_option("#id_members_from", label=["Sở Tư pháp", "Sở Y tế"])
    page.click("#id_members_add_link, #id_members_add")
    page.click("input[name=_save]")
    b.message("Nhóm thí điểm")
    b.go("/quan-tri/nghiep-vu/ky/tao/")
    page.select_option("#id_sao-previous", label="Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2017")
    page.fill("#id_sao-code", f"{year}-thi-diem")
    page.fill("#id_sao-year", str(year))
    page.fill("#id_sao-title", title)
    b.shot("tao-ky-tu-nam-truoc")
    page.click("input[name=_copy]")
    b.message("Đã tạo kỳ đánh giá")
    for field, offset in (
        ("self_assessment_deadline", 10),
        ("appraisal_deadline", 20),
        ("explanation_deadline", 30),
        ("final_appraisal_deadline", 40),
    ):
        page.fill(f"#id_{field}", day(offset))
    page.click("input[name=_settings]")
    b.message("Đã lưu tên, hạn")
    page.locator("form", has=page.locator("input[value='Bỏ nhóm']")).locator("input[type=submit]").click()
    b.message("Đã bỏ nhóm")
    page.select_option("#id_unit_group", label="Nhóm thí điểm (kiểm thử trình duyệt)")
    b.select_containing("#id_framework", "minh-hoa-so-huyen-2017")
    page.click("input[name=_group]")
    b.message("Đã thêm nhóm")
    b.shot("thiet-lap-ky")
    period_url = page.locator("a", has_text="Trang điều hành kỳ").get_attribute("href")
    b.go(period_url.replace(b.base, ""))
    page.click("text=Chuyển sang giai đoạn «Tự đánh giá»")
    expect(page.locator("#content-main")).to_contain_text("Mở bản đánh giá")
    b.shot("xem-truoc-mo-ky")
    b.confirm_step()
    b.message("Đã mở 2 bản đánh giá")
    b.go(period_url.replace(b.base, "") + "phan-cong/")
    b.select_containing("#id_appraiser", "thamdinh.e2e")
    page.locator("#content-main form input.default").click()
    b.message("Đã thêm 1 phân công")

    # 3. The unit's leader fills every node, uploads evidence from the form and submits.
    b.login("lanhdao.e2e", NEW_PASSWORD)
    b.shot("don-vi-viec-can-lam")
    b.open_from_queue("Sở Tư pháp", title)
    for field in page.locator("input.points").all():
        field.fill(field.get_attribute("data-max").replace(".", ","))
    for area in page.locator("textarea[aria-label^='Thuyết minh']").all():
        area.fill("Theo báo cáo năm của đơn vị.")
    page.fill("textarea[aria-label='Số liệu 1.1.2']", "18/20 nhiệm vụ hoàn thành")
    page.click("input[name=_save]")
    b.message("Đã lưu")
    pdf = OUTPUT / "ke-hoach-cchc.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    page.fill("#id_title", "Kế hoạch cải cách hành chính năm nay")
    page.fill("#id_number", "12/KH-STP")
    page.fill("#id_issue_date", day(-30))
    page.set_input_files("#id_upload", str(pdf))
    page.select_option("#id_node", "1.1.1")
    page.fill("#id_locator", "trang 1")
    page.click("#tai-lieu input[type=submit]")
    b.message("liên kết với tiêu chí 1.1.1")
    b.shot("tu-danh-gia-co-tai-lieu")
    page.click("input[name=_submit]")  # the confirmation dialog is accepted
    b.message("Bản tự đánh giá đã được nộp")
    b.shot("tu-danh-gia-da-nop")

    # 4. The secretariat opens appraisal: Sở Y tế never submitted and is locked as late. The step waits for the
    # deadline; the secretariat closes self-assessment by moving the deadline to yesterday.
    b.login("sonoivu")
    b.go(period_url.replace(b.base, ""))
    page.click("text=Chuyển sang giai đoạn «Thẩm định»")
    expect(page.locator("#content-main")).to_contain_text("chưa hết hạn")
    b.go(period_url.replace(b.base, "") + "thiet-lap/")
    page.fill("#id_self_assessment_deadline", day(-1))
    page.click("input[name=_settings]")
    b.message("Đã lưu tên, hạn")
    b.go(period_url.replace(b.base, ""))
    page.click("text=Chuyển sang giai đoạn «Thẩm định»")
    expect(page.locator("#content-main")).to_contain_text("Không nộp đúng hạn")
    b.shot("xem-truoc-tham-dinh")
    b.confirm_step()
    b.message("Thẩm định")

    # 5. The appraiser: proposals, a lowered node with a request (returned); the late unit with an exemption.
    b.login("thamdinh.e2e", NEW_PASSWORD)
    b.shot("tham-dinh-hang-doi")
    b.open_from_queue("Sở Tư pháp", title)
    page.click("input[name=_proposals]")
    b.message("Đã ghi điểm đề xuất")
    page.fill("input[aria-label='Điểm thẩm định lần 1 1.2']", "1")
    page.fill("textarea[aria-label='Lý do 1.2']", "Thiếu báo cáo quý IV")
    page.fill("textarea[aria-label='Yêu cầu giải trình 1.2']", "Gửi báo cáo quý IV")
    page.click("input[name=_save]")
    b.message("Đã lưu kết quả thẩm định của 1 tiêu chí")
    page.fill("#id_note", "Đề nghị đơn vị giải trình tiêu chí 1.2")
    page.click("input[name=_return]")
    b.message("Đã gửi yêu cầu giải trình")
    b.shot("tham-dinh-lan-1")
    b.open_from_queue("Sở Y tế", title)
    page.click("input[name=_proposals]")
    page.check("input[aria-label='Không áp dụng 3.3.3']")
    page.fill("input[aria-label='Điểm thẩm định lần 1 3.3.3']", "")
    page.fill("textarea[aria-label='Lý do không áp dụng 3.3.3']", "Đơn vị không có thủ tục liên thông")
    page.click("input[name=_save]")
    b.message("Đã lưu kết quả thẩm định")
    b.shot("tham-dinh-don-vi-nop-muon")

    # 6. Explanation.
    b.login("sonoivu")
    b.go(period_url.replace(b.base, ""))
    page.click("text=Chuyển sang giai đoạn «Giải trình»")
    b.confirm_step()
    b.message("Giải trình")
    b.login("lanhdao.e2e", NEW_PASSWORD)
    b.open_from_queue("Sở Tư pháp", title)
    expect(page.locator("#content-main")).to_contain_text("Đề nghị đơn vị giải trình tiêu chí 1.2")
    page.fill("textarea[aria-label='Giải trình 1.2']", "Báo cáo quý IV gửi ngày 28/12 (số 98/BC-STP)")
    page.click("input[name=_send]")
    b.message("Đã gửi giải trình")
    b.shot("giai-trinh")

    # 7. Survey points, then round 2.
    b.login("sonoivu")
    b.go(period_url.replace(b.base, "") + "dieu-tra/")
    for cell in page.locator("input[aria-label^='Điểm điều tra']").all():
        cell.fill("2,25")
    b.shot("diem-dieu-tra")
    page.click("input[name=_grid]")
    b.message("Đã lưu 8 ô điểm điều tra")
    b.go(period_url.replace(b.base, ""))
    page.click("text=Chuyển sang giai đoạn «Thẩm định lần 2»")
    b.confirm_step()
    b.message("Thẩm định lần 2")
    b.login("thamdinh.e2e", NEW_PASSWORD)
    b.open_from_queue("Sở Tư pháp", title)
    page.fill("input[aria-label='Điểm thẩm định lần 2 1.2']", "1,5")
    page.fill("textarea[aria-label='Lý do 1.2']", "Đã bổ sung báo cáo, trừ 0,5 vì nộp chậm")
    page.click("input[name=_save]")
    b.message("Đã lưu kết quả thẩm định")
    b.shot("tham-dinh-lan-2")

    # 8. Finalise and publish.
    b.login("sonoivu")
    b.go(period_url.replace(b.base, "") + "chot-ket-qua/")
    b.shot("xem-truoc-chot")
    b.confirm_step()
    b.message("Đã chốt kết quả 2 bản đánh giá")
    b.go(period_url.replace(b.base, "") + "cong-bo/")
    b.shot("xem-truoc-cong-bo")
    b.confirm_step()
    b.message("Đã công bố kết quả")
    b.go(f"/ky-danh-gia/{year}-thi-diem/xep-hang/e2e-thi-diem/")
    ranking = page.locator("main > .table-wrap > table")  # not the chart's data table
    expect(ranking).to_contain_text("Sở Tư pháp")
    expect(ranking).to_contain_text("Sở Y tế")
    b.shot("xep-hang-cong-khai")

    # 9. A correction: 1.3 of Sở Tư pháp reopened, changed by the appraiser, republished.
    b.go(period_url.replace(b.base, "") + "dinh-chinh/")
    page.select_option("#don-vi", label="Sở Tư pháp")
    page.click("text=Xem tiêu chí của các đơn vị đã chọn")
    page.locator("label", has_text=re.compile(r"Sở Tư pháp – 1\.3\.")).locator("input").check()
    page.fill("#id_reason", "Kết luận kiểm tra: tiêu chí 1.3 chấm thừa điểm")
    page.click("input[name=_open]")
    b.message("Đã mở đính chính")
    b.login("thamdinh.e2e", NEW_PASSWORD)
    b.go(period_url.replace(b.base, "") + "dinh-chinh/")
    page.fill("input[aria-label='Điểm mới Sở Tư pháp 1.3']", "1,5")
    page.fill("textarea[aria-label='Lý do thay đổi Sở Tư pháp 1.3']", "Theo kết luận kiểm tra")
    page.click("input[name=_record]")
    b.message("Đã lưu điểm đính chính")
    b.login("sonoivu")
    b.go(period_url.replace(b.base, "") + "dinh-chinh/")
    page.check("#id_confirm")
    page.click("input[name=_publish]")
    b.message("phiên bản 2")
    b.go(f"/ky-danh-gia/{year}-thi-diem/don-vi/92-stp/")
    expect(page.locator("main")).to_contain_text("phiên bản 2")
    expect(page.locator("main")).to_contain_text("Theo kết luận kiểm tra")
    b.shot("cong-khai-ban-dinh-chinh")


def test_the_whole_year_through_the_screens(live_server):
    from scoring import policy
    from scoring.models import Publication, ScoreEntry

    year = policy.today().year
    with browser_session(live_server.url, OUTPUT) as b:
        run_cycle(b, year)

    # What the screens did, read back (no write here).
    entry = ScoreEntry.objects.get(
        assessment__period__code=f"{year}-thi-diem", assessment__unit__code="92-stp", node__code="1.2"
    )
    assert entry.final_points == D("1.5")
    exempt = ScoreEntry.objects.get(
        assessment__period__code=f"{year}-thi-diem", assessment__unit__code="92-syt", node__code="3.3.3"
    )
    assert exempt.not_applicable
    latest = Publication.objects.filter(period__code=f"{year}-thi-diem").order_by("-version").first()
    assert latest.version == 2
    assert [c["node_code"] for c in latest.changes] == ["1.3"]
    assert len(b.shots) >= 2 * 20
    assert b.too_wide == []
