"""Chart geometry (scoring.charts): pure arithmetic on Decimals, checked like the calculator."""

from decimal import Decimal as D

from scoring import charts
from scoring.charts import Bar, Pair, Series

BANDS = [("Rất tốt", D("90")), ("Tốt", D("80")), ("Khá", D("70")), ("Trung bình", D("50")), ("Yếu", D("0"))]


def test_a_value_is_placed_proportionally_on_the_axis_and_clamped_to_it():
    assert charts.scale_x(D("0"), D(100), D(4), D(294)) == D("4.0")
    assert charts.scale_x(D("50"), D(100), D(4), D(294)) == D("149.0")
    assert charts.scale_x(D("100"), D(100), D(4), D(294)) == D("294.0")
    assert charts.scale_x(D("130"), D(100), D(4), D(294)) == D("294.0")
    assert charts.scale_x(D("-5"), D(100), D(4), D(294)) == D("4.0")


def test_band_thresholds_are_vertical_lines_at_their_index_and_zero_draws_no_line():
    chart = charts.ranking_bars([Bar("1. A", D("93.15"), "Rất tốt")], BANDS)
    left, right = chart["left"], chart["right"]
    lines = {t["text"]: t["x"] for t in chart["thresholds"]}
    assert set(lines) == {"90", "80", "70", "50"}
    for value, x in lines.items():
        assert x == charts.scale_x(D(value), D(100), left, right)
    assert [r["name"] for r in chart["regions"]] == ["Yếu", "Trung bình", "Khá", "Tốt", "Rất tốt"]


def test_bars_are_proportional_to_the_index():
    chart = charts.ranking_bars([Bar("a", D("80")), Bar("b", D("40")), Bar("c", D("0"))])
    widths = [bar["width"] for bar in chart["bars"]]
    span = chart["right"] - chart["left"]
    assert widths == [span * D("0.8"), span * D("0.4"), D("0.0")]
    assert [bar["value_text"] for bar in chart["bars"]] == ["80,00", "40,00", "0,00"]


def test_a_unit_without_an_index_has_no_bar_but_keeps_its_row_and_reason():
    chart = charts.ranking_bars([Bar("Sở X", None, "không xếp hạng")])
    (bar,) = chart["bars"]
    assert bar["width"] is None
    assert bar["text"] == "– · không xếp hạng"


def test_band_names_too_close_together_go_on_separate_rows():
    chart = charts.ranking_bars([], BANDS)
    rows = {r["name"]: r["y"] for r in chart["regions"]}
    assert rows["Tốt"] != rows["Rất tốt"] or rows["Khá"] != rows["Tốt"]
    for a, b in zip(chart["regions"], chart["regions"][1:], strict=False):
        if a["y"] == b["y"]:
            gap = (b["x"] - charts.text_width(b["name"], D(11)) / 2) - (
                a["x"] + charts.text_width(a["name"], D(11)) / 2
            )
            assert gap >= 0


def test_over_the_limit_the_first_and_last_units_are_drawn_with_a_labelled_break():
    bars = [Bar(f"{n}. Đơn vị {n}", D(100 - n / 2)) for n in range(1, 101)]
    chart = charts.ranking_bars(bars, limit=60)
    drawn = [b for b in chart["bars"] if not b["gap"]]
    gaps = [b for b in chart["bars"] if b["gap"]]
    assert len(drawn) == 60
    assert chart["bar_count"] == 100
    assert drawn[0]["full_label"] == "1. Đơn vị 1"
    assert drawn[-1]["full_label"] == "100. Đơn vị 100"
    assert gaps[0]["text"] == "… 40 đơn vị khác (xem bảng) …"


def test_an_empty_ranking_is_an_empty_chart_with_its_axis():
    chart = charts.ranking_bars([], [])
    assert chart["bars"] == []
    assert chart["thresholds"] == []
    assert chart["mean"] is None
    assert [a["text"] for a in chart["axis"]] == ["0", "100"]
    assert chart["height"] > 0


def test_the_mean_is_a_line_at_its_value_labelled_in_vietnamese_numbers():
    chart = charts.ranking_bars([Bar("a", D("90"))], mean=D("83.775"))
    assert chart["mean"]["x"] == charts.scale_x(D("83.775"), D(100), chart["left"], chart["right"])
    assert chart["mean"]["text"] == "Bình quân 83,78"


