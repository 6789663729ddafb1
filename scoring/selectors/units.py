"""A unit's public page (/don-vi/<code>/): who it is, its lineage, and its published results across periods,
with its direct predecessors' results labelled (a merged unit shows the history of the units it was formed
from) and, for a province, its rows of the national tables."""

from decimal import Decimal

from django.db.models import Count, Prefetch
from django.http import Http404

from scoring import policy
from scoring.models import NationalYear, PublishedUnit
from scoring.selectors.national import province_history
from scoring.selectors.year_on_year import comparison_fields
from units.models import Unit, UnitGroup, UnitKind


def _unit_info(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "valid_from": unit.valid_from, "valid_to": unit.valid_to}


def unit_history(unit_code: str) -> dict:
    """The unit, its predecessors and successors, and one row per public period in which it or a direct
    predecessor has a result (the latest publication of each), newest first. Reads only these units' published
    rows (never a whole publication): 5 queries, 7 for a province, whatever the number of periods."""
    by_name = Unit.objects.order_by("name")
    unit = (
        Unit.objects.select_related("parent")
        .prefetch_related(
            Prefetch("predecessors", queryset=by_name), Prefetch("successors", queryset=by_name)
        )
        .filter(code=unit_code)
        .first()
    )
    if unit is None:
        raise Http404("Không có đơn vị với mã này.")
    predecessors = list(unit.predecessors.all())
    names = {unit.code: unit.name, **{p.code: p.name for p in predecessors}}
    published = (
        PublishedUnit.objects.filter(
            unit_code__in=names, publication__period__status__in=policy.PUBLIC_PERIOD_STATUSES
        )
        .select_related("publication__period")
        .only(
            "unit_code",
            "group_code",
            "row",
            "publication__version",
            "publication__period__code",
            "publication__period__year",
            "publication__period__title",
            "publication__period__is_demo",
        )
        .order_by("-publication__period__year", "publication__period__code", "-publication__version")
    )
    latest, seen = [], set()
    for item in published:
        key = (item.publication.period_id, item.unit_code)
        if key not in seen:
            seen.add(key)
            latest.append(item)
    group_names = dict(
        UnitGroup.objects.filter(code__in={item.group_code for item in latest}).values_list("code", "name")
    )
    history = [_history_row(item, unit, names, group_names) for item in latest]
    history.sort(key=lambda h: (-h["year"], not h["own"], h["unit_name"], h["period_code"]))
    national = None
    if unit.kind == UnitKind.PROVINCE:
        counts = dict(NationalYear.objects.annotate(n=Count("rows")).values_list("year", "n"))
        national = province_history(unit, counts)
    return {
        "unit": {
            **_unit_info(unit),
            "short_name": unit.short_name,
            "kind": unit.kind,
            "kind_label": unit.get_kind_display(),
            "parent": _unit_info(unit.parent) if unit.parent else None,
            "active": unit.valid_to is None or unit.valid_to > policy.today(),
        },
        "predecessors": [_unit_info(p) for p in predecessors],
        "successors": [_unit_info(s) for s in unit.successors.all()],
        "history": history,
        "has_demo": any(h["is_demo"] for h in history),
        "national": national,
    }


def _history_row(item: PublishedUnit, unit: Unit, names: dict, group_names: dict) -> dict:
    period, row = item.publication.period, item.row
    own = item.unit_code == unit.code
    return {
        "year": period.year,
        "period_code": period.code,
        "period_title": period.title,
        "is_demo": period.is_demo,
        "publication_version": item.publication.version,
        "unit_code": item.unit_code,
        "unit_name": row.get("unit_name") or names[item.unit_code],
        "own": own,
        "lineage_label": "" if own else f"kết quả của {names[item.unit_code]}, tiền thân",
        "group_code": item.group_code,
        "group_name": group_names.get(item.group_code, item.group_code),
        "index": None if row["index"] is None else Decimal(row["index"]),
        "rank": row["rank"],
        "group_size": row["group_size"],
        "band": row["band"],
        "excluded": row.get("excluded", False),
        **comparison_fields(row),
    }
