"""The national tables: a year's ranking of all provinces, and one province against it (rank in the country and
in every group of provinces it belongs to, distance from the mean, its earlier years and its predecessors')."""

from django.db.models import Count, Q
from django.http import Http404

from scoring import calculator
from scoring.models import NationalRow, NationalYear
from scoring.national_io import year_day
from units.models import Unit, UnitGroup

COMPONENTS = [
    ("appraisal_points", "Điểm thẩm định LV1–7", "mean_appraisal"),
    ("impact_8_1", "Tác động 8.1", "mean_impact_8_1"),
    ("survey_points", "Điểm điều tra LV1–7", "mean_survey"),
    ("impact_8_2", "Tác động 8.2", "mean_impact_8_2"),
]


def national_years() -> list[NationalYear]:
    return list(NationalYear.objects.annotate(province_count=Count("rows")).order_by("-year"))


def _year_or_404(year: int) -> NationalYear:
    national_year = NationalYear.objects.filter(year=year).first()
    if national_year is None:
        raise Http404("Chưa có bảng xếp hạng toàn quốc của năm này.")
    return national_year


def _year_info(national_year: NationalYear, count: int) -> dict:
    return {
        "year": national_year.year,
        "title": national_year.title,
        "source": national_year.source,
        "province_count": count,
        "mean_index": national_year.mean_index,
        "imported_at": national_year.imported_at,
    }


def _components(national_year: NationalYear, rows) -> list[dict]:
    """The components the year has (impact 8.1 and 8.2 only where published)."""
    return [
        {"field": name, "label": label, "mean": getattr(national_year, mean)}
        for name, label, mean in COMPONENTS
        if any(getattr(row, name) is not None for row in rows)
    ]


def national_table(year: int) -> dict:
    """A year's table as published: rank, province, components, total, index and its distance from the mean."""
    national_year = _year_or_404(year)
    rows = list(NationalRow.objects.filter(national_year=national_year).select_related("unit"))
    mean = national_year.mean_index or calculator.mean(row.index for row in rows)
    components = _components(national_year, rows)
    return {
        "national_year": _year_info(national_year, len(rows)),
        "components": components,
        "mean_index": mean,
        "rows": [
            {
                "rank": row.published_rank,
                "unit_code": row.unit.code,
                "name": row.unit.short_name or row.unit.name,
                "published_name": row.published_name,
                "components": [getattr(row, c["field"]) for c in components],
                **{name: getattr(row, name) for name, _, _ in COMPONENTS},
                "total": row.total,
                "index": row.index,
                "from_mean": row.index - mean if mean is not None else None,
            }
            for row in rows
        ],
    }


def group_ranks(national_year: NationalYear, unit: Unit) -> list[dict]:
    """The unit's rank in each group it belongs to that is in use in the year (e.g. the five centrally-run
    cities until 2024, the six from 2025), among the group's provinces in the year's table (ties shared);
    groups holding the whole table (the national ranking itself) are left out."""
    day = year_day(national_year.year)
    groups = list(
        UnitGroup.objects.filter(members=unit)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )
        .prefetch_related("members")
    )
    indexes = dict(NationalRow.objects.filter(national_year=national_year).values_list("unit_id", "index"))
    ranks = []
    for group in groups:
        members = {m.pk: indexes[m.pk] for m in group.members.all() if m.pk in indexes}
        if len(members) < 2 or len(members) == len(indexes):
            continue
        ranked = calculator.competition_ranks(members)
        ranks.append({"code": group.code, "name": group.name, "rank": ranked[unit.pk], "size": len(members)})
    return sorted(ranks, key=lambda item: item["size"])


def province_comparison(unit_code: str, year: int) -> dict | None:
    """One province in the year's national table: rank of how many, index and mean, each component against
    its mean, group ranks; and its rows of every year with those of its predecessors. None when the year has
    no national table or the province is not in it."""
    row = (
        NationalRow.objects.filter(national_year__year=year, unit__code=unit_code)
        .select_related("national_year", "unit")
        .first()
    )
    if row is None:
        return None
    national_year = row.national_year
    counts = dict(NationalYear.objects.annotate(n=Count("rows")).values_list("year", "n"))
    count = counts[national_year.year]
    mean = national_year.mean_index
    return {
        "national_year": _year_info(national_year, count),
        "rank": row.published_rank,
        "of": count,
        "index": row.index,
        "mean_index": mean,
        "from_mean": row.index - mean if mean is not None else None,
        "components": [
            {
                "label": c["label"],
                "points": getattr(row, c["field"]),
                "mean": c["mean"],
                "from_mean": getattr(row, c["field"]) - c["mean"] if c["mean"] is not None else None,
            }
            for c in _components(national_year, [row])
        ],
        "groups": group_ranks(national_year, row.unit),
        "history": province_history(row.unit, counts),
    }


def province_history(unit: Unit, counts: dict[int, int]) -> list[dict]:
    """The province's national rank and index in every stored year, and its predecessors' (before a merger),
    newest first. `counts`: the number of provinces of each year."""
    units = [unit, *unit.predecessors.all()]
    rows = NationalRow.objects.filter(unit__in=units).select_related("national_year", "unit")
    return [
        {
            "year": row.national_year.year,
            "unit_code": row.unit.code,
            "name": row.unit.short_name or row.unit.name,
            "predecessor": row.unit_id != unit.pk,
            "rank": row.published_rank,
            "of": counts[row.national_year.year],
            "index": row.index,
        }
        for row in sorted(rows, key=lambda r: (-r.national_year.year, r.unit_id != unit.pk, r.unit.name))
    ]


def national_export(year: int, province_code: str) -> dict:
    """The national table of the year and one province against it, for the official workbook."""
    table = national_table(year)
    province = Unit.objects.filter(code=province_code).first()
    return {
        "table": table,
        "province_code": province_code,
        "province_name": (province.name if province else ""),
        "comparison": province_comparison(province_code, year) if province else None,
    }
