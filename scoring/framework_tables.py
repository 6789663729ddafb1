"""Framework files (CSV or XLSX) as rows of text cells, read as written and written as text; no meaning here.

An uploaded file is untrusted: every way it can fail to read (encoding, quoting, a broken workbook, a sheet
claiming a million rows) ends in FrameworkFileError with a Vietnamese message, never in another exception.
"""

import csv
import io
import re

MAX_ROWS = 5000
MAX_COLUMNS = 100


class FrameworkFileError(Exception):
    """A framework file that cannot be accepted; `problems` lists every reason, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as lists of strings, as written."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return _read_csv(content)
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    raise FrameworkFileError(["Chỉ nhận tệp .csv hoặc .xlsx."])


def _collect(rows) -> list[list[str]]:
    """Up to MAX_ROWS rows; blank rows after the last filled one are dropped (a sheet may claim a million)."""
    collected: list[list[str]] = []
    blanks = 0
    for cells in rows:
        if not any(cell.strip() for cell in cells):
            blanks += 1
            continue
        if len(collected) + blanks >= MAX_ROWS:
            raise FrameworkFileError([f"Tệp có hơn {MAX_ROWS} dòng; một bộ tiêu chí không dài như vậy."])
        collected.extend([] for _ in range(blanks))
        blanks = 0
        collected.append(cells)
    return collected


_CSV_REASONS = {
    "unexpected end of data": "có dấu ngoặc kép mở mà không có dấu đóng",
    "expected after": 'sau dấu ngoặc kép đóng phải là dấu phẩy; dấu ngoặc kép trong nội dung phải viết đôi ("")',
    "field larger than field limit": "có ô quá dài",
}


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkFileError(["Tệp CSV phải được lưu với bảng mã UTF-8."]) from exc
    first_line = text.split("\n", 1)[0]
    # Excel on a Vietnamese system (decimal comma) saves "CSV" with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = 0

    def counted():
        nonlocal records
        for row in reader:
            records += 1
            yield row

    try:
        return _collect(counted())
    except csv.Error as exc:
        reason = next((why for key, why in _CSV_REASONS.items() if key in str(exc)), "sai định dạng CSV")
        raise FrameworkFileError(
            [f"Dòng {records + 1}: không đọc được tệp CSV từ dòng này: {reason}."]
        ) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    import openpyxl

    if not content.startswith(b"PK"):
        raise FrameworkFileError(["Tệp .xlsx không hợp lệ (nội dung không phải bảng tính Excel)."])
    unreadable = FrameworkFileError(["Không đọc được tệp .xlsx: tệp hỏng hoặc không phải bảng tính Excel."])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # an uploaded file can break openpyxl in many ways (zip, XML, styles)
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        rows = (
            [_xlsx_cell_text(value) for value in values]
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        )
        return _collect(rows)
    except FrameworkFileError:
        raise
    except Exception as exc:  # as above: malformed sheets fail while rows are read
        raise unreadable from exc
    finally:
        workbook.close()


def _xlsx_cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 0.5 as a binary float; its shortest repr is the number the user typed. Anything repr
        # writes with an exponent (1e+20, inf) is then refused as not a number.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- writing


def write_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[list[str]], title: str) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "-")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula, whatever the content
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
