"""Public pages: HTML and ?format=json, published data only, 404 for everything else, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring.models import PeriodStatus
from tests.scenarios import body, json_body

from .builders import build_period

pytestmark = pytest.mark.django_db


def test_home_lists_published_periods_only(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ số CCHC cấp tỉnh năm 2017 – thành phố Cần Thơ" in html
    assert "Dữ liệu minh họa" in html
    assert f"năm {timezone.localdate().year}" not in html  # the current period is in self-assessment
    data = client.get("/?format=json").json()
    assert sorted(p["code"] for p in data["periods"]) == [
        "2017-huyen",
        "2017-so",
        "2017-tinh",
        "2018-huyen",
        "2018-so",
    ]
    assert all(p["is_demo"] for p in data["periods"])


def test_ranking_page_shows_rank_unit_index_band_and_domains(client, demo):
    html = client.get("/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/").content.decode()
    assert "Sở Khoa học và Công nghệ" in html
    assert "93,15" in html  # Vietnamese decimal comma in HTML
    assert "Rất tốt" in html
    assert "LV8 (%)" in html
    data = json_body(client.get("/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/?format=json"))
    first = data["rows"][0]
    assert first["rank"] == 1
    assert first["unit_code"] == "92-skhcn"
    assert first["index"] == "93.1500000000"
    assert first["index_display"] == "93.15"
    assert len(first["domains"]) == 8
    assert {b["name"]: b["count"] for b in data["bands"]}["Khá"] == 11
    assert data["period"]["is_demo"] is True


def test_scorecard_json_has_full_precision_and_display_strings(client, demo):
    data = client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json").json()
    domain5 = next(n for n in data["nodes"] if n["code"] == "5")
    assert domain5["points"] == "12.0480"
    assert domain5["points_display"] == "12.05"
    assert domain5["percentage"] == "75.3000000000"
    assert domain5["percentage_display"] == "75.30"
    assert data["result"]["index_display"] == "83.53"
    assert data["unverified_count"] == 106
    node = next(n for n in data["nodes"] if n["code"] == "1.1.1")
    assert node["verified"] is False


def test_scorecard_html_marks_unverified_nodes(client, demo):
    html = client.get("/ky-danh-gia/2017-tinh/don-vi/92/").content.decode()
    assert "chưa đối chiếu văn bản gốc" in html
    assert "75,30" in html
    assert "12,05" in html
    assert "83,53" in html


def test_framework_pages_mark_unverified_nodes_and_find_the_misprint(client, demo):
    html = client.get("/bo-tieu-chi/qd2948-tinh/").content.decode()
    assert html.count("chưa đối chiếu văn bản gốc") >= 106
    assert "2948/QĐ-BNV" in html
    found = client.get("/bo-tieu-chi/?q=2498&format=json").json()["frameworks"]
    assert [f["code"] for f in found] == ["qd2948-tinh"]
    data = client.get("/bo-tieu-chi/qd2948-tinh/?format=json").json()
    assert len(data["nodes"]) == 127
    assert data["framework"]["aliases"] == ["2498/QĐ-BNV"]
    assert client.get("/bo-tieu-chi/?q=khong-co-gi").status_code == 200


CURRENT = f"{timezone.localdate().year}-so"


@pytest.mark.parametrize(
    "url",
    [
        f"/ky-danh-gia/{CURRENT}/",  # unpublished
        f"/ky-danh-gia/{CURRENT}/xep-hang/cantho-so-minh-hoa/",
        f"/ky-danh-gia/{CURRENT}/don-vi/92-stp/",
        f"/ky-danh-gia/{CURRENT}/don-vi/92-stp/?format=json",
        "/ky-danh-gia/2017-so/?phien-ban=²",  # a digit to Python, not a number to us
        "/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/?phien-ban=%EF%BC%91",  # full-width 1
        "/ky-danh-gia/2017-so/don-vi/92-stp/?phien-ban=0",
        "/ky-danh-gia/2017-so/don-vi/92-stp/?phien-ban=-1",
        "/ky-danh-gia/2017-so/don-vi/92-stp/?phien-ban=99999999999999999999999",
        "/ky-danh-gia/khong-co/",
        "/ky-danh-gia/2017-so/xep-hang/khong-co/",
        "/ky-danh-gia/2017-so/xep-hang/cantho-huyen-2017/",  # group not in this period
        "/ky-danh-gia/2017-so/don-vi/916/",  # unit not in this period
        "/ky-danh-gia/2017-so/don-vi/khong-co/",
        "/bo-tieu-chi/khong-co/",
        "/khong-co-trang-nay/",
        "/ky-danh-gia/%2e%2e/",
        "/ky-danh-gia/2017-so/don-vi/../../etc/passwd",
    ],
)
def test_unknown_or_unpublished_urls_are_404(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_draft_framework_is_not_public(client, secretariat):
    from scoring import services
    from scoring.models import Framework

    services.framework_new_version(
        framework=Framework.objects.get(code="qd2948-tinh"), code="ban-nhap", acting_user=secretariat
    )
    assert client.get("/bo-tieu-chi/ban-nhap/").status_code == 404
    assert "ban-nhap" not in client.get("/bo-tieu-chi/").content.decode()


def test_unpublishing_a_period_hides_it_at_once(client, demo):
    from scoring.models import Period

    Period.objects.filter(code="2017-so").update(status=PeriodStatus.APPRAISAL)
    assert client.get("/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/").status_code == 404
    assert "2017-so" not in client.get("/?format=json").content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body(response)  # a streamed download reads its rows while it is sent
    assert response.status_code == 200
    return len(queries)


def test_ranking_and_scorecard_queries_do_not_grow_with_units(client, demo):
    build_period(10, code="muoi")
    build_period(500, code="nam-tram")
    small = count_queries(client, "/ky-danh-gia/muoi/xep-hang/muoi-nhom/")
    large = count_queries(client, "/ky-danh-gia/nam-tram/xep-hang/nam-tram-nhom/")
    assert small == large <= 8
    assert count_queries(client, "/ky-danh-gia/muoi/xep-hang/muoi-nhom/?format=json") == small
    card_small = count_queries(client, "/ky-danh-gia/muoi/don-vi/muoi-00003/")
    card_large = count_queries(client, "/ky-danh-gia/nam-tram/don-vi/nam-tram-00499/")
    assert card_small == card_large <= 8
    assert count_queries(client, "/") <= 4


def test_pages_show_local_dates_and_a_data_link_not_raw_values(client, demo):
    from django.utils import timezone

    from scoring.models import AssessmentResult

    computed = AssessmentResult.objects.filter(assessment__period__code="2017-so").first().computed_at
    local = timezone.localtime(computed)  # Asia/Ho_Chi_Minh
    html = client.get("/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/").content.decode()
    assert f"{local:%H:%M} ngày {local:%d/%m/%Y}" in html
    assert "+00:00" not in html
    assert 'href="/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/?format=json"' in html
    assert "LV5</strong>: Xây dựng và nâng cao chất lượng đội ngũ" in html  # visible legend
    framework = client.get("/bo-tieu-chi/qd2948-tinh/").content.decode()
    assert "ngày 28/12/2017" in framework
    assert "shared/data" not in framework
    assert "ghi nhầm là 2498/QĐ-BNV" in framework
    search = client.get("/bo-tieu-chi/?q=2948").content.decode()
    assert 'href="/bo-tieu-chi/?q=2948&amp;format=json"' in search


def test_a_group_of_one_shows_no_rank_box(client, demo):
    html = client.get("/ky-danh-gia/2017-tinh/don-vi/92/").content.decode()
    assert "Thứ hạng trong nhóm" not in html
    html = client.get("/ky-danh-gia/2017-so/don-vi/92-stp/").content.decode()
    assert "Thứ hạng trong nhóm" in html
