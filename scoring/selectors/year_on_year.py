"""Ranks within named groups and the comparison with the previous comparable period, computed when a period is
published (scoring.services.publication) and stored in each published row; and those row keys read back.

Keys added to every published row (text decimals at full precision, as the rest of the snapshot):
  group_ranks          [{"code", "name", "rank", "size"}]: the unit's rank among the members of each of the
                       period's named ranking groups (Period.ranking_groups) that are ranked in the period, by
                       the same tie rule as the overall rank (calculator.competition_ranks); groups where fewer
                       than two members are ranked are left out, as in the national table.
  previous_period      code of the previous comparable period, or None
  previous_year        its year, or None
  previous_index       the compared result's index (text), or None
  previous_rank        its rank (int), or None
  previous_group_size  its group's size (int), or None
  index_change         index − previous_index (text, full precision), or None
  rank_change          previous_rank − rank (int; positive = moved up), or None
  previous_match       "code" (same unit code), "lineage" (the unit's one predecessor), "merged" (several
                       predecessors took part: no single result to compare), or None (nothing to compare)
  previous_label       what the comparison is against, for a reader: "" for the same unit, "so với … (tiền
                       thân)", "hợp nhất từ …, …"

The previous comparable period of a unit (the rule):
  1. the period's `previous` (Period.previous, set when a period is created from last year's) if it is public:
     every unit of the period is compared with it, or with nothing if neither it nor a predecessor took part;
  2. otherwise, the latest public period of an earlier year in which the unit, or one of its direct
     predecessors (Unit.predecessors), has a published result (latest publication version).
Within that period a unit is matched by its code, else through its direct predecessors: one predecessor with a
result is compared as if it were the unit (a renamed unit, or one part of a split); two or more mean a merger,
shown as "hợp nhất từ …" without a change. Excluded units (on either side) get no change.
"""

from decimal import Decimal

from django.db.models import Q

from scoring import calculator, policy
from scoring.models import Period, Publication, PublishedUnit
from units.models import Unit

PREVIOUS_KEYS = (
    "previous_period",
    "previous_year",
    "previous_index",
    "previous_rank",
    "previous_group_size",
    "index_change",
    "rank_change",
    "previous_match",
    "previous_label",
)


def _text(value):
    return None if value is None else str(value)


def _decimal(text):
    return None if text is None else Decimal(text)


# ---------------------------------------------------------------- at publication


def comparisons_for_publication(period: Period, rows: list[dict]) -> dict[str, dict]:
    """{unit code: the keys above} for the rows a publication is about to freeze. A fixed number of queries
    whatever the number of units and of earlier periods."""
    extras = {row["unit_code"]: {"group_ranks": []} for row in rows}
    for code, ranks in _group_ranks(period, rows).items():
        extras[code]["group_ranks"] = ranks
    previous = _previous_results(period, rows)
    for row in rows:
        extras[row["unit_code"]].update(previous[row["unit_code"]])
    return extras


def _ranked(row: dict) -> bool:
    return not row["excluded"] and row["rank"] is not None and row["index"] is not None


def _group_ranks(period: Period, rows: list[dict]) -> dict[str, list[dict]]:
    indexes = {row["unit_code"]: Decimal(row["index"]) for row in rows if _ranked(row)}
    out: dict[str, list[dict]] = {}
    for group in period.ranking_groups.order_by("name").prefetch_related("members"):
        members = {unit.code: indexes[unit.code] for unit in group.members.all() if unit.code in indexes}
        if len(members) < 2:
            continue
        for code, rank in calculator.competition_ranks(members).items():
            out.setdefault(code, []).append(
                {"code": group.code, "name": group.name, "rank": rank, "size": len(members)}
            )
    return out


