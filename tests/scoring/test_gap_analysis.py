"""The gap analysis (phân tích điểm bị mất): the selector, the public page and its twins, the workbook."""

import csv
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from scoring import demo as demo_module
from scoring import services
from scoring.models import LossKind, Period, Publication, PublishedUnit
from scoring.selectors import gap_analysis
from tests.scoring.builders import build_period

URL = "/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/"
LOSSES = Path(settings.BASE_DIR).parent / "shared" / "data" / "cantho-2017-losses.csv"


def published_losses() -> list[dict]:
    """The published analysis: shared/data when it is beside the checkout, else its verbatim copy."""
    path = LOSSES if LOSSES.exists() else Path(settings.BASE_DIR) / "fixtures" / "sources" / LOSSES.name
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cantho_2017_appraisal_section_is_the_published_analysis_node_for_node(demo):
    data = gap_analysis("2017-tinh", "92")
    rows = published_losses()
    assert len(rows) == 11
    listed = {item["code"]: item for item in data["appraisal"]}
    assert set(listed) == {row["code"] for row in rows}
    for row in rows:
        item = listed[row["code"]]
        assert item["max_points"] == D(row["max_points"])
        assert item["points"] == D(row["points"])
        assert item["lost"] == D(row["max_points"]) - D(row["points"])
        assert item["advising_agency"] == row["advising_agency"]
        assert row["cause"].rstrip(".") in item["reason"]
        assert row["full_points_requires"].rstrip(".") in item["reason"]
    assert data["totals"]["appraisal_lost"] == D("8.25")
    assert data["totals"]["appraisal_count"] == 11


def test_recoverable_losses_come_first_then_by_points_lost(demo):
    items = gap_analysis("2017-tinh", "92")["appraisal"]
    kinds = [item["loss_kind"] for item in items]
    assert kinds == sorted(kinds, key=lambda kind: {"process": 0, "": 1, "structural": 2}[kind])
    assert [item["code"] for item in items[:3]] == ["1.2", "1.6", "3.2.3"]  # process, by points lost
    structural = [item for item in items if item["loss_kind"] == LossKind.STRUCTURAL]
    assert [item["lost"] for item in structural] == sorted(
        (item["lost"] for item in structural), reverse=True
    )


def test_survey_shortfalls_are_a_separate_section_and_domains_add_up(demo):
    data = gap_analysis("2017-tinh", "92")
    assert data["survey"]
    assert all(item["method"] == "survey" for item in data["survey"])
    assert all(item["method"] != "survey" for item in data["appraisal"])
    domains = {d["code"]: d for d in data["domain_totals"]}
    assert domains["5"]["lost"] == D("16") - D("12.048")  # full precision, 12,05 shown
    assert sum(d["lost"] for d in domains.values()) == data["totals"]["lost"] == D("100") - D("83.5265")
    item = next(i for i in data["appraisal"] if i["code"] == "6.2.3")
    assert item["domain_share"] == D("14.2857142857")  # 1 of domain 6's 7 points


def test_a_node_without_its_own_agency_shows_its_domains_labelled(demo):
    item = next(i for i in gap_analysis("2017-tinh", "92")["survey"] if i["code"] == "5.9.1")
    assert item["advising_agency"] == "Sở Nội vụ"
    assert item["agency_from_domain"] is True
    impact = next(i for i in gap_analysis("2017-tinh", "92")["appraisal"] if i["code"] == "8.2.2")
    assert impact["advising_agency"] == ""
    assert impact["agency_from_domain"] is False


def test_exempted_and_full_nodes_are_left_out(demo):
    published = PublishedUnit.objects.get(publication__period__code="2017-tinh", unit_code="92")
    published.leaves["1.2"] = [None, True]
    published.save()
    codes = {item["code"] for item in gap_analysis("2017-tinh", "92")["appraisal"]}
    assert "1.2" not in codes
    assert "1.1.1" not in codes


def test_a_group_of_several_units_compares_each_node_with_the_group_mean(demo):
    data = gap_analysis("2017-so", "92-stp")
    assert data["compare_group"] is True
    publication = Publication.objects.filter(period__code="2017-so").get()
    means = publication.group_means["cantho-so-2017"]
    units = PublishedUnit.objects.filter(publication=publication)
    for item in data["appraisal"][:5]:
        points = [D(u.leaves[item["code"]][0]) for u in units if u.row["rank"] is not None]
        assert D(means[item["code"]]) == sum(points) / len(points) == item["group_mean"]
        assert item["from_group_mean"] == item["points"] - item["group_mean"]
    assert {"1", "1.1", "1.1.1"} <= set(means)  # domains, criteria and scorable nodes


def test_a_one_unit_group_is_not_compared_with_itself(demo):
    data = gap_analysis("2017-tinh", "92")
    assert data["compare_group"] is False
    assert all(item["group_mean"] is None for item in data["appraisal"])


def publish_2018(previous_code="2017-tinh", changes=None):
    """Cần Thơ's 2018 provincial results, entered as published, with 1.2 recovered in full."""
    actor = get_user_model().objects.get(username="sonoivu")
    previous = Period.objects.get(code=previous_code)
    period = services.period_create_from_previous(
        acting_user=actor,
        previous=previous,
        code="2018-tinh",
        year=2018,
        title="Chỉ số CCHC cấp tỉnh năm 2018",
    )
    period.previous = None if changes == "no-link" else previous
    period.save()
    nodes = list(previous.groups.get().framework.nodes.filter(is_scorable=True).order_by("order"))
    values = demo_module._cantho_provincial_values(None, nodes)
    values["1.2"] = {"appraised_points_r1": D("3"), "self_points": D("3")}
    services.historical_results_import(
        period=period, acting_user=actor, values_by_unit={"92": values}, reason="Thử nghiệm."
    )
    return period


