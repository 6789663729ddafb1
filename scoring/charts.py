"""Chart geometry for server-rendered SVG, pure: plain data (Decimal values) in, coordinates out.

No ORM, no templates: the page adapters (scoring.page_charts) turn a selector's data into the inputs below, and
the partials under templates/scoring/charts/ draw the result. Every chart is drawn in a 340-unit-wide viewBox
and shown at the column's width, at most 28 rem: 12-unit text is 12 px on a 390 px phone (the column is about
340 px there) and about 16 px on a desktop.

Percentages and indexes use a fixed 0–100 scale: a bar's length is its value, so two charts can be compared
and a 2-point difference never looks like a collapse. Nothing relies on colour: bars are dark or hatched, lines
solid, dashed or dotted with different markers, and every value is written next to its mark (grayscale print
reads the same as the screen).

Coordinates are Decimals rounded to 0.1 unit (templates print them with localisation off).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.formatting import format_fixed, format_number

WIDTH = Decimal(340)
HUNDRED = Decimal(100)
STEP = Decimal("0.1")
FONT = Decimal(12)
# Average advance of a character of DejaVu Sans / Verdana (the widest common sans fonts) in em: used only to
# keep labels from overlapping, so it errs on the wide side.
CHAR_EM = Decimal("0.56")


def q(value) -> Decimal:
    """A coordinate, rounded to 0.1 unit."""
    return Decimal(value).quantize(STEP)


def scale_x(value: Decimal, scale_max: Decimal, left: Decimal, right: Decimal) -> Decimal:
    """The x of `value` on a 0…scale_max axis drawn from `left` to `right` (values outside are clamped)."""
    value = min(max(Decimal(value), Decimal(0)), scale_max)
    return q(left + (right - left) * value / scale_max)


def text_width(text: str, size: Decimal = FONT) -> Decimal:
    """A generous estimate of the drawn width of `text` at font `size`."""
    return q(len(text) * size * CHAR_EM)


def wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """`text` broken between words into at most `lines` lines of at most `limit` characters (the last one
    shortened with "…" when the text is longer)."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = shorten(out[-1] + " " + " ".join(words), limit)
    return [shorten(line, limit) for line in out]


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with "…" (the full text is in the data table and the mark's title)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stagger(
    labels: Sequence[tuple[Decimal, str]], size: Decimal = FONT, gap: Decimal = Decimal(4)
) -> list[int]:
    """For labels centred at x (left to right), the row each goes on so that none overlaps its neighbour in
    the same row: the first row that has room, a new row when none has."""
    row_ends: list[Decimal] = []
    rows = []
    for x, text in labels:
        half = text_width(text, size) / 2
        for row, end in enumerate(row_ends):
            if x - half >= end + gap:
                row_ends[row] = x + half
                rows.append(row)
                break
        else:
            row_ends.append(x + half)
            rows.append(len(row_ends) - 1)
    return rows


def ticks(scale_max: Decimal) -> list[Decimal]:
    """Axis ticks: quarters of the scale (0, 25, 50, 75, 100 on a percentage scale)."""
    return [scale_max * k / 4 for k in range(5)]


# ---------------------------------------------------------------- (a) a ranking as bars with band thresholds


@dataclass(frozen=True)
class Bar:
    label: str  # "1. Sở Tư pháp"
    value: Decimal | None  # None: no bar (no index, or not ranked)
    note: str = ""  # shown after the value: the band, or why there is no bar


