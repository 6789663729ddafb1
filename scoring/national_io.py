"""The Ministry's national PAR Index table read from a file: columns by their Vietnamese (or machine) headers in
any order, provinces matched by code or name, the mean row skipped and checked, ranks and means recomputed.

Pure parsing and checking against the given provinces; the write is scoring.services.national.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from scoring import calculator
from scoring.formatting import NumberError, format_fixed, shown
from scoring.spreadsheets import Header, Table, cell_decimal, cell_text, fold, header_key

# Columns by header: the Ministry's wording varies between years («Điểm thẩm định LV1-7», «Điểm đánh giá, thẩm
# định»…), so a header matches by the words it holds; the first column (in this order) a header matches wins.
COLUMNS = {
    "impact_8_1": Header("Tác động 8.1", fragments=(("8 1",), ("impact 8 1",))),
    "impact_8_2": Header("Tác động 8.2", fragments=(("8 2",), ("impact 8 2",))),
    "appraisal": Header("Điểm thẩm định LV1–7", fragments=(("tham dinh",), ("appraisal",))),
    "survey": Header("Điểm điều tra LV1–7", fragments=(("dieu tra",), ("survey",))),
    "total": Header("Tổng điểm", fragments=(("tong",), ("total",))),
    "index": Header("Chỉ số PAR INDEX (%)", fragments=(("chi so",), ("par index",))),
    "rank": Header("Xếp hạng", fragments=(("hang",), ("rank",))),
    "code": Header(
        "Mã tỉnh",
        keys=frozenset({"ma", "code"}),
        fragments=(("ma tinh",), ("ma don vi",), ("province code",)),
    ),
    "province": Header("Tỉnh, thành phố", fragments=(("tinh",), ("dia phuong",), ("don vi",), ("province",))),
}
OPTIONAL = {"impact_8_1", "impact_8_2", "code"}
POINT_COLUMNS = ["appraisal", "impact_8_1", "survey", "impact_8_2", "total", "index"]
MEAN_COLUMNS = ["appraisal", "impact_8_1", "survey", "impact_8_2", "index"]
MEAN_ROW_NAMES = ("trung binh", "binh quan", "ca nuoc", "tb", "mean", "average")
# Published components are rounded to 2 places: four of them may add up to the total ± 0.02.
SUM_TOLERANCE = Decimal("0.02")
REQUIRED_HEADERS = [header for key, header in COLUMNS.items() if key not in OPTIONAL]


@dataclass(frozen=True)
class Province:
    """A province of the year's list, as the parser matches it."""

    pk: int
    code: str
    name: str
    short_name: str


@dataclass
class ParsedRow:
    row: int
    province: Province
    published_name: str
    matched_by: str
    rank: int
    values: dict[str, Decimal | None]


@dataclass
class NationalParse:
    year: int
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    published_means: dict[str, Decimal] = field(default_factory=dict)
    computed_means: dict[str, Decimal] = field(default_factory=dict)
    computed_ranks: dict[int, int] = field(default_factory=dict)
    missing: list[Province] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def year_day(year: int) -> datetime.date:
    """The day a year's list of provinces is read on: its last day (the 2025 merger took effect on 1 July)."""
    return datetime.date(year, 12, 31)


def _names_of(province: Province) -> set[str]:
    names = {fold(province.name), fold(province.short_name)}
    for prefix in ("thanh pho ", "tinh ", "tp. ", "tp "):
        names |= {name.removeprefix(prefix) for name in set(names)}
    return {name for name in names if name}


def _columns(table: Table) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(table.header):
        key = header_key(text)
        column = next((c for c, header in COLUMNS.items() if c not in found and header.matches(key)), None)
        if column is not None:
            found[column] = index
    return found


def _is_mean_row(values: tuple, columns: dict[str, int]) -> bool:
    name = fold(values[columns["province"]])
    return not cell_text(values[columns["rank"]]) and name.startswith(MEAN_ROW_NAMES)


