"""Official workbooks (XLSX): the one writer behind every table the province prints, signs or files.

A sheet is a table of `Column`s, optionally under a title block (the issuing body and the national motto, the
title lines). Numbers are numeric cells shown with 2 decimals (`0.00`): the cell keeps the stored precision, and
Vietnamese Excel shows the decimal comma itself. Text a spreadsheet would run as a formula is neutralised
(CWE-1236). Columns have widths; the sheet prints on A4 landscape, fitted to the page width, with its header row
repeated on every page and the page number in the footer.

Works on normal and write-only workbooks alike (`new_workbook(write_only=True)` streams rows for large tables:
every layout setting is made before the first row, as write-only sheets require).

    workbook = new_workbook(write_only=True)
    sheet = SheetWriter(workbook, "Xếp hạng", [Column("STT", 6, INTEGER), Column("Đơn vị", 40, wrap=True)])
    sheet.title("KẾT QUẢ …")
    sheet.header()
    sheet.row([1, "Sở Tư pháp"])
    sheet.finish()
    content = workbook_bytes(workbook)
"""

import datetime
import io
import re
import textwrap
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POINTS = "0.00"  # points, indexes and percentages: 2 places shown, full precision kept
INTEGER = "0"  # ranks, counts
TEXT = "@"  # codes such as 1.10, which a spreadsheet would otherwise turn into the number 1.1
DATE = "DD/MM/YYYY"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FONT_NAME = "Times New Roman"  # the font of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP)
LINE_HEIGHT = 15.75  # points per wrapped line of 12-point text
MAX_LINES_PER_ROW = 20
MAX_ROW_HEIGHT = 409  # points: Excel's limit
CHARS_PER_WIDTH = 1.0  # 12-point characters per unit of column width (the width of a "0" in Calibri 11)
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF6")


@dataclass(frozen=True)
class Column:
    """One column of a printed table: its header, its width in characters, how its cells show.

    `number_format`: POINTS, INTEGER, TEXT, DATE or any Excel format; `wrap`: long text wraps inside the width
    (names, reasons) instead of running over the next cells; `hidden`: kept for reading the file back (row
    versions), neither shown nor printed; `align`: "left", "center" or "right" (default: ranks and counts
    centred, numbers right, text left)."""

    header: str
    width: float
    number_format: str = "General"
    wrap: bool = False
    hidden: bool = False
    align: str | None = None


def escape_text(value: str) -> str:
    """Text that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) with a leading
    apostrophe, so that it shows as typed and never runs (CWE-1236). Numbers are never passed here."""
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_text(value: str) -> str:
    """The text `escape_text` was given: for reading back a workbook written here (the offline form)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique worksheet name from any text: at most 31 characters (cut at a word, with an ellipsis),
    none of []:*?/\\."""
    base = SHEET_TITLE_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", name)).strip("' ") or "Trang"
    taken = {title.lower() for title in taken}
    title, number = _shortened(base, 31), 1
    while title.lower() in taken:
        number += 1
        suffix = f" ({number})"
        title = _shortened(base, 31 - len(suffix)) + suffix
    return title


def _shortened(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] if " " in text[: length - 1] else text[: length - 1]
    return cut.rstrip(" ,;-") + "…"


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook (no default sheet) whose sheets are added with SheetWriter."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value):
    """What a cell holds: numbers and dates as they are, text escaped and without the control characters a
    workbook cannot hold (openpyxl refuses them), anything else as text."""
    if isinstance(value, str):
        return escape_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    if value is None or isinstance(value, Decimal | int | float | datetime.date):
        return value
    return _cell_value(str(value))


def _chars_per_line(width: float, size: int = 12) -> int:
    """How many characters of text fit on a line of a cell `width` characters wide (conservatively: the fonts
    that print it vary)."""
    return max(6, int(width * CHARS_PER_WIDTH * 12 / size) - 1)


def _line_count(text, per_line: int) -> int:
    """Lines a text takes once wrapped at word boundaries, `per_line` characters a line (a word longer than a
    line counts as one line: an estimate, cheap enough for every row of a large table)."""
    if not isinstance(text, str) or (len(text) <= per_line and "\n" not in text):
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                lines, used = lines + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
    return lines


