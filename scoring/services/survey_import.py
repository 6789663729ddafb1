"""Survey points from a survey team's file: long form (unit, node, points) or wide form (a row per unit, a
column per survey node), read through a django-import-export resource in dry-run mode, previewed, then
written by the survey service (history naming the acting user, one recompute at the end).

The resource checks each row and reports row errors the way import-export does (invalid rows with a message
per field); it never saves: the write is `survey_points_record`, the same service as the survey grid.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import tablib
from django.core.exceptions import ValidationError
from import_export import fields as columns
from import_export import resources

from scoring import policy
from scoring.formatting import NumberError, format_number, shown
from scoring.models import Assessment, FrameworkNode, Method, ScoreEntry
from scoring.services.previews import Preview
from scoring.services.survey import SURVEY_PLACES, SurveyValue, survey_points_record
from scoring.spreadsheets import Table, cell_decimal, cell_text, fold, header_key, read_table
from units.models import Unit

UNIT_HEADERS = {"ma don vi", "don vi", "ten don vi", "unit", "unit code"}
NODE_HEADERS = {"ma tieu chi", "tieu chi", "node", "node code"}
POINTS_HEADERS = {"diem", "diem dieu tra", "diem dieu tra xa hoi hoc", "points"}
# The long-form dataset the resource reads: where each value came from, then the value.
COLUMNS = ["row", "unit_column", "node_column", "points_column", "unit", "node", "points"]


class Cell(NamedTuple):
    """A survey cell of the period as the checks need it."""

    pk: int
    max_points: Decimal
    survey_points: Decimal | None
    version: int
    not_applicable: bool


@dataclass
class SurveyCell:
    """One imported value: the instance the resource fills for each dataset row."""

    row: int = 0
    unit: Unit | None = field(default=None, repr=False)
    matched_by: str = ""
    node_code: str = ""
    points: object = None
    entry: Cell | None = field(default=None, repr=False)

    def __str__(self):  # import-export names each row's instance; the default would query the entry's labels
        return f"dòng {self.row}"


class Lookups:
    """Everything a row is checked against, read once: the period's assessments and survey entries, every
    unit by code and by folded name."""

    def __init__(self, period):
        self.period = period
        self.assessments = {
            a.unit_id: a
            for a in Assessment.objects.filter(period=period).select_related(
                "unit", "period_group__framework"
            )
        }
        # Plain tuples, not model instances: a period may have 100 000 survey cells.
        self.entries = {
            (unit_id, code): Cell(pk, max_points, points, version, not_applicable)
            for unit_id, code, pk, max_points, points, version, not_applicable in ScoreEntry.objects.filter(
                assessment__period=period, node__is_scorable=True
            )
            .values_list(
                "assessment__unit_id",
                "node__code",
                "pk",
                "node__max_points",
                "survey_points",
                "version",
                "not_applicable",
            )
            .iterator(chunk_size=5000)
        }
        self.survey_codes = set(
            FrameworkNode.objects.filter(
                framework__in=period.groups.values("framework"), is_scorable=True, method=Method.SURVEY
            ).values_list("code", flat=True)
        )
        units = list(Unit.objects.all())
        self.by_code = {u.code.lower(): u for u in units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            for name in {fold(unit.name), fold(unit.short_name)} - {""}:
                self.by_name.setdefault(name, []).append(unit)
        # Units of the period first when a name is shared with a unit of another level or year.
        for name, found in self.by_name.items():
            inside = [u for u in found if u.pk in self.assessments]
            self.by_name[name] = inside or found

    def unit(self, text: str) -> tuple[Unit, str]:
        unit = self.by_code.get(text.lower())
        if unit is not None:
            return unit, "mã"
        found = self.by_name.get(fold(text), [])
        if len(found) == 1:
            return found[0], f"tên «{shown(text)}»"
        if found:
            raise ValueError(f"tên «{shown(text)}» trùng nhiều đơn vị: hãy dùng mã đơn vị.")
        raise ValueError(f"không tìm thấy đơn vị «{shown(text)}» (theo mã hoặc tên).")


class SurveyPointsResource(resources.Resource):
    """Checks each long-form row: unit known and in the period, node a survey node of its framework, points a
    non-negative number of at most 4 decimals within the node's max, no duplicate (unit, node)."""

    unit = columns.Field(attribute="unit", column_name="unit")
    node = columns.Field(attribute="node_code", column_name="node")
    points = columns.Field(attribute="points", column_name="points")

    class Meta:
        skip_diff = True
        use_transactions = False
        clean_model_instances = False
        instance_loader_class = None  # set in __init__: nothing is loaded by id

    def __init__(self, lookups: Lookups):
        super().__init__()
        self._meta.instance_loader_class = _NoLoader
        self.lookups = lookups
        self.seen: dict[tuple[int, str], int] = {}
        self.cells: list[SurveyCell] = []
        self.outside: set[str] = set()  # units of the file that are not in the period

    def get_instance(self, instance_loader, row):
        return None

    def init_instance(self, row=None):
        return SurveyCell(row=row["row"])

    def import_instance(self, instance, row, **kwargs):
        lookups, errors = self.lookups, {}
        unit_text, code, raw = cell_text(row["unit"]), cell_text(row["node"]), row["points"]
        instance.node_code = code
        if not unit_text:
            errors["unit"] = "chưa có đơn vị."
        else:
            try:
                instance.unit, instance.matched_by = lookups.unit(unit_text)
            except ValueError as exc:
                errors["unit"] = str(exc)
        if instance.unit is not None and instance.unit.pk not in lookups.assessments:
            errors["unit"] = f"{instance.unit.name} không thuộc kỳ đánh giá này."
            self.outside.add(instance.unit.name)
        if code not in lookups.survey_codes:
            errors["node"] = f"«{shown(code)}» không phải tiêu chí điều tra xã hội học của kỳ đánh giá."
        try:
            instance.points = cell_decimal(raw, places=SURVEY_PLACES)
        except NumberError as exc:
            errors["points"] = str(exc) if cell_text(raw) else "chưa có điểm."
        if not errors:
            self._check_entry(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _check_entry(self, instance, errors):
        key = (instance.unit.pk, instance.node_code)
        entry = self.lookups.entries.get(key)
        if entry is None:
            errors["node"] = f"bộ tiêu chí của {instance.unit.name} không có tiêu chí {instance.node_code}."
        elif key in self.seen:
            errors["node"] = (
                f"{instance.unit.name}, tiêu chí {instance.node_code} đã có ở dòng {self.seen[key]}."
            )
        elif instance.points > entry.max_points:
            errors["points"] = (
                f"{format_number(instance.points, 4)} vượt điểm tối đa {format_number(entry.max_points, 4)} "
                f"của tiêu chí {instance.node_code}."
            )
        elif entry.not_applicable:
            errors["node"] = (
                f"tiêu chí {instance.node_code} của {instance.unit.name} đang được miễn điểm điều tra; bỏ miễn trên "
                "trang điểm điều tra trước."
            )
        elif policy.is_closed(self.lookups.assessments[instance.unit.pk].status):
            errors["unit"] = f"bản đánh giá của {instance.unit.name} đã chốt hoặc không xếp hạng."
        else:
            self.seen[key] = instance.row
            instance.entry = entry

    def save_instance(self, instance, is_create, row, **kwargs):
        """Never saves: the cell is kept for the preview and, once confirmed, for the survey service."""
        self.cells.append(instance)


class _NoLoader:
    def __init__(self, resource, dataset=None):
        pass


def _long_form(table: Table, lookups: Lookups) -> tablib.Dataset:
    """The file as the resource's long-form dataset, wide form unpivoted (empty cells are no value)."""
    keys = [header_key(h) for h in table.header]
    unit_at = next(i for i, key in enumerate(keys) if key in UNIT_HEADERS)
    node_at = next((i for i, key in enumerate(keys) if key in NODE_HEADERS), None)
    points_at = next((i for i, key in enumerate(keys) if key in POINTS_HEADERS), None)
    dataset = tablib.Dataset(headers=COLUMNS)
    if node_at is not None and points_at is not None:
        labels = (table.column_label(unit_at), table.column_label(node_at), table.column_label(points_at))
        for number, values in table.rows:
            dataset.append((number, *labels, values[unit_at], values[node_at], values[points_at]))
        return dataset
    node_columns = [(i, h) for i, h in enumerate(table.header) if h in lookups.survey_codes]
    if not node_columns:
        raise ValidationError(
            "Không nhận ra dạng tệp: cần các cột «Mã đơn vị», «Mã tiêu chí», «Điểm» (mỗi dòng một điểm), hoặc "
            "cột «Mã đơn vị» và mỗi tiêu chí điều tra một cột có tiêu đề là mã tiêu chí (ví dụ 8.1.1)."
        )
    unknown = [h for i, h in enumerate(table.header) if i != unit_at and h and h not in lookups.survey_codes]
    if unknown:
        raise ValidationError(
            f"Dòng tiêu đề có cột không phải tiêu chí điều tra của kỳ đánh giá: {', '.join(map(shown, unknown))}."
        )
    unit_label = table.column_label(unit_at)
    for number, values in table.rows:
        for index, code in node_columns:
            if cell_text(values[index]):
                dataset.append(
                    (
                        number,
                        unit_label,
                        None,
                        table.column_label(index),
                        values[unit_at],
                        code,
                        values[index],
                    )
                )
    return dataset


def survey_preview(period, content: bytes, file_name: str) -> Preview:
    """Every change the file would make (unit, node, old → new), its row errors named by row and column, and
    the reconciliation with the period's units; nothing is written."""
    if not policy.is_open(period.status):
        raise ValidationError(
            f"Chỉ nhập điểm điều tra khi kỳ đánh giá đang diễn ra (kỳ đang ở «{period.get_status_display()}»)."
        )
    table = read_table(content, file_name, required=[UNIT_HEADERS])
    lookups = Lookups(period)
    dataset = _long_form(table, lookups)
    resource = SurveyPointsResource(lookups)
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, collect_failed_rows=False)
    errors = []
    for invalid in result.invalid_rows:
        values = dict(zip(COLUMNS, dataset[invalid.number - 1], strict=True))
        for name, messages in invalid.field_specific_errors.items():
            column = values.get(f"{'node' if name == 'node_code' else name}_column") or values["unit_column"]
            errors.extend(f"Dòng {values['row']}, {column}: {message}" for message in messages)
    for number, row_errors in result.row_errors():
        errors.extend(
            f"Dòng {dataset[number - 1][0]}: lỗi không đọc được ({error.error})." for error in row_errors
        )
    in_file = {cell.unit.pk for cell in resource.cells}
    missing = sorted(
        a.unit.name
        for unit_id, a in lookups.assessments.items()
        if unit_id not in in_file and not policy.is_closed(a.status)
    )
    if not dataset.height:
        errors.append("Tệp không có điểm nào.")
    changes = [
        {
            "row": cell.row,
            "unit": cell.unit.name,
            "matched_by": cell.matched_by,
            "node": cell.node_code,
            "old": cell.entry.survey_points,
            "new": cell.points,
            "entry": cell.entry.pk,
            "version": cell.entry.version,
        }
        for cell in resource.cells
        if cell.entry.survey_points != cell.points
    ]
    preview = Preview(
        errors=errors,
        changes=changes,
        summary={
            "rows": dataset.height,
            "changed": len(changes),
            "unchanged": len(resource.cells) - len(changes),
            "units": len(in_file),
            "missing_units": missing,
            "outside_units": sorted(resource.outside),
            "done": f"Đã nhập {len(changes)} điểm điều tra xã hội học.",
        },
    )
    preview.payload = [SurveyValue(change["entry"], change["version"], change["new"]) for change in changes]
    return preview


