"""The charts of the public pages, from the data their selectors return (pure: no ORM, no request).

Each function returns one chart for `{% include "scoring/charts/_chart.html" with chart=… %}`: its geometry
(scoring.charts), the SVG partial that draws it, a title and a description for screen readers, a note for every
reader, and the data table behind it ("Xem số liệu"). The views add them to the HTML context only: chart
geometry never goes into the JSON, CSV or Excel twins.
"""

from collections.abc import Iterable
from decimal import Decimal

from scoring import charts
from scoring.formatting import format_fixed, format_number

RANKING_LIMIT = 60  # bars drawn on a ranking page; beyond, the first and last 30 with a labelled break


def _chart(
    chart_id: str, template: str, geometry: dict, *, title: str, desc: str, table: dict, note: str = ""
):
    return {
        "id": chart_id,
        "template": f"scoring/charts/{template}",
        "geometry": geometry,
        "title": title,
        "desc": desc,
        "note": note,
        "table": table,
    }


def _bands_text(bands: Iterable[tuple[str, Decimal]]) -> str:
    return "; ".join(
        f"{name} từ {format_number(minimum)}" for name, minimum in sorted(bands, key=lambda b: -b[1])
    )


def _extremes_text(bars: list[charts.Bar]) -> str:
    valued = [bar for bar in bars if bar.value is not None]
    if not valued:
        return "Chưa có chỉ số."
    high = max(valued, key=lambda bar: bar.value)
    low = min(valued, key=lambda bar: bar.value)
    return f"Cao nhất {high.label} ({format_fixed(high.value)}), thấp nhất {low.label} ({format_fixed(low.value)})."


def ranking_chart_parts(data: dict, size: int = 10) -> list[dict]:
    """The ranking chart for a landscape A4 PDF: the bars cut into charts of `size` units each, drawn side by
    side (one tall chart would not fit a page, and an SVG cannot break across pages). More than RANKING_LIMIT
    units: the first and last 30, as on the page."""
    whole = ranking_chart({**data, "rows": data["rows"][:0]})  # title and bands only
    rows = data["rows"]
    if len(rows) > RANKING_LIMIT:
        half = RANKING_LIMIT // 2
        rows = [*rows[:half], *rows[-half:]]
    chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        part = ranking_chart({**data, "rows": chunk})
        part["id"] = f"{part['id']}-{number}"
        if len(chunks) > 1:
            part["title"] = f"{whole['title']} ({number}/{len(chunks)})"
        if len(data["rows"]) > RANKING_LIMIT and number == 1:
            part["note"] = (
                f"Biểu đồ vẽ {len(rows)} trong {len(data['rows'])} đơn vị (đầu và cuối bảng); bảng có đủ các đơn vị."
            )
        parts.append(part)
    return parts


def ranking_chart(data: dict) -> dict:
    """A ranking page (scoring.selectors.ranking_for_period): every unit shown in `rows` as a bar of its index,
    the period's band thresholds as vertical lines, the group's mean as a dotted line. Beyond RANKING_LIMIT rows
    (a very large group, or a long page), the first and last 30 of them are drawn."""
    rows = data["rows"]
    bars = [
        charts.Bar(
            label=f"{row['rank']}. {row['unit_name']}" if row["rank"] else row["unit_name"],
            value=None if row["excluded"] else row["index"],
            note="không xếp hạng" if row["excluded"] else (row["band"] or ""),
        )
        for row in rows
    ]
    bands = [
        (band["name"], band["min_index"])
        for band in data.get("bands", [])
        if band.get("min_index") is not None
    ]
    geometry = charts.ranking_bars(bars, bands, mean=data.get("mean_index"), limit=RANKING_LIMIT)
    drawn = [bar for bar in geometry["bars"] if not bar["gap"]]
    desc = (
        f"Biểu đồ thanh ngang: mỗi đơn vị một thanh dài theo chỉ số, thang 0–100. {_extremes_text(bars)}"
        + (f" Bình quân {format_fixed(data['mean_index'])}." if data.get("mean_index") is not None else "")
        + (f" Các đường dọc là ngưỡng xếp loại: {_bands_text(bands)}." if bands else "")
    )
    note = ""
    if len(bars) > RANKING_LIMIT:
        note = (
            f"Biểu đồ vẽ {len(drawn)} trong {len(bars)} đơn vị (đầu và cuối danh sách); bảng bên dưới có đủ "
            "các đơn vị."
        )
    return _chart(
        "bieu-do-xep-hang",
        "_bars_bands.svg",
        geometry,
        title=f"Chỉ số và xếp loại: {data['group']['name']}",
        desc=desc,
        note=note,
        table={
            "headers": ["Đơn vị", "Chỉ số (%)", "Xếp loại"],
            "rows": [[bar["full_label"], bar["value_text"], bar["note"] or "–"] for bar in drawn],
        },
    )


