"""Official workbooks: the period's ranking in the decision's layout, a unit's scorecard and its self-assessment
report. Each is read back with openpyxl (numbers, formats, headers, widths, print settings, escaped text), printed
to PDF by LibreOffice, and refused (404) to everyone outside its scope."""

import datetime
import io
import os
import re
import shutil
import subprocess
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import selectors, services
from scoring.exports.ranking import decision_lines
from scoring.models import AssessmentResult, Period, Publication, ScoreEntry
from scoring.roles import APPRAISER_GROUP
from tests.scenarios import make_user
from units.models import Unit

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice")
if SOFFICE is None and os.environ.get("E2E_REQUIRED") == "1":
    raise RuntimeError(
        "E2E_REQUIRED=1 but LibreOffice (soffice) is missing (apt-get install libreoffice-calc-nogui)"
    )
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)"
)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.fixture
def published():
    """The demo's published 2017 department period (Cần Thơ's own figures)."""
    return Period.objects.get(code="2017-so")


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="[a-z0-9._-]+\.xlsx"', response["Content-Disposition"])
    return openpyxl.load_workbook(io.BytesIO(response.content))


def texts(sheet) -> list[str]:
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def header_row(sheet, first_header: str) -> int:
    for row in sheet.iter_rows():
        if row[0].value == first_header:
            return row[0].row
    raise AssertionError(f"no header row starting with {first_header}")


def assert_printed_on_a4_landscape(sheet, header: int):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == f"${header}:${header}"
    last_column = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.print_area == f"'{sheet.title}'!$A$1:${last_column}${sheet.max_row}"


def ranking_url(period):
    return reverse("backoffice:ranking_xlsx", args=[period.pk])


def scorecard_url(assessment):
    return reverse("backoffice:scorecard_xlsx", args=[assessment.pk])


def report_url(assessment):
    return reverse("backoffice:report_xlsx", args=[assessment.pk])


# ---------------------------------------------------------------- ranking


def test_the_ranking_follows_the_published_decision_one_sheet_per_unit_group(client, secretariat, published):
    decision = "Quyết định số 512/QĐ-UBND ngày 01/03/2018 của Ủy ban nhân dân thành phố Cần Thơ"
    published.publications.filter(version=1).update(reason=decision)
    client.force_login(secretariat)
    book = workbook(client.get(ranking_url(published)))
    groups = list(published.groups.select_related("unit_group").order_by("unit_group__name"))
    assert len(book.worksheets) == len(groups)
    sheet = book.worksheets[0]
    group = groups[0].unit_group
    lines = texts(sheet)
    assert "ỦY BAN NHÂN DÂN" in lines
    assert "THÀNH PHỐ CẦN THƠ" in lines
    assert MOTTO in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert f"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2017 CỦA {group.name.upper()}" in lines
    assert f"(Kèm theo {decision})" in lines
    header = header_row(sheet, "STT")
    labels = [cell.value for cell in sheet[header]]
    assert labels[:2] == ["STT", "Đơn vị"]
    assert labels[2].startswith("LV1\n(")
    assert labels[-4:] == ["Tổng điểm", "Chỉ số (%)", "Xếp hạng", "Xếp loại"]
    assert_printed_on_a4_landscape(sheet, header)
    assert sheet.column_dimensions["B"].width == 34
    assert sheet.column_dimensions["C"].width == 9

    results = {
        r.assessment.unit.name: r
        for r in AssessmentResult.objects.filter(
            assessment__period=published, assessment__period_group=groups[0]
        ).select_related("assessment__unit")
    }
    rows = list(sheet.iter_rows(min_row=header + 1, max_row=header + len(results)))
    assert len(rows) == len(results) > 1
    for number, row in enumerate(rows, start=1):
        assert row[0].value == number
        result = results[row[1].value]
        domains = {code: D(points) for code, points, _, _ in result.domains}
        for index, code in enumerate(sorted(domains, key=int)):
            cell = row[2 + index]
            assert D(str(cell.value)) == domains[code]
            assert cell.number_format == "0.00"
        total, index_cell, rank, band = row[-4:]
        assert D(str(total.value)) == result.points
        assert D(str(index_cell.value)) == result.index  # full stored precision, shown with 2 places
        assert (total.number_format, index_cell.number_format) == ("0.00", "0.00")
        assert rank.value == result.rank
        assert band.value == (result.band or None)
    ranks = [row[-2].value for row in rows if row[-2].value is not None]
    assert ranks == sorted(ranks)


