"""The public unit page /don-vi/<code>/: lineage and results across the years, its JSON and files, refusals."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import demo, selectors, services
from scoring.models import Framework, FrameworkNode
from tests.scenarios import json_body
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def publish_years(actor, unit_code, years):
    """One published period a year for the unit and a companion, each compared with the year before."""
    unit = Unit.objects.create(code=unit_code, name=f"Đơn vị {unit_code}", kind="department")
    companion = Unit.objects.create(code=f"{unit_code}-kem", name="Đơn vị kèm", kind="department")
    unit_group = UnitGroup.objects.create(code=f"{unit_code}-nhom", name="Nhóm thử")
    unit_group.members.set([unit, companion])
    framework = Framework.objects.get(code=demo.DEMO_FRAMEWORK_CODE)
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True).order_by("order"))
    previous = None
    for offset, year in enumerate(years):
        previous = services.period_create(
            acting_user=actor,
            code=f"{unit_code}-{year}",
            year=year,
            title=f"Kỳ thử năm {year}",
            bands=[services.BandSpec(n, D(m)) for n, m in demo.BANDS_2017],
            groups=[(unit_group, framework)],
            previous=previous,
        )
        services.historical_results_import(
            period=previous,
            acting_user=actor,
            values_by_unit={
                unit.code: demo._values_for_index(D(80 + offset), nodes, seed=unit.code),
                companion.code: demo._values_for_index(D(85 - offset), nodes, seed=companion.code),
            },
            reason="Kết quả thử.",
        )
    return unit


def test_a_department_page_shows_2017_and_2018_with_the_change(client, demo):
    page = text(client.get("/don-vi/92-stp/"))
    assert "<h1>Sở Tư pháp</h1>" in page
    assert "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2018" in page
    assert "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2017" in page
    assert "81,40" in page
    assert "79,60" in page
    assert "+1,80" in page
    assert "giữ nguyên hạng" in page
    assert "Dữ liệu minh họa" in page
    assert 'href="/ky-danh-gia/2018-so/don-vi/92-stp/"' in page
    assert "CHART SLOT" not in page  # the chart's place is a template comment, not text


def test_the_merged_unit_shows_its_predecessors_history_labelled(client, demo):
    data = client.get("/don-vi/92-stc-2025/?format=json").json()
    assert data["unit"]["valid_from"] == "2025-03-01"
    assert [p["code"] for p in data["predecessors"]] == ["92-skhdt", "92-stc"]
    rows = [(h["year"], h["unit_code"], h["own"], h["lineage_label"]) for h in data["history"]]
    assert rows == [
        (2018, "92-skhdt", False, "kết quả của Sở Kế hoạch và Đầu tư, tiền thân"),
        (2018, "92-stc", False, "kết quả của Sở Tài chính, tiền thân"),
        (2017, "92-skhdt", False, "kết quả của Sở Kế hoạch và Đầu tư, tiền thân"),
        (2017, "92-stc", False, "kết quả của Sở Tài chính, tiền thân"),
    ]
    page = text(client.get("/don-vi/92-stc-2025/"))
    assert "kết quả của Sở Kế hoạch và Đầu tư, tiền thân" in page
    assert 'href="/don-vi/92-skhdt/"' in page
    # and the predecessor links on to the unit it became
    assert 'href="/don-vi/92-stc-2025/"' in text(client.get("/don-vi/92-skhdt/"))


def test_a_district_page_shows_its_rank_in_the_named_group(client, demo):
    data = client.get("/don-vi/926/?format=json").json()
    latest = data["history"][0]
    assert latest["period_code"] == "2018-huyen"
    assert latest["group_ranks"] == [
        {"code": "cantho-khoi-huyen", "name": "Khối huyện (thành phố Cần Thơ)", "rank": 1, "size": 4}
    ]
    assert latest["previous_period"] == "2017-huyen"
    assert latest["rank_change"] == 1
    assert "Khối huyện (thành phố Cần Thơ): 1/4" in text(client.get("/don-vi/926/"))


def test_the_province_page_shows_the_national_history_with_predecessors(client, demo):
    data = client.get("/don-vi/92/?format=json").json()
    assert [(n["year"], n["unit_code"], n["rank"], n["of"]) for n in data["national"]][0] == (
        2017,
        "92",
        9,
        63,
    )
    assert {n["unit_code"] for n in data["national"] if n["predecessor"]} == {"93", "94"}
    assert data["history"][0]["period_code"] == "2017-tinh"
    page = text(client.get("/don-vi/92/"))
    assert "Bảng xếp hạng toàn quốc qua các năm" in page
    assert "9/63" in page
    assert "83,53" in page


def test_the_unit_page_as_csv_and_xlsx(client, demo):
    response = client.get("/don-vi/92-stc-2025/?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert {row["unit_code"] for row in rows} == {"92-stc-2025"}
    assert {row["result_unit_code"] for row in rows} == {"92-skhdt", "92-stc"}
    assert rows[0]["index"].startswith("80.25")
    assert rows[0]["own"] in ("False", "false", "0")
    assert client.get("/don-vi/92-stc-2025/?format=xlsx").status_code == 200
    catalogue = client.get("/du-lieu-mo/?format=json").json()
    assert "unit_history" in {d["key"] for d in catalogue["datasets"]}


def test_unknown_units_and_formats_are_vietnamese_404s(client, demo):
    response = client.get("/don-vi/khong-co/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)  # the site's Vietnamese 404 page
    response = client.get("/don-vi/92-stp/?format=pdf")
    assert response.status_code == 404
    assert "Không có định dạng dữ liệu" in text(response)
    assert client.get("/don-vi/92%20stp/").status_code == 404


def test_a_unit_without_results_says_so(client, demo):
    page = text(client.get("/don-vi/01/"))
    assert "Chưa có kết quả đã công bố của đơn vị" in page


def test_the_scorecard_shows_group_ranks_the_change_and_links_to_the_unit_page(client, demo):
    page = text(client.get("/ky-danh-gia/2018-huyen/don-vi/927/"))
    assert "Trong Khối huyện (thành phố Cần Thơ)" in page
    assert "1/4" in page
    assert "So với năm 2017" in page
    assert 'href="/don-vi/927/"' in page
    result = client.get("/ky-danh-gia/2018-huyen/don-vi/927/?format=json").json()["result"]
    assert result["group_ranks"][0]["rank"] == 1
    assert result["previous_period"] == "2017-huyen"
    assert result["index_change"] is not None
    assert result["index_change_display"]


def test_the_ranking_json_carries_the_new_row_keys(client, demo):
    rows = json_body(client.get("/ky-danh-gia/2018-huyen/xep-hang/cantho-huyen-2018/?format=json"))["rows"]
    keys = {
        "group_ranks",
        "previous_period",
        "previous_index",
        "previous_rank",
        "index_change",
        "rank_change",
    }
    assert keys <= set(rows[0])


def count_queries(unit_code):
    with CaptureQueriesContext(connection) as queries:
        selectors.unit_history(unit_code)
    return len(queries)


def test_the_unit_page_reads_a_fixed_number_of_queries_whatever_the_number_of_periods(secretariat):
    publish_years(secretariat, "hai-ky", [2030, 2031])
    publish_years(secretariat, "sau-ky", [2030, 2031, 2032, 2033, 2034, 2035])
    assert len(selectors.unit_history("sau-ky")["history"]) == 6
    assert count_queries("hai-ky") == count_queries("sau-ky") == 5
    assert count_queries("92") == 7  # a province adds its national rows


def test_the_unit_page_never_reads_other_units_results(secretariat):
    publish_years(secretariat, "rieng", [2030, 2031])
    with CaptureQueriesContext(connection) as queries:
        selectors.unit_history("rieng")
    read = [q["sql"] for q in queries if "scoring_publishedunit" in q["sql"]]
    assert len(read) == 1
    assert "unit_code" in read[0]
    assert '"groups"' not in read[0]
