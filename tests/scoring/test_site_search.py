"""The site search (/tim-kiem/) and the framework list search: no case, no accents, đ as d, on every database;
folded columns kept in step by saves, fixtures and bulk writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.models import Framework, FrameworkNode
from tests.scenarios import body
from units.folding import fold, folded_parts
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

SEARCH = "/tim-kiem/"


def found(client, query) -> dict:
    response = client.get(SEARCH, {"q": query, "format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("query", ["cap tinh", "CẤP TỈNH", "Cấp  tỉnh"])
def test_cap_tinh_finds_the_provincial_framework_and_period(client, demo, query):
    data = found(client, query)
    assert "qd2948-tinh" in [f["code"] for f in data["frameworks"]]
    assert "2017-tinh" in [p["code"] for p in data["periods"]]
    assert "qd2948-tinh" in [f["code"] for f in found(client, "cải cách hành chính cap tinh")["frameworks"]]


@pytest.mark.parametrize("query", ["can tho", "CẦN THƠ", "Cần Thơ", "thanh pho can tho"])
def test_can_tho_finds_the_city_with_its_published_result(client, demo, query):
    units = {unit["code"]: unit for unit in found(client, query)["units"]}
    assert "92" in units
    result = units["92"]["results"][0]
    assert (result["period_code"], result["index_display"], result["url"]) == (
        "2017-tinh",
        "83.53",
        "/ky-danh-gia/2017-tinh/don-vi/92/",
    )


def test_the_misprinted_decision_number_finds_the_framework(client, demo):
    for query in ("2498", "2498/QĐ-BNV", "2498/qd-bnv", "2948"):
        assert [f["code"] for f in found(client, query)["frameworks"]] == ["qd2948-tinh"], query


def test_nodes_are_found_by_name_or_code_and_link_to_their_row(client, demo):
    nodes = found(client, "thu tuc hanh chinh")["nodes"]
    domain = next(node for node in nodes if node["code"] == "3" and node["framework_code"] == "qd2948-tinh")
    assert domain["url"] == "/bo-tieu-chi/qd2948-tinh/#muc-3"
    assert 'id="muc-3"' in client.get("/bo-tieu-chi/qd2948-tinh/").content.decode()
    assert "5.1.2" in [node["code"] for node in found(client, "5.1.2")["nodes"]]


def test_d_with_stroke_matches_d(client, demo):
    units = [unit["name"] for unit in found(client, "co do")["units"]]
    assert units == ["Huyện Cờ Đỏ"]
    assert [unit["name"] for unit in found(client, "CỜ ĐỎ")["units"]] == ["Huyện Cờ Đỏ"]


def test_units_without_a_published_result_are_not_listed(client, demo):
    Unit.objects.create(code="chua-cong-bo", name="Sở Thử nghiệm Chưa công bố", kind=UnitKind.DEPARTMENT)
    assert found(client, "chua cong bo")["units"] == []


def test_the_page_lists_every_kind_and_links_each_result(client, demo):
    html = client.get(SEARCH, {"q": "can tho"}).content.decode()
    assert "<h2>Đơn vị" in html
    assert 'href="/ky-danh-gia/2017-tinh/don-vi/92/"' in html
    assert "chỉ số 83,53%" in html
    assert 'href="/tim-kiem/?q=can+tho&amp;format=csv"' in html


def test_an_empty_search_explains_what_can_be_found_with_examples(client, demo):
    html = client.get(SEARCH).content.decode()
    assert "Có thể gõ không dấu" in html
    assert 'href="?q=cap+tinh"' in html
    assert found(client, "   ")["units"] == []


def test_nothing_found_suggests_a_shorter_search(client, demo):
    html = client.get(SEARCH, {"q": "khong co gi nhu the nay"}).content.decode()
    assert "Không tìm thấy gì khớp “khong co gi nhu the nay”" in html


def test_a_long_or_control_character_search_is_cleaned_not_refused(client, demo):
    data = found(client, "\x00can tho" + "x" * 500)
    assert len(data["query"]) == 100
    assert data["query"].startswith("can tho")
    assert client.get(SEARCH, {"q": "'; DROP TABLE units_unit; --"}).status_code == 200


def test_the_search_costs_the_same_queries_whatever_it_finds(client, demo):
    def count(query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, {"q": query}).status_code == 200
        return len(captured)

    assert count("can tho") == count("so") == count("a") <= 8


def test_the_search_is_open_data_in_csv_and_listed_in_the_catalogue(client, demo):
    rows = body(client.get(SEARCH, {"q": "can tho", "format": "csv"})).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("kind,code,name,period_code")
    assert any(line.startswith("unit,92,") for line in rows)
    catalogue = client.get("/du-lieu-mo/", {"format": "json"}).json()
    search = next(d for d in catalogue["datasets"] if d["key"] == "search")
    assert search["example_url"] == "/tim-kiem/?q=can+tho"
    assert client.get(SEARCH, {"q": "cap tinh", "format": "xlsx"}).status_code == 200


def test_the_header_links_the_search(client, demo):
    assert 'href="/tim-kiem/">Tìm kiếm</a>' in client.get("/").content.decode()


def test_the_framework_list_search_ignores_accents(client, demo):
    for query in ("cai cach hanh chinh cap tinh", "CẢI CÁCH", "2498"):
        assert [
            f["code"]
            for f in client.get("/bo-tieu-chi/", {"q": query, "format": "json"}).json()["frameworks"]
        ] == ["qd2948-tinh"], query


# ---------------------------------------------------------------- the folded columns


def test_fold_removes_case_accents_and_extra_spaces():
    assert fold("  Thành phố  CẦN THƠ ") == "thanh pho can tho"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Cờ Đỏ") == fold("co do")
    assert fold("Cần Thơ") == fold("Cần Thơ")  # decomposed (NFD) as typed on some systems
    assert folded_parts("Sở Tư pháp", "", "92-stp") == "so tu phap | 92-stp"


def test_saves_and_bulk_writes_fill_the_units_search_text(demo):
    unit = Unit.objects.create(code="thu-1", name="Phường Thới An Đông", kind=UnitKind.COMMUNE)
    assert unit.search_text == "phuong thoi an dong | thu-1"
    unit.short_name = "Thới An Đông"
    unit.save()
    assert Unit.objects.get(pk=unit.pk).search_text == "phuong thoi an dong | thoi an dong | thu-1"
    created = Unit.objects.bulk_create([Unit(code="thu-2", name="Xã Đông Thắng", kind=UnitKind.COMMUNE)])
    assert Unit.objects.get(pk=created[0].pk).search_text == "xa dong thang | thu-2"
    created[0].name = "Xã Trường Xuân"
    Unit.objects.bulk_update(created, ["name"])
    assert Unit.objects.get(pk=created[0].pk).search_text == "xa truong xuan | thu-2"


def test_fixtures_and_the_framework_import_fill_the_search_columns(demo, secretariat):
    assert not Unit.objects.filter(search_text="").exists()  # loaded by load_reference (loaddata-style)
    assert not FrameworkNode.objects.filter(search_text="").exists()
    framework = Framework.objects.get(code="qd2948-tinh")
    assert framework.search_text.startswith("qd2948-tinh | bo tieu chi chi so cai cach hanh chinh cap tinh")
    copy = services.framework_new_version(framework=framework, code="ban-sao", acting_user=secretariat)
    nodes = FrameworkNode.objects.filter(framework=copy)
    assert nodes.count() == 127
    assert nodes.get(code="3").search_text == "3 | cai cach thu tuc hanh chinh"


def test_a_merged_unit_is_found_by_its_predecessors_results_and_links_to_its_page(client, demo):
    units = {unit["code"]: unit for unit in found(client, "so tai chinh")["units"]}
    assert {"92-stc", "92-stc-2025"} <= set(units)
    assert units["92-stc-2025"]["results"] == []  # no result of its own yet
    html = client.get(SEARCH, {"q": "so tai chinh"}).content.decode()
    assert 'href="/don-vi/92-stc-2025/"' in html