def _font(*, bold=False, italic=False, size=12) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


class SheetWriter:
    """One printed table on one worksheet: title block, header row, rows, print settings.

    Rows are written top to bottom, once each (the sheet may be write-only). Each column's cell style is built
    once; a data cell costs one value and one copy of that style."""

    def __init__(
        self, workbook: Workbook, title: str, columns: Sequence[Column], *, split: int | None = None
    ):
        """`split`: how many columns the left half of the letterhead (the issuing body) spans; the national
        motto takes the rest. Defaults to a third of the table."""
        self.sheet = workbook.create_sheet(title=sheet_title(title, workbook.sheetnames))
        self.columns = list(columns)
        self.width = len(self.columns)
        self.split = split or max(1, self.width // 3)
        self.current_row = 0
        self.header_row = None
        for index, column in enumerate(self.columns, start=1):
            dimension = self.sheet.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.hidden = column.hidden
        self._print_setup()
        self._cell_styles = [self._style(column, bold=False) for column in self.columns]
        self._bold_styles = [self._style(column, bold=True) for column in self.columns]
        self._wrapping = [
            (index, _chars_per_line(column.width)) for index, column in enumerate(self.columns) if column.wrap
        ]

    def _print_setup(self) -> None:
        sheet = self.sheet
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as needed
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = "Trang &P/&N"

    def _style(self, column: Column, *, bold: bool):
        """The style array of a data cell of `column`, built once on a template cell."""
        template = WriteOnlyCell(self.sheet)
        template.font = _font(bold=bold)
        template.border = GRID
        template.number_format = column.number_format
        align = column.align or ("center" if column.number_format == INTEGER else None)
        template.alignment = Alignment(horizontal=align, vertical="center", wrap_text=column.wrap)
        return template._style  # openpyxl's own idiom for reusing a style: copy(cell._style)

    def _next_row(self, height: float | None = None) -> int:
        self.current_row += 1
        if height is not None:
            self.sheet.row_dimensions[self.current_row].height = height
        return self.current_row

    def _span(self, text, first: int, last: int, *, font: Font, align="center", wrap=False):
        """Cells of one row from column `first` to `last` (1-based) merged, holding `text`."""
        cell = WriteOnlyCell(self.sheet, _cell_value(text))
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
        if last > first:
            self.sheet.merged_cells.add(
                f"{get_column_letter(first)}{self.current_row}:{get_column_letter(last)}{self.current_row}"
            )
        return cell

    # ------------------------------------------------------------ title block

    def letterhead(
        self, left: Sequence[str], right: Sequence[str] = NATIONAL_MOTTO, *, bold=True, left_align="center"
    ) -> None:
        """Two blocks side by side, line by line: the heading of an official document (the issuing body on the
        left, the national motto on the right), or its closing (recipients on the left, the signature on the
        right). The left block spans the first `split` columns."""
        font = _font(bold=bold)
        for index in range(max(len(left), len(right))):
            self._next_row()
            left_text = left[index] if index < len(left) else None
            right_text = right[index] if index < len(right) else None
            self.sheet.append(
                [
                    self._span(left_text, 1, self.split, font=font, align=left_align),
                    *[None] * (self.split - 1),
                    self._span(right_text, self.split + 1, self.width, font=font),
                ]
            )

    def title(self, text: str, *, bold=True, italic=False, size=13, align="center") -> None:
        """A line across the whole table (document title, subtitle, notes), wrapped if it is long."""
        self.text(text, bold=bold, italic=italic, size=size, align=align)

    def text(self, text: str, *, bold=False, italic=False, size=12, align="left") -> None:
        """A paragraph across the whole table. It is wrapped here, at a width that fits the printed page, and
        written in rows of at most MAX_LINES_PER_ROW lines, each row tall enough for its lines: Excel and
        LibreOffice never make merged cells taller themselves, and a row is at most 409 points tall."""
        per_line = _chars_per_line(self.width_chars(1, self.width), size)
        lines = [
            wrapped
            for paragraph in (text or "").splitlines() or [""]
            for wrapped in textwrap.wrap(paragraph, per_line) or [""]
        ]
        font = _font(bold=bold, italic=italic, size=size)
        for start in range(0, len(lines), MAX_LINES_PER_ROW):
            chunk = lines[start : start + MAX_LINES_PER_ROW]
            self._next_row(height=LINE_HEIGHT * size / 12 * len(chunk) + 3)
            self.sheet.append(
                [self._span("\n".join(chunk), 1, self.width, font=font, align=align, wrap=True)]
            )

    def width_chars(self, first: int, last: int) -> float:
        """The width of columns `first` to `last` (1-based), in characters."""
        return sum(column.width for column in self.columns[first - 1 : last])

    def _height(self, texts: Iterable[tuple[str | None, float]], size: int = 12) -> float | None:
        """Row height (points) for texts wrapped each in a width of so many characters; None when every text
        fits on one line (the default height)."""
        lines = max((_line_count(text, _chars_per_line(width, size)) for text, width in texts), default=1)
        return None if lines <= 1 else min(MAX_ROW_HEIGHT, LINE_HEIGHT * size / 12 * lines + 3)

    def blank(self) -> None:
        self._next_row()
        self.sheet.append([])

    # ------------------------------------------------------------ table

    def header(self, labels: Sequence[str] | None = None, *, repeat: bool = True) -> None:
        """The header row (the columns' headers, or `labels` for a second table on the same sheet); `repeat`:
        printed again at the top of every page."""
        labels = labels or [column.header for column in self.columns]
        row_number = self._next_row(
            height=self._height(
                (label, column.width * 0.9) for label, column in zip(labels, self.columns, strict=True)
            )
        )
        cells = []
        for label in labels:
            cell = WriteOnlyCell(self.sheet, _cell_value(label or None))
            cell.font = _font(bold=True)
            cell.border = GRID
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cells.append(cell)
        self.sheet.append(cells)
        if repeat and self.header_row is None:
            self.header_row = row_number
            self.sheet.print_title_rows = f"{row_number}:{row_number}"

    def row(self, values: Sequence, *, bold: bool = False) -> None:
        """One table row: Decimal, int and float as numbers in their column's format, dates as dates, text
        escaped, None as an empty bordered cell. A row whose wrapped text takes several lines is made tall
        enough for it (LibreOffice does not fit row heights to a workbook's text when opening it)."""
        lines = max((_line_count(values[index], per_line) for index, per_line in self._wrapping), default=1)
        self._next_row(height=min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 3) if lines > 1 else None)
        styles = self._bold_styles if bold else self._cell_styles
        cells = []
        for value, style in zip(values, styles, strict=True):
            cell = WriteOnlyCell(self.sheet, _cell_value(value))
            cell._style = copy(style)
            cells.append(cell)
        self.sheet.append(cells)

    def span_row(self, values: Sequence, spans: Sequence[int], *, bold: bool = False) -> None:
        """A row whose values each cover several columns (`spans`, summing to the table's width): a second
        table with fewer, wider columns on the same sheet (e.g. a code, a name and a long explanation). Text
        wraps; the row is made tall enough for it."""
        if sum(spans) != self.width:
            raise ValueError("spans must cover the table's width")
        firsts = [1 + sum(spans[:index]) for index in range(len(spans))]
        self._next_row(
            height=self._height(
                (value, self.width_chars(first, first + span - 1))
                for value, first, span in zip(values, firsts, spans, strict=True)
                if isinstance(value, str)
            )
        )
        styles = self._bold_styles if bold else self._cell_styles
        cells = []
        for value, first, span in zip(values, firsts, spans, strict=True):
            for offset in range(span):
                cell = WriteOnlyCell(self.sheet, _cell_value(value) if offset == 0 else None)
                cell._style = copy(styles[first - 1])
                cell.alignment = Alignment(vertical="center", wrap_text=True)
                cells.append(cell)
            if span > 1:
                last = get_column_letter(first + span - 1)
                self.sheet.merged_cells.add(
                    f"{get_column_letter(first)}{self.current_row}:{last}{self.current_row}"
                )
        self.sheet.append(cells)

    def finish(self) -> None:
        """The print area: the whole table, from A1 to its last row and column."""
        self.sheet.print_area = f"A1:{get_column_letter(self.width)}{max(self.current_row, 1)}"
