"""Open data: every public page's data as JSON, CSV and XLSX with the same figures, the "Dữ liệu mở" page, and
public GETs readable from any site."""

import csv
import datetime
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring import opendata_files, services
from scoring.models import Period, PeriodStatus
from scoring.selectors.opendata import Table
from scoring.selectors.opendata_datasets import DATASETS, NUMBER, TEXT, Column
from scoring.services.publication import publication_write
from tests.scenarios import body, json_body
from units.models import Unit

from .builders import build_period

pytestmark = pytest.mark.django_db

RANKING = "/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/"
SCORECARD = "/ky-danh-gia/2017-tinh/don-vi/92/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = [
    ("/", "ky-danh-gia"),
    ("/ky-danh-gia/2017-so/", "minh-hoa-ky-danh-gia-2017-so-phien-ban-1"),
    (RANKING, "minh-hoa-xep-hang-2017-so-cantho-so-2017-phien-ban-1"),
    ("/ky-danh-gia/2017-so/don-vi/92-stp/", "minh-hoa-ket-qua-2017-so-92-stp-phien-ban-1"),
    ("/bo-tieu-chi/", "bo-tieu-chi"),
    ("/bo-tieu-chi/qd2948-tinh/", "bo-tieu-chi-qd2948-tinh"),
    ("/du-lieu-mo/", "du-lieu-mo"),
    ("/toan-quoc/", "toan-quoc"),
    ("/toan-quoc/2017/", "toan-quoc-2017"),
]


def csv_rows(response) -> list[dict]:
    content = body(response)  # a ranking's CSV is streamed
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize(("url", "name"), PAGES)
@pytest.mark.parametrize(
    ("file_format", "content_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)]
)
def test_every_public_page_answers_csv_and_xlsx_as_a_named_attachment(
    client, demo, url, name, file_format, content_type
):
    response = client.get(url, {"format": file_format})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}.{file_format}"'
    if file_format == "csv":
        assert len(csv_rows(response)) >= 1
    else:
        assert workbook(response).worksheets[0].max_row >= 2


def test_the_ranking_csv_has_the_json_values_at_full_precision_and_for_display(client, demo):
    data = json_body(client.get(RANKING, {"format": "json"}))
    rows = csv_rows(client.get(RANKING, {"format": "csv"}))
    assert len(rows) == len(data["rows"]) == 20
    for row, expected in zip(rows, data["rows"], strict=True):
        assert row["rank"] == str(expected["rank"])
        assert row["unit_code"] == expected["unit_code"]
        assert row["unit_name"] == expected["unit_name"]
        assert row["band"] == expected["band"]
        assert row["excluded"] == ("true" if expected["excluded"] else "false")
        for key in ("points", "max_points", "index"):
            assert row[key] == expected[key]
            assert row[f"{key}_display"] == expected[f"{key}_display"]
        for domain in expected["domains"]:
            for key in ("points", "max_points", "percentage"):
                assert row[f"lv{domain['code']}_{key}"] == domain[key]
                assert row[f"lv{domain['code']}_{key}_display"] == domain[f"{key}_display"]
    assert rows[0]["index"] == "93.1500000000"
    assert rows[0]["index_display"] == "93.15"
    assert rows[0]["publication_version"] == "1"


def test_the_scorecard_csv_has_the_json_values_at_full_precision_and_for_display(client, demo):
    data = client.get(SCORECARD, {"format": "json"}).json()
    rows = csv_rows(client.get(SCORECARD, {"format": "csv"}))
    assert [row["code"] for row in rows] == [node["code"] for node in data["nodes"]]
    for row, node in zip(rows, data["nodes"], strict=True):
        for key in ("points", "max_points", "percentage"):
            assert row[key] == (node[key] or "")
            assert row[f"{key}_display"] == node.get(f"{key}_display", "")
        assert row["verified"] == ("true" if node["verified"] else "false")
    domain5 = next(row for row in rows if row["code"] == "5")
    assert (domain5["points"], domain5["points_display"]) == ("12.0480", "12.05")
    assert (domain5["percentage"], domain5["percentage_display"]) == ("75.3000000000", "75.30")
    assert sum(row["verified"] == "false" for row in rows) == data["unverified_count"] == 106


