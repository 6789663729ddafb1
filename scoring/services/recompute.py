"""scores_recompute: the set-based computation of a period's stored results."""

import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from scoring import calculator
from scoring.models import Assessment, AssessmentResult, FrameworkNode, NodeLevel, Period, ScoreEntry

FOUR_PLACES = Decimal("0.0001")

RESULT_COLUMNS = [
    "assessment_id",
    "points",
    "max_points",
    "index",
    "band",
    "rank",
    "group_size",
    "computed_at",
    "inputs_count",
    "missing_count",
    "inputs_updated_at",
    "framework_code",
    "domains",
]


def scores_recompute(*, period: Period) -> int:
    """Recompute and store every assessment result of a period; returns how many were computed.

    One pass over the period's score entries per framework in use, grouped by assessment, sums the stored final
    points of each domain; a second, small query gives the max of not-applicable nodes, which leaves the
    assessed max. Totals, indexes,
    bands and ranks then follow in Python from scoring.calculator, and the results are written with one
    statement. The number of queries does not depend on the number of units (bench/recompute.py measures it).
    """
    now = timezone.now()
    q = connection.ops.quote_name
    assessments = list(
        Assessment.objects.filter(period=period).values_list(
            "pk", "period_group_id", "period_group__framework_id", "period_group__framework__code"
        )
    )
    framework_ids = sorted({row[2] for row in assessments})
    domains_by_framework: dict[int, list[dict]] = defaultdict(list)
    for domain in (
        FrameworkNode.objects.filter(framework_id__in=framework_ids, level=NodeLevel.DOMAIN)
        .order_by("order")
        .values("id", "framework_id", "code", "max_points")
    ):
        domains_by_framework[domain["framework_id"]].append(domain)
    bands = list(period.bands.values_list("name", "min_index"))

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")  # keep the per-assessment hash aggregate in memory
        sums, exempted_max = {}, {}
        for framework_id in framework_ids:
            domains = domains_by_framework[framework_id]
            group_ids = sorted({row[1] for row in assessments if row[2] == framework_id})
            cursor.execute(*_domain_sums_sql(group_ids, domains))
            for row in cursor.fetchall():
                sums[row[0]] = row[1:]
            cursor.execute(*_exempted_max_sql(group_ids))
            for assessment_id, domain_id, max_points in cursor.fetchall():
                exempted_max[assessment_id, domain_id] = _decimal(max_points)

        results = []
        indexes_by_group: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
        stamp = connection.ops.adapt_datetimefield_value(now)
        for pk, group_id, framework_id, framework_code in assessments:
            domains = domains_by_framework[framework_id]
            row = sums.get(pk) or (None,) * len(domains) + (0, 0, 0, None)
            count, scored, exempted, updated_at = row[len(domains) :]
            points, max_points, stored_domains = calculator.ZERO, calculator.ZERO, []
            for domain, earned in zip(domains, row, strict=False):
                earned = _decimal(earned)
                assessed = domain["max_points"]
                if exempted:  # rare: look up what the exemptions take off this domain's max
                    assessed -= exempted_max.get((pk, domain["id"]), calculator.ZERO)
                points += earned
                max_points += assessed
                percentage = calculator.percentage(earned, assessed)
                # [code, points, assessed max, percentage], as text at full precision
                stored_domains.append(
                    [
                        domain["code"],
                        str(earned),
                        str(assessed),
                        None if percentage is None else str(percentage),
                    ]
                )
            missing = count - scored - exempted
            index = calculator.percentage(points, max_points)
            complete = count > 0 and missing == 0
            # Incomplete assessments (appraisal not finished) get an index but no band and no rank.
            indexes_by_group[group_id][pk] = index if complete else None
            results.append(
                {
                    "assessment_id": pk,
                    "points": points,
                    "max_points": max_points,
                    "index": index,
                    "band": calculator.band_for(index, bands) if complete else "",
                    "rank": None,
                    "group_size": 0,
                    "computed_at": stamp,
                    "inputs_count": count,
                    "missing_count": missing,
                    # Passed back as the database gave it (text on SQLite, a datetime on PostgreSQL).
                    "inputs_updated_at": updated_at,
                    "framework_code": framework_code,
                    "domains": json.dumps(stored_domains),
                }
            )
        by_assessment = {result["assessment_id"]: result for result in results}
        for group_indexes in indexes_by_group.values():
            ranks = calculator.competition_ranks(group_indexes)
            ranked = sum(1 for rank in ranks.values() if rank is not None)
            for pk, rank in ranks.items():
                by_assessment[pk].update(rank=rank, group_size=ranked)

        result_table = q(AssessmentResult._meta.db_table)
        cursor.execute(
            f"DELETE FROM {result_table} WHERE assessment_id IN "
            f"(SELECT id FROM {q(Assessment._meta.db_table)} WHERE period_id = %s)",
            [period.pk],
        )
        _insert_results(cursor, results)
    return len(results)


