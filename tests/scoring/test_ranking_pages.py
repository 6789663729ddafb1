"""Ranking pages: 100 rows a page, sortable by any column, searchable without accents, whole-group figures on
every page, streamed downloads; one-unit and period pages read no other unit's row; fixed query counts."""

import importlib
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.models import Publication, PublishedUnit
from scoring.publication_rows import group_summary, unit_columns
from scoring.selectors import ranking_for_period
from tests.scenarios import body, json_body

from .builders import build_period

pytestmark = pytest.mark.django_db

SO = "/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/"
TINH = "/ky-danh-gia/2017-tinh/xep-hang/cantho-tinh/"
HUYEN = "/ky-danh-gia/2017-huyen/xep-hang/cantho-huyen-2017/"


@pytest.fixture
def large(demo):
    """A published period of 250 units (three pages)."""
    return build_period(250, code="hai-tram", seed=7)


LARGE = "/ky-danh-gia/hai-tram/xep-hang/hai-tram-nhom/"


def codes(response) -> list[str]:
    return [row["unit_code"] for row in json_body(response)["rows"]]


def page_rows(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["rows"]


def refusal(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    return html


# ---------------------------------------------------------------- paging


def test_a_large_ranking_shows_100_rows_a_page_with_page_links(client, large):
    first = page_rows(client, LARGE)
    third = page_rows(client, LARGE, trang="3")
    assert (len(first), len(third)) == (100, 50)
    assert [row["rank"] for row in first] == sorted(row["rank"] for row in first)
    html = client.get(LARGE, {"trang": "2"}).content.decode()
    assert 'href="/ky-danh-gia/hai-tram/xep-hang/hai-tram-nhom/?trang=3"' in html
    assert 'aria-current="page">2<' in html
    assert "Đơn vị thứ 101–200 trên 250" in html


def test_a_page_past_the_last_or_not_a_number_is_a_vietnamese_404(client, large):
    assert "Không có trang 4: bảng xếp hạng này có 3 trang." in refusal(client, LARGE, trang="4")
    for bad in ("0", "-1", "abc", "1.5", "٣", "9999999", "+2"):
        assert "Số trang" in refusal(client, LARGE, trang=bad)


def test_every_page_shows_the_whole_groups_count_mean_and_bands(client, large):
    whole = client.get(LARGE).context
    for params in ({"trang": "3"}, {"q": "00012"}, {"sap-xep": "lv3", "chieu": "tang"}):
        context = client.get(LARGE, params).context
        assert context["unit_count"] == whole["unit_count"] == 250
        assert context["mean_index"] == whole["mean_index"]
        assert context["bands"] == whole["bands"]
    assert sum(band["count"] for band in whole["bands"]) == 250


# ---------------------------------------------------------------- sorting


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("chi-so", lambda row: row["index"]),
        ("diem", lambda row: row["points"]),
        ("lv5", lambda row: row["domains"][4]["percentage"]),
        ("hang", lambda row: row["rank"]),
    ],
)
@pytest.mark.parametrize("direction", ["tang", "giam"])
def test_the_ranking_sorts_by_any_column_both_ways(client, large, sort, key, direction):
    rows = page_rows(client, LARGE, **{"sap-xep": sort, "chieu": direction})
    values = [key(row) for row in rows]
    assert values == sorted(values, reverse=direction == "giam")
    if direction == "tang" and sort != "hang":  # the other end of the whole group, not of the first page
        everyone = ranking_for_period("hai-tram", "hai-tram-nhom")["rows"]  # the whole group
        assert values[0] == min(key(row) for row in everyone)


