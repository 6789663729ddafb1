"""Uploaded tables (XLSX or CSV) read safely: what the file really is, bounded before parsing, no formulas.

Every data import (survey points, the national table, the offline self-assessment) reads its file here, so each
refuses the same bad files with the same Vietnamese messages: an HTML page named .xlsx, a CSV in another
encoding, a zip bomb, a sheet with formulas or merged cells at or below its header, an empty file, too many
rows. Limits come from settings (DATA_IMPORT_MAX_BYTES, DATA_IMPORT_MAX_UNPACKED_BYTES, DATA_IMPORT_MAX_ROWS)
and are checked before the content is parsed.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter, range_boundaries

from scoring.formatting import NumberError, decimal_places, format_number, parse_decimal, shown
from units.folding import fold

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Header:
    """A column a reader looks for: its header key is one of `keys`, or holds every fragment of one of the
    `fragments` alternatives («Điểm điều tra XHH LV1-7» holds "dieu tra")."""

    label: str
    keys: frozenset[str] = frozenset()
    fragments: tuple[tuple[str, ...], ...] = ()

    def matches(self, key: str) -> bool:
        return key in self.keys or any(all(part in key for part in parts) for parts in self.fragments)


@dataclass(frozen=True)
class Table:
    """A sheet's rows from its header on: `header` as typed, `rows` as (row number in the file, values)."""

    name: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, tuple]]

    def column_label(self, index: int) -> str:
        """How a message names a column: its letter in a spreadsheet and its header."""
        return f"cột {get_column_letter(index + 1)} «{self.header[index]}»"


def header_key(text) -> str:
    """A header as compared: folded, punctuation and spaces reduced to single spaces («LV1–7» ~ «lv1 7»)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def _limits() -> tuple[int, int, int]:
    return (
        settings.DATA_IMPORT_MAX_BYTES,
        settings.DATA_IMPORT_MAX_UNPACKED_BYTES,
        settings.DATA_IMPORT_MAX_ROWS,
    )


def _mb(size: int) -> str:
    return format_number(size / (1024 * 1024), 1)


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is refused (over DATA_IMPORT_MAX_BYTES), or None."""
    max_bytes = settings.DATA_IMPORT_MAX_BYTES
    if size > max_bytes:
        return f"Tệp quá lớn ({_mb(size)} MB); tối đa {_mb(max_bytes)} MB."
    return None


def read_table(data: bytes, filename: str, *, required: Iterable[str]) -> Table:
    """The first sheet of an XLSX file, or a CSV file, from the row holding the `required` headers on.

    `required`: the columns that must be there, each a Header, a header key (see `header_key`) or a set of
    alternative keys; the header is the first of the first rows holding any of them (title rows above it are
    skipped). Raises ValidationError with a Vietnamese message for any file it refuses.
    """
    if not data:
        raise ValidationError("Tệp trống: không có dữ liệu nào.")
    problem = size_problem(len(data))
    if problem:
        raise ValidationError(problem)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        return _read_xlsx(data, filename, _alternatives(required))
    if extension == "csv":
        return _read_csv(data, filename, _alternatives(required))
    raise ValidationError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _alternatives(required) -> list[Header]:
    return [
        item
        if isinstance(item, Header)
        else Header(
            min([item] if isinstance(item, str) else item),
            frozenset([item] if isinstance(item, str) else item),
        )
        for item in required
    ]


def _names(required: list[Header]) -> str:
    return ", ".join(sorted(header.label for header in required))


def _found(header: Header, values) -> bool:
    return any(header.matches(header_key(value)) for value in values if value is not None)


