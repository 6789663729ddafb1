"""What a publication stores beside its snapshot, derived from it (pure): a summary of each group without its
rows, and each unit's row as database columns.

The snapshot (`Publication.groups`, `PublishedUnit.row`) is the published content and what the hash covers;
these copies let a one-unit page read its group's name without every other unit's row, and a ranking page
sort, search and page in the database. Migration 0011 filled them the same way for earlier publications.
"""

from decimal import Decimal, InvalidOperation

from scoring import calculator
from units.folding import folded_parts

CHANGE_KEYS = ("index_change", "rank_change")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _integer(value) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def group_summary(group: dict) -> dict:
    """A snapshot group without its rows: what the period and unit pages name, and the whole group's counts
    that a ranking page shows whatever page or search is asked for."""
    rows = group["rows"]
    counts: dict[str, int] = {}
    for row in rows:
        if row["band"]:
            counts[row["band"]] = counts.get(row["band"], 0) + 1
    mean = calculator.mean(
        Decimal(row["index"]) for row in rows if row["index"] is not None and not row.get("excluded", False)
    )
    return {
        "code": group["code"],
        "name": group["name"],
        "framework_code": group["framework_code"],
        "framework_title": group["framework_title"],
        "domains": group["domains"],
        "bands": group["bands"],
        "unit_count": len(rows),
        "mean_index": None if mean is None else str(mean),
        "band_counts": counts,
        "has_changes": any(row.get(key) is not None for row in rows for key in CHANGE_KEYS),
        "has_adjustments": bool(group.get("adjustments")),
    }


def unit_columns(row: dict, position: int) -> dict:
    """A published row's figures as PublishedUnit columns (`position`: its place in the group as published)."""
    return {
        "position": position,
        "unit_name": row["unit_name"],
        "search_name": folded_parts(row["unit_name"], row["unit_code"]),
        "rank": row["rank"],
        "points": _decimal(row["points"]),
        "max_points": _decimal(row["max_points"]),
        "index": _decimal(row["index"]),
        "band": row["band"] or "",
        "excluded": bool(row.get("excluded", False)),
        "domain_percentages": {f"lv{code}": percentage for code, _, _, percentage in row["domains"]},
        "index_change": _decimal(row.get("index_change")),
        "rank_change": _integer(row.get("rank_change")),
    }
