"""Benchmark scoring.services.scores_recompute against a single GROUP BY over the same score entries.

For every --units N: generate N units, one period on the reference framework qd2948-tinh and N × 89 score
entries (bulk inserts, not timed), then time scores_recompute(period=...) and the baseline query alternately,
count its queries, measure its peak memory and check three results. One JSON object per N goes to stdout;
progress goes to stderr. See bench/README.md.

    SECRET_KEY=x DATABASE_URL=sqlite:////tmp/parindex-bench.sqlite3 .venv/bin/python bench/recompute.py
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from memory import maxrss_mb, reset_peak_rss  # noqa: E402  (bench/memory.py, beside this script)

from scoring import calculator  # noqa: E402
from scoring.models import (  # noqa: E402
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Band,
    Framework,
    FrameworkNode,
    Period,
    PeriodGroup,
    PeriodStatus,
    ScoreEntry,
)
from scoring.services import scores_recompute  # noqa: E402
from units.models import Unit, UnitGroup, UnitKind  # noqa: E402

FRAMEWORK_CODE = "qd2948-tinh"
PREFIX = "bench-"
BANDS = [("Rất tốt", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)]
TARGET_RATIO = 5
ENTRY_BATCH = 10_000
SEED = 2948

BASELINE_SQL = (
    "SELECT e.assessment_id, SUM(e.final_points) FROM scoring_scoreentry e "
    "JOIN scoring_assessment a ON a.id = e.assessment_id WHERE a.period_id = %s GROUP BY e.assessment_id"
)
ENTRY_COLUMNS = (
    "assessment_id",
    "node_id",
    "self_points",
    "appraised_points_r1",
    "appraised_points_r2",
    "survey_points",
    "not_applicable",
    "final_points",
    "version",
    "updated_at",
)
# The entry's text columns are NOT NULL without a database default: raw inserts give them "".
TEXT_COLUMNS = tuple(
    f.column for f in ScoreEntry._meta.concrete_fields if f.get_internal_type() == "TextField"
)
INSERT_COLUMNS = ENTRY_COLUMNS + TEXT_COLUMNS
QUARTER = Decimal("0.25")


def log(message):
    print(message, file=sys.stderr, flush=True)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


# ---------------------------------------------------------------- data


def entry_values(rng, node_id, method, max_points):
    """Inputs of one score entry, with final points chosen by the calculator as the services do."""
    self_points = r1 = r2 = survey = None
    if method == calculator.METHOD_SURVEY:
        survey = min(max_points, Decimal(f"{float(max_points) * rng.uniform(0.4, 1.0):.2f}"))
    else:
        steps = int(max_points / QUARTER)
        earned = round(steps * rng.betavariate(4, 1.5))
        r1 = earned * QUARTER
        self_points = min(earned + rng.choice((0, 0, 1)), steps) * QUARTER
        if rng.random() < 0.05:  # changed after explanation (round 2)
            r2 = min(earned + 1, steps) * QUARTER
    not_applicable = rng.random() < 0.01
    final = calculator.final_points(
        method=method, appraised_r1=r1, appraised_r2=r2, survey=survey, not_applicable=not_applicable
    )
    return node_id, self_points, r1, r2, survey, not_applicable, final


def generate(n, framework, rng):
    """Units, group, period with bands, period group, assessments and n × scorable-node entries."""
    codes = [f"{PREFIX}{i:06d}" for i in range(1, n + 1)]
    Unit.objects.bulk_create(
        [Unit(code=code, name=f"Đơn vị thử nghiệm {code}", kind=UnitKind.DEPARTMENT) for code in codes],
        batch_size=2000,
        ignore_conflicts=True,
    )
    unit_ids = list(
        Unit.objects.filter(code__startswith=PREFIX, code__lte=codes[-1])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    assert len(unit_ids) == n, (len(unit_ids), n)
    group, _ = UnitGroup.objects.get_or_create(
        code=f"{PREFIX}{n}", defaults={"name": f"Nhóm thử nghiệm {n} đơn vị"}
    )
    Through = UnitGroup.members.through
    Through.objects.bulk_create(
        [Through(unitgroup_id=group.pk, unit_id=pk) for pk in unit_ids],
        batch_size=2000,
        ignore_conflicts=True,
    )
    period = Period.objects.create(
        code=f"{PREFIX}{n}", year=2099, title=f"Kỳ thử nghiệm {n} đơn vị", status=PeriodStatus.FINAL_APPRAISAL
    )
    Band.objects.bulk_create([Band(period=period, name=name, min_index=Decimal(m)) for name, m in BANDS])
    # Set up directly (the bench has no user to act as); the services' own tests cover period_create.
    period_group = PeriodGroup.objects.create(period=period, unit_group=group, framework=framework)
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                period=period, period_group=period_group, unit_id=pk, status=AssessmentStatus.FINALISED
            )
            for pk in unit_ids
        ],
        batch_size=2000,
    )
    assessment_ids = [a.pk for a in assessments]
    if None in assessment_ids:  # backends without RETURNING
        assessment_ids = list(Assessment.objects.filter(period=period).values_list("pk", flat=True))

    nodes = list(
        framework.nodes.filter(is_scorable=True).order_by("order").values_list("pk", "method", "max_points")
    )
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table(ScoreEntry),
        ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS),
        ", ".join(["%s"] * len(INSERT_COLUMNS)),
    )
    copy_sql = "COPY {} ({}) FROM STDIN".format(
        table(ScoreEntry), ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
    )

    def write(cursor, rows):
        if connection.vendor == "postgresql":  # COPY is ~5× faster than executemany on psycopg 3
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, rows)
        return len(rows)

    rows, inserted = [], 0
    blanks = ("",) * len(TEXT_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        for assessment_id in assessment_ids:
            for node_id, method, max_points in nodes:
                rows.append(
                    (assessment_id, *entry_values(rng, node_id, method, max_points), 1, stamp, *blanks)
                )
            if len(rows) >= ENTRY_BATCH:
                inserted += write(cursor, rows)
                rows = []
        if rows:
            inserted += write(cursor, rows)
    if connection.vendor == "postgresql":
        # What autovacuum would soon do after a bulk load (and after load_reference on a fresh database:
        # without statistics on the node table the planner picks a nested loop). Doing it here keeps plans
        # realistic and keeps autovacuum from starting in the middle of the timings.
        with connection.cursor() as cursor:
            for model in (ScoreEntry, Assessment, Unit, AssessmentResult, FrameworkNode, Band):
                cursor.execute(f"VACUUM ANALYZE {table(model)}")
    return period, assessment_ids, len(nodes), inserted


def drop_period(code):
    """Delete a bench period and everything under it with plain SQL (no per-row signals or history)."""
    period = Period.objects.filter(code=code).first()
    if period is None:
        return
    in_period = f"assessment_id IN (SELECT id FROM {table(Assessment)} WHERE period_id = %s)"
    history = Period.history.model
    group_ids = list(PeriodGroup.objects.filter(period=period).values_list("unit_group_id", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (AssessmentResult, ScoreEntry):
            cursor.execute(f"DELETE FROM {table(model)} WHERE {in_period}", [period.pk])
        for model in (Assessment, PeriodGroup, Band):
            cursor.execute(f"DELETE FROM {table(model)} WHERE period_id = %s", [period.pk])
        cursor.execute(f"DELETE FROM {table(Period)} WHERE id = %s", [period.pk])
        cursor.execute(f"DELETE FROM {table(history)} WHERE id = %s", [period.pk])
        for group_id in group_ids:
            group = UnitGroup.objects.get(pk=group_id)
            if (
                group.code.startswith(PREFIX)
                and not PeriodGroup.objects.filter(unit_group_id=group_id).exists()
            ):
                cursor.execute(
                    f"DELETE FROM {table(UnitGroup.members.through)} WHERE unitgroup_id = %s", [group_id]
                )
                cursor.execute(f"DELETE FROM {table(UnitGroup)} WHERE id = %s", [group_id])


def drop_units():
    """Bench units that no assessment uses any more."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table(Unit)} WHERE code LIKE %s"
            f" AND id NOT IN (SELECT unit_id FROM {table(Assessment)})"
            f" AND id NOT IN (SELECT unit_id FROM {table(UnitGroup.members.through)})",
            [PREFIX + "%"],
        )