def _find_header(rows: list[tuple[int, tuple]], required: list[Header]) -> int:
    """Index in `rows` of the header: among the first rows, the first holding the most required headers (a
    title row may hold a word of one header; the header row holds them all)."""
    scores = [sum(_found(header, values) for header in required) for _, values in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        raise ValidationError(
            f"Không tìm thấy dòng tiêu đề: {HEADER_SEARCH_ROWS} dòng đầu không có cột nào trong các cột cần có "
            f"({_names(required)})."
        )
    return scores.index(max(scores))


def _table(name: str, rows: list[tuple[int, tuple]], required: list[Header], merged=()) -> Table:
    if not rows:
        raise ValidationError("Tệp trống: không có dòng dữ liệu nào.")
    at = _find_header(rows, required)
    header_row, header = rows[at]
    for ref in merged:
        if range_boundaries(ref)[3] >= header_row:
            raise ValidationError(
                f"Trang tính có ô gộp {ref} ở dòng tiêu đề hoặc dòng dữ liệu: hãy bỏ gộp ô (mỗi cột một tiêu đề, "
                "mỗi ô một giá trị) rồi tải lên lại."
            )
    missing = [wanted for wanted in required if not _found(wanted, header)]
    if missing:
        raise ValidationError(
            f"Dòng tiêu đề (dòng {header_row}) thiếu cột: {_names(missing)} "
            "(so khớp không phân biệt hoa thường, dấu)."
        )
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        width -= 1
    data_rows = [
        (number, tuple(values[:width]) + (None,) * (width - len(values)))
        for number, values in rows[at + 1 :]
        if any(value is not None and str(value).strip() != "" for value in values)
    ]
    return Table(
        name=name,
        header_row=header_row,
        header=[
            "" if cell is None else unicodedata.normalize("NFC", str(cell)).strip() for cell in header[:width]
        ],
        rows=data_rows,
    )


# ---------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes, filename: str, required: list[Header]) -> Table:
    _, max_unpacked, max_rows = _limits()
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            f"Tệp «{filename}» không phải là bảng tính Excel (.xlsx), dù có đuôi .xlsx. "
            "Hãy mở tệp bằng Excel và lưu lại dưới dạng Sổ làm việc Excel (.xlsx)."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(
            f"Tệp «{filename}» bị hỏng hoặc không phải là bảng tính Excel (.xlsx)."
        ) from exc
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked:
        raise ValidationError(
            f"Tệp «{filename}» khi giải nén lên tới {_mb(unpacked)} MB, vượt giới hạn {_mb(max_unpacked)} MB: "
            "không đọc tệp này."
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ValidationError(f"Tệp «{filename}» không phải là bảng tính Excel (.xlsx).")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds of errors on malformed parts
        raise ValidationError(f"Tệp «{filename}» bị hỏng, không đọc được: {type(exc).__name__}.") from exc
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        if declared > max_rows + HEADER_SEARCH_ROWS:
            raise ValidationError(_too_many_rows(declared, max_rows))
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                raise ValidationError(_too_many_rows(number, max_rows))
            for column, value in enumerate(values, start=1):
                if isinstance(value, str) and value.startswith("="):
                    raise ValidationError(
                        f"Ô {get_column_letter(column)}{number} chứa công thức ({value[:30]}): hãy sao chép và "
                        "dán dạng giá trị (Paste Values) rồi tải lên lại."
                    )
            rows.append((number, values))
        merged = _merged_ranges(workbook, sheet)
        title = sheet.title
    finally:
        workbook.close()
    table = _table(title, rows, required, merged)
    if len(table.rows) > max_rows:
        raise ValidationError(_too_many_rows(len(table.rows), max_rows))
    return table


def _merged_ranges(workbook, sheet) -> list[str]:
    """Merged ranges of a read-only sheet (openpyxl does not read them in that mode): scanned from its XML."""
    found = []
    tail = b""
    with workbook._archive.open(sheet._worksheet_path) as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            found.extend(match.group(1).decode() for match in MERGE_CELL.finditer(block))
            tail = block[-200:]  # a tag cut by the chunk boundary is read whole next time
    return list(dict.fromkeys(found))


def _too_many_rows(count: int, max_rows: int) -> str:
    return (
        f"Tệp có quá nhiều dòng ({count:,} dòng trở lên; tối đa {max_rows:,} dòng dữ liệu): hãy chia thành "
        "nhiều tệp."
    ).replace(",", ".")


# ---------------------------------------------------------------- CSV


def _read_csv(data: bytes, filename: str, required: list[Header]) -> Table:
    _, _, max_rows = _limits()
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise ValidationError(f"Tệp «{filename}» không phải là tệp văn bản CSV, dù có đuôi .csv.")
    lines = data.count(b"\n")
    if lines > max_rows + HEADER_SEARCH_ROWS:
        raise ValidationError(_too_many_rows(lines, max_rows))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"Tệp «{filename}» không ở mã UTF-8 (có thể là Windows-1258 hoặc TCVN3): trong Excel chọn Lưu thành → "
            "«CSV UTF-8 (phân tách bằng dấu phẩy)» rồi tải lên lại."
        ) from exc
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        raise ValidationError(f"Tệp «{filename}» là một trang web (HTML), không phải tệp CSV.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        rows = [
            (number, tuple(cell if cell.strip() != "" else None for cell in values))
            for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
        ]
    except csv.Error as exc:
        raise ValidationError(f"Tệp CSV «{filename}» sai định dạng: {exc}.") from exc
    for number, values in rows:
        for column, value in enumerate(values, start=1):
            if value is not None and value.startswith("="):
                raise ValidationError(
                    f"Ô {get_column_letter(column)}{number} chứa công thức ({value[:30]}): hãy nhập giá trị."
                )
    table = _table(filename.rsplit(".", 1)[0], rows, required)
    if len(table.rows) > max_rows:
        raise ValidationError(_too_many_rows(len(table.rows), max_rows))
    return table


# ---------------------------------------------------------------- cells


def cell_text(value) -> str:
    """A cell as text: NFC, trimmed; numbers typed as numbers keep their digits (no «92.0» for a code)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def cell_decimal(value, *, places: int = 4) -> Decimal:
    """A number cell as a Decimal: numeric cells (Excel gives floats: converted through their shortest text)
    or text typed `0,75` / `0.75`. Raises NumberError (Vietnamese message) for anything else or a negative."""
    if isinstance(value, bool):
        raise NumberError(f"«{value}» không phải là số.")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise NumberError(f"«{value}» không phải là số.")
        if number < 0:
            raise NumberError(f"«{shown(value)}» là số âm.")
        if decimal_places(number) > places:
            raise NumberError(f"«{shown(value)}» có quá {places} chữ số thập phân.")
        return number
    text = cell_text(value)
    if text.startswith("-") and text[1:].strip():
        raise NumberError(f"«{shown(text)}» là số âm.")
    return parse_decimal(text, places=places)
