"""Benchmark the survey points import against a bare openpyxl read-only iteration over the same file.

Generates a period of --units units on a framework of --nodes survey nodes (direct inserts, not timed) and a
long-form XLSX file of units × nodes rows (unit code, node code, points). Then, alternately, --repeat times:
the baseline (openpyxl read_only, values_only, every row iterated) and the import as the secretariat runs it:
the preview (read, check every row through the import-export resource, keep the file) and the confirmation
(read the kept file again, check, write through the survey service with history, one recompute). Survey
points are cleared between runs (not timed). Peak memory: the process's peak RSS during one extra run (reset before it), and the Python heap's peak in
another run under tracemalloc.
Prints one JSON object. See bench/README.md.

    SECRET_KEY=x DATABASE_URL=sqlite:////tmp/parindex-bench.sqlite3 .venv/bin/python bench/survey_import.py
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from memory import maxrss_mb, reset_peak_rss  # noqa: E402  (bench/memory.py, beside this script)

from scoring import services  # noqa: E402
from scoring.models import (  # noqa: E402
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Band,
    DataImport,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    Method,
    NodeLevel,
    Period,
    PeriodGroup,
    PeriodStatus,
    ScoreEntry,
    WorkflowEvent,
)
from units.models import Unit, UnitGroup, UnitKind  # noqa: E402
from units.scope import SECRETARIAT_GROUP  # noqa: E402

PREFIX = "bench-si-"
TARGET_RATIO = 0.25
MEMORY_TARGET_MB = 500


def log(message):
    print(message, file=sys.stderr, flush=True)


def generate(units: int, nodes: int):
    """A framework with one survey domain of `nodes` sub-criteria (1 point each), units, a period open for
    appraisal and units × nodes empty survey entries."""
    criteria = max(1, nodes // 10)
    framework = Framework.objects.create(
        code=f"{PREFIX}{nodes}", title="Bộ tiêu chí thử nghiệm (điều tra)", status=FrameworkStatus.ACTIVE
    )
    domain = FrameworkNode.objects.create(
        framework=framework,
        code="1",
        level=NodeLevel.DOMAIN,
        name="Lĩnh vực thử nghiệm",
        order=0,
        max_points=Decimal(nodes),
        method=Method.SURVEY,
        is_scorable=False,
    )
    leaves, order = [], 1
    for c in range(1, criteria + 1):
        size = nodes // criteria + (1 if c <= nodes % criteria else 0)
        criterion = FrameworkNode.objects.create(
            framework=framework,
            code=f"1.{c}",
            level=NodeLevel.CRITERION,
            parent=domain,
            name=f"Tiêu chí {c}",
            order=order,
            max_points=Decimal(size),
            method=Method.SURVEY,
            is_scorable=False,
        )
        order += 1
        for s in range(1, size + 1):
            leaves.append(
                FrameworkNode(
                    framework=framework,
                    code=f"1.{c}.{s}",
                    level=NodeLevel.SUBCRITERION,
                    parent=criterion,
                    name=f"Tiêu chí thành phần {c}.{s}",
                    order=order,
                    max_points=Decimal(1),
                    method=Method.SURVEY,
                    is_scorable=True,
                )
            )
            order += 1
    leaves = FrameworkNode.objects.bulk_create(leaves)
    codes = [f"{PREFIX}{i:05d}" for i in range(1, units + 1)]
    Unit.objects.bulk_create(
        [Unit(code=code, name=f"Đơn vị thử nghiệm {code}", kind=UnitKind.DEPARTMENT) for code in codes]
    )
    group = UnitGroup.objects.create(code=f"{PREFIX}{units}", name="Nhóm thử nghiệm")
    unit_ids = list(Unit.objects.filter(code__in=codes).values_list("pk", flat=True))
    group.members.add(*unit_ids)
    period = Period.objects.create(
        code=f"{PREFIX}{units}",
        year=2099,
        title="Kỳ thử nghiệm nhập điểm điều tra",
        status=PeriodStatus.APPRAISAL,
    )
    period_group = PeriodGroup.objects.create(period=period, unit_group=group, framework=framework)
    Assessment.objects.bulk_create(
        [
            Assessment(
                period=period, period_group=period_group, unit_id=pk, status=AssessmentStatus.UNDER_APPRAISAL
            )
            for pk in unit_ids
        ]
    )
    assessments = list(Assessment.objects.filter(period=period).values_list("pk", flat=True))
    ScoreEntry.objects.bulk_create(
        (ScoreEntry(assessment_id=a, node_id=n.pk) for a in assessments for n in leaves), batch_size=5000
    )
    return period, codes, [n.code for n in leaves]


def workbook(codes, node_codes) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Điểm điều tra")
    sheet.append(["Mã đơn vị", "Mã tiêu chí", "Điểm"])
    for i, code in enumerate(codes):
        for j, node in enumerate(node_codes):
            sheet.append([code, node, f"0,{(i * 7 + j * 3) % 10}5"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bare_read(content: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows - 1


def run_import(period, user, content) -> tuple[float, float, int]:
    start = time.perf_counter()
    preview = services.survey_upload_preview(
        period=period, acting_user=user, file_name="dieu-tra.xlsx", content=content
    )
    middle = time.perf_counter()
    assert preview.ok, preview.errors[:5]
    done = services.data_import_confirm(data_import=preview.data_import, acting_user=user)
    end = time.perf_counter()
    return middle - start, end - middle, done.summary["changed"]


def reset(period):
    ScoreEntry.objects.filter(assessment__period=period).update(
        survey_points=None, final_points=None, version=1
    )
    DataImport.objects.filter(period=period).delete()


def cleanup():
    """Delete the bench data with plain SQL (no per-row signals or history rows)."""

    def delete(cursor, model, where, params=()):
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where}", params)

    periods = list(Period.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        for pk in periods:
            in_period = f"assessment_id IN (SELECT id FROM {Assessment._meta.db_table} WHERE period_id = %s)"
            for model in (ScoreEntry.history.model, ScoreEntry, AssessmentResult):
                delete(cursor, model, in_period, [pk])
            for model in (DataImport, Assessment.history.model, Assessment, PeriodGroup, Band, WorkflowEvent):
                delete(cursor, model, "period_id = %s", [pk])
            for model in (Period.history.model, Period):
                delete(cursor, model, "id = %s", [pk])
        groups = f"unitgroup_id IN (SELECT id FROM {UnitGroup._meta.db_table} WHERE code LIKE %s)"
        delete(cursor, UnitGroup.members.through, groups, [PREFIX + "%"])
        delete(cursor, UnitGroup, "code LIKE %s", [PREFIX + "%"])
        delete(cursor, Unit, "code LIKE %s", [PREFIX + "%"])
        frameworks = f"framework_id IN (SELECT id FROM {Framework._meta.db_table} WHERE code LIKE %s)"
        delete(
            cursor, FrameworkNode, frameworks + " AND parent_id IS NOT NULL AND is_scorable", [PREFIX + "%"]
        )
        delete(cursor, FrameworkNode, frameworks + " AND level = 'criterion'", [PREFIX + "%"])
        delete(cursor, FrameworkNode, frameworks, [PREFIX + "%"])
        for model in (Framework.history.model, Framework):
            delete(cursor, model, "code LIKE %s", [PREFIX + "%"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    cleanup()
    log(f"Tạo dữ liệu thử: {args.units} đơn vị × {args.nodes} tiêu chí điều tra")
    with transaction.atomic():
        period, codes, node_codes = generate(args.units, args.nodes)
    user, _ = get_user_model().objects.get_or_create(username=f"{PREFIX}sonoivu", defaults={"is_staff": True})
    user.groups.add(*Group.objects.filter(name=SECRETARIAT_GROUP))
    content = workbook(codes, node_codes)
    rows = args.units * args.nodes
    baseline, previews, confirms = [], [], []
    try:
        for run in range(args.repeat):
            start = time.perf_counter()
            assert bare_read(content) == rows
            baseline.append(time.perf_counter() - start)
            reset(period)
            seconds_preview, seconds_confirm, changed = run_import(period, user, content)
            assert changed == rows, changed
            previews.append(seconds_preview)
            confirms.append(seconds_confirm)
            log(
                f"lần {run + 1}: đọc thô {baseline[-1]:.1f} s, xem trước {seconds_preview:.1f} s, xác nhận {seconds_confirm:.1f} s"
            )
        reset(period)
        rss_reset = reset_peak_rss()
        run_import(period, user, content)
        rss_peak = maxrss_mb()
        reset(period)
        tracemalloc.start()
        run_import(period, user, content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        cleanup()
        user.delete()
    bare_rate = rows / statistics.median(baseline)
    rate = {
        "preview": rows / statistics.median(previews),
        "confirm": rows / statistics.median(confirms),
        "preview_and_confirm": rows
        / statistics.median([p + c for p, c in zip(previews, confirms, strict=True)]),
    }
    print(
        json.dumps(
            {
                "benchmark": "survey_import",
                "database": django.db.connection.vendor,
                "rows": rows,
                "file_bytes": len(content),
                "repeat": args.repeat,
                "baseline_bare_openpyxl_rows_per_s": round(bare_rate),
                "import_rows_per_s": {key: round(value) for key, value in rate.items()},
                "ratio_to_baseline": {key: round(value / bare_rate, 3) for key, value in rate.items()},
                "target_ratio": TARGET_RATIO,
                "meets_target": {key: value / bare_rate >= TARGET_RATIO for key, value in rate.items()},
                "median_seconds": {
                    "baseline": round(statistics.median(baseline), 2),
                    "preview": round(statistics.median(previews), 2),
                    "confirm": round(statistics.median(confirms), 2),
                },
                "python_peak_mb": round(peak / 1048576, 1),
                "import_peak_rss_mb": rss_peak if rss_reset else None,
                "memory_target_mb": MEMORY_TARGET_MB,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
