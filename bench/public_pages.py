"""Benchmark the public pages of a published period at 10, 500 and 5 000 units, the smallest size as baseline.

For every --units N: publish a generated period of N units on the reference framework qd2948-tinh (bulk
inserts of the publication, its snapshot and N PublishedUnit rows, as publication_write stores them; not
timed), then request through Django's test Client a unit's scorecard, the period overview, the ranking's first page, a
sorted and searched ranking page and the whole ranking as streamed JSON, round-robin over every page of every
size. Medians, bytes and query counts per page; ratios against the smallest N of the same run. One JSON object per N goes to
stdout, then one summary line; progress goes to stderr. See bench/README.md.

    SECRET_KEY=x DATABASE_URL=sqlite:////tmp/parindex-bench.sqlite3 .venv/bin/python bench/public_pages.py
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from scoring.models import (  # noqa: E402
    Band,
    Framework,
    FrameworkNode,
    NodeLevel,
    Period,
    PeriodGroup,
    PeriodStatus,
    Publication,
    PublishedUnit,
)
from scoring.publication_rows import group_summary  # noqa: E402
from scoring.services.publication import content_hash, published_units_write  # noqa: E402
from units.models import Unit, UnitGroup, UnitKind  # noqa: E402

FRAMEWORK_CODE = "qd2948-tinh"
PREFIX = "bench-pub-"
BANDS = [("Rất tốt", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)]
QUARTER = Decimal("0.25")
HUNDRED = Decimal(100)
PLACES = Decimal("1E-10")
SEED = 2948
NAMES = ("Phường", "Xã", "Thị trấn")


def log(message):
    print(message, file=sys.stderr, flush=True)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


# ---------------------------------------------------------------- data


def _percentage(points: Decimal, maximum: Decimal) -> str | None:
    return None if not maximum else str((points * HUNDRED / maximum).quantize(PLACES))


def _unit_rows(n, nodes, rng):
    """Each unit's snapshot row, criteria and leaves, with the figures adding up as a recompute's would."""
    domains = [node for node in nodes if node.level == NodeLevel.DOMAIN]
    criteria = [node for node in nodes if node.level == NodeLevel.CRITERION]
    leaves = [node for node in nodes if node.is_scorable]
    units = []
    for number in range(1, n + 1):
        code = f"{PREFIX}{n}-{number:05d}"
        earned = {}
        for leaf in leaves:
            steps = int(leaf.max_points / QUARTER)
            earned[leaf.pk] = round(steps * rng.betavariate(4, 1.5)) * QUARTER
        sums = {node.pk: Decimal(0) for node in domains + criteria}
        for leaf in leaves:
            for ancestor in {leaf.pk, leaf.parent_id, leaf.domain_id} - {None}:
                if ancestor in sums:  # a criterion without sub-criteria is its own leaf
                    sums[ancestor] += earned[leaf.pk]
        total = sum(earned.values(), Decimal(0))
        maximum = sum((leaf.max_points for leaf in leaves), Decimal(0))
        index = (total * HUNDRED / maximum).quantize(PLACES)
        change = Decimal(rng.randint(-800, 800)) / 100
        row = {
            "unit_code": code,
            "unit_name": f"{NAMES[number % 3]} thử nghiệm {number:05d}",
            "rank": None,
            "group_size": n,
            "points": str(total),
            "max_points": str(maximum),
            "index": str(index),
            "band": next(name for name, minimum in BANDS if index >= minimum),
            "domains": [
                [d.code, str(sums[d.pk]), str(d.max_points), _percentage(sums[d.pk], d.max_points)]
                for d in domains
            ],
            "excluded": False,
            "exclusion_reason": "",
            "late_submission": False,
            "explanation_missed": False,
            # As the year-on-year helper adds them at publication: the change against the previous period.
            "previous_index": str(index - change),
            "index_change": str(change),
            "previous_rank": None,
            "rank_change": None,
        }
        units.append(
            {
                "row": row,
                "criteria": [
                    [c.code, str(sums[c.pk]), str(c.max_points), _percentage(sums[c.pk], c.max_points)]
                    for c in criteria
                ],
                "leaves": {leaf.code: [str(earned[leaf.pk]), False] for leaf in leaves},
            }
        )
    units.sort(key=lambda unit: Decimal(unit["row"]["index"]), reverse=True)
    previous = None
    for place, unit in enumerate(units, start=1):
        row = unit["row"]
        shown = Decimal(row["index"]).quantize(Decimal("0.01"))
        row["rank"] = previous[1] if previous and previous[0] == shown else place
        previous = (shown, row["rank"])
        row["previous_rank"] = max(1, row["rank"] + rng.randint(-20, 20))
        row["rank_change"] = row["previous_rank"] - row["rank"]
    return units


def generate(n, framework, rng):
    """Units, a group, a published period with bands, and its publication: snapshot, summaries, N rows."""
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("order"))
    units = _unit_rows(n, nodes, rng)
    with transaction.atomic():
        Unit.objects.bulk_create(
            [
                Unit(code=u["row"]["unit_code"], name=u["row"]["unit_name"], kind=UnitKind.COMMUNE)
                for u in units
            ],
            batch_size=2000,
        )
        group = UnitGroup.objects.create(code=f"{PREFIX}{n}", name=f"Xã, phường thử nghiệm ({n} đơn vị)")
        period = Period.objects.create(
            code=f"{PREFIX}{n}",
            year=2098,
            title=f"Kỳ thử nghiệm trang công khai, {n} đơn vị",
            status=PeriodStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        Band.objects.bulk_create([Band(period=period, name=name, min_index=Decimal(m)) for name, m in BANDS])
        PeriodGroup.objects.create(period=period, unit_group=group, framework=framework)
        snapshot = [
            {
                "code": group.code,
                "name": group.name,
                "framework_code": framework.code,
                "framework_title": framework.title,
                "domains": [
                    {"code": node.code, "name": node.name, "max_points": str(node.max_points)}
                    for node in nodes
                    if node.level == NodeLevel.DOMAIN
                ],
                "bands": [[name, str(minimum)] for name, minimum in BANDS],
                "rows": [unit["row"] for unit in units],
            }
        ]
        by_code = {
            unit["row"]["unit_code"]: {
                "group_code": group.code,
                "framework_code": framework.code,
                "row": unit["row"],
                "criteria": unit["criteria"],
                "leaves": unit["leaves"],
            }
            for unit in units
        }
        publication = Publication.objects.create(
            period=period,
            version=1,
            published_at=timezone.now(),
            provenance={
                "frameworks": [{"code": framework.code, "version": framework.version}],
                "assessments": n,
            },
            content_hash=content_hash(period.code, snapshot, by_code),
            groups=snapshot,
            group_summaries=[group_summary(g) for g in snapshot],
        )
        published_units_write(publication, snapshot, by_code)
    if connection.vendor == "postgresql":  # what autovacuum would soon do after a bulk load
        with connection.cursor() as cursor:
            for model in (Publication, PublishedUnit, Unit, Period, FrameworkNode):
                cursor.execute(f"VACUUM ANALYZE {table(model)}")
    return period, group, [unit["row"]["unit_code"] for unit in units]


def drop(n):
    """Delete one size's bench period, publication, group and units with plain SQL."""
    code = f"{PREFIX}{n}"
    period = Period.objects.filter(code=code).first()
    with transaction.atomic(), connection.cursor() as cursor:
        if period is not None:
            publications = f"SELECT id FROM {table(Publication)} WHERE period_id = %s"
            cursor.execute(
                f"DELETE FROM {table(PublishedUnit)} WHERE publication_id IN ({publications})", [period.pk]
            )
            for model in (Publication, PeriodGroup, Band):
                cursor.execute(f"DELETE FROM {table(model)} WHERE period_id = %s", [period.pk])
            cursor.execute(f"DELETE FROM {table(Period)} WHERE id = %s", [period.pk])
            cursor.execute(f"DELETE FROM {table(Period.history.model)} WHERE id = %s", [period.pk])
        cursor.execute(f"DELETE FROM {table(UnitGroup)} WHERE code = %s", [code])
        cursor.execute(f"DELETE FROM {table(Unit)} WHERE code LIKE %s", [f"{code}-%"])