def test_long_unit_names_are_shortened_on_the_chart_but_kept_whole_for_the_table():
    name = "1. Ban Quản lý các Khu chế xuất và Công nghiệp thành phố Cần Thơ và các vùng lân cận"
    (bar,) = charts.ranking_bars([Bar(name, D("70"), "Khá")])["bars"]
    assert bar["label"].endswith("…")
    assert len(bar["label"]) < len(name)
    assert bar["full_label"] == name


def test_paired_bars_put_the_value_and_its_reference_on_one_scale():
    chart = charts.paired_bars(
        [Pair("LV1", D("82.5"), D("75")), Pair("LV2", D("100"), None)],
        value_name="Cần Thơ",
        reference_name="Bình quân",
    )
    span = chart["right"] - chart["left"]
    first, second = chart["rows"]
    assert [b["kind"] for b in first["bars"]] == ["value", "reference"]
    assert first["bars"][0]["width"] == charts.q(span * D("0.825"))
    assert first["bars"][1]["width"] == span * D("0.75")
    assert second["bars"][1]["width"] is None
    assert second["bars"][1]["text"] == "–"
    assert [item["text"] for item in chart["legend"]] == ["Cần Thơ", "Bình quân"]
    assert [g["text"] for g in chart["grid"]] == ["0", "25", "50", "75", "100"]


def test_paired_bars_without_any_reference_draw_the_value_alone():
    chart = charts.paired_bars(
        [Pair("LV1", D("50"))], value_name="Sở Tư pháp", reference_name="Bình quân nhóm"
    )
    assert not chart["has_reference"]
    assert [b["kind"] for b in chart["rows"][0]["bars"]] == ["value"]
    assert len(chart["legend"]) == 1


def test_long_domain_names_wrap_onto_two_lines_between_words():
    label = (
        "LV8. Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh"
    )
    (row,) = charts.paired_bars([Pair(label, D("93.35"))], value_name="a", reference_name="b")["rows"]
    assert len(row["lines"]) == 2
    assert row["lines"][0]["text"].startswith("LV8. Tác động")
    assert row["lines"][1]["text"].endswith("…")
    assert row["lines"][1]["y"] > row["lines"][0]["y"]


def test_a_missing_year_breaks_the_line_and_keeps_its_place_on_the_axis():
    chart = charts.years_line(
        [Series("Cần Thơ", {2015: D("80"), 2016: D("82"), 2018: D("85"), 2019: D("86")})]
    )
    assert [y["year"] for y in chart["years"]] == [2015, 2016, 2017, 2018, 2019]
    assert [y["year"] for y in chart["years"] if y["missing"]] == [2017]
    (series,) = chart["series"]
    assert len(series["segments"]) == 2  # 2015–2016 and 2018–2019
    assert [p["text"] for p in series["points"]] == ["80,00", "82,00", "85,00", "86,00"]
    xs = [y["x"] for y in chart["years"]]
    assert xs == sorted(xs)
    assert len({b - a for a, b in zip(xs, xs[1:], strict=False)}) == 1


def test_a_higher_index_is_drawn_higher():
    chart = charts.years_line([Series("a", {2017: D("0"), 2018: D("50"), 2019: D("100")})])
    ys = [p["y"] for p in chart["series"][0]["points"]]
    assert ys[0] == chart["bottom"]
    assert ys[2] == chart["top"]
    assert ys[0] > ys[1] > ys[2]


def test_several_series_differ_by_dash_and_marker_and_only_the_first_is_labelled():
    chart = charts.years_line([Series("a", {2017: D("83.53")}), Series("b", {2017: D("76.32")})])
    a, b = chart["series"]
    assert (a["dash"], a["marker"]) != (b["dash"], b["marker"])
    assert a["labelled"]
    assert not b["labelled"]
    assert a["points"][0]["x"] != b["points"][0]["x"]  # side by side, not on top of each other
    assert chart["series"][0]["segments"] == []  # one year: a point, no line


def test_no_years_is_an_empty_chart():
    chart = charts.years_line([Series("a", {})])
    assert chart["empty"]
    assert chart["years"] == []
    assert chart["series"][0]["points"] == []
