"""A published group's ranking: sorted, searched and paged in the database (PublishedUnit's columns).

The whole group's figures (unit count, mean index, band counts) come from the publication's group summary, so
they stay the same whatever page, sort or search is shown. A page reads 100 rows; the downloads read every row
of the group lazily (streamed, see scoring.views).
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, IntegerField, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404

from scoring.formatting import shown
from scoring.models import PublishedUnit
from scoring.models.base import PERCENT
from scoring.selectors.public import (
    _decimal_or_none,
    _period_info,
    _publication,
    _publication_info,
    _row,
    group_summary,
    public_period,
)
from units.folding import fold

PER_PAGE = 100
QUERY_MAX_LENGTH = 100
ASCENDING, DESCENDING = "tang", "giam"
DIRECTION_LABELS = {ASCENDING: "tăng dần", DESCENDING: "giảm dần"}
# Column key in `?sap-xep=` → (heading, natural direction). Domain columns are `lv<code>`; the change columns
# exist only when the publication carries changes against an earlier period.
SORTS = {
    "hang": ("Hạng", ASCENDING),
    "ten": ("Đơn vị", ASCENDING),
    "diem": ("Tổng điểm", DESCENDING),
    "chi-so": ("Chỉ số (%)", DESCENDING),
    "xep-loai": ("Xếp loại", DESCENDING),
}
# Only for a framework with bonus or deduction parts: read from the published row (scoring.calculator
# apply_adjustments), in the table's order right after the total.
ADJUSTMENT_SORTS = {
    "diem-co-ban": ("Điểm cơ bản", DESCENDING),
    "diem-thuong": ("Điểm thưởng", DESCENDING),
    "diem-tru": ("Điểm trừ", ASCENDING),
}
ADJUSTMENT_KEYS = {"diem-co-ban": "base_points", "diem-thuong": "bonus", "diem-tru": "deduction"}
CHANGE_SORTS = {
    "thay-doi-chi-so": ("Thay đổi chỉ số", DESCENDING),
    "thay-doi-hang": ("Thay đổi hạng", DESCENDING),
}
ROW_FIELDS = ("unit_code", "row", "index_change", "rank_change")


@dataclass(frozen=True)
class Listing:
    """What to show of a ranking: a sort column and direction (None: the column's natural one), a search
    (accent- and case-insensitive, on the unit's name and code) and a page (None: every row)."""

    sort: str = "hang"
    direction: str | None = None
    search: str = ""
    page: int | None = None


def sort_columns(group: dict) -> dict[str, tuple[str, str]]:
    """The columns a group's ranking can be sorted by: key → (label, natural direction)."""
    columns = {}
    for key, column in SORTS.items():
        columns[key] = column
        if key == "diem" and group.get("has_adjustments"):
            columns.update(ADJUSTMENT_SORTS)
    if group.get("has_changes"):
        columns.update(CHANGE_SORTS)
    columns.update({f"lv{d['code']}": (f"LV{d['code']} (%)", DESCENDING) for d in group["domains"]})
    return columns  # in the order of the table's columns


def _sort_value(key: str, group: dict):
    if key == "hang":
        return F("rank")
    if key == "ten":
        return F("search_name")
    if key == "diem":
        return F("points")
    if key == "chi-so":
        return F("index")
    if key == "xep-loai":  # the band's place from the bottom: better bands sort higher
        bands = [name for name, _ in group["bands"]]
        return Case(
            *(When(band=name, then=Value(len(bands) - place)) for place, name in enumerate(bands)),
            default=Value(None),
            output_field=IntegerField(),
        )
    if key in ADJUSTMENT_KEYS:
        return Cast(KT(f"row__{ADJUSTMENT_KEYS[key]}"), DecimalField(**PERCENT))
    if key == "thay-doi-chi-so":
        return F("index_change")
    if key == "thay-doi-hang":
        return F("rank_change")
    return Cast(KT(f"domain_percentages__{key}"), DecimalField(**PERCENT))  # lv<code>


def _ordering(key: str, direction: str, group: dict) -> list:
    descending = direction == DESCENDING
    if key == "hang" and not descending:
        return ["position"]  # the published order (ranked first, by rank then name): read through its index
    order = []
    for value in (_sort_value(key, group), *([F("index")] if key == "xep-loai" else [])):
        order.append(value.desc(nulls_last=True) if descending else value.asc(nulls_last=True))
    return [*order, "position"]  # ties keep the published order


def _listed_row(unit: PublishedUnit, domain_codes: list[str]) -> dict:
    return {
        **_row(unit.row, domain_codes),
        "index_change": unit.index_change,
        "rank_change": unit.rank_change,
    }


def ranking_for_period(
    period_code: str,
    group_code: str,
    version: int | None = None,
    *,
    listing: Listing | None = None,
    lazy: bool = False,
) -> dict:
    """One group's ranking as published (latest version unless another is asked for): rank, unit, index,
    band, domain percentages, and the change against the previous period when published.

    `listing` chooses the sort, search and page (default: every row in the published order); an unknown
    sort column or a page past the last is a 404 with a Vietnamese message. `lazy`: rows are an iterator read
    in chunks (for streamed downloads) instead of a list. A fixed number of queries whatever the group's size.
    """
    listing = listing or Listing()
    period = public_period(period_code)
    publication = _publication(period, version)
    group = group_summary(publication, group_code)
    columns = sort_columns(group)
    if listing.sort not in columns:
        choices = ", ".join(f"{key} «{label}»" for key, (label, _) in columns.items())
        raise Http404(f"Không sắp xếp được theo «{shown(listing.sort)}». Các cột sắp xếp được: {choices}.")
    direction = listing.direction or columns[listing.sort][1]
    domain_codes = [d["code"] for d in group["domains"]]

    units = PublishedUnit.objects.filter(publication=publication, group_code=group_code)
    search = fold(listing.search[:QUERY_MAX_LENGTH])
    if search:
        units = units.filter(search_name__contains=search)
    found = units.count() if search else group["unit_count"]
    units = units.order_by(*_ordering(listing.sort, direction, group)).only(*ROW_FIELDS)
    pages = max(1, math.ceil(found / PER_PAGE))
    if listing.page is None:
        rows = (_listed_row(unit, domain_codes) for unit in units.iterator(chunk_size=500))
        rows = rows if lazy else list(rows)
    else:
        if listing.page > pages:
            raise Http404(
                f"Không có trang {listing.page}: "
                + (
                    f"kết quả tìm kiếm có {pages} trang."
                    if search
                    else f"bảng xếp hạng này có {pages} trang."
                )
            )
        start = (listing.page - 1) * PER_PAGE
        rows = [_listed_row(unit, domain_codes) for unit in units[start : start + PER_PAGE]]
    return {
        "period": _period_info(period),
        "publication": _publication_info(publication),
        "group": {"code": group["code"], "name": group["name"]},
        "framework": {"code": group["framework_code"], "title": group["framework_title"]},
        "domains": [
            {"code": d["code"], "name": d["name"], "max_points": Decimal(d["max_points"])}
            for d in group["domains"]
        ],
        "rows": rows,
        "unit_count": group["unit_count"],
        "mean_index": _decimal_or_none(group["mean_index"]),
        "bands": [
            {"name": name, "min_index": Decimal(minimum), "count": group["band_counts"].get(name, 0)}
            for name, minimum in group["bands"]
        ],
        "has_changes": group["has_changes"],
        "has_adjustments": group.get("has_adjustments", False),
        "listing": {
            "query": listing.search[:QUERY_MAX_LENGTH],
            "sort": listing.sort,
            "direction": direction,
            "found": found,
            "page": listing.page,
            "pages": pages,
            "per_page": PER_PAGE,
            "first_number": ((listing.page or 1) - 1) * PER_PAGE + 1,
            "last_number": ((listing.page or 1) - 1) * PER_PAGE + len(rows)
            if isinstance(rows, list)
            else None,
            "columns": {
                key: {"label": label, "natural": natural} for key, (label, natural) in columns.items()
            },
        },
    }
