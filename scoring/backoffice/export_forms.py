"""Forms of the workbook pages: the report's free text, and the offline self-assessment's upload and confirmation.

The filled offline file is read with scoring.spreadsheets.read_table (every bad file refused there), then every
cell is parsed with the web form's own fields (same numbers, same limits, same messages) and each row compared
with what is stored now: a change, a refusal named by row and column, a row someone else saved since the download,
or nothing to do. The preview's result travels to the confirmation signed (django.core.signing), so that any app
server can confirm it: no temporary file, no per-process cache.
"""

import datetime
import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from scoring.backoffice.fields import PointsField, TextField
from scoring.exports.offline import HEADERS, REQUIRED, assessment_key
from scoring.formatting import format_points, shown
from scoring.models import Method
from scoring.selectors import last_changes
from scoring.services.self_assessment import SELF_POINT_PLACES
from scoring.spreadsheets import Table, header_key, read_table
from scoring.workbooks import unescape_text

FIELDS = ("self_points", "declared_figures", "explanation")
FIELD_LABELS = {
    "self_points": "Điểm tự chấm",
    "declared_figures": "Số liệu kê khai",
    "explanation": "Thuyết minh",
}
SIGNING_SALT = "scoring.offline-self-assessment"
CONFIRM_MAX_AGE = 2 * 60 * 60  # seconds between the preview and the confirmation


class ReportForm(forms.Form):
    """What the unit adds to its self-assessment report; written into the workbook, not stored."""

    difficulties = TextField(label="Khó khăn, vướng mắc", widget=forms.Textarea(attrs={"rows": 3}))
    proposals = TextField(label="Đề xuất, kiến nghị", widget=forms.Textarea(attrs={"rows": 3}))


# ---------------------------------------------------------------- reading a filled file


@dataclass
class Upload:
    """A filled file read against the stored entries: what it changes, and what it cannot."""

    values: dict = field(default_factory=dict)  # code → {self_points, declared_figures, explanation}
    versions: dict = field(default_factory=dict)  # code → the version the row was downloaded with
    changes: list = field(default_factory=list)  # per node: row, code, name, fields [{field, old, new}]
    refusals: list = field(default_factory=list)  # Vietnamese messages naming the row and the column
    stale: list = field(default_factory=list)  # (row, code) of nodes someone saved since the download


def _text(value) -> str:
    """A text cell as typed: apostrophe escapes undone, NFC, trimmed; numbers and dates as they show."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and math.isfinite(value):
        value = format_points(Decimal(repr(value)))
    return unicodedata.normalize("NFC", unescape_text(str(value))).strip()


def _points(value, node) -> Decimal | None:
    """A self score cell, parsed by the web form's own field: None when empty, else ValidationError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError(f"«{shown(value)}» không phải là số.")
    text = format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value).strip()
    if text.startswith("-") and text[1:].strip()[:1].isdigit():
        raise ValidationError(
            f"Điểm {shown(text)} âm: điểm tự chấm từ 0 đến {format_points(node.max_points)}."
        )
    return PointsField(max_points=node.max_points, places=SELF_POINT_PLACES).clean(text)