def kept_values(values: list[SurveyValue]) -> list[list]:
    """The previewed values as JSON, kept with the file until the confirmation."""
    return [[value.entry_id, value.expected_version, str(value.points)] for value in values]


def values_kept(rows: list[list]) -> list[SurveyValue]:
    return [SurveyValue(entry_id, version, Decimal(points)) for entry_id, version, points in rows]


def survey_apply(period, preview: Preview, *, acting_user) -> int:
    """Write the previewed values through the survey service (all or nothing, one recompute), unless a cell
    was changed since the preview: then nothing is written and the cells are named."""
    values = preview.payload
    expected = {value.entry_id: value.expected_version for value in values}
    changed = [
        f"{unit}, tiêu chí {code}"
        for pk, version, unit, code in ScoreEntry.objects.filter(
            assessment__period=period, node__method=Method.SURVEY
        )
        .values_list("pk", "version", "assessment__unit__name", "node__code")
        .iterator(chunk_size=5000)
        if pk in expected and expected[pk] != version
    ]
    if changed:
        more = f" và {len(changed) - 10} ô khác" if len(changed) > 10 else ""
        raise ValidationError(
            "Dữ liệu đã thay đổi kể từ lúc xem trước (có người vừa nhập hoặc sửa): không nhập gì. Ô đã đổi: "
            f"{'; '.join(changed[:10])}{more}. Hãy tải tệp lên lại để xem bản xem trước mới."
        )
    return survey_points_record(period=period, acting_user=acting_user, values=values)
