"""The site search: units with their published results, frameworks, framework nodes and published periods,
matched on folded text (no case, no accents: "cap tinh" finds «cấp tỉnh») on SQLite and PostgreSQL alike."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from scoring import policy
from scoring.models import FrameworkNode, FrameworkStatus, Period, PublishedUnit
from scoring.selectors.public import public_frameworks
from units.folding import fold, folded_parts
from units.models import Unit

LIMIT = 50  # per kind; a longer list asks for a more precise search


def _published_in_public_periods():
    return PublishedUnit.objects.filter(publication__period__status__in=policy.PUBLIC_PERIOD_STATUSES)


def _unit_results(codes: list[str]) -> dict[str, list[dict]]:
    """Each unit's result in the latest publication of every public period, newest year first."""
    rows = (
        _published_in_public_periods()
        .filter(unit_code__in=codes)
        .order_by("-publication__period__year", "publication__period__code", "-publication__version")
        .values(
            "unit_code",
            "unit_name",
            "group_code",
            "rank",
            "index",
            "band",
            "excluded",
            "publication__version",
            "publication__period__code",
            "publication__period__title",
            "publication__period__year",
            "publication__period__is_demo",
        )
    )
    results: dict[str, list[dict]] = {}
    seen = set()
    for row in rows:
        key = (row["unit_code"], row["publication__period__code"])
        if key in seen:  # an earlier version of the same period
            continue
        seen.add(key)
        results.setdefault(row["unit_code"], []).append(
            {
                "period_code": row["publication__period__code"],
                "period_title": row["publication__period__title"],
                "year": row["publication__period__year"],
                "is_demo": row["publication__period__is_demo"],
                "publication_version": row["publication__version"],
                "group_code": row["group_code"],
                "published_name": row["unit_name"],
                "rank": row["rank"],
                "index": row["index"],
                "band": row["band"],
                "excluded": row["excluded"],
                "url": reverse(
                    "scoring:scorecard", args=[row["publication__period__code"], row["unit_code"]]
                ),
            }
        )
    return results


def site_search(query: str) -> dict:
    """What the search page shows for `query` (already cleaned and capped by the form). Units are listed only
    when they have a published result; at most LIMIT items of each kind, `more` says which kinds had more.
    Five queries whatever the size of the data."""
    folded = fold(query)
    data = {
        "query": query,
        "limit": LIMIT,
        "units": [],
        "frameworks": [],
        "nodes": [],
        "periods": [],
        "more": {"units": False, "frameworks": False, "nodes": False, "periods": False},
    }
    if not folded:
        return data

    published = _published_in_public_periods().filter(unit_code=OuterRef("code"))
    # A unit formed by a merger has no result of its own yet, but its page shows its predecessors'.
    predecessor_published = Unit.predecessors.through.objects.filter(
        from_unit=OuterRef("pk"),
        to_unit__code__in=_published_in_public_periods().values("unit_code"),
    )
    units = list(
        Unit.objects.filter(Exists(published) | Exists(predecessor_published), search_text__contains=folded)
        .order_by("name", "code")
        .only("code", "name", "short_name")[: LIMIT + 1]
    )
    results = _unit_results([unit.code for unit in units[:LIMIT]])
    data["units"] = [
        {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "results": results.get(unit.code, []),
        }
        for unit in units[:LIMIT]
    ]

    frameworks = public_frameworks(query)
    data["frameworks"] = [
        {
            "code": framework.code,
            "title": framework.title,
            "decision_number": framework.decision_number,
            "decision_date": framework.decision_date,
            "aliases": framework.aliases,
            "status": framework.get_status_display(),
            "is_demo": framework.is_demo,
            "url": reverse("scoring:framework", args=[framework.code]),
        }
        for framework in frameworks[:LIMIT]
    ]

    nodes = list(
        FrameworkNode.objects.filter(search_text__contains=folded)
        .exclude(framework__status=FrameworkStatus.DRAFT)
        .select_related("framework")
        .only("code", "name", "level", "max_points", "framework__code", "framework__title")
        .order_by("framework__code", "order")[: LIMIT + 1]
    )
    data["nodes"] = [
        {
            "framework_code": node.framework.code,
            "framework_title": node.framework.title,
            "code": node.code,
            "level": node.level,
            "level_label": node.get_level_display(),
            "name": node.name,
            "max_points": node.max_points,
            "url": reverse("scoring:framework", args=[node.framework.code]) + f"#muc-{node.code}",
        }
        for node in nodes[:LIMIT]
    ]

    # Public periods are a few dozen at most: folded here rather than stored.
    periods = [
        period
        for period in Period.objects.filter(status__in=policy.PUBLIC_PERIOD_STATUSES)
        .order_by("-year", "code")
        .only("code", "title", "year", "is_demo")
        if folded in folded_parts(period.title, period.code, period.year)
    ]
    data["periods"] = [
        {
            "code": period.code,
            "title": period.title,
            "year": period.year,
            "is_demo": period.is_demo,
            "url": reverse("scoring:period", args=[period.code]),
        }
        for period in periods[:LIMIT]
    ]
    data["more"] = {
        "units": len(units) > LIMIT,
        "frameworks": len(frameworks) > LIMIT,
        "nodes": len(nodes) > LIMIT,
        "periods": len(periods) > LIMIT,
    }
    return data