def national_ranking_chart(data: dict) -> dict:
    """The national table page (scoring.selectors.national_table): every province's index as a bar (63 or 34:
    all drawn), the national mean as a dotted line; the Ministry sets no bands."""
    bars = [charts.Bar(label=f"{row['rank']}. {row['name']}", value=row["index"]) for row in data["rows"]]
    geometry = charts.ranking_bars(
        bars, mean=data.get("mean_index"), mean_label="Bình quân cả nước", limit=None
    )
    year = data["national_year"]
    return _chart(
        "bieu-do-toan-quoc",
        "_bars_bands.svg",
        geometry,
        title=f"Chỉ số PAR INDEX {year['year']} của {len(bars)} tỉnh, thành phố",
        desc=(
            f"Biểu đồ thanh ngang: mỗi tỉnh, thành phố một thanh dài theo chỉ số, thang 0–100. {_extremes_text(bars)}"
            + (f" Bình quân cả nước {format_fixed(data['mean_index'])}." if data.get("mean_index") else "")
        ),
        table={
            "headers": ["Tỉnh, thành phố", "Chỉ số (%)"],
            "rows": [[bar.label, format_fixed(bar.value)] for bar in bars],
        },
    )


def domains_chart(data: dict) -> dict:
    """A scorecard (scoring.selectors.unit_scorecard): the unit's percentage of each domain beside its group's
    mean, read from `group_mean_percentage` on each domain row when the publication has it; otherwise the unit
    alone, and the note says so."""
    domains = [node for node in data["nodes"] if node["level"] == "domain"]
    pairs = [
        charts.Pair(
            label=f"LV{node['code']}. {node['name']}",
            value=None if node["not_applicable"] else node["percentage"],
            reference=node.get("group_mean_percentage"),
        )
        for node in domains
    ]
    unit_name = data["unit"]["name"]
    geometry = charts.paired_bars(pairs, value_name=unit_name, reference_name="Bình quân nhóm")
    note = ""
    if not geometry["has_reference"]:
        note = (
            "Bản công bố này chưa có tỷ lệ bình quân của nhóm theo từng lĩnh vực: biểu đồ chỉ thể hiện tỷ lệ "
            "điểm của đơn vị."
        )
    return _chart(
        "bieu-do-linh-vuc",
        "_paired_bars.svg",
        geometry,
        title=f"Tỷ lệ điểm theo lĩnh vực: {unit_name}",
        desc=(
            "Biểu đồ thanh ngang, thang 0–100 %: mỗi lĩnh vực một thanh đậm cho đơn vị"
            + (", một thanh gạch chéo cho bình quân nhóm" if geometry["has_reference"] else "")
            + ". "
            + "; ".join(f"{pair.label}: {format_fixed(pair.value)}" for pair in pairs)
            + "."
        ),
        note=note,
        table={
            "headers": ["Lĩnh vực", f"{unit_name} (%)", "Bình quân nhóm (%)"],
            "rows": [[pair.label, format_fixed(pair.value), format_fixed(pair.reference)] for pair in pairs],
        },
    )


