"""Uploaded tables: what a file really is, bounded before parsing, no formulas, no merged header cells."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.spreadsheets import fold, read_table

REQUIRED = {"ma don vi", "diem"}


def xlsx(rows, *, merge=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(data, name) -> str:
    with pytest.raises(ValidationError) as caught:
        read_table(data, name, required=REQUIRED)
    return " ".join(caught.value.messages)


def test_an_xlsx_sheet_is_read_from_its_header_row_below_the_title_rows():
    data = xlsx([["BẢNG ĐIỂM ĐIỀU TRA"], [], ["Mã đơn vị", "Điểm", None], ["92-stp", "0,75"], [None, None]])
    table = read_table(data, "diem.xlsx", required=REQUIRED)
    assert table.header == ["Mã đơn vị", "Điểm"]
    assert table.header_row == 3
    assert table.rows == [(4, ("92-stp", "0,75"))]
    assert table.column_label(1) == "cột B «Điểm»"


def test_a_csv_from_vietnamese_excel_with_semicolons_and_a_bom_is_read():
    data = "\ufeffMã đơn vị;Điểm\n92-stp;0,75\n".encode()
    table = read_table(data, "diem.csv", required=REQUIRED)
    assert table.rows == [(2, ("92-stp", "0,75"))]


def test_headers_are_matched_without_case_accents_or_decomposed_letters():
    assert fold("  MÃ  ĐƠN VỊ ") == "ma don vi"
    assert fold("Ma\u0303 đơn vi\u0323") == "ma don vi"


def test_an_html_page_named_xlsx_is_refused():
    assert "không phải là bảng tính Excel" in refusal(b"<!doctype html><html></html>", "diem.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "không phải là bảng tính Excel" in refusal(buffer.getvalue(), "diem.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.DATA_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100 * 1024
    assert "khi giải nén lên tới 8 MB" in refusal(buffer.getvalue(), "diem.xlsx")


def test_a_csv_in_another_encoding_is_refused_with_how_to_save_it():
    data = b"Ma don vi,Diem\nS\xf5\xd2 T\xfd ph\xe1p,1\n"  # «Sở Tư pháp» as Windows-1258 writes it
    assert "không ở mã UTF-8" in refusal(data, "diem.csv")


def test_a_sheet_with_a_formula_is_refused_naming_the_cell():
    assert "Ô B2 chứa công thức" in refusal(xlsx([["Mã đơn vị", "Điểm"], ["92-stp", "=1+1"]]), "diem.xlsx")


def test_merged_header_cells_are_refused_but_a_merged_title_row_is_not():
    header = [["Tiêu đề", None], ["Mã đơn vị", "Điểm"], ["92-stp", 1]]
    assert read_table(xlsx(header, merge="A1:B1"), "a.xlsx", required=REQUIRED).rows == [(3, ("92-stp", 1))]
    assert "ô gộp A2:B2" in refusal(xlsx(header, merge="A2:B2"), "diem.xlsx")


def test_an_empty_file_and_a_file_without_the_header_are_refused():
    assert "Tệp trống" in refusal(b"", "diem.csv")
    assert "Không tìm thấy dòng tiêu đề" in refusal("Tên,Giá trị\na,1\n".encode(), "diem.csv")
    assert "thiếu cột: diem" in refusal("Mã đơn vị,Giá trị\na,1\n".encode(), "diem.csv")


def test_a_million_rows_are_refused_before_the_csv_is_parsed():
    data = b"ma don vi,diem\n" + b"x,1\n" * 1_000_000
    assert "quá nhiều dòng" in refusal(data, "diem.csv")


def test_too_many_rows_in_a_workbook_are_refused(settings):
    settings.DATA_IMPORT_MAX_ROWS = 50
    assert "quá nhiều dòng" in refusal(xlsx([["Mã đơn vị", "Điểm"]] + [["x", 1]] * 100), "diem.xlsx")


def test_a_file_over_the_size_cap_and_other_types_are_refused(settings):
    settings.DATA_IMPORT_MAX_BYTES = 1000
    assert "Tệp quá lớn" in refusal(b"a" * 2000, "diem.csv")
    assert "Chỉ nhận tệp Excel (.xlsx) hoặc CSV" in refusal(b"a", "diem.xls")


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "a"]))
def test_any_bytes_are_read_or_refused_with_a_message_never_an_error(data, name):
    try:
        messages = [str(len(read_table(data, name, required=REQUIRED).rows))]
    except ValidationError as error:
        messages = error.messages
    assert all(messages)
