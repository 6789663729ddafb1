"""Benchmark the ranking workbook (scoring.exports.ranking) against a bare openpyxl write-only loop writing the
same cells.

For every --units N: build one unit group of N ranked units with 8 domains in memory (no database: the selector's
queries are not what is measured here), then time, alternately, `ranking_workbook(data)` and the baseline: a
write-only workbook whose rows hold the same values, each number a cell with the `0.00` format (the least that
gives the same cells). A second baseline writes the bare values without any format, as a floor. One JSON object
per N goes to stdout; progress goes to stderr. See bench/README.md.

    SECRET_KEY=x .venv/bin/python bench/ranking_export.py --units 1000 10000
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402

from scoring.exports.ranking import ranking_workbook  # noqa: E402
from scoring.selectors.exports import Issuer  # noqa: E402

DOMAINS = 8
BANDS = [("Rất tốt", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)]


def generated(units: int, seed: int = 2017) -> dict:
    """What scoring.selectors.ranking_export returns, for one group of `units` units."""
    rng = random.Random(seed)
    domains = [
        SimpleNamespace(code=str(code), name=f"Lĩnh vực {code}", max_points=Decimal("12.5"))
        for code in range(1, 9)
    ]
    rows = []
    for number in range(units):
        points = [Decimal(rng.randint(0, 125_000)) / 10_000 for _ in domains]
        total = sum(points, Decimal(0))
        index = (total * 100 / 100).quantize(Decimal("1E-10"))
        band = next(name for name, minimum in BANDS if index >= minimum)
        rows.append(
            {
                "rank": None,
                # names as long as the communes' ("Phường Thới An Đông"); one in 20 long enough to wrap
                "unit": SimpleNamespace(
                    name=f"Phường thử nghiệm {number + 1}"
                    + (" thuộc thành phố trực thuộc tỉnh thử nghiệm" if number % 20 == 0 else "")
                ),
                "domains": points,
                "points": total,
                "index": index,
                "band": band,
                "excluded": False,
            }
        )
    rows.sort(key=lambda row: row["index"], reverse=True)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    group = {
        "group": SimpleNamespace(name="Xã, phường thử nghiệm"),
        "framework": None,
        "domains": domains,
        "rows": rows,
        "issuer": Issuer(
            ("ỦY BAN NHÂN DÂN", "TỈNH THỬ NGHIỆM"), place="Thử nghiệm", province="tỉnh Thử nghiệm"
        ),
    }
    return {"period": SimpleNamespace(year=2025), "publications": [], "computed_at": None, "groups": [group]}


def _values(data) -> list[list]:
    group = data["groups"][0]
    return [
        [number, row["unit"].name, *row["domains"], row["points"], row["index"], row["rank"], row["band"]]
        for number, row in enumerate(group["rows"], start=1)
    ]


def bare_formatted(rows) -> bytes:
    """The same cells, numbers shown with 2 places, and nothing else: no title, widths, borders or print setup."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Xếp hạng")
    for values in rows:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_values(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Xếp hạng")
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function, *args) -> tuple[float, int]:
    start = time.perf_counter()
    content = function(*args)
    return time.perf_counter() - start, len(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    for units in options.units:
        print(f"{units} units…", file=sys.stderr)
        data = generated(units)
        rows = _values(data)
        times = {"export": [], "bare_formatted": [], "bare_values": []}
        sizes = {}
        for _ in range(options.repeat):  # alternately, so that both see the same machine load
            for name, function, argument in (
                ("export", ranking_workbook, data),
                ("bare_formatted", bare_formatted, rows),
                ("bare_values", bare_values, rows),
            ):
                seconds, size = timed(function, argument)
                times[name].append(seconds)
                sizes[name] = size
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(
            json.dumps(
                {
                    "units": units,
                    "cells": units * len(rows[0]),
                    "export_s": round(medians["export"], 3),
                    "bare_formatted_s": round(medians["bare_formatted"], 3),
                    "bare_values_s": round(medians["bare_values"], 3),
                    "ratio_to_bare_formatted": round(medians["export"] / medians["bare_formatted"], 2),
                    "bytes": sizes,
                    "repeat": options.repeat,
                }
            )
        )


if __name__ == "__main__":
    main()