def _previous_results(period: Period, rows: list[dict]) -> dict[str, dict]:
    codes = [row["unit_code"] for row in rows]
    predecessors: dict[str, list[tuple[str, str]]] = {}
    for successor, code, name in Unit.predecessors.through.objects.filter(
        from_unit__code__in=codes
    ).values_list("from_unit__code", "to_unit__code", "to_unit__name"):
        predecessors.setdefault(successor, []).append((code, name))
    candidates = list(
        Period.objects.filter(status__in=policy.PUBLIC_PERIOD_STATUSES)
        .filter(Q(year__lt=period.year) | Q(pk=period.previous_id))
        .exclude(pk=period.pk)
        .order_by("-year", "-published_at", "code")
    )
    fixed = next((p for p in candidates if p.pk == period.previous_id), None)
    if fixed is not None:
        candidates = [fixed]
    else:
        candidates = [p for p in candidates if p.year < period.year]
    latest: dict[int, int] = {}  # period id → id of its latest publication
    for publication_id, period_id in (
        Publication.objects.filter(period__in=candidates)
        .order_by("period_id", "-version")
        .values_list("id", "period_id")
    ):
        latest.setdefault(period_id, publication_id)
    wanted = set(codes) | {code for pairs in predecessors.values() for code, _ in pairs}
    published: dict[int, dict[str, dict]] = {}  # period id → {unit code: row}
    period_of = {publication: period_id for period_id, publication in latest.items()}
    for publication_id, unit_code, row in PublishedUnit.objects.filter(
        publication_id__in=latest.values(), unit_code__in=wanted
    ).values_list("publication_id", "unit_code", "row"):
        published.setdefault(period_of[publication_id], {})[unit_code] = row
    out = {}
    for row in rows:
        code = row["unit_code"]
        lineage = predecessors.get(code, [])
        chosen = fixed
        if chosen is None:  # candidates are newest first
            chosen = next(
                (
                    p
                    for p in candidates
                    if code in published.get(p.pk, {})
                    or any(c in published.get(p.pk, {}) for c, _ in lineage)
                ),
                None,
            )
        out[code] = _compare(row, chosen, published.get(chosen.pk, {}) if chosen else {}, lineage)
    return out


def _compare(row: dict, period: Period | None, results: dict[str, dict], lineage) -> dict:
    empty = dict.fromkeys(PREVIOUS_KEYS) | {"previous_label": ""}
    if period is None:
        return empty
    if row["unit_code"] in results:
        match, label, previous = "code", "", results[row["unit_code"]]
    else:
        found = sorted((name, code) for code, name in lineage if code in results)
        if not found:
            return empty
        if len(found) > 1:
            return empty | {
                "previous_period": period.code,
                "previous_year": period.year,
                "previous_match": "merged",
                "previous_label": "hợp nhất từ " + ", ".join(name for name, _ in found),
            }
        match, label, previous = "lineage", f"so với {found[0][0]} (tiền thân)", results[found[0][1]]
    comparable = not row["excluded"] and not previous.get("excluded", False)
    index_change, rank_change = calculator.year_on_year(
        _decimal(row["index"]) if comparable else None,
        row["rank"] if comparable else None,
        _decimal(previous["index"]),
        previous["rank"],
    )
    return {
        "previous_period": period.code,
        "previous_year": period.year,
        "previous_index": previous["index"],
        "previous_rank": previous["rank"],
        "previous_group_size": previous.get("group_size"),
        "index_change": _text(index_change),
        "rank_change": rank_change,
        "previous_match": match,
        "previous_label": label,
    }


# ---------------------------------------------------------------- reading the published keys


def comparison_fields(row: dict) -> dict:
    """The keys above from a published row, decimals as Decimal; rows published before they existed read as
    having no named groups and nothing to compare."""
    return {
        "group_ranks": row.get("group_ranks", []),
        "previous_period": row.get("previous_period"),
        "previous_year": row.get("previous_year"),
        "previous_index": _decimal(row.get("previous_index")),
        "previous_rank": row.get("previous_rank"),
        "previous_group_size": row.get("previous_group_size"),
        "index_change": _decimal(row.get("index_change")),
        "rank_change": row.get("rank_change"),
        "previous_match": row.get("previous_match"),
        "previous_label": row.get("previous_label", ""),
    }
