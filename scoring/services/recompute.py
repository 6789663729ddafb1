"""scores_recompute: the set-based computation of a period's stored results."""

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from scoring import calculator
from scoring.models import (
    Assessment,
    AssessmentResult,
    FrameworkNode,
    NodeResult,
    Period,
    ScoreEntry,
)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def scores_recompute(*, period: Period) -> int:
    """Recompute and store every result of a period, set-based: a fixed number of queries whatever the number
    of units.

    Criteria and domain results are summed by the database from the stored final points (INSERT … SELECT …
    GROUP BY); assessment totals, index, band and rank are then derived per assessment in Python with
    scoring.calculator and written in bulk. Returns the number of assessments computed.
    """
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    entry, node, assessment = _table(ScoreEntry), _table(FrameworkNode), _table(Assessment)
    node_result = _table(NodeResult)
    earned = "CASE WHEN e.not_applicable THEN 0 ELSE COALESCE(e.final_points, 0) END"
    assessed = "CASE WHEN e.not_applicable THEN 0 ELSE n.max_points END"
    in_period = f"e.assessment_id IN (SELECT id FROM {assessment} WHERE period_id = %s)"

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {node_result} WHERE assessment_id IN (SELECT id FROM {assessment} WHERE period_id = %s)",
            [period.pk],
        )
        AssessmentResult.objects.filter(assessment__period=period).delete()
        for parent_column, level_filter in (
            ("n.parent_id", "n.level = 'subcriterion'"),
            ("n.domain_id", "n.domain_id IS NOT NULL"),
        ):
            cursor.execute(
                f"""
                INSERT INTO {node_result} (assessment_id, node_id, points, max_points, percentage, computed_at)
                SELECT assessment_id, parent_id, points, max_points,
                       CASE WHEN max_points = 0 THEN NULL ELSE points * 100.0 / max_points END, %s
                FROM (
                    SELECT e.assessment_id AS assessment_id, {parent_column} AS parent_id,
                           SUM({earned}) AS points, SUM({assessed}) AS max_points
                    FROM {entry} e JOIN {node} n ON n.id = e.node_id
                    WHERE {in_period} AND {level_filter}
                    GROUP BY e.assessment_id, {parent_column}
                ) sums
                """,
                [stamp, period.pk],
            )
        cursor.execute(
            f"""
            SELECT e.assessment_id, SUM({earned}), SUM({assessed}), COUNT(*), MAX(e.updated_at),
                   SUM(CASE WHEN e.final_points IS NULL AND NOT e.not_applicable THEN 1 ELSE 0 END)
            FROM {entry} e JOIN {node} n ON n.id = e.node_id
            WHERE {in_period}
            GROUP BY e.assessment_id
            """,
            [period.pk],
        )
        sums = {row[0]: row[1:] for row in cursor.fetchall()}

        bands = list(period.bands.values_list("name", "min_index"))
        assessments = list(
            Assessment.objects.filter(period=period).values_list(
                "pk", "period_group_id", "period_group__framework__code"
            )
        )
        results = []
        indexes_by_group: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
        for pk, group_id, framework_code in assessments:
            points, max_points, count, updated_at, missing = sums.get(pk, (0, 0, 0, None, 0))
            points = _decimal(points)
            max_points = _decimal(max_points)
            index = calculator.percentage(points, max_points)
            complete = not missing and count > 0
            # Incomplete assessments (appraisal not finished) get an index but no band and no rank.
            indexes_by_group[group_id][pk] = index if complete else None
            results.append(
                AssessmentResult(
                    assessment_id=pk,
                    points=points,
                    max_points=max_points,
                    index=index,
                    band=calculator.band_for(index, bands) if complete else "",
                    computed_at=now,
                    inputs_count=count,
                    missing_count=missing or 0,
                    inputs_updated_at=_datetime(updated_at),
                    framework_code=framework_code,
                )
            )
        ranks: dict[int, int | None] = {}
        sizes: dict[int, int] = {}
        for group_indexes in indexes_by_group.values():
            group_ranks = calculator.competition_ranks(group_indexes)
            ranks.update(group_ranks)
            ranked = sum(1 for rank in group_ranks.values() if rank is not None)
            sizes.update(dict.fromkeys(group_indexes, ranked))
        for result in results:
            result.rank = ranks[result.assessment_id]
            result.group_size = sizes[result.assessment_id]
        AssessmentResult.objects.bulk_create(results, batch_size=2000)
    return len(results)


def _decimal(value) -> Decimal:
    """Sums come back as Decimal (PostgreSQL) or float/int (SQLite, which has no decimal type): bring them
    to 4 places, which removes SQLite's binary rounding noise (far below 0.00005 for these sizes)."""
    if value is None:
        return Decimal(0)
    if not isinstance(value, Decimal):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return value.quantize(Decimal("0.0001"))


def _datetime(value):
    """SQLite returns MAX(updated_at) as text in UTC; PostgreSQL as an aware datetime."""
    if value is None or not isinstance(value, str):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