def test_a_zero_percentage_is_written_without_an_exponent_in_json_and_csv(client, demo):
    data = client.get(SCORECARD, {"format": "json"}).json()
    zero = next(node for node in data["nodes"] if node["percentage"] and D(node["percentage"]) == 0)
    row = next(
        row for row in csv_rows(client.get(SCORECARD, {"format": "csv"})) if row["code"] == zero["code"]
    )
    assert zero["percentage"] == row["percentage"] == "0.0000000000"
    assert "E-" not in client.get(SCORECARD, {"format": "json"}).content.decode()


def test_xlsx_numbers_are_numeric_cells_holding_the_stored_values_shown_with_two_decimals(client, demo):
    data = client.get(SCORECARD, {"format": "json"}).json()
    book = workbook(client.get(SCORECARD, {"format": "xlsx"}))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Mã kỳ đánh giá", "Phiên bản công bố", "Mã đơn vị", "Mã mục"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width > 10  # the node's name gets room
    points, percentage = header.index("Điểm đạt"), header.index("Tỷ lệ (%)")
    cells = {row[3].value: row for row in sheet.iter_rows(min_row=2)}
    for node in data["nodes"]:
        for position, key in ((points, "points"), (percentage, "percentage")):
            cell = cells[node["code"]][position]
            if node[key] is None:
                assert cell.value is None
            else:
                assert cell.data_type == "n"
                assert D(str(cell.value)) == D(node[key])
                assert cell.number_format == "0.00"
    assert D(str(cells["5"][percentage].value)) == D("75.3")
    assert cells["1.1.1"][header.index("Đã đối chiếu văn bản gốc")].value == "không"
    about = dict(book["Thông tin"].iter_rows(values_only=True))
    assert about["Phiên bản công bố"] == "1"
    assert about["Mã kiểm tra nội dung (SHA-256)"] == data["publication"]["content_hash"]
    assert about["Giấy phép"].startswith("Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)")
    assert about["Lưu ý"] == "Dữ liệu minh họa, không phải kết quả chính thức."


def test_dates_are_iso_in_csv_and_shown_day_first_in_xlsx(client, demo):
    row = next(r for r in csv_rows(client.get("/bo-tieu-chi/?format=csv")) if r["code"] == "qd2948-tinh")
    assert row["decision_date"] == "2017-12-28"
    sheet = workbook(client.get("/bo-tieu-chi/?format=xlsx")).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "qd2948-tinh")[
        header.index("Ngày ban hành")
    ]
    assert cell.value.date() == datetime.date(2017, 12, 28)  # openpyxl reads every date cell as a datetime
    assert cell.number_format == "dd/mm/yyyy"


def test_a_formula_like_unit_name_is_escaped_in_csv_and_xlsx(client, secretariat):
    period = Period.objects.get(code="2017-so")
    Unit.objects.filter(code="92-stp").update(name='=HYPERLINK("http://ke-gian.example","Sở Tư pháp")')
    publication_write(period, acting_user=secretariat)  # the snapshot reads the unit's name
    row = next(r for r in csv_rows(client.get(RANKING, {"format": "csv"})) if r["unit_code"] == "92-stp")
    assert row["unit_name"] == '\'=HYPERLINK("http://ke-gian.example","Sở Tư pháp")'
    sheet = workbook(client.get(RANKING, {"format": "xlsx"})).worksheets[0]
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[4].value == "92-stp")[5]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://ke-gian.example","Sở Tư pháp")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped_but_a_negative_number_is_not(text):
    table = Table(
        title="Thử",
        file_name="thu",
        columns=[Column("name", "Tên", "", TEXT), Column("points", "Điểm", "", NUMBER)],
        rows=[{"name": text, "points": D("-1.2500")}],
        about=[],
    )
    row = next(csv.DictReader(io.StringIO(opendata_files.to_csv(table).decode("utf-8-sig"))))
    assert row == {"name": f"'{text}", "points": "-1.2500", "points_display": "-1.25"}
    cells = list(openpyxl.load_workbook(io.BytesIO(opendata_files.to_xlsx(table))).worksheets[0].iter_rows())[
        1
    ]
    assert cells[0].value == f"'{text}".replace("\r", "\n")  # XML turns a lone CR into a line feed
    assert (cells[1].data_type, cells[1].value) == ("n", -1.25)