def components_chart(national: dict, province_name: str) -> dict:
    """The province section of a scorecard (scoring.selectors.national.province_comparison): each published
    component's points and the index beside the national means, on the 0–100 scale of the whole index (a
    component's own maximum is not published with the table, so every bar is a share of the 100 points)."""
    # The components end with the total and the index (scoring.selectors.national); the index is drawn last.
    pairs = [
        charts.Pair(label=c["label"], value=c["points"], reference=c["mean"])
        for c in national["components"]
        if c.get("key") != "index"
    ]
    pairs.append(
        charts.Pair(label="Chỉ số PAR INDEX (%)", value=national["index"], reference=national["mean_index"])
    )
    geometry = charts.paired_bars(pairs, value_name=province_name, reference_name="Bình quân cả nước")
    return _chart(
        "bieu-do-thanh-phan",
        "_paired_bars.svg",
        geometry,
        title=f"{province_name} so với bình quân cả nước: {national['national_year']['title']}",
        desc=(
            "Biểu đồ thanh ngang, thang 0–100 điểm: mỗi thành phần một thanh đậm cho tỉnh, thành phố và một "
            "thanh gạch chéo cho bình quân cả nước. "
            + "; ".join(
                f"{p.label}: {format_fixed(p.value)} (bình quân {format_fixed(p.reference)})" for p in pairs
            )
            + "."
        ),
        note="Điểm của mỗi thành phần trên thang 100 điểm của cả chỉ số; chênh lệch ở bảng bên dưới.",
        table={
            "headers": ["Thành phần", province_name, "Bình quân cả nước"],
            "rows": [[p.label, format_fixed(p.value), format_fixed(p.reference)] for p in pairs],
        },
    )


def index_over_years_chart(series: list[dict], *, chart_id: str, title: str) -> dict:
    """An index over the years, for any page. `series`: [{"name": str, "values": {year (int): index (Decimal
    or None)}}], the unit itself first (its values are written on the chart), then e.g. its predecessors."""
    lines = [charts.Series(name=s["name"], values=s["values"]) for s in series]
    geometry = charts.years_line(lines)
    years = [item["year"] for item in geometry["years"]]
    described = []
    for line in lines:
        values = ", ".join(f"{year}: {format_fixed(line.values.get(year))}" for year in years)
        described.append(f"{line.name} – {values}")
    missing = [str(item["year"]) for item in geometry["years"] if item["missing"]]
    return _chart(
        chart_id,
        "_years.svg",
        geometry,
        title=title,
        desc=(
            "Biểu đồ đường, thang 0–100, mỗi năm một điểm"
            + (f"; không có số liệu năm {', '.join(missing)}" if missing else "")
            + ". "
            + "; ".join(described)
            + "."
        ),
        note="Chỉ có số liệu của một năm." if len(years) == 1 else "",
        table={
            "headers": ["Năm", *[line.name for line in lines]],
            "rows": [[str(year), *[format_fixed(line.values.get(year)) for line in lines]] for year in years],
        },
    )


def province_history_chart(national: dict) -> dict:
    """The province's national index over the stored years, its predecessors (before a merger) as other lines."""
    series: dict[str, dict] = {}
    for row in national["history"]:
        name = f"{row['name']} (đơn vị tiền thân)" if row["predecessor"] else row["name"]
        entry = series.setdefault(
            row["unit_code"], {"name": name, "values": {}, "own": not row["predecessor"]}
        )
        entry["values"][row["year"]] = row["index"]
    ordered = sorted(series.values(), key=lambda s: not s["own"])
    return index_over_years_chart(
        [{"name": s["name"], "values": s["values"]} for s in ordered],
        chart_id="bieu-do-qua-cac-nam",
        title="Chỉ số PAR INDEX qua các năm",
    )


def scorecard_charts(data: dict) -> dict:
    """Every chart of a scorecard page: the domains, and for a province in the national table its components
    and its index over the years."""
    context = {"domains_chart": domains_chart(data)}
    national = data.get("national")
    if national:
        own = next((row for row in national["history"] if not row["predecessor"]), None)
        name = own["name"] if own else data["unit"]["name"]
        context["components_chart"] = components_chart(national, name)
        context["history_chart"] = province_history_chart(national)
    return context


def unit_history_charts(data: dict) -> dict:
    """The unit page (scoring.selectors.unit_history): its index over the years in the province's own
    periods, each predecessor a line of its own (labelled), and for a province its national index too."""
    series: dict[str, dict] = {}
    for row in sorted(data["history"], key=lambda h: (not h["own"], h["year"])):
        name = row["unit_name"] if row["own"] else f"{row['unit_name']} (tiền thân)"
        entry = series.setdefault(row["unit_code"], {"name": name, "values": {}})
        entry["values"].setdefault(row["year"], row["index"])  # one value a year: the first period listed
    context = {}
    if series:
        context["history_chart"] = index_over_years_chart(
            list(series.values()), chart_id="bieu-do-don-vi-qua-cac-nam", title="Chỉ số qua các năm"
        )
    if data.get("national"):  # scoring.selectors.national.province_history rows
        context["national_history_chart"] = province_history_chart({"history": data["national"]})
    return context