def _domain_sums_sql(group_ids: list[int], domains: list[dict]) -> tuple[str, list]:
    """Per assessment of the given period groups (all on one framework): the points earned in each domain,
    then the number of entries, of scored entries, of exempted entries, and the latest change. Final points of
    exempted entries are NULL (calculator.final_points), so SUM(final_points) leaves them out.

    Filtering and grouping on the assessment (not on the node or the entry) lets SQLite walk the assessments
    in order and stream the aggregate; a filter on the node's framework made it sort 890 000 rows instead.
    """
    q = connection.ops.quote_name
    columns = ", ".join("SUM(e.final_points) FILTER (WHERE n.domain_id = %s)" for _ in domains)
    sql = f"""
        SELECT a.id, {columns},
               COUNT(*), COUNT(e.final_points), COUNT(*) FILTER (WHERE e.not_applicable), MAX(e.updated_at)
        FROM {q(Assessment._meta.db_table)} a
        JOIN {q(ScoreEntry._meta.db_table)} e ON e.assessment_id = a.id
        JOIN {q(FrameworkNode._meta.db_table)} n ON n.id = e.node_id
        WHERE a.period_group_id IN ({", ".join(["%s"] * len(group_ids))})
        GROUP BY a.id
    """
    return sql, [*(domain["id"] for domain in domains), *group_ids]


def _exempted_max_sql(group_ids: list[int]) -> tuple[str, list]:
    """The max points of not-applicable entries per assessment and domain (served by score_entry_exempted)."""
    q = connection.ops.quote_name
    sql = f"""
        SELECT e.assessment_id, n.domain_id, SUM(n.max_points)
        FROM {q(ScoreEntry._meta.db_table)} e
        JOIN {q(Assessment._meta.db_table)} a ON a.id = e.assessment_id
        JOIN {q(FrameworkNode._meta.db_table)} n ON n.id = e.node_id
        WHERE e.not_applicable AND a.period_group_id IN ({", ".join(["%s"] * len(group_ids))})
        GROUP BY e.assessment_id, n.domain_id
    """
    return sql, list(group_ids)


def _insert_results(cursor, results: list[dict]) -> None:
    """Write the results in one statement: COPY on PostgreSQL (one stream instead of one round trip per row),
    executemany on SQLite (one prepared statement, in process)."""
    q = connection.ops.quote_name
    table = q(AssessmentResult._meta.db_table)
    columns = ", ".join(q(column) for column in RESULT_COLUMNS)
    rows = [[result[column] for column in RESULT_COLUMNS] for result in results]
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(RESULT_COLUMNS))})", rows
        )


def _decimal(value) -> Decimal:
    """Sums come back as Decimal (PostgreSQL) or float (SQLite, which has no decimal type): bring them to 4
    places, which removes SQLite's binary rounding noise (far below 0.00005 for these sizes)."""
    if value is None:
        return calculator.ZERO
    if isinstance(value, Decimal):
        return value  # PostgreSQL: exact sums of 4-place numerics
    return Decimal(repr(value)).quantize(FOUR_PLACES)