@pytest.mark.parametrize("file_format", ["pdf", "xml", "", "CSV", "json ", "x" * 5000, "<b>csv</b>"])
def test_an_unknown_format_is_a_404_that_names_the_formats_in_vietnamese(client, demo, file_format):
    response = client.get(RANKING, {"format": file_format})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không có định dạng dữ liệu" in html
    assert "<code>?format=csv</code>" in html
    assert "x" * 100 not in html  # a huge value is not echoed back
    assert "<b>" not in html  # nor is markup


CURRENT = f"{timezone.localdate().year}-so"


@pytest.mark.parametrize(
    "url",
    [
        f"/ky-danh-gia/{CURRENT}/",
        f"/ky-danh-gia/{CURRENT}/xep-hang/cantho-so-minh-hoa/",
        f"/ky-danh-gia/{CURRENT}/don-vi/92-stp/",
        "/ky-danh-gia/2017-so/xep-hang/khong-co/",
        "/bo-tieu-chi/khong-co/",
    ],
)
@pytest.mark.parametrize("file_format", ["json", "csv", "xlsx"])
def test_an_unpublished_period_or_unknown_code_is_a_404_in_every_format(client, demo, url, file_format):
    response = client.get(url, {"format": file_format})
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize("file_format", ["json", "csv", "xlsx"])
def test_an_earlier_publication_version_is_served_in_every_format(client, secretariat, file_format):
    publication_write(Period.objects.get(code="2017-so"), acting_user=secretariat)
    latest = client.get(RANKING, {"format": file_format})
    earlier = client.get(RANKING, {"format": file_format, "phien-ban": "1"})
    assert latest.status_code == earlier.status_code == 200
    if file_format == "json":
        assert (
            json_body(latest)["publication"]["version"],
            json_body(earlier)["publication"]["version"],
        ) == (2, 1)
    else:
        assert "phien-ban-2" in latest["Content-Disposition"]
        assert "phien-ban-1" in earlier["Content-Disposition"]
    if file_format == "csv":
        assert {row["publication_version"] for row in csv_rows(earlier)} == {"1"}
    assert client.get(RANKING, {"format": file_format, "phien-ban": "3"}).status_code == 404


