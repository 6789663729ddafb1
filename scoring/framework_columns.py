"""The columns of a framework file: their names (English or Vietnamese), the words accepted in them, limits.

Headers and coded values (level, method, verified) are matched after `fold`: Unicode NFC, case folded,
trimmed, inner runs of spaces made one. So `Điểm tối đa`, `ĐIỂM  TỐI ĐA` and a decomposed (NFD) `điểm tối đa`
all name the max_points column.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

REQUIRED_COLUMNS = ["level", "code", "parent", "name_vi", "max_points", "method", "verified", "note"]
OPTIONAL_COLUMNS = ["guidance", "evidence_requirement", "advising_agency"]
EXPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TEXT_COLUMNS = ("parent", "name_vi", "note", *OPTIONAL_COLUMNS)
FORMULA_COLUMNS = ("name_vi", "note", *OPTIONAL_COLUMNS)  # a spreadsheet would run =, + or @ as a formula

# Every name a header cell may use for a column; the first Vietnamese name is the one shown in messages.
# The Vietnamese names include the model's verbose names, so a file exported by hand from the admin works.
COLUMN_NAMES = {
    "level": ("level", "cấp", "cấp độ"),
    "code": ("code", "mã", "mã số", "mã tiêu chí"),
    "parent": ("parent", "mã mục cha", "mục cha", "mã cha", "thuộc"),
    "name_vi": ("name_vi", "tên", "tên tiêu chí", "name"),
    "max_points": ("max_points", "điểm tối đa"),
    "method": ("method", "phương pháp", "phương pháp chấm", "phương pháp chấm điểm"),
    "verified": ("verified", "đã đối chiếu", "đã đối chiếu văn bản gốc"),
    "note": ("note", "ghi chú", "ghi chú nguồn"),
    "guidance": ("guidance", "hướng dẫn chấm điểm", "hướng dẫn"),
    "evidence_requirement": ("evidence_requirement", "tài liệu kiểm chứng", "tài liệu kiểm chứng yêu cầu"),
    "advising_agency": ("advising_agency", "cơ quan tham mưu"),
}

LEVELS = {"domain": 1, "criterion": 2, "subcriterion": 3}
LEVEL_LABELS = {"domain": "lĩnh vực", "criterion": "tiêu chí", "subcriterion": "tiêu chí thành phần"}
LEVEL_WORDS = {
    "domain": "domain",
    "lĩnh vực": "domain",
    "criterion": "criterion",
    "tiêu chí": "criterion",
    "tc": "criterion",
    "subcriterion": "subcriterion",
    "tiêu chí thành phần": "subcriterion",
    "tctp": "subcriterion",
}
METHOD_WORDS = {
    "appraisal": "appraisal",
    "thẩm định": "appraisal",
    "survey": "survey",
    "điều tra xã hội học": "survey",
    "xhh": "survey",
    "mixed": "mixed",
    "thẩm định và điều tra xã hội học": "mixed",
    "hỗn hợp": "mixed",
    "bonus": "bonus",
    "điểm thưởng": "bonus",
    "thưởng": "bonus",
    "deduction": "deduction",
    "điểm trừ": "deduction",
    "trừ": "deduction",
    "trừ điểm": "deduction",
}
METHOD_LABELS = {
    "appraisal": "thẩm định",
    "survey": "điều tra xã hội học",
    "mixed": "hỗn hợp",
    "bonus": "điểm thưởng",
    "deduction": "điểm trừ",
}
# Bonus and deduction parts (điểm thưởng, điểm trừ) stand outside the index's base: each is a top-level part
# (lĩnh vực level) of one of these methods, and every node under it has the same method.
ADJUSTMENT_METHODS = ("bonus", "deduction")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "có", "đã đối chiếu"}
FALSE_WORDS = {"no", "n", "false", "0", "không", "chưa", ""}

# Longest text per column, in characters. code and advising_agency are the model's CharField max_length
# (scoring/models/frameworks.py; a test keeps them equal); the others are TextFields, capped at a length no
# real criterion text reaches so that a pasted document or a runaway cell is refused rather than stored.
TEXT_LIMIT = 5000
TEXT_LIMITS = {"code": 32, "parent": 32, "advising_agency": 255}


def fold(text: str) -> str:
    """The form in which headers and coded words are compared."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(folded.split())


_ALIASES = {fold(name): column for column, names in COLUMN_NAMES.items() for name in names}


def vietnamese_name(column: str) -> str:
    return COLUMN_NAMES[column][1]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class Header:
    """Row 1 of a file: the names as written, and where each known column is."""

    labels: list[str]
    index: dict[str, int] = field(default_factory=dict)

    @cached_property
    def width(self) -> int:
        """Columns up to the last named one."""
        named = [position for position, label in enumerate(self.labels) if label]
        return named[-1] + 1 if named else 0

    def label(self, column: str) -> str:
        """The column as the file names it, for messages ("cột «điểm tối đa»")."""
        return self.labels[self.index[column]] if column in self.index else column

    def cell_name(self, position: int) -> str:
        """`cột «name»` for a named column, `cột L` for one without a name."""
        label = self.labels[position] if position < len(self.labels) else ""
        return f"cột «{label}»" if label else f"cột {column_letter(position)}"


def read_header(labels: list[str]) -> tuple[Header, list[str]]:
    """Match the header cells (already cleaned) to the columns; the problems of row 1, if any.

    Unknown names are ignored (a "STT" column is common); a column named twice and a missing required column
    are problems.
    """
    header = Header(labels=labels)
    problems = []
    for position, label in enumerate(labels):
        column = _ALIASES.get(fold(label))
        if column is None:
            continue
        if column in header.index:
            first = labels[header.index[column]]
            problems.append(
                f"Dòng 1, cột «{label}»: trùng với cột «{first}» (cả hai đều là cột {vietnamese_name(column)})."
            )
            continue
        header.index[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in header.index]
    if missing:
        names = ", ".join(f"«{column}» (hoặc «{vietnamese_name(column)}»)" for column in missing)
        problems.append(f"Dòng 1: thiếu cột {names}.")
    return header, problems


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(raw: str) -> str:
    """A cell as stored: NFC, line breaks as `\\n`, trimmed."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def forbidden_character(raw: str) -> str | None:
    """What is wrong with a cell holding a character no database column or spreadsheet should hold."""
    match = _FORBIDDEN.search(raw)
    if match is None:
        return None
    if match.group() == "\x00":
        return "có ký tự NUL (\\x00), không được phép; hãy xóa ký tự này."
    return f"có ký tự điều khiển không hiển thị được (U+{ord(match.group()):04X}), không được phép."