def test_before_publication_the_ranking_is_a_draft_from_the_stored_results(client, secretariat, open_period):
    services.period_recompute(period=open_period, acting_user=secretariat)
    client.force_login(secretariat)
    book = workbook(client.get(ranking_url(open_period)))
    lines = texts(book.worksheets[0])
    assert "(Kèm theo Quyết định số …… ngày …… tháng …… năm …… )" in lines
    assert any(line.startswith("DỰ THẢO – kết quả tạm tính lúc") for line in lines)
    assert any(line.startswith("Chưa đủ điểm") for line in lines)  # nothing appraised yet: no band, no rank


def test_a_publication_note_and_a_correction_are_named_under_the_title():
    at = datetime.datetime(2018, 3, 1, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Hồ Chí Minh City
    first = Publication(version=1, published_at=at, reason="Công bố tại hội nghị sơ kết")
    correction = Publication(version=2, published_at=at + datetime.timedelta(days=30), reason="Sửa điểm 5.1")
    assert decision_lines([first], None) == ["(Công bố ngày 01/03/2018: Công bố tại hội nghị sơ kết)"]
    assert (
        decision_lines([first, correction], None)[1]
        == "(Đính chính, phiên bản 2 ngày 31/03/2018: Sửa điểm 5.1)"
    )


def test_the_ranking_reads_a_fixed_number_of_queries(published):
    with CaptureQueriesContext(connection) as queries:
        data = selectors.ranking_export(published)
    assert sum(len(group["rows"]) for group in data["groups"]) > 10
    assert len(queries) <= 5


def test_the_ranking_is_refused_to_units_anonymous_visitors_and_unassigned_appraisers(
    client, published, open_period, officer_justice, appraiser
):
    assert client.get(ranking_url(published)).status_code == 302  # to the login page
    outsider = make_user("thamdinh-khac", APPRAISER_GROUP)
    for user in (officer_justice, outsider):
        client.force_login(user)
        assert client.get(ranking_url(open_period)).status_code == 404
    client.force_login(appraiser)  # assigned to the current period only
    assert client.get(ranking_url(published)).status_code == 404
    assert client.get(ranking_url(open_period)).status_code == 200


def test_formula_like_text_is_escaped_and_never_a_formula(client, secretariat, published):
    name = '=HYPERLINK("http://evil.example","Bấm vào")'
    Unit.objects.filter(code="92-stp").update(name=name)
    assessment = published.assessments.get(unit__code="92-stp")
    client.force_login(secretariat)
    shown = {ranking_url(published): "'" + name, scorecard_url(assessment): "'" + name.upper()}
    for url, escaped in shown.items():
        book = workbook(client.get(url))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert escaped in [cell.value for cell in cells]


# ---------------------------------------------------------------- scorecard


def test_the_scorecard_lists_every_node_with_its_stored_points(client, secretariat, published):
    assessment = published.assessments.get(unit__code="92-stp")
    client.force_login(secretariat)
    sheet = workbook(client.get(scorecard_url(assessment))).worksheets[0]
    header = header_row(sheet, "Mã")
    assert [cell.value for cell in sheet[header]] == [
        "Mã",
        "Lĩnh vực, tiêu chí, tiêu chí thành phần",
        "Điểm tối đa",
        "Tự chấm",
        "Thẩm định lần 1",
        "Thẩm định lần 2",
        "Điều tra XHH",
        "Điểm đạt",
        "Lý do, ghi chú",
    ]
    assert_printed_on_a4_landscape(sheet, header)
    assert sheet.column_dimensions["B"].width == 48
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=header + 1)}
    entries = ScoreEntry.objects.filter(assessment=assessment).select_related("node")
    assert len(rows) == assessment.period_group.framework.nodes.count()
    for entry in entries:
        row = rows[entry.node.code]
        assert row[0].data_type == "s"
        assert row[0].number_format == "@"
        assert D(str(row[2].value)) == entry.node.max_points
        final = row[7].value
        assert (None if final is None else D(str(final))) == entry.final_points
        assert row[7].number_format == "0.00"
    result = assessment.result
    domain_points = {code: D(points) for code, points, _, _ in result.domains}
    for code, points in domain_points.items():
        assert D(str(rows[code][7].value)) == points
        assert rows[code][0].font.b
    summary = " ".join(texts(sheet)[:8])
    assert "Tổng điểm:" in summary
    assert "chỉ số:" in summary


