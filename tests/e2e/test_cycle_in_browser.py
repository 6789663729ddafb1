"""The whole yearly cycle in a real browser (Debian chromium driven by Playwright), with a screenshot per step.

An officer-leader fills three nodes, uploads a PDF as evidence and submits; the secretariat opens appraisal;
an appraiser lowers one node with a reason and asks for an explanation; the unit explains; the appraiser sets
round 2; the secretariat finalises and publishes; the public ranking shows the new figure.
Screenshots: test-output/e2e/. Runs wherever /usr/bin/chromium exists; .ci/run installs it and sets
E2E_REQUIRED=1 so that a missing browser fails instead of skipping.
"""

import datetime
import os
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(settings.BASE_DIR) / "test-output" / "e2e"
PASSWORD = "Kiem-tra-e2e-2026!"

if not Path(CHROMIUM).exists() and os.environ.get("E2E_REQUIRED") == "1":
    raise RuntimeError("E2E_REQUIRED=1 but /usr/bin/chromium is missing (apt-get install chromium)")
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def make_user(username, group, unit=None, role="officer"):
    from units.models import Membership

    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=username
    )
    user.groups.add(Group.objects.get(name=group))
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def cycle():
    """A one-unit period on the demo framework, open for self-assessment; everything but three nodes filled."""
    from django.utils import timezone

    from scoring import services
    from scoring.models import AppraiserAssignment, Band, Framework, Period
    from scoring.roles import APPRAISER_GROUP, OFFICER_GROUP
    from units.models import Unit, UnitGroup
    from units.scope import SECRETARIAT_GROUP

    unit = Unit.objects.get(code="92-stp")
    group = UnitGroup.objects.create(code="e2e-nhom", name="Nhóm thử trình duyệt")
    group.members.add(unit)
    period = Period.objects.create(
        code="e2e-2018",
        year=2018,
        title="Kỳ thử trình duyệt 2018",
        self_assessment_deadline=timezone.localdate() + datetime.timedelta(days=10),
        explanation_deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    for name, minimum in [("Tốt", "80"), ("Khá", "70"), ("Trung bình", "50"), ("Yếu", "0")]:
        Band.objects.create(period=period, name=name, min_index=D(minimum))
    period_group = services.period_group_add(
        period=period, unit_group=group, framework=Framework.objects.get(code="minh-hoa-so-huyen-2017")
    )
    assessment = services.assessment_open(period_group=period_group, unit=unit)
    secretariat = make_user("e2e-sonoivu", SECRETARIAT_GROUP)
    make_user("e2e-lanhdao", OFFICER_GROUP, unit, role="leader")
    appraiser = make_user("e2e-thamdinh", APPRAISER_GROUP)
    AppraiserAssignment.objects.create(period=period, appraiser=appraiser, unit=unit)
    from scoring import workflow

    workflow.period_advance(period=period, acting_user=secretariat)  # → self-assessment
    entries = assessment.entries.select_related("node")
    prefilled = {
        e.node.code: {"self_points": e.node.max_points}
        for e in entries
        if e.node.method != "survey" and e.node.code not in ("1.1.1", "1.1.2", "1.2")
    }
    prefilled.update({e.node.code: {"survey_points": D("2")} for e in entries if e.node.method == "survey"})
    services.score_entries_fill(assessment=assessment, values_by_code=prefilled)
    return {"period": period, "assessment": assessment, "appraiser": appraiser, "secretariat": secretariat}


def test_the_whole_cycle_in_a_real_browser(live_server, cycle):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread
    )
    from playwright.sync_api import expect, sync_playwright

    from scoring import calculator, services
    from scoring.models import Assessment, ScoreEntry

    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    assessment = cycle["assessment"]
    pdf = OUTPUT / "ke-hoach-cchc-2018.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN")
        page.on("dialog", lambda dialog: dialog.accept())
        step = iter(range(1, 100))

        def shot(name):
            page.screenshot(path=OUTPUT / f"{next(step):02d}-{name}.png", full_page=True)

        def login(username):
            page.context.clear_cookies()  # a fresh session for the next person
            page.goto(f"{live_server.url}/quan-tri/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            expect(page.locator("#work-queues, #content-main")).not_to_have_count(0)

        def admin_action(changelist, pk, action):
            page.goto(f"{live_server.url}{changelist}")
            page.check(f"input[name=_selected_action][value='{pk}']")
            page.select_option("select[name=action]", action)
            page.click("button[name=index]")

        # 1. The unit: evidence, three nodes, submission.
        login("e2e-lanhdao")
        shot("don-vi-trang-chu")
        page.goto(f"{live_server.url}/quan-tri/scoring/evidencedocument/add/")
        page.select_option("#id_unit", label="Sở Tư pháp")
        page.fill("#id_title", "Kế hoạch cải cách hành chính năm 2018")
        page.fill("#id_number", "12/KH-STP")
        page.set_input_files("#id_upload", str(pdf))
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("Kế hoạch cải cách hành chính năm 2018")
        shot("tai-lieu-kiem-chung")
        page.goto(f"{live_server.url}/quan-tri/scoring/assessment/{assessment.pk}/tu-danh-gia/")
        page.fill("input[name='self_1.1.1']", "1")
        page.fill("input[name='self_1.1.2']", "1,5")
        page.fill("input[name='self_1.2']", "2")
        page.fill("textarea[name='figures_1.1.2']", "18/20 nhiệm vụ hoàn thành")
        page.select_option(
            "select[name='link_doc_1.1.1']", label="12/KH-STP – Kế hoạch cải cách hành chính năm 2018"
        )
        page.fill("input[name='link_loc_1.1.1']", "trang 1")
        expect(page.locator("#sa-typed")).not_to_have_text("–")
        shot("tu-danh-gia-dien")
        page.click("input[name=_submit]")
        expect(page.locator(".messagelist")).to_contain_text("Bản tự đánh giá đã được nộp")
        shot("tu-danh-gia-da-nop")
        assert Assessment.objects.get(pk=assessment.pk).status == "submitted"

        # 2. The secretariat opens appraisal.
        login("e2e-sonoivu")
        admin_action("/quan-tri/scoring/period/", cycle["period"].pk, "advance_selected")
        expect(page.locator(".messagelist")).to_contain_text("Thẩm định")
        shot("chuyen-tham-dinh")
        # Other nodes were appraised earlier (as the self score) by the same appraiser, outside this walk-through.
        for entry in (
            ScoreEntry.objects.filter(assessment=assessment)
            .select_related("node")
            .exclude(node__method="survey")
        ):
            if entry.node.code != "1.2":
                services.appraisal_record(
                    entry=entry,
                    acting_user=cycle["appraiser"],
                    expected_version=entry.version,
                    round=1,
                    points=entry.self_points,
                )

        # 3. The appraiser lowers 1.2 with a reason, asks for an explanation, returns the assessment.
        login("e2e-thamdinh")
        shot("tham-dinh-hang-doi")
        page.goto(f"{live_server.url}/quan-tri/scoring/assessment/{assessment.pk}/tham-dinh/")
        page.fill("input[name='points_1.2']", "1")
        page.fill("textarea[name='reason_1.2']", "Thiếu báo cáo quý IV")
        page.fill("textarea[name='request_1.2']", "Gửi báo cáo quý IV")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("Đã lưu kết quả thẩm định")
        page.fill("#return_reason", "Đề nghị giải trình tiêu chí 1.2")
        page.click("input[name=_return]")
        expect(page.locator(".messagelist")).to_contain_text("Đã gửi yêu cầu giải trình")
        shot("tham-dinh-lan-1")

        login("e2e-sonoivu")
        admin_action("/quan-tri/scoring/period/", cycle["period"].pk, "advance_selected")
        expect(page.locator(".messagelist")).to_contain_text("Giải trình")

        # 4. The unit explains.
        login("e2e-lanhdao")
        page.goto(f"{live_server.url}/quan-tri/scoring/assessment/{assessment.pk}/giai-trinh/")
        page.fill("textarea[name='response_1.2']", "Báo cáo quý IV đã gửi ngày 28/12/2018 (số 98/BC-STP)")
        page.click("input[name=_send]")
        expect(page.locator(".messagelist")).to_contain_text("Đã gửi giải trình")
        shot("giai-trinh")

        login("e2e-sonoivu")
        admin_action("/quan-tri/scoring/period/", cycle["period"].pk, "advance_selected")
        expect(page.locator(".messagelist")).to_contain_text("Thẩm định lần 2")

        # 5. Round 2.
        login("e2e-thamdinh")
        page.goto(f"{live_server.url}/quan-tri/scoring/assessment/{assessment.pk}/tham-dinh/")
        page.fill("input[name='points_1.2']", "1,5")
        page.fill("textarea[name='reason_1.2']", "Đã bổ sung báo cáo, trừ 0,5 vì nộp chậm")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("Đã lưu kết quả thẩm định")
        shot("tham-dinh-lan-2")

        # 6. The secretariat finalises and publishes.
        login("e2e-sonoivu")
        admin_action("/quan-tri/scoring/assessment/", assessment.pk, "finalise_selected")
        expect(page.locator(".messagelist")).to_contain_text("Đã chốt kết quả")
        admin_action("/quan-tri/scoring/period/", cycle["period"].pk, "publish_selected")
        expect(page.locator(".messagelist")).to_contain_text("đã công bố")
        shot("cong-bo")

        # 7. The public ranking shows the new figure.
        entries = ScoreEntry.objects.filter(assessment=assessment)
        points = sum((e.final_points for e in entries if e.final_points is not None), D(0))
        expected = calculator.format_display(calculator.percentage(points, D("100"))).replace(".", ",")
        page.goto(f"{live_server.url}/ky-danh-gia/e2e-2018/xep-hang/e2e-nhom/")
        expect(page.locator("table")).to_contain_text("Sở Tư pháp")
        expect(page.locator("table")).to_contain_text(expected)
        shot("xep-hang-cong-khai")
        browser.close()

    assert ScoreEntry.objects.get(assessment=assessment, node__code="1.2").final_points == D("1.5")
    assert len(list(OUTPUT.glob("*.png"))) >= 10
