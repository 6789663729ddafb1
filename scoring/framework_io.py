"""Framework files (CSV and XLSX) and the framework integrity check, on plain data.

The columns are those of `shared/data/framework-qd2948-provincial.csv`:
level, code, parent, name_vi, max_points, method, verified, note; guidance, evidence_requirement and
advising_agency may follow. Parsing collects every problem with its row and column, so a file is either
accepted whole or refused with the full list.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

REQUIRED_COLUMNS = ["level", "code", "parent", "name_vi", "max_points", "method", "verified", "note"]
OPTIONAL_COLUMNS = ["guidance", "evidence_requirement", "advising_agency"]
EXPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

LEVELS = {"domain": 1, "criterion": 2, "subcriterion": 3}
LEVEL_LABELS = {"domain": "lĩnh vực", "criterion": "tiêu chí", "subcriterion": "tiêu chí thành phần"}
METHODS = {"appraisal", "survey", "mixed"}
TRUE_WORDS = {"yes", "y", "true", "1", "có", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "không", ""}
CODE_PATTERN = re.compile(r"^[1-9]\d*(\.[1-9]\d*){0,2}$")
MAX_DECIMAL_PLACES = 4


class FrameworkFileError(Exception):
    """A framework file that cannot be accepted; `problems` lists every reason, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class NodeSpec:
    row: int
    level: str
    code: str
    parent_code: str | None
    name: str
    max_points: Decimal
    method: str
    verified: bool
    note: str
    guidance: str = ""
    evidence_requirement: str = ""
    advising_agency: str = ""
    order: int = 0
    is_scorable: bool = False


# ---------------------------------------------------------------- reading


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as lists of stripped strings."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FrameworkFileError(["Tệp CSV phải được lưu với bảng mã UTF-8."]) from exc
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    raise FrameworkFileError(["Chỉ nhận tệp .csv hoặc .xlsx."])


def _read_xlsx(content: bytes) -> list[list[str]]:
    import zipfile

    import openpyxl

    if not content.startswith(b"PK"):
        raise FrameworkFileError(["Tệp .xlsx không hợp lệ (nội dung không phải bảng tính Excel)."])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FrameworkFileError(
            ["Không đọc được tệp .xlsx: tệp hỏng hoặc không phải bảng tính Excel."]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_xlsx_cell_text(value) for value in values])
        return rows
    finally:
        workbook.close()


def _xlsx_cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 0.5 as a binary float; its shortest repr is the number the user typed.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip()


# ---------------------------------------------------------------- parsing and validation


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


