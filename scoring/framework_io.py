"""Framework files (CSV and XLSX) in and out, on plain data.

The columns are those of `shared/data/framework-qd2948-provincial.csv`: level, code, parent, name_vi,
max_points, method, verified, note; guidance, evidence_requirement and advising_agency may follow. Headers
and coded words may also be written in Vietnamese (framework_columns); reading the file is framework_tables.
Parsing collects every problem with its row and column, so a file is either accepted whole or refused with
the full list, and what is accepted fits the database columns exactly.

Bonus and deduction points (điểm thưởng, điểm trừ) are declared as top-level parts of their own: a row of level
lĩnh vực whose method is `bonus` (điểm thưởng) or `deduction` (điểm trừ), with criteria (and sub-criteria) of
the same method under it; each node's max is the most it can add or deduct. Such parts are not counted in the
index's base (the 100 points), need no line in the decision's per-domain summary, and a «hỗn hợp» parent takes
no bonus or deduction child: a part is either ordinary or an adjustment, never both.
"""

from dataclasses import dataclass
from decimal import Decimal

from scoring.codes import CODE_PATTERN, code_key, depth, parent_of
from scoring.formatting import NUMBER_PATTERN, NumberError, format_points, parse_decimal, shown
from scoring.framework_columns import (
    ADJUSTMENT_METHODS,
    EXPORT_COLUMNS,
    FALSE_WORDS,
    FORMULA_COLUMNS,
    LEVEL_LABELS,
    LEVEL_WORDS,
    LEVELS,
    METHOD_LABELS,
    METHOD_WORDS,
    TEXT_COLUMNS,
    TEXT_LIMIT,
    TEXT_LIMITS,
    TRUE_WORDS,
    Header,
    clean_text,
    column_letter,
    fold,
    forbidden_character,
    read_header,
)
from scoring.framework_tables import FrameworkFileError, read_table, write_csv, write_xlsx

__all__ = ["FrameworkFileError", "NodeSpec", "export_rows", "parse_nodes", "read_table", "to_csv", "to_xlsx"]

MAX_DECIMAL_PLACES = 4
# FrameworkNode.max_points is DecimalField(max_digits=12, decimal_places=4): below 10^8.
POINTS_LIMIT = Decimal(10) ** 8
FOUR_PLACES = Decimal("0.0001")
MAX_PROBLEMS = 500


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
    loss_kind: str = ""  # not a file column: set per node by the secretariat, carried into new versions


# ---------------------------------------------------------------- parsing and validation


class _Problems:
    """Problems found in a file, each with its row so that the list reads top to bottom."""

    def __init__(self):
        self.items: list[tuple[int, str]] = []

    def add(self, row: int, text: str) -> None:
        self.items.append((row, text))

    def __len__(self):
        return len(self.items)

    def texts(self) -> list[str]:
        texts = [text for _, text in sorted(self.items, key=lambda item: item[0])]
        if len(texts) > MAX_PROBLEMS:
            rest = len(texts) - MAX_PROBLEMS
            texts = [*texts[:MAX_PROBLEMS], f"… và {rest} lỗi khác; hãy sửa các lỗi trên rồi nhập lại."]
        return texts


@dataclass
class _Row:
    """One data row: its raw cells, where the columns are, and where its problems go."""

    number: int
    raw: list[str]
    header: Header
    problems: _Problems

    def get(self, column: str) -> str:
        position = self.header.index.get(column)
        return clean_text(self.raw[position]) if position is not None and position < len(self.raw) else ""

    def problem(self, column: str, message: str) -> None:
        self.problems.add(self.number, f"Dòng {self.number}, cột «{self.header.label(column)}»: {message}")


def parse_nodes(rows: list[list[str]]) -> list[NodeSpec]:
    """Validate framework rows; return node specs in code order or raise FrameworkFileError with every problem.

    Row numbers are those a spreadsheet shows (the header is row 1).
    """
    header = _parse_header(rows)
    problems = _Problems()
    specs: list[NodeSpec] = []
    incomplete: set[str] = set()  # parents with a child row that could not be read: their sum is unknown
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = _Row(number, raw, header, problems)
        spec = _parse_row(row)
        if spec is None:
            incomplete.update(_parents_named(row))
        else:
            specs.append(spec)
    if not specs and not problems:
        problems.add(2, "Tệp không có dòng tiêu chí nào.")
    by_code = _check_structure(specs, header, problems, incomplete)
    _check_sums(by_code, header, problems, incomplete)
    if problems:
        raise FrameworkFileError(problems.texts())
    _mark_scorable(specs)
    return specs


