"""CSV and XLSX files of an open-data table (scoring.selectors.opendata).

CSV is machine output: header = column keys, UTF-8 with a BOM (Excel then reads Vietnamese correctly), dot
decimals, each number twice (`x` at full precision, `x_display` at 2 places, as the JSON twin), ISO dates,
`true`/`false`. XLSX is for people: header = Vietnamese labels (bold, frozen), each number once as a numeric
cell that keeps the stored precision and is shown with 2 decimals (`0.00`), dates shown dd/mm/yyyy, `có`/`không`,
and a second sheet "Thông tin" with the provenance and the licence.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe
in both formats (CWE-1236, as OWASP's "CSV injection" advice). django-import-export's
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "=", which alters the text and leaves the other
starts open, so it is not copied. Numbers are never text here, so a negative number is never escaped.
"""

import csv
import io
import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from scoring.calculator import format_display, format_full
from scoring.selectors.opendata import Table
from scoring.selectors.opendata_datasets import BOOLEAN, DATE, INTEGER, NUMBER, TEXT, Column

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX file cannot hold (XML 1.0); openpyxl refuses them, so they become U+FFFD.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NUMBER_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"
MAX_WIDTH = 60


def escape_formula(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def download(table: Table, file_format: str) -> HttpResponse:
    """The table as an attachment named after the page (ASCII), in `csv` or `xlsx`."""
    content = to_csv(table) if file_format == "csv" else to_xlsx(table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{table.file_name}.{file_format}"
    )
    return response


# ---------------------------------------------------------------- CSV


def _csv_values(column: Column, value) -> list[str]:
    if column.kind == NUMBER:
        return [format_full(value), format_display(value)]
    if value is None:
        return [""]
    if column.kind == BOOLEAN:
        return ["true" if value else "false"]
    if column.kind == DATE:
        return [value.isoformat()]
    if column.kind == INTEGER:
        return [str(value)]
    return [escape_formula(str(value))]


def csv_chunks(table: Table, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV file in pieces of a few hundred rows, the BOM first: for a streamed response, reading the
    table's rows once and in order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([key for column in table.columns for key in column.csv_keys])
    for count, row in enumerate(table.rows, start=1):
        writer.writerow(
            [text for column in table.columns for text in _csv_values(column, row.get(column.key))]
        )
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_csv(table: Table) -> bytes:
    return b"".join(csv_chunks(table))


def stream(table: Table) -> StreamingHttpResponse:
    """The table as a streamed CSV attachment (rows read as they are written, for a whole large group)."""
    response = StreamingHttpResponse(csv_chunks(table), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{table.file_name}.csv"
    )
    return response


# ---------------------------------------------------------------- XLSX


def _xlsx_text(value) -> str:
    return XML_ILLEGAL.sub("\N{REPLACEMENT CHARACTER}", escape_formula(str(value)))


def _xlsx_cell(sheet, column: Column, value):
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if column.kind == BOOLEAN:
        return WriteOnlyCell(sheet, value="có" if value else "không")
    if column.kind == TEXT:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
        cell.data_type = "s"  # text, never a formula
        return cell
    cell = WriteOnlyCell(sheet, value=value)  # Decimal and int stay numbers, dates stay dates
    if column.kind == NUMBER:
        cell.number_format = NUMBER_FORMAT
    elif column.kind == DATE:
        cell.number_format = DATE_FORMAT
    return cell


def _width(column: Column, rows: list[dict]) -> int:
    """Wide enough for the label (up to 24 characters; longer ones wrap) and for the longest value."""
    if column.kind == TEXT:
        longest = max((len(str(row.get(column.key) or "")) for row in rows), default=0)
    else:
        longest = 10
    return min(MAX_WIDTH, max(longest, min(len(column.label), 24), 6) + 2)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "-"


def to_xlsx(table: Table) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(table.title))
    sheet.freeze_panes = "A2"
    for position, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _width(column, table.rows)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, column, row.get(column.key)) for column in table.columns])

    about = workbook.create_sheet("Thông tin")
    about.column_dimensions["A"].width = 32
    about.column_dimensions["B"].width = 90
    for label, text in table.about:
        about.append([label, _xlsx_text(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
