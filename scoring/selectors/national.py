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


# The components a province is compared on, in the order of the published analyses: (row field, label, field of
# the published national mean or None when the Ministry publishes none, in which case the mean is computed).
COMPARED = [
    ("appraisal_points", "Điểm thẩm định LV1–7", "mean_appraisal"),
    ("survey_points", "Điểm điều tra LV1–7", "mean_survey"),
    ("impact_8_1", "Tác động 8.1", "mean_impact_8_1"),
    ("impact_8_2", "Tác động 8.2", "mean_impact_8_2"),
    ("total", "Tổng điểm", None),
    ("index", "Chỉ số PAR INDEX (%)", "mean_index"),
]


def _groups_in_use(national_year: NationalYear, unit: Unit) -> list[UnitGroup]:
    """The named groups the unit belongs to that are in use in the year (e.g. the five centrally-run cities
    until 2024, the six from 2025), with their members."""
    day = year_day(national_year.year)
    return list(
        UnitGroup.objects.filter(members=unit)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )
        .prefetch_related("members")
    )


def _year_values(national_year: NationalYear) -> dict[int, dict]:
    """Every province's compared figures in the year, by unit id (one query: the table has 34 or 63 rows)."""
    fields = [field for field, _, _ in COMPARED]
    rows = NationalRow.objects.filter(national_year=national_year).values("unit_id", *fields)
    return {row["unit_id"]: row for row in rows}


def _standing(unit_id, field: str, values: dict[int, dict], member_ids) -> dict:
    """The unit's figure against a set of provinces: their mean, the difference and the unit's rank (compared
    at 2 places, ties shared, as the published ranking does) among those with a figure."""
    figures = {pk: values[pk][field] for pk in member_ids if pk in values and values[pk][field] is not None}
    mean = calculator.mean(figures.values())
    own = values[unit_id][field]
    return {
        "mean": mean,
        "from_mean": own - mean if own is not None and mean is not None else None,
        "rank": calculator.competition_ranks(figures).get(unit_id) if own is not None else None,
        "size": len(figures),
    }


def group_ranks(national_year: NationalYear, unit: Unit) -> list[dict]:
    """The unit's rank in each group it belongs to that is in use in the year, among the group's provinces in
    the year's table (ties shared); groups holding the whole table (the national ranking itself) are left out."""
    groups, _ = _group_standings(national_year, unit, _year_values(national_year))
    return groups


def _group_standings(national_year: NationalYear, unit: Unit, values: dict[int, dict]):
    """(groups with the unit's index rank and mean index, {group code: member ids in the year's table})."""
    ranks, members_of = [], {}
    for group in _groups_in_use(national_year, unit):
        members = [m.pk for m in group.members.all() if m.pk in values]
        if len(members) < 2 or len(members) == len(values):
            continue
        standing = _standing(unit.pk, "index", values, members)
        members_of[group.code] = members
        ranks.append(
            {
                "code": group.code,
                "name": group.name,
                "rank": standing["rank"],
                "size": len(members),
                "mean_index": standing["mean"],
                "from_mean": standing["from_mean"],
            }
        )
    ranks.sort(key=lambda item: item["size"])
    return ranks, members_of


def province_comparison(unit_code: str, year: int) -> dict | None:
    """One province in the year's national table: rank of how many, index and mean; each component (appraisal
    and survey points of domains 1–7, impacts 8.1 and 8.2, total, index) against the national mean and the mean
    of every named group it belongs to that year, with its rank in each; and its rows of every year with those
    of its predecessors, with the change from its previous year. None when the year has no national table or
    the province is not in it. A fixed number of queries."""
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
    values = _year_values(national_year)
    groups, members_of = _group_standings(national_year, row.unit, values)
    mean = national_year.mean_index
    return {
        "national_year": _year_info(national_year, count),
        "rank": row.published_rank,
        "of": count,
        "index": row.index,
        "mean_index": mean,
        "from_mean": row.index - mean if mean is not None else None,
        "components": _compared_components(national_year, row, values, groups, members_of),
        "groups": groups,
        "history": province_history(row.unit, counts),
    }


def _compared_components(national_year, row, values, groups, members_of) -> list[dict]:
    """Each component the year has, against the country (the published mean where there is one) and each
    group. The national rank of the index is the published rank."""
    present = [
        (field, label, mean_field)
        for field, label, mean_field in COMPARED
        if any(v[field] is not None for v in values.values())
    ]
    components = []
    for field, label, mean_field in present:
        national = _standing(row.unit_id, field, values, values.keys())
        published_mean = getattr(national_year, mean_field) if mean_field else None
        if published_mean is not None:
            national["mean"] = published_mean
            own = getattr(row, field)
            national["from_mean"] = own - published_mean if own is not None else None
        if field == "index":
            national["rank"] = row.published_rank
        components.append(
            {
                "key": field,
                "label": label,
                "points": getattr(row, field),
                **national,
                "groups": [
                    {"code": g["code"], **_standing(row.unit_id, field, values, members_of[g["code"]])}
                    for g in groups
                ],
            }
        )
    return components


def province_history(unit: Unit, counts: dict[int, int]) -> list[dict]:
    """The province's national rank and index in every stored year, and its predecessors' (before a merger),
    newest first, each with the change from the same province's previous stored year (the rank change only
    between tables of the same number of provinces). `counts`: the number of provinces of each year."""
    units = [unit, *unit.predecessors.all()]
    rows = sorted(
        NationalRow.objects.filter(unit__in=units).select_related("national_year", "unit"),
        key=lambda r: (-r.national_year.year, r.unit_id != unit.pk, r.unit.name),
    )
    earlier: dict[int, NationalRow] = {}  # each unit's row of the year before, filled oldest first
    changes = {}
    for item in reversed(rows):
        before = earlier.get(item.unit_id)
        same_size = (
            before is not None and counts[before.national_year.year] == counts[item.national_year.year]
        )
        changes[item.pk] = {
            "previous_year": before.national_year.year if before else None,
            "index_change": item.index - before.index if before else None,
            "rank_change": before.published_rank - item.published_rank if same_size else None,
        }
        earlier[item.unit_id] = item
    return [
        {
            "year": item.national_year.year,
            "unit_code": item.unit.code,
            "name": item.unit.short_name or item.unit.name,
            "predecessor": item.unit_id != unit.pk,
            "rank": item.published_rank,
            "of": counts[item.national_year.year],
            "index": item.index,
            **changes[item.pk],
        }
        for item in rows
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