# ---------------------------------------------------------------- measurements


def settle():
    """PostgreSQL: vacuum the result tables (not timed), as autovacuum would between two recomputes.

    Each recompute deletes and rewrites the result row of every assessment of the period; without a vacuum in
    between, dead rows pile up and every run is a little slower than the one before. Autovacuum does this on a
    normally configured server, but not at once and not when it is turned off.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (AssessmentResult,):
                cursor.execute(f"VACUUM {table(model)}")


def baseline(period):
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [period.pk])
        return cursor.fetchall()


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


@contextmanager
def statement_profile(totals):
    """Time every SQL statement by its text, and the COMMIT (where PostgreSQL runs deferred foreign key
    checks). Rows fetched after execute() (SQLite steps lazily) are not included."""

    def add(key, start):
        seconds, count = totals.get(key, (0.0, 0))
        totals[key] = (seconds + time.perf_counter() - start, count + 1)

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            text = " ".join(sql.split())
            add(text if len(text) <= 200 else f"{text[:130]} … {text[-60:]}", start)

    commit = connection._commit

    def timed_commit():
        start = time.perf_counter()
        try:
            return commit()
        finally:
            add("COMMIT", start)

    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        del connection._commit


def check_results(period, rng):
    ids = list(Assessment.objects.filter(period=period).values_list("pk", flat=True))
    for pk in rng.sample(ids, min(3, len(ids))):
        finals = ScoreEntry.objects.filter(assessment_id=pk, not_applicable=False).values_list(
            "final_points", flat=True
        )
        expected = sum((value for value in finals if value is not None), Decimal(0))
        stored = AssessmentResult.objects.get(assessment_id=pk).points
        if stored != expected:
            raise SystemExit(
                f"Wrong result: assessment {pk}: AssessmentResult.points={stored}, sum of final points={expected}"
            )


def bench(n, repeat, framework, profile):
    rng = random.Random(SEED + n)
    drop_period(f"{PREFIX}{n}")
    log(f"[{connection.vendor}] N={n}: generating …")
    start = time.perf_counter()
    period, assessment_ids, scorable, inserted = generate(n, framework, rng)
    generation = time.perf_counter() - start
    log(f"[{connection.vendor}] N={n}: {inserted} entries in {generation:.1f} s")
    assert inserted == n * scorable

    # First computation (no stored results yet), then a recompute over stored results: query counts of both.
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as first:
        scores_recompute(period=period)
    first_seconds = time.perf_counter() - start
    check_results(period, rng)
    settle()
    reset = reset_peak_rss()
    with CaptureQueriesContext(connection) as steady:
        scores_recompute(period=period)
    rss = maxrss_mb()
    settle()
    tracemalloc.start()
    scores_recompute(period=period)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    recompute_times, baseline_times, criteria_times = [], [], []
    for i in range(repeat):
        settle()
        recompute_times.append(timed(lambda: scores_recompute(period=period)))
        baseline_times.append(timed(lambda: baseline(period)))
        # What publication runs: the same recompute storing every criterion as well (38 in QĐ 2948).
        criteria_times.append(timed(lambda: scores_recompute(period=period, criteria=True)))
        log(
            f"[{connection.vendor}] N={n} run {i + 1}: recompute {recompute_times[-1]:.3f} s, baseline "
            f"{baseline_times[-1]:.3f} s, with criteria {criteria_times[-1]:.3f} s"
        )
    check_results(period, rng)

    if profile:
        totals = {}
        settle()
        with statement_profile(totals):
            total = timed(lambda: scores_recompute(period=period))
        log(f"[{connection.vendor}] N={n} profile: scores_recompute {total:.3f} s")
        for sql, (seconds, count) in sorted(totals.items(), key=lambda item: -item[1][0]):
            log(f"  {seconds:8.3f} s  {count:4d}×  {sql}")
        log(f"  {total - sum(s for s, _ in totals.values()):8.3f} s  outside SQL and COMMIT (Python, fetch)")
        profiler = cProfile.Profile()
        profiler.runcall(scores_recompute, period=period)
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(15)
        log(report.getvalue())

    recompute_median = statistics.median(recompute_times)
    baseline_median = statistics.median(baseline_times)
    ratio = recompute_median / baseline_median
    return period, {
        "database": connection.vendor,
        "units": n,
        "entries": inserted,
        "recompute_seconds_median": round(recompute_median, 4),
        "recompute_seconds_all": [round(t, 4) for t in recompute_times],
        "first_recompute_seconds": round(first_seconds, 4),
        "baseline_seconds_median": round(baseline_median, 4),
        "baseline_seconds_all": [round(t, 4) for t in baseline_times],
        "ratio": round(ratio, 2),
        "with_criteria_seconds_median": round(statistics.median(criteria_times), 4),
        "with_criteria_ratio": round(statistics.median(criteria_times) / baseline_median, 2),
        "queries": len(steady),
        "queries_first_run": len(first),
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1),
        "maxrss_mb": rss,
        "maxrss_reset_before_recompute": reset,
        "generation_seconds": round(generation, 1),
        "target_ratio": TARGET_RATIO,
        "meets_ratio": ratio <= TARGET_RATIO,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 1000, 10000], metavar="N")
    parser.add_argument("--repeat", type=int, default=3, metavar="R")
    parser.add_argument("--keep", action="store_true", help="keep the generated periods, units and results")
    parser.add_argument(
        "--profile", action="store_true", help="time each SQL statement of one recompute (stderr)"
    )
    args = parser.parse_args()

    log(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    call_command("load_reference", stdout=sys.stderr)
    framework = Framework.objects.get(code=FRAMEWORK_CODE)
    try:
        for n in args.units:
            period, result = bench(n, args.repeat, framework, args.profile)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            if not args.keep:
                start = time.perf_counter()
                drop_period(period.code)
                log(f"[{connection.vendor}] N={n}: bench data deleted in {time.perf_counter() - start:.1f} s")
    finally:
        if not args.keep:
            for n in args.units:
                drop_period(f"{PREFIX}{n}")
            drop_units()


if __name__ == "__main__":
    main()