def test_the_scorecard_and_the_report_read_a_fixed_number_of_queries(
    secretariat, published, justice, officer_justice
):
    assessment = published.assessments.select_related("period", "unit", "period_group").get(
        unit__code="92-stp"
    )
    with CaptureQueriesContext(connection) as queries:
        data = selectors.scorecard_export(assessment, secretariat)
    assert len(data["rows"]) > 40
    assert len(queries) <= 6
    with CaptureQueriesContext(connection) as queries:
        selectors.self_assessment_report(justice, officer_justice)
    assert len(queries) <= 11  # the self-assessment page's reads, plus the unit's province


def test_before_publication_a_unit_sees_only_the_round_1_points_it_is_asked_to_explain(
    client, returned, officer_justice, appraiser
):
    client.force_login(officer_justice)
    sheet = workbook(client.get(scorecard_url(returned))).worksheets[0]
    header = header_row(sheet, "Mã")
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=header + 1)}
    assert D(str(rows["1.2"][4].value)) == D("1")  # asked to explain: round 1 and its reason shown
    assert "Thiếu báo cáo quý IV" in rows["1.2"][8].value
    assert rows["1.1.1"][4].value is None  # appraised, not asked: hidden until publication
    assert all(row[7].value is None for row in rows.values())  # no final points before publication
    assert any("khi kết quả được công bố" in text for text in texts(sheet))
    client.force_login(appraiser)
    sheet = workbook(client.get(scorecard_url(returned))).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=header_row(sheet, "Mã") + 1)}
    assert rows["1.1.1"][4].value is not None


def test_the_scorecard_and_report_are_refused_outside_the_units_scope(
    client, justice, officer_health, secretariat, leader_justice, open_period
):
    for url in (scorecard_url(justice), report_url(justice)):
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(officer_health)
        assert client.get(url).status_code == 404
        if url == report_url(justice):
            assert client.post(url, {"difficulties": "x"}).status_code == 404
        client.force_login(make_user(f"thamdinh-{len(url)}", APPRAISER_GROUP))  # not assigned
        assert client.get(url).status_code == 404
        for user in (secretariat, leader_justice):
            client.force_login(user)
            assert client.get(url).status_code == 200
        client.logout()


# ---------------------------------------------------------------- self-assessment report


def test_the_report_holds_the_summary_the_unevidenced_nodes_and_the_units_own_words(
    client, officer_justice, justice
):
    services.self_assessment_save(
        assessment=justice,
        acting_user=officer_justice,
        values={
            "1.2": {"self_points": D("1.5"), "explanation": "Báo cáo gửi qua thư điện tử, chưa có bản giấy."},
            "1.3": {"self_points": D("2"), "explanation": ""},
        },
        versions={
            code: ScoreEntry.objects.get(assessment=justice, node__code=code).version
            for code in ("1.2", "1.3")
        },
    )
    client.force_login(officer_justice)
    response = client.post(
        report_url(justice),
        {"difficulties": "Thiếu cán bộ chuyên trách.\nPhần mềm một cửa chậm.", "proposals": "=1+1 tập huấn"},
    )
    sheet = workbook(response).worksheets[0]
    lines = texts(sheet)
    assert "SỞ TƯ PHÁP" in lines
    assert MOTTO in lines
    assert "BÁO CÁO" in lines
    assert any(line.startswith("Cần Thơ, ngày") for line in lines)
    assert "Thiếu cán bộ chuyên trách.\nPhần mềm một cửa chậm." in lines
    assert "'=1+1 tập huấn" in lines  # the unit's text, never a formula
    assert "THỦ TRƯỞNG ĐƠN VỊ" in lines
    header = header_row(sheet, "STT")
    page = selectors.self_assessment_page(justice, officer_justice)
    summary = list(sheet.iter_rows(min_row=header + 1, max_row=header + len(page["domains"]) + 1))
    for domain, row in zip(page["domains"], summary, strict=False):
        assert row[0].value == domain["node"].code
        assert D(str(row[2].value)) == domain["node"].max_points
        assert D(str(row[4].value)) == domain["total"]
        assert row[4].number_format == "0.00"
    assert summary[-1][1].value == "Tổng cộng"
    assert D(str(summary[-1][4].value)) == page["total"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=header + len(summary) + 1)]
    assert "1.2" in codes
    assert "1.3" in codes
    assert "Báo cáo gửi qua thư điện tử, chưa có bản giấy." in lines
    assert any(line.startswith("Chưa thuyết minh: điểm chưa được tính") for line in lines)