def ranking_bars(
    bars: Sequence[Bar],
    bands: Sequence[tuple[str, Decimal]] = (),
    *,
    mean: Decimal | None = None,
    mean_label: str = "Bình quân",
    limit: int | None = 60,
    scale_max: Decimal = HUNDRED,
) -> dict:
    """Horizontal bars, one per unit in the given order, on a 0–scale_max axis, with a vertical line at each
    band's lower threshold (above 0) and the band names over their ranges, and a dotted line at the mean.

    `bands`: (name, minimum) pairs in any order. More than `limit` bars: the first and last `limit / 2` are
    drawn with a labelled break between them (the table below the chart has every unit).
    """
    left, right = Decimal(4), WIDTH - 46  # the values are written in the last 42 units
    shown_bars: list[Bar | int] = list(bars)
    if limit is not None and len(bars) > limit:
        half = limit // 2
        shown_bars = [*bars[:half], len(bars) - 2 * half, *bars[-half:]]

    ordered = sorted(bands, key=lambda band: band[1])
    regions = []
    for i, (name, minimum) in enumerate(ordered):
        upper = ordered[i + 1][1] if i + 1 < len(ordered) else scale_max
        x1, x2 = scale_x(minimum, scale_max, left, right), scale_x(upper, scale_max, left, right)
        regions.append({"name": name, "minimum": minimum, "x": q((x1 + x2) / 2), "x1": x1, "x2": x2})
    small = FONT - 1
    rows = stagger([(r["x"], r["name"]) for r in regions], small)
    band_rows = max(rows, default=-1) + 1
    for region, row in zip(regions, rows, strict=True):
        region["y"] = q(12 + row * 12)
    top = Decimal(6 + band_rows * 12 + (4 if band_rows else 0))

    drawn, y = [], top
    row_height, bar_height = Decimal(31), Decimal(10)
    small_size = FONT - 1
    for item in shown_bars:
        if isinstance(item, int):
            drawn.append({"gap": True, "y": q(y + 15), "text": f"… {item} đơn vị khác (xem bảng) …"})
            y += 22
            continue
        value_text = format_fixed(item.value) if item.value is not None else "–"
        room = WIDTH - 8 - text_width(item.note, small_size) - 6  # the name and the band share the first line
        drawn.append(
            {
                "gap": False,
                "label": shorten(item.label, max(12, int(room / (FONT * CHAR_EM)))),
                "full_label": item.label,
                "value_text": value_text,
                "note": item.note,
                "text": " · ".join(part for part in (value_text, item.note) if part),
                "value": item.value,
                "text_y": q(y + 12),
                "bar_y": q(y + 16),
                "value_y": q(y + 25),
                "bar_height": bar_height,
                "x": left,
                "width": (scale_x(item.value, scale_max, left, right) - left)
                if item.value is not None
                else None,
            }
        )
        y += row_height
    bottom = y + 2
    thresholds = [
        {"x": region["x1"], "value": region["minimum"], "text": format_number(region["minimum"])}
        for region in regions
        if region["minimum"] > 0
    ]
    axis = [{"x": scale_x(v, scale_max, left, right), "text": format_number(v)} for v in (0, scale_max)]
    mean_line = None
    if mean is not None:
        mean_line = {"x": scale_x(mean, scale_max, left, right), "text": f"{mean_label} {format_fixed(mean)}"}
    return {
        "width": WIDTH,
        "height": q(bottom + 30 if mean_line else bottom + 16),
        "left": left,
        "right": right,
        "text_right": WIDTH - 2,
        "top": top,
        "bottom": q(bottom),
        "regions": regions,
        "thresholds": thresholds,
        "axis": axis,
        "axis_y": q(bottom + 12),
        "mean": mean_line
        and {**mean_line, "text_y": q(bottom + 25), "anchor": _anchor(mean_line["x"], left, right)},
        "bars": drawn,
        "bar_count": len(bars),
    }


def _anchor(x: Decimal, left: Decimal, right: Decimal) -> str:
    """Text anchored so that a label at `x` stays inside the chart."""
    third = (right - left) / 3
    return "start" if x < left + third else ("end" if x > right - third else "middle")


# ---------------------------------------------------------------- (b), (d) paired bars: a value and its reference


@dataclass(frozen=True)
class Pair:
    label: str  # "LV1. Công tác chỉ đạo, điều hành CCHC"
    value: Decimal | None
    reference: Decimal | None = None  # the group's or the country's mean; None: not drawn


def paired_bars(
    pairs: Sequence[Pair], *, scale_max: Decimal = HUNDRED, value_name: str, reference_name: str
) -> dict:
    """For each row a label, then the value's bar (solid) and the reference's bar (hatched) on one 0–scale_max
    axis, each with its number at the right edge. Paired bars rather than a radar: lengths on one straight
    axis are compared exactly (a radar's areas grow with the square of the value and depend on the order of the
    axes), long Vietnamese labels fit on their own line instead of crowding round a circle, and the chart reads
    the same on a phone, in print and in grayscale. Rows without any reference draw only the value's bar."""
    left, right = Decimal(4), WIDTH - 48
    has_reference = any(pair.reference is not None for pair in pairs)
    legend_y = Decimal(12)
    legend = [{"kind": "value", "x": left, "text": value_name}]
    if has_reference:
        legend.append(
            {"kind": "reference", "x": q(left + 20 + text_width(value_name) + 14), "text": reference_name}
        )
    legend = [{**item, "swatch_y": legend_y - 8, "text_x": item["x"] + 20} for item in legend]
    y = Decimal(24)
    bar_height = Decimal(9)
    rows = []
    for pair in pairs:
        bars = []
        lines = [
            {"text": text, "y": q(y + 11 + 14 * n)}
            for n, text in enumerate(wrap(pair.label, int((WIDTH - 8) / (FONT * CHAR_EM))))
        ]
        bar_y = y + 3 + 14 * len(lines)
        for kind, value in (("value", pair.value), ("reference", pair.reference)):
            if kind == "reference" and not has_reference:
                continue
            bars.append(
                {
                    "kind": kind,
                    "y": q(bar_y),
                    "width": (scale_x(value, scale_max, left, right) - left) if value is not None else None,
                    "text": format_fixed(value),
                    "text_y": q(bar_y + 8),
                }
            )
            bar_y += bar_height + 2
        rows.append({"lines": lines, "full_label": pair.label, "bars": bars})
        y = bar_y + 8
    bottom = y
    grid = [{"x": scale_x(v, scale_max, left, right), "text": format_number(v)} for v in ticks(scale_max)]
    return {
        "width": WIDTH,
        "height": q(bottom + 16),
        "left": left,
        "right": right,
        "value_x": WIDTH - 2,
        "legend": legend,
        "legend_y": legend_y,
        "has_reference": has_reference,
        "rows": rows,
        "top": Decimal(22),
        "bottom": q(bottom),
        "grid": grid,
        "axis_y": q(bottom + 12),
        "bar_height": bar_height,
    }