def test_sorting_by_name_ignores_accents_and_by_band_puts_the_best_band_first(client, demo):
    names = [row["unit_name"] for row in page_rows(client, SO, **{"sap-xep": "ten"})]
    # Folded, «Giáo dục» comes before «Giao thông» (by code point, «á» would sort after «a»).
    assert names.index("Sở Giáo dục và Đào tạo") < names.index("Sở Giao thông vận tải")
    assert names[0] == "Ban Dân tộc"
    bands = [row["band"] for row in page_rows(client, SO, **{"sap-xep": "xep-loai"})]
    order = ["Rất tốt", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert [order.index(band) for band in bands] == sorted(order.index(band) for band in bands)


def test_column_headers_are_sort_links_that_flip_the_sorted_column(client, demo):
    html = client.get(SO, {"sap-xep": "chi-so", "chieu": "giam"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert "?sap-xep=chi-so&amp;chieu=tang" in html
    assert "?sap-xep=lv8&amp;chieu=giam" in html
    assert re.search(r'<th class="num" aria-sort="none" title="[^"]{10,}"><a href="[^"]*sap-xep=lv8', html)


def test_an_unknown_sort_column_or_direction_is_a_404_that_names_the_choices(client, demo):
    html = refusal(client, SO, **{"sap-xep": "mat-khau"})
    assert "Không sắp xếp được theo «mat-khau»" in html
    assert "chi-so «Chỉ số (%)»" in html
    assert "lv8 «LV8 (%)»" in html
    assert "lv9" in refusal(client, SO, **{"sap-xep": "lv9"})
    assert "Không có chiều sắp xếp «len»" in refusal(client, SO, chieu="len")
    # No change against an earlier period in the demo: no change column to sort by.
    assert "thay-doi-hang" not in client.get(SO).content.decode()
    refusal(client, SO, **{"sap-xep": "thay-doi-hang"})


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["can tho", "CẦN THƠ", "Cần Thơ", "  can   THO ", "92"])
def test_the_ranking_search_ignores_accents_case_and_spaces(client, demo, query):
    rows = page_rows(client, TINH, q=query)
    assert [row["unit_code"] for row in rows] == ["92"]


def test_the_ranking_search_maps_d_with_stroke_and_keeps_the_published_rank(client, demo):
    rows = page_rows(client, HUYEN, q="co do")
    assert [row["unit_name"] for row in rows] == ["Huyện Cờ Đỏ"]
    everyone = json_body(client.get(HUYEN, {"format": "json"}))["rows"]
    assert rows[0]["rank"] == next(row["rank"] for row in everyone if row["unit_name"] == "Huyện Cờ Đỏ")
    justice = page_rows(client, SO, q="tu phap")
    assert [row["unit_code"] for row in justice] == ["92-stp"]


def test_a_search_with_no_match_says_so_and_offers_the_whole_table(client, demo):
    html = client.get(SO, {"q": "khong co don vi nay"}).content.decode()
    assert "Không có đơn vị nào khớp “khong co don vi nay”" in html
    assert "Xem cả bảng" in html
    assert "Tìm thấy 0 đơn vị" in html


def test_a_search_is_capped_at_100_characters_and_drops_control_characters(client, demo):
    response = client.get(SO, {"q": "s\x00o" + "x" * 300})
    assert response.status_code == 200
    assert response.context["listing"]["query"] == "so" + "x" * 98


def test_search_and_sort_pages_keep_each_other_and_the_version(client, demo):
    html = client.get(SO, {"q": "so", "sap-xep": "lv2", "chieu": "tang", "phien-ban": "1"}).content.decode()
    assert '<input type="hidden" name="sap-xep" value="lv2">' in html
    assert '<input type="hidden" name="phien-ban" value="1">' in html
    assert (
        'href="/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/?q=so&amp;phien-ban=1&amp;sap-xep=lv3&amp;chieu=giam"'
        in html
    )


# ---------------------------------------------------------------- downloads


def test_the_json_and_csv_stream_the_whole_group_with_todays_fields(client, large):
    response = client.get(LARGE, {"format": "json", "trang": "2"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json_body(response)
    assert len(data["rows"]) == data["unit_count"] == 250
    assert set(data) >= {
        "period",
        "publication",
        "group",
        "framework",
        "domains",
        "rows",
        "unit_count",
        "mean_index",
        "bands",
    }
    first = data["rows"][0]
    assert set(first) >= {
        "rank",
        "unit_code",
        "unit_name",
        "points",
        "index",
        "index_display",
        "band",
        "domains",
    }
    assert first["index_change"] is None
    assert first["rank_change"] is None
    csv_response = client.get(LARGE, {"format": "csv"})
    assert isinstance(csv_response, StreamingHttpResponse)
    assert (
        csv_response["Content-Disposition"]
        == 'attachment; filename="xep-hang-hai-tram-hai-tram-nhom-phien-ban-1.csv"'
    )
    lines = body(csv_response).decode("utf-8-sig").splitlines()
    assert len(lines) == 251


def test_the_downloads_follow_the_search_and_sort_asked_for(client, demo):
    assert codes(client.get(TINH, {"format": "json", "q": "can tho"})) == ["92"]
    rows = json_body(client.get(SO, {"format": "json", "sap-xep": "chi-so", "chieu": "tang"}))["rows"]
    indexes = [D(row["index"]) for row in rows]
    assert len(rows) == 20
    assert indexes == sorted(indexes)
    assert rows[-1]["unit_code"] == "92-skhcn"


def test_the_xlsx_download_still_holds_every_row(client, large):
    import io

    import openpyxl

    response = client.get(LARGE, {"format": "xlsx", "trang": "3"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 251


# ---------------------------------------------------------------- changes against an earlier period


def test_change_columns_appear_and_sort_when_the_rows_carry_them(client, large):
    publication = Publication.objects.get(period__code="hai-tram")
    units = list(PublishedUnit.objects.filter(publication=publication))
    for number, unit in enumerate(units):
        unit.row = {**unit.row, "index_change": str(D(number) / 10 - 5), "rank_change": number % 7 - 3}
        for name, value in unit_columns(unit.row, unit.position).items():
            setattr(unit, name, value)
    PublishedUnit.objects.bulk_update(units, ["row", "index_change", "rank_change"])
    publication.group_summaries = [{**publication.group_summaries[0], "has_changes": True}]
    publication.save(update_fields=["group_summaries"])

    html = client.get(LARGE).content.decode()
    assert "Thay đổi chỉ số" in html
    assert "Thay đổi hạng" in html
    assert "−3" in html
    assert "+3" in html
    rows = page_rows(client, LARGE, **{"sap-xep": "thay-doi-chi-so"})
    assert rows[0]["index_change"] == D("19.9")
    ranks = [
        row["rank_change"]
        for row in page_rows(client, LARGE, **{"sap-xep": "thay-doi-hang", "chieu": "tang"})
    ]
    assert ranks == sorted(ranks)
    assert ranks[0] == -3


# ---------------------------------------------------------------- bounded work


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body(response)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "path",
    [
        "/ky-danh-gia/{code}/",
        "/ky-danh-gia/{code}/don-vi/{code}-00003/",
        "/ky-danh-gia/{code}/xep-hang/{code}-nhom/",
        "/ky-danh-gia/{code}/xep-hang/{code}-nhom/?q=thu+00&sap-xep=lv5&chieu=tang",
        "/ky-danh-gia/{code}/xep-hang/{code}-nhom/?sap-xep=xep-loai",
        "/ky-danh-gia/{code}/xep-hang/{code}-nhom/?format=json",
    ],
)
def test_public_pages_cost_the_same_queries_at_10_and_500_units(
    client, demo, path, django_assert_max_num_queries
):
    build_period(10, code="muoi")
    build_period(500, code="nam-tram")
    with django_assert_max_num_queries(8) as small:
        body(client.get(path.format(code="muoi")))
    with django_assert_max_num_queries(8) as large:
        body(client.get(path.format(code="nam-tram")))
    assert len(small) == len(large)


@pytest.mark.parametrize("path", ["/ky-danh-gia/2017-so/", "/ky-danh-gia/2017-so/don-vi/92-stp/", SO])
def test_one_unit_period_and_ranking_pages_never_read_the_whole_snapshot(client, demo, path):
    snapshot_column = connection.ops.quote_name("groups")
    for sql in _queries(client, path):
        assert f"{connection.ops.quote_name('scoring_publication')}.{snapshot_column}" not in sql


def test_a_ranking_page_reads_one_page_of_rows(client, large):
    rows_read = [sql for sql in _queries(client, LARGE) if "scoring_publishedunit" in sql and "LIMIT" in sql]
    assert len(rows_read) == 1
    assert "LIMIT 100" in rows_read[0]


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/ky-danh-gia/2017-so/xep-hang/khong-co/", "Nhóm đơn vị này không tham gia kỳ đánh giá."),
        ("/ky-danh-gia/khong-co/xep-hang/cantho-so-2017/", "Không có kỳ đánh giá đã công bố với mã này."),
        ("/ky-danh-gia/2017-so/don-vi/khong-co/", "Đơn vị này không có kết quả trong kỳ đánh giá."),
        (SO + "?phien-ban=7", "Không có phiên bản công bố này."),
    ],
)
@pytest.mark.parametrize("file_format", [None, "json", "csv"])
def test_unknown_groups_periods_and_versions_are_404s_that_say_why(client, demo, url, message, file_format):
    response = client.get(
        url + ("&" if "?" in url else "?") + (f"format={file_format}" if file_format else "")
    )
    assert response.status_code == 404
    assert message in response.content.decode()


# ---------------------------------------------------------------- stored columns


def test_the_stored_columns_and_summaries_match_the_published_rows(demo):
    publication = Publication.objects.get(period__code="2017-so")
    assert publication.group_summaries == [group_summary(group) for group in publication.groups]
    positions = {row["unit_code"]: place for place, row in enumerate(publication.groups[0]["rows"])}
    for unit in PublishedUnit.objects.filter(publication=publication):
        expected = unit_columns(unit.row, positions[unit.unit_code])
        assert {name: getattr(unit, name) for name in expected} == expected


def test_the_migration_fills_earlier_publications_as_publication_does(demo):
    migration = importlib.import_module("scoring.migrations.0011_published_unit_columns")
    publication = Publication.objects.get(period__code="2017-huyen")
    for group in publication.groups:
        assert migration._summary(group) == group_summary(group)
        for place, row in enumerate(group["rows"]):
            changed = {**row, "index_change": "-1.5", "rank_change": 2}
            assert migration._columns(changed, place) == unit_columns(changed, place)


# ---------------------------------------------------------------- any input


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)),
    sort=st.one_of(
        st.none(),
        st.sampled_from(["hang", "ten", "lv1", "lv8", "lv9", "xep-loai", "thay-doi-hang", "LV1", "lv", ""]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    ),
    direction=st.one_of(st.none(), st.sampled_from(["tang", "giam", "TANG", ""]), st.text(max_size=5)),
    page=st.one_of(
        st.none(),
        st.integers(min_value=-5, max_value=10**25).map(str),
        st.sampled_from(["1", "2", "", "²", "１", "1e3", "0x1"]),
    ),
    file_format=st.sampled_from([None, None, "json", "csv"]),
)
def test_any_ranking_query_string_is_a_page_or_a_404_never_an_error(
    client, demo, query, sort, direction, page, file_format
):
    params = {
        key: value
        for key, value in {
            "q": query,
            "sap-xep": sort,
            "chieu": direction,
            "trang": page,
            "format": file_format,
        }.items()
        if value is not None
    }
    response = client.get(SO, params)
    assert response.status_code in (200, 404)
    content = body(response)
    if response.status_code == 404:
        assert "Không tìm thấy trang".encode() in content