# ---------------------------------------------------------------- printing


def convert_to_pdf(tmp_path, content: bytes, name: str) -> bytes:
    source = tmp_path / name
    source.write_bytes(content)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return source.with_suffix(".pdf").read_bytes()


@needs_soffice
def test_every_workbook_prints_to_pdf_on_a4_landscape(
    client, secretariat, officer_justice, published, justice, tmp_path
):
    client.force_login(secretariat)
    files = {"xep-hang.xlsx": client.get(ranking_url(published)).content}
    files["bang-diem.xlsx"] = client.get(
        scorecard_url(published.assessments.get(unit__code="92-stp"))
    ).content
    client.force_login(officer_justice)
    files["bao-cao.xlsx"] = client.post(report_url(justice), {"difficulties": "Không có."}).content
    files["tu-danh-gia.xlsx"] = client.get(reverse("backoffice:offline_download", args=[justice.pk])).content
    for name, content in files.items():
        pdf = convert_to_pdf(tmp_path, content, name)
        assert pdf.startswith(b"%PDF"), name
        boxes = re.findall(rb"MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
        assert boxes, name
        for width, height in boxes:
            assert (round(float(width)), round(float(height))) == (842, 595), name  # A4, landscape


def test_control_characters_a_workbook_cannot_hold_are_dropped(client, officer_justice, justice):
    Unit.objects.filter(code="92-stp").update(name="Sở Tư\x1b pháp\x07")
    client.force_login(officer_justice)
    response = client.post(report_url(justice), {"difficulties": "Thiếu\x1b cán bộ", "proposals": "\x0b"})
    lines = texts(workbook(response).worksheets[0])
    assert "SỞ TƯ PHÁP" in lines
    assert "Thiếu cán bộ" in lines


# ---------------------------------------------------------------- the national table


def test_the_national_table_workbook_marks_the_province_and_compares_it(client, secretariat, officer_justice):
    url = reverse("backoffice:national_xlsx", args=[2017])
    client.force_login(officer_justice)
    assert client.get(url).status_code == 404
    client.force_login(secretariat)
    assert client.get(reverse("backoffice:national_xlsx", args=[2016])).status_code == 404
    book = workbook(client.get(url))
    table, comparison = book.worksheets
    header = header_row(table, "Xếp hạng")
    assert_printed_on_a4_landscape(table, header)
    rows = list(table.iter_rows(min_row=header + 1, values_only=True))
    cantho = next(row for row in rows if row[1] == "Cần Thơ")
    assert cantho[0] == 9
    assert cantho[2:] == (52.2, 11.47, 16.86, 3.0, 83.53, 83.53, pytest.approx(5.81))
    cell = next(c for c in table[header + 9] if c.value == 83.53)
    assert cell.number_format == "0.00"
    assert cell.font.b  # the province's own row stands out
    assert rows[63][1] == "Bình quân cả nước"
    assert rows[63][2] == 46.76
    lines = texts(comparison)
    assert "THÀNH PHỐ CẦN THƠ TRONG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2017" in lines
    assert "9/63" in lines
    assert "Xếp hạng trong Vùng Đồng bằng sông Cửu Long" in lines
    assert "Năm 2017: Hậu Giang (đơn vị tiền thân), hạng 41/63" in lines


@needs_soffice
def test_the_national_table_workbook_prints_on_a4_landscape(client, secretariat, tmp_path):
    client.force_login(secretariat)
    pdf = convert_to_pdf(
        tmp_path, client.get(reverse("backoffice:national_xlsx", args=[2017])).content, "tq.xlsx"
    )
    boxes = re.findall(rb"MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
    assert boxes
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(842, 595)}