def _version(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _node_problem(code: str, nodes: dict) -> str:
    node = nodes.get(code)
    if node is None:
        return f"không có tiêu chí mã «{shown(code)}» trong bộ tiêu chí của kỳ đánh giá."
    if not node.is_scorable:
        return f"{code} là lĩnh vực hoặc tiêu chí có tiêu chí thành phần, không chấm điểm trực tiếp."
    if node.method == Method.SURVEY:
        return f"tiêu chí {code} chấm bằng điều tra xã hội học; đơn vị không tự chấm."
    return f"tiêu chí {code} không có trong bản đánh giá này."


def read_upload(table: Table, *, key: str, nodes: dict, entries: dict) -> Upload:
    """The rows of a filled file against the framework's `nodes` and the assessment's self-scored `entries`
    (both by code). Rows whose values equal what is stored are left alone, whatever their version; rows missing
    from the file change nothing."""
    index = {header_key(header): position for position, header in enumerate(table.header)}
    column = {name: index[header_key(label)] for name, label in HEADERS.items() if header_key(label) in index}
    upload = Upload()
    foreign = [number for number, values in table.rows if _text(values[column["key"]]) != key]
    if foreign:
        rows = ", ".join(str(number) for number in foreign[:10]) + ("…" if len(foreign) > 10 else "")
        upload.refusals.append(
            f"Dòng {rows}, {table.column_label(column['key'])}: không thuộc bản tự đánh giá này ({key}). Hãy tải "
            "tệp Excel của chính bản tự đánh giá này rồi điền lại."
        )
        return upload
    rows_of = {}
    for number, values in table.rows:
        code = values[column["code"]]
        if not isinstance(code, str):
            upload.refusals.append(
                f"Dòng {number}, {table.column_label(column['code'])}: mã tiêu chí phải là văn bản («{shown(code)}» "
                "là số hoặc ô trống); hãy giữ nguyên mã như trong tệp đã tải."
            )
            continue
        rows_of.setdefault(code.strip(), []).append((number, values))
    for code, rows in rows_of.items():
        if len(rows) > 1:
            numbers = ", ".join(str(number) for number, _ in rows)
            upload.refusals.append(
                f"Dòng {numbers}: mã tiêu chí {shown(code)} lặp lại; mỗi tiêu chí chỉ một dòng."
            )
        elif code not in entries:
            number = rows[0][0]
            upload.refusals.append(
                f"Dòng {number}, {table.column_label(column['code'])}: {_node_problem(code, nodes)}"
            )
        else:
            _read_row(upload, table, column, *rows[0], entries[code])
    return upload


def _read_row(upload: Upload, table: Table, column: dict, number: int, values: tuple, entry) -> None:
    node = entry.node
    new, problems = {}, []
    try:
        new["self_points"] = _points(values[column["self_points"]], node)
    except ValidationError as error:
        problems += [f"{table.column_label(column['self_points'])}: {m}" for m in error.messages]
    for name in ("declared_figures", "explanation"):
        try:
            new[name] = TextField().clean(_text(values[column[name]]))
        except ValidationError as error:
            problems += [f"{table.column_label(column[name])}: {m}" for m in error.messages]
    version = _version(values[column["version"]])
    if version is None:
        problems.append(
            f"{table.column_label(column['version'])}: cột ẩn này đã bị sửa; hãy tải tệp mới rồi điền lại."
        )
    if problems:
        upload.refusals += [f"Dòng {number} (tiêu chí {node.code}), {problem}" for problem in problems]
        return
    old = {name: getattr(entry, name) for name in FIELDS}
    changed = [name for name in FIELDS if new[name] != old[name]]
    if not changed:
        return
    if version != entry.version:
        upload.stale.append((number, node.code))
        return
    upload.values[node.code] = new
    upload.versions[node.code] = version
    shown = {"self_points": format_points, "declared_figures": _or_dash, "explanation": _or_dash}
    upload.changes.append(
        {
            "row": number,
            "code": node.code,
            "name": node.name,
            "fields": [
                {"field": FIELD_LABELS[name], "old": shown[name](old[name]), "new": shown[name](new[name])}
                for name in changed
            ],
        }
    )


def _or_dash(text: str) -> str:
    return text or "–"


# ---------------------------------------------------------------- upload and confirmation


class OfflineUploadForm(forms.Form):
    """A filled offline file for the self-assessment `page` (scoring.selectors.self_assessment_page): cleaned
    into an Upload, or refused as a whole by scoring.spreadsheets.read_table (type, size, formulas…)."""

    upload = forms.FileField(
        allow_empty_file=True,  # read_table refuses it, with the same words as every import
        label="Tệp Excel đã điền",
        help_text="Tệp .xlsx đã tải từ trang này; tối đa theo cấu hình (mặc định 20 MB).",
    )

    def __init__(self, *args, page, **kwargs):
        self.page = page
        super().__init__(*args, **kwargs)

    def clean_upload(self) -> Upload:
        upload = self.cleaned_data["upload"]
        data = upload.read(settings.DATA_IMPORT_MAX_BYTES + 1)  # read_table refuses anything longer
        table = read_table(data, upload.name, required=REQUIRED)
        domains = self.page["domains"]
        nodes = {domain["node"].code: domain["node"] for domain in domains}
        nodes.update({row["node"].code: row["node"] for domain in domains for row in domain["rows"]})
        entries = {entry.node.code: entry for entry in self.page["entries"]}
        result = read_upload(table, key=assessment_key(self.page["assessment"]), nodes=nodes, entries=entries)
        changed_by = last_changes([entries[code] for _, code in result.stale])
        for number, code in result.stale:
            user, at = changed_by.get(entries[code].pk, (None, None))
            who = (user.get_full_name() or user.username) if user else "người khác"
            when = f" lúc {timezone.localtime(at):%d/%m/%Y %H:%M}" if at else ""
            result.refusals.append(
                f"Dòng {number}: tiêu chí {code} đã được {who} sửa{when} sau khi bạn tải tệp; giá trị trong tệp "
                "không được lưu. Hãy tải tệp mới để lấy giá trị hiện tại rồi điền lại."
            )
        return result


class OfflineConfirmForm(forms.Form):
    """The preview's changes, signed: confirming saves exactly what was shown, for this assessment and user."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment, user, **kwargs):
        self.assessment, self.user = assessment, user
        super().__init__(*args, **kwargs)

    @staticmethod
    def sign(*, assessment, user, upload: Upload) -> str:
        values = {
            code: [
                None if v["self_points"] is None else str(v["self_points"]),
                v["declared_figures"],
                v["explanation"],
            ]
            for code, v in upload.values.items()
        }
        return signing.dumps(
            {"a": assessment.pk, "u": user.pk, "v": values, "n": upload.versions},
            salt=SIGNING_SALT,
            compress=True,
        )

    def clean_payload(self) -> tuple[dict, dict]:
        """(values, versions) for services.self_assessment_save."""
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.SignatureExpired as exc:
            raise ValidationError("Bản xem trước đã quá 2 giờ: hãy tải tệp lên lại.") from exc
        except signing.BadSignature as exc:
            raise ValidationError("Dữ liệu xác nhận không hợp lệ: hãy tải tệp lên lại.") from exc
        if data.get("a") != self.assessment.pk or data.get("u") != self.user.pk:
            raise ValidationError("Dữ liệu xác nhận không thuộc bản tự đánh giá này: hãy tải tệp lên lại.")
        values = {
            code: {
                "self_points": None if points is None else Decimal(points),
                "declared_figures": figures,
                "explanation": explanation,
            }
            for code, (points, figures, explanation) in data["v"].items()
        }
        return values, data["n"]