def parse_national_table(
    table: Table, *, year: int, provinces: list[Province], published_means: dict[str, Decimal] | None = None
) -> NationalParse:
    """Every row of the table checked: province known and once, numbers valid and non-negative, components
    adding up to the total; then all of them: every province of the year present, the ranks recomputed from
    the indexes (ties shared: 1, 2, 2, 4) equal the published ranks, the means recomputed equal the published
    means (the file's mean row, else `published_means`) at 2 places."""
    result = NationalParse(year=year, published_means=dict(published_means or {}))
    columns = _columns(table)
    result.columns = [key for key in COLUMNS if key in columns]
    by_code = {province.code: province for province in provinces}
    by_name: dict[str, list[Province]] = {}
    for province in provinces:
        for name in _names_of(province):
            by_name.setdefault(name, []).append(province)
    seen: dict[int, int] = {}

    def error(row: int, column: str, message: str) -> None:
        letter = table.column_label(columns[column]) if column in columns else ""
        result.errors.append(f"Dòng {row}, {letter}: {message}")

    for number, values in table.rows:
        if _is_mean_row(values, columns):
            for key in MEAN_COLUMNS:
                if key in columns and cell_text(values[columns[key]]):
                    try:
                        result.published_means[key] = cell_decimal(values[columns[key]])
                    except NumberError as exc:
                        error(number, key, str(exc))
            continue
        name = cell_text(values[columns["province"]])
        code = cell_text(values[columns["code"]]) if "code" in columns else ""
        province, matched_by = None, ""
        if code:
            province, matched_by = by_code.get(code), "mã"
            if province is None:
                error(
                    number, "code", f"không có tỉnh, thành phố mã «{shown(code)}» trong danh sách năm {year}."
                )
                continue
        else:
            candidates = by_name.get(fold(name).removeprefix("tp. "), [])
            if len(candidates) == 1:
                province, matched_by = candidates[0], "tên"
            else:
                problem = "trùng tên nhiều đơn vị" if candidates else f"không có trong danh sách năm {year}"
                error(number, "province", f"tỉnh, thành phố «{shown(name)}» {problem}.")
                continue
        if province.pk in seen:
            error(number, "province", f"{province.name} đã có ở dòng {seen[province.pk]}.")
            continue
        seen[province.pk] = number
        parsed: dict[str, Decimal | None] = {}
        bad = False
        for key in POINT_COLUMNS:
            raw = values[columns[key]] if key in columns else None
            if key in ("impact_8_1", "impact_8_2") and not cell_text(raw):
                parsed[key] = None
                continue
            try:
                parsed[key] = cell_decimal(raw)
            except NumberError as exc:
                error(number, key, str(exc) if cell_text(raw) else "chưa có số.")
                bad = True
        rank_text = cell_text(values[columns["rank"]])
        rank = int(rank_text) if rank_text.isascii() and rank_text.isdigit() else 0
        if not 1 <= rank <= 1000:
            error(number, "rank", f"thứ hạng «{shown(values[columns['rank']])}» không phải số nguyên dương.")
            bad = True
        if bad:
            continue
        parts = sum(
            (parsed[key] or calculator.ZERO) for key in ("appraisal", "impact_8_1", "survey", "impact_8_2")
        )
        if abs(parts - parsed["total"]) > SUM_TOLERANCE:
            error(
                number,
                "total",
                f"tổng điểm {format_fixed(parsed['total'])} khác tổng các thành phần {format_fixed(parts)}.",
            )
            continue
        result.rows.append(ParsedRow(number, province, name, matched_by, rank, parsed))

    present = {row.province.pk for row in result.rows}
    if not result.errors:
        result.missing = [p for p in provinces if p.pk not in present]
        if result.missing:
            names = ", ".join(p.short_name or p.name for p in result.missing)
            result.errors.append(f"Bảng thiếu {len(result.missing)} tỉnh, thành phố của năm {year}: {names}.")
    if result.errors:
        return result
    _check_ranks(result)
    _check_means(result)
    return result


def _check_ranks(result: NationalParse) -> None:
    result.computed_ranks = calculator.competition_ranks(
        {row.row: row.values["index"] for row in result.rows}
    )
    for row in result.rows:
        computed = result.computed_ranks[row.row]
        if computed != row.rank:
            result.errors.append(
                f"Dòng {row.row}: {row.province.name} có thứ hạng công bố {row.rank} nhưng theo chỉ số "
                f"{format_fixed(row.values['index'])} phải là {computed} (đồng chỉ số thì đồng hạng: 1, 2, 2, 4)."
            )


def _check_means(result: NationalParse) -> None:
    for key in MEAN_COLUMNS:
        values = [row.values[key] for row in result.rows if row.values[key] is not None]
        if not values:
            continue
        result.computed_means[key] = calculator.mean(values)
        published = result.published_means.get(key)
        if published is not None and calculator.round_display(
            result.computed_means[key]
        ) != calculator.round_display(published):
            result.errors.append(
                f"Bình quân «{COLUMNS[key].label}» tính được {format_fixed(result.computed_means[key])} khác bình quân "
                f"công bố {format_fixed(published)}."
            )
