"""The national PAR Index table of a year: previewed from a file, then written all or nothing with history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from scoring.models import NationalRow, NationalYear
from scoring.national_io import (
    COLUMNS,
    MEAN_COLUMNS,
    REQUIRED_HEADERS,
    NationalParse,
    Province,
    parse_national_table,
    year_day,
)
from scoring.services.audit import bulk_update_logged, require_secretariat, save_with_history
from scoring.services.previews import Preview
from scoring.spreadsheets import read_table
from units.models import Unit, UnitKind

FIRST_YEAR = 2012  # the PAR Index was first published for 2012
ROW_FIELDS = {
    "appraisal": "appraisal_points",
    "impact_8_1": "impact_8_1",
    "survey": "survey_points",
    "impact_8_2": "impact_8_2",
    "total": "total",
    "index": "index",
}
MEAN_FIELDS = {
    "appraisal": "mean_appraisal",
    "impact_8_1": "mean_impact_8_1",
    "survey": "mean_survey",
    "impact_8_2": "mean_impact_8_2",
    "index": "mean_index",
}


def provinces_of_year(year: int) -> list[Province]:
    """The provinces in force on the year's last day (63 until the 2025 merger, 34 after it)."""
    day = year_day(year)
    units = Unit.objects.filter(kind=UnitKind.PROVINCE).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    return [Province(u.pk, u.code, u.name, u.short_name) for u in units.order_by("code")]


def check_year(year) -> int:
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise ValidationError(f"Năm đánh giá phải từ {FIRST_YEAR} đến {this_year}.")
    return year


def national_parse(content: bytes, file_name: str, *, year: int, published_means=None) -> NationalParse:
    """The file read (spreadsheets.read_table refuses bad files) and every row and the whole table checked."""
    table = read_table(content, file_name, required=REQUIRED_HEADERS)
    return parse_national_table(
        table, year=year, provinces=provinces_of_year(year), published_means=published_means
    )


def national_preview(parse: NationalParse) -> Preview:
    """What the import would write, old → new against the year's stored table, or why it cannot."""
    if not parse.ok:
        return Preview(errors=parse.errors)
    stored = {
        row.unit_id: row
        for row in NationalRow.objects.filter(national_year__year=parse.year).select_related("unit")
    }
    changes = []
    for row in sorted(parse.rows, key=lambda r: (r.rank, r.province.name)):
        old = stored.get(row.province.pk)
        before = {key: getattr(old, name) for key, name in ROW_FIELDS.items()} if old else {}
        changes.append(
            {
                "row": row.row,
                "rank": row.rank,
                "old_rank": old.published_rank if old else None,
                "published_name": row.published_name,
                "unit_code": row.province.code,
                "unit_name": row.province.name,
                "matched_by": row.matched_by,
                "values": {key: row.values[key] for key in ROW_FIELDS},
                "old": before,
                "changed": not old
                or old.published_rank != row.rank
                or before != {k: row.values[k] for k in ROW_FIELDS},
            }
        )
    means = [
        {
            "label": COLUMNS[key].label,
            "computed": parse.computed_means[key],
            "published": parse.published_means.get(key),
        }
        for key in MEAN_COLUMNS
        if key in parse.computed_means
    ]
    return Preview(
        changes=changes,
        summary={
            "year": parse.year,
            "provinces": len(parse.rows),
            "changed": sum(1 for change in changes if change["changed"]),
            "replaces": bool(stored),
            "means": means,
            "columns": parse.columns,
        },
    )


def national_table_import(
    *, year: int, title: str, source: str, parse: NationalParse, acting_user, imported_at=None
) -> NationalYear:
    """Write a year's national table (new, or replacing the stored one) all or nothing, with history naming
    the acting user. `parse` must be clean (national_parse); the published means are stored with it."""
    require_secretariat(acting_user, "nhập bảng xếp hạng toàn quốc")
    if not parse.ok:
        raise ValidationError(parse.errors)
    title = title.strip() or f"Chỉ số cải cách hành chính cấp tỉnh năm {year} (PAR INDEX {year})"
    means = {field: parse.published_means.get(key) for key, field in MEAN_FIELDS.items()}
    with transaction.atomic():
        national_year = NationalYear.objects.select_for_update().filter(year=year).first()
        if national_year is None:
            national_year = NationalYear(year=year)
        national_year.title, national_year.source = title[:255], source.strip()
        for name, value in means.items():
            setattr(national_year, name, value)
        national_year.imported_at = imported_at or timezone.now()
        national_year.imported_by = acting_user
        national_year.full_clean()
        save_with_history(national_year, acting_user=acting_user, reason="Nhập bảng xếp hạng toàn quốc")
        stored = {row.unit_id: row for row in NationalRow.objects.filter(national_year=national_year)}
        new, changed = [], []
        for parsed in parse.rows:
            row = stored.pop(parsed.province.pk, None) or NationalRow(
                national_year=national_year, unit_id=parsed.province.pk
            )
            row.published_name = parsed.published_name[:255]
            row.published_rank = parsed.rank
            for key, name in ROW_FIELDS.items():
                setattr(row, name, parsed.values[key])
            row.full_clean(exclude=["national_year", "unit"])
            (changed if row.pk else new).append(row)
        for gone in stored.values():  # a province no longer in the year's list (a corrected table)
            gone._history_user = acting_user
            gone.delete()
        fields = ["published_name", "published_rank", *ROW_FIELDS.values()]
        bulk_update_logged(
            changed, NationalRow, fields, acting_user=acting_user, reason="Nhập lại bảng toàn quốc"
        )
        if new:
            bulk_create_with_history(new, NationalRow, batch_size=500, default_user=acting_user)
    return national_year
