"""A province against the national table: every component against the national mean and the mean of each named
group it belongs to that year, with its rank in each, checked against the published 2017 CSV; and its history
over the national years with the change of index and rank."""

import csv
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import calculator, selectors, services
from scoring.services.national import provinces_of_year

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "par-index-2017-provinces.csv"
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "TP. Hồ Chí Minh", "Cần Thơ"}
MEKONG = {
    "Long An",
    "Tiền Giang",
    "Bến Tre",
    "Trà Vinh",
    "Vĩnh Long",
    "Đồng Tháp",
    "An Giang",
    "Kiên Giang",
    "Cần Thơ",
    "Hậu Giang",
    "Sóc Trăng",
    "Bạc Liêu",
    "Cà Mau",
}
COLUMNS = {
    "appraisal_points": "appraisal_domains_1_7",
    "survey_points": "survey_domains_1_7",
    "impact_8_1": "impact_8_1",
    "impact_8_2": "impact_8_2",
    "total": "total",
    "index": "par_index",
}
PUBLISHED_MEANS = {
    "appraisal_points": D("46.76"),
    "survey_points": D("16.44"),
    "impact_8_1": D("11.66"),
    "impact_8_2": D("2.87"),
    "index": D("77.72"),
}


def published_rows():
    with open(SOURCE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def standing(rows, column, names=None):
    """Cần Thơ's figure against the named provinces (all when None): mean, and rank at 2 places, ties shared."""
    figures = {r["province"]: D(r[column]) for r in rows if names is None or r["province"] in names}
    ranks = calculator.competition_ranks(figures)
    return calculator.mean(figures.values()), ranks["Cần Thơ"], len(figures)


def test_the_two_named_groups_of_can_tho_hold_the_provinces_of_the_csv(reference):
    rows = published_rows()
    assert CITIES | MEKONG <= {r["province"] for r in rows}
    groups = {g["code"]: (g["rank"], g["size"]) for g in selectors.province_comparison("92", 2017)["groups"]}
    assert groups == {"vn-tp-truc-thuoc-tw-2017": (4, 5), "vung-dbscl": (2, 13)}


def test_each_component_is_compared_with_the_country_and_each_group_as_the_csv_computes(reference):
    rows = published_rows()
    comparison = selectors.province_comparison("92", 2017)
    assert [c["key"] for c in comparison["components"]] == list(COLUMNS)
    cantho = next(r for r in rows if r["province"] == "Cần Thơ")
    for component in comparison["components"]:
        column = COLUMNS[component["key"]]
        assert component["points"] == D(cantho[column])
        mean, rank, size = standing(rows, column)
        # The national mean is the published one where the Ministry publishes it (the total's is computed).
        expected_mean = PUBLISHED_MEANS.get(component["key"], mean)
        assert (component["mean"], component["rank"], component["size"]) == (expected_mean, rank, 63)
        assert component["from_mean"] == D(cantho[column]) - expected_mean
        by_group = {g["code"]: g for g in component["groups"]}
        for code, names in (("vn-tp-truc-thuoc-tw-2017", CITIES), ("vung-dbscl", MEKONG)):
            mean, rank, size = standing(rows, column, names)
            group = by_group[code]
            assert (group["mean"], group["rank"], group["size"]) == (mean, rank, size)
            assert group["from_mean"] == D(cantho[column]) - mean


def test_can_tho_2017_figures_read_as_published(reference):
    components = {c["key"]: c for c in selectors.province_comparison("92", 2017)["components"]}
    index = components["index"]
    assert (index["rank"], index["size"], index["from_mean"]) == (9, 63, D("5.81"))
    cities, mekong = index["groups"]
    assert (cities["rank"], cities["size"], calculator.format_display(cities["mean"])) == (4, 5, "84.25")
    assert (mekong["rank"], mekong["size"], calculator.format_display(mekong["mean"])) == (2, 13, "76.38")
    assert (components["appraisal_points"]["rank"], components["appraisal_points"]["groups"][1]["rank"]) == (
        7,
        1,
    )


def import_2016(secretariat):
    """A 2016 table through the import service: test figures, every province a distinct index, Cần Thơ 16th
    as published (published-facts.md: up 7 places to 9th in 2017)."""
    order = [r["province"] for r in published_rows()]
    order.remove("Cần Thơ")
    order.insert(15, "Cần Thơ")
    provinces = {p.short_name or p.name: p for p in provinces_of_year(2016)}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Xếp hạng",
            "Mã tỉnh",
            "Tỉnh, thành phố",
            "Điểm thẩm định LV1-7",
            "Điểm điều tra LV1-7",
            "Tổng điểm",
            "Chỉ số",
        ]
    )
    for rank, name in enumerate(order, start=1):
        province = provinces.get(name) or provinces[name.replace("TP. ", "")]
        index = D(90) - rank / D(2)
        writer.writerow(
            [rank, province.code, province.name, index - 20, "20", index, str(index).replace(".", ",")]
        )
    result = services.national_upload_preview(
        acting_user=secretariat,
        file_name="par-index-2016.csv",
        content=buffer.getvalue().encode(),
        year=2016,
        published_means=None,
    )
    assert result.ok, result.errors
    services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)


def test_the_history_gives_the_change_of_index_and_rank_from_the_year_before(secretariat, reference):
    with CaptureQueriesContext(connection) as one_year:
        selectors.province_comparison("92", 2017)
    import_2016(secretariat)
    with CaptureQueriesContext(connection) as two_years:
        comparison = selectors.province_comparison("92", 2017)
    assert len(one_year) == len(two_years)  # a fixed number of queries
    own = [h for h in comparison["history"] if not h["predecessor"]]
    assert [(h["year"], h["rank"], h["of"]) for h in own] == [(2017, 9, 63), (2016, 16, 63)]
    latest, first = own
    assert (latest["previous_year"], latest["rank_change"], latest["index_change"]) == (
        2016,
        7,
        D("83.53") - D("82.00"),
    )
    assert (first["previous_year"], first["rank_change"], first["index_change"]) == (None, None, None)


def test_the_province_page_shows_the_group_means_ranks_and_history(client, secretariat, demo):
    import_2016(secretariat)
    page = reverse("scoring:scorecard", args=["2017-tinh", "92"])
    text = client.get(page).content.decode()
    assert '<th colspan="3" scope="colgroup" class="scope">5 thành phố trực thuộc Trung ương (5)</th>' in text
    assert "Vùng Đồng bằng sông Cửu Long (13)</th>" in text
    index_row = text[text.index('<th scope="row">Chỉ số PAR INDEX (%)</th>') :].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in index_row.split('<td class="num">')[1:]]
    assert cells == ["83,53", "77,72", "+5,81", "9/63", "84,25", "−0,72", "4/5", "76,38", "+7,15", "2/13"]
    assert "tăng 7 bậc" in text
    assert '+1,53 <span class="muted">(so với 2016)</span>' in text
    national = client.get(page, {"format": "json"}).json()["national"]
    assert [g["rank"] for g in national["components"][-1]["groups"]] == [4, 2]


def test_a_unit_that_is_not_a_province_has_no_national_section(client, demo):
    page = reverse("scoring:scorecard", args=["2017-so", "92-stp"])
    assert client.get(page, {"format": "json"}).json()["national"] is None
    assert "So với cả nước" not in client.get(page).content.decode()
    assert selectors.province_comparison("92", 2016) is None