def parse_decimal(text: str) -> Decimal:
    """A point value as typed in Vietnam (`0,75`) or in machine form (`0.75`)."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def parse_nodes(rows: list[list[str]]) -> list[NodeSpec]:
    """Validate framework rows; return node specs in file order or raise FrameworkFileError with every problem.

    Row numbers are those a spreadsheet shows (the header is row 1).
    """
    if not rows or not any(rows[0]):
        raise FrameworkFileError(["Tệp trống: không có dòng tiêu đề cột."])
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FrameworkFileError(["Dòng 1: thiếu cột " + ", ".join(f"«{name}»" for name in missing) + "."])
    col = {name: header.index(name) for name in EXPORT_COLUMNS if name in header}

    problems: list[str] = []
    specs: list[NodeSpec] = []
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        spec = _parse_row(row_number, row, col, problems)
        if spec is not None:
            specs.append(spec)
    if not specs and not problems:
        problems.append("Tệp không có dòng tiêu chí nào.")
    problems.extend(_check_structure(specs))
    if problems:
        raise FrameworkFileError(problems)
    _mark_scorable(specs)
    return specs


def _parse_row(row_number: int, row: list[str], col: dict[str, int], problems: list[str]) -> NodeSpec | None:
    def problem(column: str, message: str):
        problems.append(f"Dòng {row_number}, cột «{column}»: {message}")

    ok = True
    level = _cell(row, col["level"]).lower()
    if level not in LEVELS:
        problem("level", f"cấp «{level}» không hợp lệ (chỉ nhận domain, criterion, subcriterion).")
        ok = False
    code = _cell(row, col["code"])
    if not CODE_PATTERN.match(code):
        problem("code", f"mã «{code}» không đúng dạng số theo vị trí (ví dụ 5, 5.1, 5.1.2).")
        ok = False
    elif level in LEVELS and code.count(".") + 1 != LEVELS[level]:
        problem("code", f"mã «{code}» không khớp cấp {LEVEL_LABELS[level]}.")
        ok = False
    parent = _cell(row, col["parent"]) or None
    name = _cell(row, col["name_vi"])
    if not name:
        problem("name_vi", "thiếu tên tiêu chí.")
        ok = False
    for column in ("name_vi", "note", *OPTIONAL_COLUMNS):
        if _cell(row, col.get(column)).startswith(("=", "+", "@")):
            problem(column, "nội dung không được bắt đầu bằng =, + hoặc @ (công thức bảng tính).")
            ok = False
    raw_points = _cell(row, col["max_points"])
    max_points = Decimal(0)
    try:
        max_points = parse_decimal(raw_points)
    except (InvalidOperation, ValueError):
        problem("max_points", f"«{raw_points}» không phải là số.")
        ok = False
    else:
        if max_points <= 0:
            problem("max_points", f"điểm tối đa phải lớn hơn 0 (đang là {raw_points}).")
            ok = False
        elif -max_points.as_tuple().exponent > MAX_DECIMAL_PLACES:
            problem("max_points", f"điểm tối đa chỉ được có tối đa {MAX_DECIMAL_PLACES} chữ số thập phân.")
            ok = False
    method = _cell(row, col["method"]).lower()
    if method not in METHODS:
        problem("method", f"phương pháp «{method}» không hợp lệ (chỉ nhận appraisal, survey, mixed).")
        ok = False
    raw_verified = _cell(row, col["verified"]).lower()
    if raw_verified not in TRUE_WORDS | FALSE_WORDS:
        problem("verified", f"«{raw_verified}» không hợp lệ (chỉ nhận yes hoặc no).")
        ok = False
    if not ok:
        return None
    return NodeSpec(
        row=row_number,
        level=level,
        code=code,
        parent_code=parent,
        name=name,
        max_points=max_points,
        method=method,
        verified=raw_verified in TRUE_WORDS,
        note=_cell(row, col["note"]),
        guidance=_cell(row, col.get("guidance")),
        evidence_requirement=_cell(row, col.get("evidence_requirement")),
        advising_agency=_cell(row, col.get("advising_agency")),
    )


def _check_structure(specs: list[NodeSpec]) -> list[str]:
    """Cross-row rules: unique codes, parents present and positional, no cycles, no child above its parent."""
    problems: list[str] = []
    by_code: dict[str, NodeSpec] = {}
    for spec in specs:
        if spec.code in by_code:
            problems.append(
                f"Dòng {spec.row}, cột «code»: mã «{spec.code}» trùng với dòng {by_code[spec.code].row}."
            )
            continue
        by_code[spec.code] = spec

    for spec in by_code.values():
        if _has_cycle(spec, by_code):
            problems.append(
                f"Dòng {spec.row}, cột «parent»: quan hệ cha – con của «{spec.code}» tạo thành vòng lặp."
            )
            continue
        expected_parent = spec.code.rsplit(".", 1)[0] if "." in spec.code else None
        if spec.level == "domain":
            if spec.parent_code:
                problems.append(
                    f"Dòng {spec.row}, cột «parent»: lĩnh vực «{spec.code}» không được có mục cha."
                )
            continue
        if spec.parent_code != expected_parent:
            problems.append(
                f"Dòng {spec.row}, cột «parent»: «{spec.code}» phải thuộc «{expected_parent}», "
                f"không phải «{spec.parent_code or ''}»."
            )
            continue
        parent = by_code.get(spec.parent_code)
        if parent is None:
            problems.append(
                f"Dòng {spec.row}, cột «parent»: không có mục cha «{spec.parent_code}» trong tệp."
            )
            continue
        if LEVELS[parent.level] != LEVELS[spec.level] - 1:
            problems.append(
                f"Dòng {spec.row}, cột «level»: {LEVEL_LABELS[spec.level]} không thể nằm dưới "
                f"{LEVEL_LABELS[parent.level]} «{parent.code}»."
            )
            continue
        if spec.max_points > parent.max_points:
            problems.append(
                f"Dòng {spec.row}, cột «max_points»: {spec.max_points} điểm vượt điểm tối đa "
                f"{parent.max_points} của «{parent.code}»."
            )
        if parent.method != "mixed" and parent.method != spec.method:
            problems.append(
                f"Dòng {spec.row}, cột «method»: «{spec.code}» có phương pháp {spec.method} nhưng mục cha "
                f"«{parent.code}» là {parent.method} (dùng mixed cho mục cha có cả hai)."
            )
    return problems


def _has_cycle(spec: NodeSpec, by_code: dict[str, NodeSpec]) -> bool:
    seen = {spec.code}
    current = spec
    while current.parent_code is not None:
        if current.parent_code in seen:
            return True
        seen.add(current.parent_code)
        current = by_code.get(current.parent_code)
        if current is None:
            return False
    return False


def code_key(code: str) -> tuple[int, ...]:
    """Sort key of a positional code: 2 < 10, 5.1.2 < 5.1.10."""
    return tuple(int(part) for part in code.split("."))


def _mark_scorable(specs: list[NodeSpec]) -> None:
    """Order nodes parent-first (domain, then its criteria in code order) and flag the leaves."""
    parents = {spec.parent_code for spec in specs if spec.parent_code}
    specs.sort(key=lambda spec: code_key(spec.code))
    for order, spec in enumerate(specs, start=1):
        spec.order = order
        spec.is_scorable = spec.code not in parents and spec.level != "domain"


# ---------------------------------------------------------------- export


def _points_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def export_rows(specs: list[NodeSpec]) -> list[list[str]]:
    """Header plus one row per node, in the import columns."""
    rows = [list(EXPORT_COLUMNS)]
    for spec in specs:
        rows.append(
            [
                spec.level,
                spec.code,
                spec.parent_code or "",
                spec.name,
                _points_text(spec.max_points),
                spec.method,
                "yes" if spec.verified else "no",
                spec.note,
                spec.guidance,
                spec.evidence_requirement,
                spec.advising_agency,
            ]
        )
    return rows


def to_csv(specs: list[NodeSpec]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(export_rows(specs))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(specs: list[NodeSpec], title: str = "Bộ tiêu chí") -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in export_rows(specs):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula, whatever the content
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
