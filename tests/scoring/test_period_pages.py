"""The secretariat runs the year from its pages: create a period from last year's, set it up, advance with a
preview, assign appraisers, extend, exclude, enter survey points, finalise, publish. Others are refused."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import policy
from scoring.models import AppraiserAssignment, Assessment, DeadlineExtension, Period, ScoreEntry
from scoring.roles import APPRAISER_GROUP
from tests.scenarios import formset_data, let_deadline_pass, make_user

pytestmark = pytest.mark.django_db
TODAY = policy.today()


def page(name, period, *args):
    return reverse(f"backoffice:{name}", args=[period.pk, *args])


def test_the_secretariat_creates_the_years_period_from_last_years(client, secretariat):
    client.force_login(secretariat)
    previous = Period.objects.get(code="2017-so")
    response = client.post(
        reverse("backoffice:period_create"),
        {
            "sao-previous": previous.pk,
            "sao-code": "2018-so-moi",  # 2018-so is a demo period
            "sao-year": "2018",
            "sao-title": "Sở, ngành 2018",
            "_copy": "1",
        },
    )
    period = Period.objects.get(code="2018-so-moi")
    assert response.status_code == 302
    assert response["Location"] == page("period_settings", period)
    assert (period.status, period.previous) == ("setup", previous)
    assert [b.name for b in period.bands.order_by("-min_index")] == [
        "Rất tốt",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    ]
    assert period.groups.get().unit_group.code == "cantho-so-2017"
    assert period.self_assessment_deadline == datetime.date(2019, 1, 15)  # moved a year


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sao-code": "2018 sở", "sao-year": "2018", "sao-title": "x"}, "Mã chỉ gồm"),
        ({"sao-code": "2017-so", "sao-year": "2018", "sao-title": "x"}, "đã được dùng"),
        ({"sao-code": "x", "sao-year": "2016", "sao-title": "x"}, "phải sau năm"),
        ({"sao-code": "x", "sao-year": "²", "sao-title": "x"}, "số nguyên"),
        ({"sao-code": "x", "sao-year": "2018", "sao-title": "a\x00b"}, "ký tự rỗng"),
    ],
)
def test_bad_period_input_is_refused_next_to_its_field(client, secretariat, data, message):
    client.force_login(secretariat)
    count = Period.objects.count()
    response = client.post(
        reverse("backoffice:period_create"),
        {"sao-previous": Period.objects.get(code="2017-so").pk, **data, "_copy": "1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Period.objects.count() == count


def test_deadlines_are_day_first_and_in_order(client, secretariat, open_period):
    client.force_login(secretariat)
    data = {
        "title": open_period.title,
        "self_assessment_deadline": "10/01/2027",
        "appraisal_deadline": "31/01/2027",
        "explanation_deadline": "28/02/2027",
        "final_appraisal_deadline": "31/12/2026",  # before the others
        "note": "",
        "_settings": "1",
    }
    response = client.post(page("period_settings", open_period), data)
    assert "phải sau" in response.content.decode()
    data["final_appraisal_deadline"] = "31/03/2027"
    assert client.post(page("period_settings", open_period), data).status_code == 302
    open_period.refresh_from_db()
    assert open_period.self_assessment_deadline == datetime.date(2027, 1, 10)  # 10 January, not 1 October
    assert open_period.final_appraisal_deadline == datetime.date(2027, 3, 31)
    html = client.get(page("period", open_period)).content.decode()
    assert "10/01/2027" in html


def test_bands_are_set_in_setup_only(client, secretariat, open_period):
    client.force_login(secretariat)
    period = Period.objects.create(code="thu-xl", year=2031, title="Thử xếp loại")
    rows = [
        {"name": "Tốt", "min_index": "80"},
        {"name": "Khá", "min_index": "65,5"},
        {"name": "Yếu", "min_index": "0"},
    ]
    response = client.post(
        page("period_settings", period), {**formset_data(rows, prefix="xl"), "_bands": "1"}
    )
    assert response.status_code == 302
    assert [(b.name, b.min_index) for b in period.bands.order_by("-min_index")] == [
        ("Tốt", D("80")),
        ("Khá", D("65.5")),
        ("Yếu", D("0")),
    ]
    duplicate = [{"name": "Tốt", "min_index": "80"}, {"name": "Tốt", "min_index": "70"}]
    response = client.post(
        page("period_settings", period), {**formset_data(duplicate, prefix="xl"), "_bands": "1"}
    )
    assert "bị trùng" in response.content.decode()
    response = client.post(
        page("period_settings", open_period), {**formset_data(rows, prefix="xl"), "_bands": "1"}
    )
    assert "Chỉ đổi mức xếp loại khi kỳ đánh giá đang thiết lập" in response.content.decode()


def test_the_advance_preview_lists_what_will_happen_and_the_confirmation_applies_it(
    client, secretariat, submitted, open_period
):
    client.force_login(secretariat)
    html = client.get(page("period_advance", open_period)).content.decode()
    assert "Không nộp đúng hạn" in html
    assert "chưa hết hạn" in html  # nobody is marked late before the deadline: the step waits
    assert 'name="confirm"' not in html
    assert "Chưa phân công thẩm định viên" not in html  # the demo's appraiser covers every unit
    response = client.post(
        page("period_advance", open_period), {"expected_status": "self_assessment", "confirm": "on"}
    )
    assert "chưa hết hạn" in response.content.decode()
    open_period.refresh_from_db()
    assert open_period.status == "self_assessment"
    let_deadline_pass(open_period, secretariat)
    response = client.post(page("period_advance", open_period), {"expected_status": "self_assessment"})
    assert "Trường này là bắt buộc" in response.content.decode()  # the confirmation box
    response = client.post(
        page("period_advance", open_period), {"expected_status": "self_assessment", "confirm": "on"}
    )
    assert response.status_code == 302
    open_period.refresh_from_db()
    assert open_period.status == "appraisal"
    response = client.post(
        page("period_advance", open_period), {"expected_status": "self_assessment", "confirm": "on"}
    )
    assert "đã chuyển sang giai đoạn" in response.content.decode()
    open_period.refresh_from_db()
    assert open_period.status == "appraisal"


def test_the_secretariat_assigns_an_appraiser_to_units_and_domains(client, secretariat, open_period):
    appraiser = make_user("thamdinh-moi", APPRAISER_GROUP)
    client.force_login(secretariat)
    justice = Assessment.objects.get(period=open_period, unit__code="92-stp").unit
    response = client.post(
        page("assignments", open_period),
        {"appraiser": appraiser.pk, "units": [justice.pk], "domains": ["1", "3"]},
    )
    assert response.status_code == 302
    assert set(
        AppraiserAssignment.objects.filter(appraiser=appraiser).values_list("unit__code", "domain_code")
    ) == {
        ("92-stp", "1"),
        ("92-stp", "3"),
    }
    response = client.post(page("assignments", open_period), {"appraiser": secretariat.pk})
    assert "giá trị hợp lệ" in response.content.decode()  # only appraisers are offered


def test_an_extension_from_the_page(client, secretariat, open_period):
    client.force_login(secretariat)
    justice = Assessment.objects.get(period=open_period, unit__code="92-stp").unit
    deadline = open_period.self_assessment_deadline + datetime.timedelta(days=3)
    response = client.post(
        page("extensions", open_period),
        {
            "unit": justice.pk,
            "phase": "self_assessment",
            "deadline": deadline.strftime("%d/%m/%Y"),
            "reason": "Mất điện",
        },
    )
    assert response.status_code == 302
    assert DeadlineExtension.objects.get(unit=justice).deadline == deadline


def test_exclusion_from_the_page_needs_a_reason(client, secretariat, open_period):
    client.force_login(secretariat)
    assessment = Assessment.objects.get(period=open_period, unit__code="92-bdt")
    response = client.post(page("exclusions", open_period), {"assessment": assessment.pk, "reason": ""})
    assert response.status_code == 200
    client.post(page("exclusions", open_period), {"assessment": assessment.pk, "reason": "Giải thể từ 01/07"})
    assessment.refresh_from_db()
    assert (assessment.status, assessment.exclusion_reason) == ("excluded", "Giải thể từ 01/07")


def test_survey_points_are_entered_and_waived_in_the_grid(client, secretariat, open_period):
    client.force_login(secretariat)
    html = client.get(page("survey", open_period)).content.decode()
    assert "8.1.1" in html
    justice = Assessment.objects.get(period=open_period, unit__code="92-stp")
    cells = {e.node.code: e for e in justice.entries.filter(node__method="survey").select_related("node")}
    e1, e2 = cells["8.1.1"], cells["8.1.2"]
    data = {
        "_grid": "1",
        f"v_{e1.pk}": e1.version,
        f"d_{e1.pk}": "2,125",
        f"v_{e2.pk}": e2.version,
        f"d_{e2.pk}": "9",
    }
    response = client.post(page("survey", open_period), data)
    assert "vượt điểm tối đa" in response.content.decode()
    assert ScoreEntry.objects.get(pk=e1.pk).survey_points is None  # nothing saved
    data[f"d_{e2.pk}"] = "1.5"
    assert client.post(page("survey", open_period), data).status_code == 302
    assert ScoreEntry.objects.get(pk=e1.pk).survey_points == D("2.125")
    assert ScoreEntry.objects.get(pk=e1.pk).history.first().history_user == secretariat
    response = client.post(
        page("survey", open_period), {"_waive": "1", "assessment": justice.pk, "node": "8.1.3", "reason": ""}
    )
    assert response.status_code == 200
    client.post(
        page("survey", open_period),
        {"_waive": "1", "assessment": justice.pk, "node": "8.1.3", "reason": "Thiếu phiếu"},
    )
    waived = ScoreEntry.objects.get(pk=cells["8.1.3"].pk)
    assert (waived.not_applicable, waived.not_applicable_reason) == (True, "Thiếu phiếu")


@pytest.mark.parametrize(
    "name",
    [
        "period",
        "period_settings",
        "period_advance",
        "period_finalise",
        "period_publish",
        "survey",
        "assignments",
        "extensions",
        "exclusions",
    ],
)
def test_other_roles_get_404_on_the_secretariats_pages(client, officer_justice, appraiser, open_period, name):
    for user in (officer_justice, appraiser):
        client.force_login(user)
        assert client.get(page(name, open_period)).status_code == 404
        assert (
            client.post(
                page(name, open_period), {"confirm": "on", "expected_status": "self_assessment"}
            ).status_code
            == 404
        )
    open_period.refresh_from_db()
    assert open_period.status == "self_assessment"


@pytest.mark.parametrize(
    "url",
    [
        "/quan-tri/nghiep-vu/ky/abc/",
        "/quan-tri/nghiep-vu/ky/999999/",
        "/quan-tri/nghiep-vu/danh-gia/²/tham-dinh/",
    ],
)
def test_ids_that_are_not_numbers_or_not_there_are_404(client, secretariat, url):
    client.force_login(secretariat)
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, open_period):
    response = client.get(page("period", open_period))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_the_dashboard_names_the_next_step_and_what_blocks_it(client, secretariat, open_period):
    client.force_login(secretariat)
    Period.objects.filter(pk=open_period.pk).update(appraisal_deadline=None)
    html = client.get(page("period", open_period)).content.decode()
    assert "Chuyển sang giai đoạn «Thẩm định»" in html
    assert "Chưa đặt hạn của giai đoạn «Thẩm định»" in html