# ---------------------------------------------------------------- measurements


def pages(period, group, codes) -> dict[str, str]:
    ranking = f"/ky-danh-gia/{period.code}/xep-hang/{group.code}/"
    return {
        "scorecard": f"/ky-danh-gia/{period.code}/don-vi/{codes[len(codes) // 2]}/",
        "overview": f"/ky-danh-gia/{period.code}/",
        "ranking_page_1": ranking,
        # Sorted by a domain's percentage (a JSON column cast to a number) and searched without accents.
        "ranking_sorted_searched": f"{ranking}?q=phuong+thu&sap-xep=lv5&chieu=tang",
        "ranking_json_streamed": f"{ranking}?format=json",
    }


def fetch(client, url) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return len(content)


def measure(client, sizes_urls: dict[int, dict[str, str]], repeat: int):
    """Every page of every size, round-robin R times (sizes and pages alternate, so the baseline and the
    largest size see the same machine load); before that, one untimed pass counting bytes and queries."""
    times = {n: {name: [] for name in urls} for n, urls in sizes_urls.items()}
    sizes = {n: {} for n in sizes_urls}
    queries = {n: {} for n in sizes_urls}
    for n, urls in sizes_urls.items():
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as captured:
                sizes[n][name] = fetch(client, url)
            queries[n][name] = len(captured)
    for run in range(repeat):
        for n, urls in sizes_urls.items():
            for name, url in urls.items():
                start = time.perf_counter()
                fetch(client, url)
                times[n][name].append(time.perf_counter() - start)
        log(f"[{connection.vendor}] run {run + 1}/{repeat} done")
    return times, sizes, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[10, 500, 5000], metavar="N")
    parser.add_argument("--repeat", type=int, default=7, metavar="R")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated periods (e.g. for screenshots)"
    )
    args = parser.parse_args()

    # The test Client's host, and static files without a collectstatic manifest (as in the tests).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    log(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    call_command("load_reference", stdout=sys.stderr)
    framework = Framework.objects.get(code=FRAMEWORK_CODE)
    client = Client()
    sizes_urls, generation = {}, {}
    try:
        for n in sorted(args.units):
            drop(n)
            log(f"[{connection.vendor}] N={n}: generating …")
            start = time.perf_counter()
            period, group, codes = generate(n, framework, random.Random(SEED + n))
            generation[n] = time.perf_counter() - start
            sizes_urls[n] = pages(period, group, codes)
        times, sizes, queries = measure(client, sizes_urls, args.repeat)
        smallest = min(sizes_urls)
        baseline = {name: statistics.median(values) for name, values in times[smallest].items()}
        results = []
        for n in sizes_urls:
            medians = {name: statistics.median(values) for name, values in times[n].items()}
            result = {
                "database": connection.vendor,
                "units": n,
                "median_seconds": {name: round(value, 4) for name, value in medians.items()},
                "ratio_to_smallest": {
                    name: round(value / baseline[name], 2) for name, value in medians.items()
                },
                "all_seconds": {name: [round(t, 4) for t in values] for name, values in times[n].items()},
                "bytes": sizes[n],
                "queries": queries[n],
                "generation_seconds": round(generation[n], 1),
                "repeat": args.repeat,
            }
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            log(
                f"[{connection.vendor}] N={n}: "
                + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in medians.items())
            )
        largest = results[-1]
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "summary": f"{results[0]['units']} → {largest['units']} units",
                    "ratio_to_smallest": largest["ratio_to_smallest"],
                    "ranking_under_0_3_s": all(
                        largest["median_seconds"][name] < 0.3
                        for name in ("ranking_page_1", "ranking_sorted_searched")
                    ),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    finally:
        if not args.keep:
            for n in args.units:
                drop(n)


if __name__ == "__main__":
    main()
