"""The national PAR Index table: the 2017 fixture, its import (checks, all or nothing, preview then confirm),
the province against the country and its groups, a year after the 2025 merger."""

import csv
import io
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from scoring import selectors, services
from scoring.models import DataImport, DataImportStatus, NationalRow, NationalYear
from scoring.services.national import provinces_of_year
from tests.scenarios import PASSWORD

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "par-index-2017-provinces.csv"
HEADERS_VI = [
    "Chỉ số PAR INDEX",
    "Tỉnh, thành phố",
    "Xếp hạng",
    "Điểm thẩm định LV1-7",
    "Tác động 8.1",
    "Điểm điều tra XHH LV1-7",
    "Tác động 8.2",
    "Tổng điểm",
]
MEAN_ROW = ["77,72", "Trung bình cả nước", None, "46,76", "11,66", "16,44", "2,87", "77,72"]


def rows_2017():
    with open(SOURCE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ministry_xlsx(rows, *, mean_row=MEAN_ROW) -> bytes:
    """The 2017 table laid out as the Ministry prints it: title rows, Vietnamese headers in another order,
    comma decimals typed as text, the mean row at the end."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["BỘ NỘI VỤ"])
    sheet.append(["CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2017 CỦA CÁC TỈNH, THÀNH PHỐ"])
    sheet.merge_cells("A2:H2")
    sheet.append([])
    sheet.append(HEADERS_VI)
    for r in rows:
        sheet.append(
            [
                r["par_index"].replace(".", ","),
                r["province"],
                int(r["rank"]),
                r["appraisal_domains_1_7"].replace(".", ","),
                float(r["impact_8_1"]),
                r["survey_domains_1_7"],
                r["impact_8_2"].replace(".", ","),
                r["total"].replace(".", ","),
            ]
        )
    if mean_row:
        sheet.append(mean_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preview(user, content, *, year=2017, name="par-index-2017.xlsx", means=None):
    return services.national_upload_preview(
        acting_user=user, file_name=name, content=content, year=year, published_means=means
    )


def errors_of(user, content, **kwargs) -> str:
    result = preview(user, content, **kwargs)
    assert not result.ok
    assert result.data_import is None  # a refused file is not kept
    return " ".join(result.errors)


# ---------------------------------------------------------------- the 2017 fixture


def test_the_2017_fixture_holds_the_published_table(reference):
    year = NationalYear.objects.get(year=2017)
    rows = NationalRow.objects.filter(national_year=year)
    assert rows.count() == 63
    assert sorted(rows.values_list("published_rank", flat=True)) == list(range(1, 64))
    cantho = rows.get(unit__code="92")
    assert (cantho.published_rank, cantho.index, cantho.appraisal_points) == (9, D("83.53"), D("52.20"))
    assert (
        year.mean_appraisal,
        year.mean_impact_8_1,
        year.mean_survey,
        year.mean_impact_8_2,
        year.mean_index,
    ) == (
        D("46.76"),
        D("11.66"),
        D("16.44"),
        D("2.87"),
        D("77.72"),
    )


def test_can_tho_2017_is_9th_of_63_4th_of_5_cities_2nd_of_the_mekong_delta(reference):
    comparison = selectors.province_comparison("92", 2017)
    assert (comparison["rank"], comparison["of"]) == (9, 63)
    assert comparison["from_mean"] == D("5.81")
    groups = {g["code"]: (g["rank"], g["size"]) for g in comparison["groups"]}
    assert groups == {"vn-tp-truc-thuoc-tw-2017": (4, 5), "vung-dbscl": (2, 13)}


def test_the_province_page_shows_the_national_and_group_ranks(client, demo):
    response = client.get(reverse("scoring:scorecard", args=["2017-tinh", "92"]))
    text = response.content.decode()
    assert "Xếp hạng toàn quốc</span><strong>9/63</strong>" in text
    assert "Trong 5 thành phố trực thuộc Trung ương</span><strong>4/5</strong>" in text
    assert "Trong Vùng Đồng bằng sông Cửu Long</span><strong>2/13</strong>" in text
    assert "+5,81" in text
    data = client.get(reverse("scoring:scorecard", args=["2017-tinh", "92"]), {"format": "json"}).json()
    assert (data["national"]["rank"], data["national"]["of"]) == (9, 63)


def test_the_public_national_table_lists_every_province_with_its_distance_from_the_mean(client, reference):
    response = client.get(reverse("scoring:national_table", args=[2017]))
    text = response.content.decode()
    # Rows of the ranking table itself (the chart's data table has rows of its own).
    table = text.split('<table class="sticky-two">')[1].split("</table>")[0]
    assert table.count("<tr>") == 64
    assert "Quảng Ninh" in text
    assert "+11,73" in text
    data = client.get(reverse("scoring:national_table", args=[2017]), {"format": "json"}).json()
    assert data["rows"][0] == {
        **data["rows"][0],
        "rank": 1,
        "name": "Quảng Ninh",
        "index": "89.4500",
        "index_display": "89.45",
    }
    assert client.get(reverse("scoring:national_table", args=[2016])).status_code == 404


# ---------------------------------------------------------------- import


def test_the_ministrys_layout_imports_after_a_preview_and_a_confirmation(secretariat, reference):
    NationalYear.objects.filter(year=2017).delete()
    result = preview(secretariat, ministry_xlsx(rows_2017()))
    assert result.ok, result.errors
    assert result.summary["provinces"] == 63
    assert not result.summary["replaces"]
    assert {m["label"]: m["published"] for m in result.summary["means"]}["Chỉ số PAR INDEX (%)"] == D("77.72")
    assert not NationalYear.objects.filter(year=2017).exists()  # nothing written by the preview
    done = services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    assert done.data_import.status == DataImportStatus.APPLIED
    year = NationalYear.objects.get(year=2017)
    assert year.rows.count() == 63
    assert year.imported_by == secretariat
    assert year.rows.get(unit__code="92").history.first().history_user == secretariat


def test_the_shared_csv_imports_with_the_published_means_typed_in(secretariat, reference):
    means = {"appraisal": D("46.76"), "impact_8_1": D("11.66"), "index": D("77.72")}
    result = preview(secretariat, SOURCE.read_bytes(), name="par-index-2017-provinces.csv", means=means)
    assert result.ok, result.errors
    assert result.summary["replaces"]
    assert result.summary["changed"] == 0
    wrong = {"index": D("77.70")}
    assert "khác bình quân công bố 77,70" in errors_of(
        secretariat, SOURCE.read_bytes(), name="a.csv", means=wrong
    )


def test_a_rank_that_does_not_follow_the_indexes_is_refused_naming_the_row(secretariat, reference):
    rows = rows_2017()
    rows[0]["rank"], rows[1]["rank"] = "2", "1"
    message = errors_of(secretariat, ministry_xlsx(rows))
    assert "Dòng 5: Tỉnh Quảng Ninh có thứ hạng công bố 2 nhưng theo chỉ số 89,45 phải là 1" in message


def test_equal_indexes_share_a_rank_and_the_next_rank_is_skipped(secretariat, reference):
    rows = rows_2017()
    rows[2]["par_index"] = rows[2]["total"] = rows[1]["par_index"]  # Đồng Nai ties with Hà Nội
    rows[2]["survey_domains_1_7"] = str(D(rows[2]["survey_domains_1_7"]) + D("0.95"))
    rows[2]["rank"] = "2"
    result = preview(secretariat, ministry_xlsx(rows, mean_row=None))
    assert result.ok, result.errors
    assert [c["rank"] for c in result.changes[:4]] == [1, 2, 2, 4]
    rows[2]["rank"] = "3"
    assert "phải là 2" in errors_of(secretariat, ministry_xlsx(rows, mean_row=None))


def test_row_errors_name_the_row_and_column_and_nothing_is_written(secretariat, reference):
    rows = rows_2017()
    rows[3]["province"] = "Tỉnh Không Có"
    rows[4]["appraisal_domains_1_7"] = "năm mươi"
    rows[5]["impact_8_1"] = "-1"
    rows[6]["province"] = rows[7]["province"]
    rows[8]["total"] = "99"
    before = list(NationalRow.objects.values_list("pk", "index"))
    message = errors_of(secretariat, ministry_xlsx(rows))
    assert (
        "Dòng 8, cột B «Tỉnh, thành phố»: tỉnh, thành phố «Tỉnh Không Có» không có trong danh sách năm 2017"
        in message
    )
    assert "Dòng 9, cột D «Điểm thẩm định LV1-7»: «năm mươi» không phải là số" in message
    assert "Dòng 10, cột E «Tác động 8.1»: «-1» là số âm" in message
    assert "đã có ở dòng" in message
    assert "Dòng 13, cột H «Tổng điểm»: tổng điểm 99,00 khác tổng các thành phần" in message
    assert list(NationalRow.objects.values_list("pk", "index")) == before


def test_a_table_missing_provinces_or_with_a_wrong_mean_row_is_refused(secretariat, reference):
    assert "Bảng thiếu 1 tỉnh, thành phố của năm 2017: Quảng Ngãi" in errors_of(
        secretariat, ministry_xlsx(rows_2017()[:-1], mean_row=None)
    )
    wrong_mean = [*MEAN_ROW[:3], "46,00", *MEAN_ROW[4:]]
    assert "«Điểm thẩm định LV1–7» tính được 46,76 khác bình quân công bố 46,00" in errors_of(
        secretariat, ministry_xlsx(rows_2017(), mean_row=wrong_mean)
    )


def test_a_change_between_preview_and_confirmation_writes_nothing(secretariat, reference):
    rows = rows_2017()
    rows[0]["appraisal_domains_1_7"], rows[0]["survey_domains_1_7"] = "56.49", "17.46"
    result = preview(secretariat, ministry_xlsx(rows))
    assert result.ok
    assert result.summary["changed"] == 1
    NationalRow.objects.filter(national_year__year=2017, unit__code="22").update(survey_points=D("1"))
    with pytest.raises(ValidationError, match="đã thay đổi kể từ lúc xem trước"):
        services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    assert NationalRow.objects.get(national_year__year=2017, unit__code="22").appraisal_points == D("56.50")


def test_only_the_secretariat_imports(officer_justice, reference):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview(officer_justice, SOURCE.read_bytes(), name="a.csv")


def test_a_year_of_34_provinces_after_the_merger_imports_and_history_follows_the_province(
    secretariat, reference
):
    provinces = provinces_of_year(2025)
    assert len(provinces) == 34
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
    for rank, province in enumerate(provinces, start=1):
        index = D(90) - rank / D(2)  # test figures: every province a distinct index
        writer.writerow(
            [rank, province.code, province.name, index - 20, "20", index, str(index).replace(".", ",")]
        )
    result = preview(secretariat, buffer.getvalue().encode(), year=2025, name="par-index-2025.csv")
    assert result.ok, result.errors
    services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    comparison = selectors.province_comparison("92", 2025)
    assert comparison["of"] == 34
    assert [g["code"] for g in comparison["groups"]] == ["vn-tp-truc-thuoc-tw-2025"]
    labels = [c["label"] for c in comparison["components"]]
    assert labels == [
        "Điểm thẩm định LV1–7",
        "Điểm điều tra LV1–7",
        "Tổng điểm",
        "Chỉ số PAR INDEX (%)",
    ]  # the year has no impact 8.1 / 8.2 columns
    history = {(h["year"], h["name"], h["predecessor"]) for h in comparison["history"]}
    assert history == {
        (2025, "Cần Thơ", False),
        (2017, "Cần Thơ", False),
        (2017, "Hậu Giang", True),
        (2017, "Sóc Trăng", True),
    }
    assert "Sóc Trăng" in errors_of(
        secretariat,
        buffer.getvalue().replace("Thành phố Cần Thơ", "Sóc Trăng").replace(",92,", ",,").encode(),
        year=2025,
        name="a.csv",
    )


# ---------------------------------------------------------------- through the screens


def test_the_secretariat_previews_and_confirms_from_another_app_server(secretariat, reference):
    first = Client()
    first.login(username=secretariat.username, password=PASSWORD)
    NationalYear.objects.filter(year=2017).delete()
    upload = io.BytesIO(ministry_xlsx(rows_2017()))
    upload.name = "bang-2017.xlsx"
    page = first.post(reverse("backoffice:national"), {"year": "2017", "data_file": upload})
    assert "Xem trước: bảng năm 2017, 63 tỉnh, thành phố" in page.content.decode()
    pending = DataImport.objects.get(status=DataImportStatus.PREVIEWED)
    from django.core.cache import cache

    cache.clear()  # nothing of the preview lives in a process: another server has only the database
    second = Client()
    second.login(username=secretariat.username, password=PASSWORD)
    done = second.post(reverse("backoffice:import_confirm", args=[pending.pk]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("backoffice:national")
    assert "Đã nhập bảng xếp hạng toàn quốc năm 2017: 63 tỉnh, thành phố." in done.content.decode()
    again = second.post(reverse("backoffice:import_confirm", args=[pending.pk]))
    assert again.status_code == 404  # already imported


def test_other_roles_cannot_reach_the_national_import(client, officer_justice, secretariat, reference):
    result = preview(secretariat, SOURCE.read_bytes(), name="a.csv")
    client.login(username=officer_justice.username, password=PASSWORD)
    assert client.get(reverse("backoffice:national")).status_code == 404
    assert client.post(reverse("backoffice:import_confirm", args=[result.data_import.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("backoffice:national")).status_code == 302  # to the login page


def test_a_bad_year_or_file_is_a_form_error_not_a_crash(client, secretariat, reference):
    client.login(username=secretariat.username, password=PASSWORD)
    upload = io.BytesIO(b"<html>not a workbook</html>")
    upload.name = "bang.xlsx"
    page = client.post(reverse("backoffice:national"), {"year": "1990", "data_file": upload}).content.decode()
    assert "Năm đánh giá phải từ 2012" in page
    upload.seek(0)
    page = client.post(reverse("backoffice:national"), {"year": "2017", "data_file": upload}).content.decode()
    assert "không phải là bảng tính Excel" in page


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.one_of(st.text(max_size=12), st.decimals(allow_nan=False, places=3, min_value=-5, max_value=120)),
        min_size=8,
        max_size=8,
    )
)
def test_any_row_is_imported_or_refused_with_a_message(secretariat, cells):
    rows = rows_2017()
    keys = [
        "rank",
        "province",
        "appraisal_domains_1_7",
        "impact_8_1",
        "survey_domains_1_7",
        "impact_8_2",
        "total",
        "par_index",
    ]
    rows[10] = dict(zip(keys, [str(c) for c in cells], strict=True))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
    try:
        result = preview(secretariat, buffer.getvalue().encode(), name="a.csv")
        messages = result.errors or ["ok"]
    except ValidationError as error:
        messages = error.messages
    assert all(messages)


@pytest.mark.parametrize("persona", ["officer_justice", "appraiser", None])
def test_every_national_page_refuses_all_but_the_secretariat(client, secretariat, persona, request):
    pending = preview(secretariat, SOURCE.read_bytes(), name="a.csv").data_import
    if persona:
        client.force_login(request.getfixturevalue(persona))
    urls = [reverse("backoffice:national"), reverse("backoffice:national_xlsx", args=[2017])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (404 if persona else 302), url
    response = client.post(reverse("backoffice:import_confirm", args=[pending.pk]))
    assert response.status_code == (404 if persona else 302)
    pending.refresh_from_db()
    assert pending.status == DataImportStatus.PREVIEWED  # nothing imported