@pytest.mark.parametrize("url", [url for url, _ in PAGES])
@pytest.mark.parametrize("file_format", [None, "json", "csv", "xlsx"])
def test_public_pages_and_their_data_may_be_read_from_any_site(client, demo, url, file_format):
    response = client.get(url, {"format": file_format} if file_format else {})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_admin_and_evidence_downloads_are_not_opened_to_other_sites(client, officer_justice):
    for url in ("/quan-tri/", "/quan-tri/login/"):
        assert "Access-Control-Allow-Origin" not in client.get(url)
    document = services.evidence_add(
        unit=Unit.objects.get(code="92-stp"),
        acting_user=officer_justice,
        title="Kế hoạch cải cách hành chính năm 2018",
        number="12/KH-STP",
        issue_date=datetime.date(2018, 1, 10),
        issuer="Sở Tư pháp",
        upload=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        link="",
    )
    client.force_login(officer_justice)
    assert "Access-Control-Allow-Origin" not in client.get("/quan-tri/")
    response = client.get(reverse("scoring:evidence_download", args=[document.pk]))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_the_open_data_page_lists_every_dataset_field_format_and_the_licence(client, demo):
    html = client.get("/du-lieu-mo/").content.decode()
    for dataset in DATASETS.values():
        assert dataset.title in html
        for column in dataset.columns:
            for key in column.csv_keys:
                assert f"<code>{key}</code>" in html
            assert column.shown_label in html
            assert column.description in html
    assert "lvN_percentage_display" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.vi"' in html
    assert "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)" in html
    assert re.search(r'href="/ky-danh-gia/20\d\d-\w+/xep-hang/[\w-]+/\?format=xlsx"', html)  # a live example
    assert "mã kiểm tra nội dung (SHA-256)" in html
    assert "chưa đối chiếu văn bản gốc" in html
    assert '<a href="/du-lieu-mo/">Dữ liệu mở</a>' in client.get("/").content.decode()  # in the header nav
    data = client.get("/du-lieu-mo/", {"format": "json"}).json()
    assert [d["key"] for d in data["datasets"]] == list(DATASETS)
    assert data["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/deed.vi"


def test_the_licence_is_a_setting(client, demo, settings):
    settings.OPEN_DATA_LICENCE = {
        "name": "Giấy phép dữ liệu mở của tỉnh",
        "url": "https://example.gov.vn/giay-phep",
    }
    html = client.get("/du-lieu-mo/").content.decode()
    assert (
        '<a href="https://example.gov.vn/giay-phep" rel="license">Giấy phép dữ liệu mở của tỉnh</a>' in html
    )
    about = dict(workbook(client.get(RANKING, {"format": "xlsx"}))["Thông tin"].iter_rows(values_only=True))
    assert about["Giấy phép"] == "Giấy phép dữ liệu mở của tỉnh – https://example.gov.vn/giay-phep"


def test_without_a_published_period_the_open_data_page_has_no_period_examples(client, demo):
    Period.objects.update(status=PeriodStatus.APPRAISAL)
    data = client.get("/du-lieu-mo/", {"format": "json"}).json()
    examples = {d["key"]: d["example_url"] for d in data["datasets"]}
    assert [examples[key] for key in ("period", "ranking", "scorecard")] == [None, None, None]
    assert examples["framework"] == "/bo-tieu-chi/qd2948-tinh/"
    assert "chưa có ví dụ" in client.get("/du-lieu-mo/").content.decode()


def test_every_page_footer_offers_json_csv_and_excel_keeping_the_query(client, demo):
    html = client.get("/bo-tieu-chi/", {"q": "2948"}).content.decode()
    assert "Tải dữ liệu của trang này:" in html
    for file_format, label in (("json", "JSON"), ("csv", "CSV"), ("xlsx", "Excel")):
        assert f'<a href="/bo-tieu-chi/?q=2948&amp;format={file_format}">{label}</a>' in html
    html = client.get(RANKING, {"phien-ban": "1"}).content.decode()
    assert f'<a href="{RANKING}?phien-ban=1&amp;format=csv">CSV</a>' in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_ranking_files_cost_the_same_queries_at_10_and_500_units(client, demo, django_assert_max_num_queries):
    build_period(10, code="muoi")
    build_period(500, code="nam-tram")
    for file_format in ("csv", "xlsx"):
        with django_assert_max_num_queries(8) as small:
            body(client.get(f"/ky-danh-gia/muoi/xep-hang/muoi-nhom/?format={file_format}"))
        with django_assert_max_num_queries(8) as large:
            response = client.get(f"/ky-danh-gia/nam-tram/xep-hang/nam-tram-nhom/?format={file_format}")
            body(response)  # a streamed file reads its rows while it is sent
        assert response.status_code == 200
        assert len(small) == len(large)
    assert len(csv_rows(client.get("/ky-danh-gia/nam-tram/xep-hang/nam-tram-nhom/?format=csv"))) == 500
    assert count_queries(client, "/du-lieu-mo/") <= 8


def test_the_national_table_csv_keeps_the_published_figures(client, reference):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/toan-quoc/2017/?format=csv").content.decode("utf-8-sig")))
    )
    assert len(rows) == 63
    cantho = next(row for row in rows if row["unit_code"] == "92")
    assert (cantho["rank"], cantho["index_display"], cantho["from_mean_display"]) == ("9", "83.53", "5.81")