def _parse_header(rows: list[list[str]]) -> Header:
    if not rows:
        raise FrameworkFileError(["Tệp trống: không có dòng tiêu đề cột."])
    if not any(cell.strip() for cell in rows[0]):
        raise FrameworkFileError(["Dòng 1 trống: dòng đầu tiên của tệp phải là dòng tên cột."])
    problems = []
    for position, cell in enumerate(rows[0]):
        reason = forbidden_character(cell)
        if reason:
            problems.append(f"Dòng 1, cột {column_letter(position)}: {reason}")
    header, header_problems = read_header([clean_text(cell) for cell in rows[0]])
    problems.extend(header_problems)
    if problems:
        raise FrameworkFileError(problems)
    return header


def _parse_row(row: _Row) -> NodeSpec | None:
    before = len(row.problems)
    _check_cells(row)
    level = _coded(row, "level", LEVEL_WORDS, "cấp", "lĩnh vực, tiêu chí, tiêu chí thành phần")
    code = _code(row, level)
    name = row.get("name_vi")
    if not name:
        row.problem("name_vi", "thiếu tên tiêu chí.")
    _check_texts(row)
    max_points = _points(row)
    method = _coded(
        row,
        "method",
        METHOD_WORDS,
        "phương pháp",
        "thẩm định, điều tra xã hội học, hỗn hợp (mục cha có cả hai), điểm thưởng, điểm trừ",
    )
    verified = _verified(row)
    if len(row.problems) > before:
        return None
    return NodeSpec(
        row=row.number,
        level=level,
        code=code,
        parent_code=row.get("parent") or None,
        name=name,
        max_points=max_points,
        method=method,
        verified=verified,
        note=row.get("note"),
        guidance=row.get("guidance"),
        evidence_requirement=row.get("evidence_requirement"),
        advising_agency=row.get("advising_agency"),
    )


def _check_cells(row: _Row) -> None:
    """Forbidden characters in any cell, and cells beyond the header (a comma outside quotes shifts a row)."""
    for position, cell in enumerate(row.raw):
        reason = forbidden_character(cell)
        if reason:
            row.problems.add(row.number, f"Dòng {row.number}, {row.header.cell_name(position)}: {reason}")
    filled = [position for position, cell in enumerate(row.raw) if cell.strip()]
    width = row.header.width
    if filled[-1] >= width:
        row.problems.add(
            row.number,
            f"Dòng {row.number}: có {filled[-1] + 1} ô nhưng dòng tiêu đề chỉ có {width} cột (ô thừa từ cột "
            f"{column_letter(width)}), có thể thiếu dấu ngoặc kép quanh nội dung có dấu phẩy.",
        )


def _coded(row: _Row, column: str, words: dict[str, str], noun: str, accepted: str) -> str | None:
    raw = row.get(column)
    value = words.get(fold(raw))
    if value is None:
        english = ", ".join(sorted(set(words.values())))
        message = f"thiếu {noun}" if not raw else f"{noun} «{shown(raw)}» không hợp lệ"
        row.problem(column, f"{message} (chỉ nhận {accepted}; hoặc {english}).")
    return value


def _code(row: _Row, level: str | None) -> str | None:
    code = row.get("code")
    if not code:
        row.problem("code", "thiếu mã.")
    elif not CODE_PATTERN.fullmatch(code):
        row.problem(
            "code",
            f"mã «{shown(code)}» không đúng dạng số theo vị trí (ví dụ 5, 5.1, 5.1.2; mỗi phần từ 1 đến 999).",
        )
    elif level is not None and depth(code) + 1 != LEVELS[level]:
        row.problem("code", f"mã «{code}» không khớp cấp {LEVEL_LABELS[level]}.")
    else:
        return code
    return None


def _check_texts(row: _Row) -> None:
    for column in TEXT_COLUMNS:
        text = row.get(column)
        limit = TEXT_LIMITS.get(column, TEXT_LIMIT)
        if len(text) > limit:
            row.problem(column, f"nội dung dài {len(text)} ký tự, vượt giới hạn {limit} ký tự.")
        if column in FORMULA_COLUMNS and text.startswith(("=", "+", "@")):
            row.problem(column, "nội dung không được bắt đầu bằng =, + hoặc @ (công thức bảng tính).")