@pytest.mark.parametrize("link", ["declared", "no-link"])
def test_each_node_is_compared_with_the_units_previous_year(demo, link):
    publish_2018(changes=link)
    data = gap_analysis("2018-tinh", "92")
    assert data["previous"]["period_code"] == "2017-tinh"
    assert "1.2" not in {item["code"] for item in data["appraisal"]}
    item = next(i for i in data["appraisal"] if i["code"] == "5.1.2")
    assert item["previous_points"] == D("0")
    assert item["previous_change"] == D("0")
    assert item["previous_note"] == ""


def test_a_node_missing_from_the_previous_result_says_so(demo):
    published = PublishedUnit.objects.get(publication__period__code="2017-tinh", unit_code="92")
    del published.leaves["5.1.2"]
    published.save()
    publish_2018()
    item = next(i for i in gap_analysis("2018-tinh", "92")["appraisal"] if i["code"] == "5.1.2")
    assert item["previous_points"] is None
    assert item["previous_note"] == "Không có trong bộ tiêu chí kỳ trước"


def test_the_first_year_has_no_previous_period(demo):
    assert gap_analysis("2017-tinh", "92")["previous"] is None


# ---------------------------------------------------------------- public page and its twins


def test_the_public_page_lists_the_losses_in_vietnamese(client, demo):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phân tích điểm bị mất: Thành phố Cần Thơ" in html
    assert "Thủ tục, tiến độ: khắc phục được ngay" in html
    assert "Sở Thông tin và Truyền thông" in html
    assert "1,75" in html
    assert "1.7500" not in html
    assert 'href="/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/bao-cao.xlsx"' in html


def test_the_scorecard_links_to_its_gap_analysis(client, demo):
    assert URL in client.get("/ky-danh-gia/2017-tinh/don-vi/92/").content.decode()


def test_the_json_twin_keeps_full_precision(client, demo):
    data = client.get(URL + "?format=json").json()
    first = data["appraisal"][0]
    assert first["code"] == "1.2"
    assert first["lost"] == "1.2500"
    assert first["lost_display"] == "1.25"
    assert first["loss_kind"] == "process"
    assert data["totals"]["survey_lost"] == "8.2235"


def test_the_csv_has_one_row_per_node_below_its_max(client, demo):
    response = client.get(URL + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["section"] for row in rows].count("appraisal") == 11
    assert rows[0]["code"] == "1.2"
    assert rows[0]["advising_agency"].startswith("Sở Nội vụ")


def test_the_open_data_catalogue_describes_the_gap_analysis(client, demo):
    html = client.get("/du-lieu-mo/").content.decode()
    assert "Phân tích điểm bị mất của một đơn vị" in html
    assert client.get(URL + "?format=xlsx").status_code == 200


def test_the_official_workbook_prints_a4_portrait_with_the_11_nodes(client, demo):
    response = client.get(URL + "bao-cao.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minh-hoa-phan-tich-2017-tinh-92-v1.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.page_setup.orientation == "portrait"
    assert int(sheet.page_setup.paperSize) == 9
    codes = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {row["code"] for row in published_losses()} <= set(codes)
    cell = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "1.2")
    assert [D(str(value)) for value in cell[2:5]] == [D("3"), D("1.75"), D("1.25")]


@pytest.mark.parametrize(
    "url",
    [
        "/ky-danh-gia/khong-co/don-vi/92/phan-tich/",
        "/ky-danh-gia/2017-tinh/don-vi/khong-co/phan-tich/",
        "/ky-danh-gia/2017-tinh/don-vi/92-stp/phan-tich/",  # a unit of another period
        "/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/?phien-ban=9",
        "/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/?phien-ban=abc",
        "/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/?phien-ban=0",
        "/ky-danh-gia/2017-tinh/don-vi/khong-co/phan-tich/bao-cao.xlsx",
        "/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/bao-cao.xlsx?phien-ban=2",
    ],
)
def test_unknown_period_unit_or_version_is_a_vietnamese_404(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_an_unknown_format_is_a_404_naming_the_formats(client, demo):
    response = client.get(URL + "?format=pdf")
    assert response.status_code == 404
    assert "Không có định dạng dữ liệu «pdf»" in response.content.decode()


def test_an_unpublished_period_has_no_public_gap_analysis(client, open_period):
    assert client.get(f"/ky-danh-gia/{open_period.code}/don-vi/92-stp/phan-tich/").status_code == 404


def test_the_page_costs_the_same_queries_in_a_small_and_a_large_group(
    client, demo, django_assert_max_num_queries
):
    build_period(5, code="nho")
    build_period(300, code="lon")
    for suffix in ("", "?format=json", "?format=csv", "bao-cao.xlsx"):
        with django_assert_max_num_queries(8) as small:
            assert client.get(f"/ky-danh-gia/nho/don-vi/nho-00001/phan-tich/{suffix}").status_code == 200
        with django_assert_max_num_queries(8) as large:
            assert client.get(f"/ky-danh-gia/lon/don-vi/lon-00001/phan-tich/{suffix}").status_code == 200
        assert len(small) == len(large)


def test_the_selector_never_reads_other_units_rows(demo, django_assert_num_queries):
    build_period(50, code="vua")
    with django_assert_num_queries(7) as queries:
        gap_analysis("vua", "vua-00003")
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any('"scoring_publication"."groups"' in sql for sql in statements)  # other units' rankings
    unit_rows = [sql for sql in statements if 'FROM "scoring_publishedunit"' in sql]
    assert len(unit_rows) == 2
    assert all("vua-00003" in sql for sql in unit_rows)