# ---------------------------------------------------------------- (c) an index over the years


@dataclass(frozen=True)
class Series:
    name: str  # "Cần Thơ", "Hậu Giang (đơn vị tiền thân)"
    values: dict[int, Decimal | None]  # year → index; missing or None years leave a gap in the line


# Line styles and markers that differ without colour, in series order.
LINE_STYLES = [("", "circle"), ("6 3", "square"), ("2 3", "diamond"), ("8 3 2 3", "triangle")]


def years_line(series: Sequence[Series], *, scale_max: Decimal = HUNDRED, labelled: int = 1) -> dict:
    """Points per year joined by a line, one line per series, on a 0–scale_max vertical axis; every year
    between the first and the last gets a place on the x axis, so a missing year shows as a gap (the line is
    broken and no point is drawn). The first `labelled` series get their values written above the points
    (more would collide: close indexes sit a few units apart)."""
    left, right = Decimal(34), WIDTH - 16
    legend_rows = len(series)
    top = Decimal(10 + legend_rows * 14 + 12)
    plot_height = Decimal(150)
    bottom = top + plot_height
    years = sorted({year for s in series for year, value in s.values.items() if value is not None})
    span = list(range(years[0], years[-1] + 1)) if years else []

    def x_of(year: int) -> Decimal:
        if len(span) == 1:
            return q((left + right) / 2)
        inner_left, inner_right = left + 20, right - 20
        return q(inner_left + (inner_right - inner_left) * (year - span[0]) / (len(span) - 1))

    def y_of(value: Decimal) -> Decimal:
        value = min(max(Decimal(value), Decimal(0)), scale_max)
        return q(bottom - plot_height * value / scale_max)

    drawn = []
    for number, s in enumerate(series):
        dash, marker = LINE_STYLES[number % len(LINE_STYLES)]
        points, segments, current = [], [], []
        for year in span:
            value = s.values.get(year)
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            # Series side by side around the year (9 units apart) so that close values do not hide each other.
            dodge = Decimal(9) * (number - Decimal(len(series) - 1) / 2)
            point = {"year": year, "x": q(x_of(year) + dodge), "y": y_of(value), "text": format_fixed(value)}
            points.append(point)
            current.append(point)
        if current:
            segments.append(current)
        drawn.append(
            {
                "name": s.name,
                "dash": dash,
                "marker": marker,
                "labelled": number < labelled,
                "points": [
                    {**p, "text_y": q(p["y"] - 7), "mark": marker_shape(marker, p["x"], p["y"])}
                    for p in points
                ],
                "legend_mark": marker_shape(marker, left + 12, q(number * 14 + 6)),
                "legend_line": {"x1": left, "x2": left + 24, "y": q(number * 14 + 6), "text_x": left + 30},
                "segments": [" ".join(f"{p['x']},{p['y']}" for p in seg) for seg in segments if len(seg) > 1],
                "legend_y": q(10 + number * 14),
            }
        )
    present = {year for s in series for year, value in s.values.items() if value is not None}
    return {
        "width": WIDTH,
        "height": q(bottom + 22),
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "series": drawn,
        "years": [{"year": year, "x": x_of(year), "missing": year not in present} for year in span],
        "grid": [
            {"y": y_of(v), "text_y": y_of(v) + Decimal("3.5"), "text": format_number(v)}
            for v in ticks(scale_max)
        ],
        "grid_text_x": left - 4,
        "missing_y": bottom - 4,
        "axis_y": q(bottom + 14),
        "empty": not span,
    }


def marker_shape(marker: str, x: Decimal, y: Decimal, size: Decimal = Decimal("3.5")) -> dict:
    """A point's marker: a filled circle, or an open square, diamond or triangle (told apart without colour)."""
    if marker == "circle":
        return {"shape": "circle", "cx": x, "cy": y, "r": size}
    if marker == "square":
        return {"shape": "rect", "x": q(x - size), "y": q(y - size), "size": q(2 * size)}
    if marker == "diamond":
        corners = [(x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y)]
    else:
        corners = [(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)]
    return {"shape": "polygon", "points": " ".join(f"{q(cx)},{q(cy)}" for cx, cy in corners)}