def _points(row: _Row) -> Decimal | None:
    raw = row.get("max_points")
    if not raw:
        row.problem("max_points", "thiếu điểm tối đa.")
        return None
    if raw.startswith("-") and NUMBER_PATTERN.match(raw[1:]):
        row.problem("max_points", f"điểm tối đa phải lớn hơn 0 (đang là {shown(raw)}).")
        return None
    try:
        value = parse_decimal(raw, places=MAX_DECIMAL_PLACES)
    except NumberError as exc:
        row.problem("max_points", str(exc))
        return None
    if value <= 0:
        row.problem("max_points", f"điểm tối đa phải lớn hơn 0 (đang là {shown(raw)}).")
        return None
    if value >= POINTS_LIMIT:
        row.problem("max_points", f"«{shown(raw)}» quá lớn: điểm tối đa phải nhỏ hơn 100 triệu.")
        return None
    # `1,50000` is 1.5: keep at most 4 places so that the value fits the column exactly.
    return value.quantize(FOUR_PLACES) if value.as_tuple().exponent < -MAX_DECIMAL_PLACES else value


def _verified(row: _Row) -> bool:
    raw = row.get("verified")
    word = fold(raw)
    if word not in TRUE_WORDS | FALSE_WORDS:
        row.problem("verified", f"«{shown(raw)}» không hợp lệ (chỉ nhận có hoặc không; yes hoặc no).")
    return word in TRUE_WORDS


def _parents_named(row: _Row) -> set[str]:
    """Codes that may be the parent of a row that could not be read."""
    code = row.get("code")
    named = {row.get("parent")}
    if CODE_PATTERN.fullmatch(code):
        named.add(parent_of(code))
    return {code for code in named if code}


def _check_structure(
    specs: list[NodeSpec], header: Header, problems: _Problems, incomplete: set[str]
) -> dict[str, NodeSpec]:
    """Cross-row rules: unique codes, parents present and positional (so no cycles), methods consistent.

    Returns the nodes by code; parents of misplaced rows are added to `incomplete`.
    """

    def problem(spec: NodeSpec, column: str, message: str) -> None:
        problems.add(spec.row, f"Dòng {spec.row}, cột «{header.label(column)}»: {message}")
        incomplete.add(parent_of(spec.code) or "")

    by_code: dict[str, NodeSpec] = {}
    for spec in specs:
        if spec.code in by_code:
            problem(spec, "code", f"mã «{spec.code}» trùng với dòng {by_code[spec.code].row}.")
            continue
        by_code[spec.code] = spec

    for spec in by_code.values():
        expected_parent = parent_of(spec.code)
        if spec.level == "domain":
            if spec.parent_code:
                problem(spec, "parent", f"lĩnh vực «{spec.code}» không được có mục cha.")
            continue
        if spec.parent_code != expected_parent:
            problem(
                spec,
                "parent",
                f"«{spec.code}» phải thuộc «{expected_parent}», không phải «{shown(spec.parent_code or '')}».",
            )
            continue
        parent = by_code.get(spec.parent_code)
        if parent is None:
            problem(spec, "parent", f"không có mục cha «{spec.parent_code}» trong tệp.")
            continue
        # The level needs no check here: a row's level matches its code's depth, and its parent's code is
        # its code's prefix, so the parent is exactly one level up.
        if parent.method == "mixed" and spec.method in ADJUSTMENT_METHODS:
            problem(
                spec,
                "method",
                f"«{spec.code}» là {METHOD_LABELS[spec.method]} nên phải thuộc một lĩnh vực {METHOD_LABELS[spec.method]} "
                f"riêng, không thuộc mục hỗn hợp «{parent.code}».",
            )
        elif parent.method != "mixed" and parent.method != spec.method:
            problem(
                spec,
                "method",
                f"«{spec.code}» có phương pháp {METHOD_LABELS[spec.method]} nhưng mục cha «{parent.code}» là "
                f"{METHOD_LABELS[parent.method]} (mục cha có cả hai phương pháp thì ghi hỗn hợp).",
            )
    return by_code


def _check_sums(
    by_code: dict[str, NodeSpec], header: Header, problems: _Problems, incomplete: set[str]
) -> None:
    """A parent's max points are the sum of its children's (DOMAIN.md, "The framework")."""
    children: dict[str, list[NodeSpec]] = {}
    for spec in by_code.values():
        if spec.parent_code in by_code and spec.parent_code == parent_of(spec.code):
            children.setdefault(spec.parent_code, []).append(spec)
    for code, kids in children.items():
        parent = by_code[code]
        total = sum((kid.max_points for kid in kids), Decimal(0))
        if code in incomplete or total == parent.max_points:
            continue
        problems.add(
            parent.row,
            f"Dòng {parent.row}, cột «{header.label('max_points')}»: điểm tối đa của "
            f"{LEVEL_LABELS[parent.level]} «{code}» là {format_points(parent.max_points)} nhưng tổng điểm tối đa "
            f"của {len(kids)} mục con là {format_points(total)}.",
        )


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
    return write_csv(export_rows(specs))


def to_xlsx(specs: list[NodeSpec], title: str = "Bộ tiêu chí") -> bytes:
    return write_xlsx(export_rows(specs), title)
