"""scores_recompute: the set-based computation of a period's stored results."""

import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from scoring import calculator, codes, policy
from scoring.models import (
    ADJUSTMENT_METHODS,
    Assessment,
    AssessmentResult,
    FrameworkNode,
    Method,
    NodeLevel,
    Period,
    ScoreEntry,
)

FOUR_PLACES = Decimal("0.0001")

RESULT_COLUMNS = [
    "assessment_id",
    "points",
    "max_points",
    "base_points",
    "bonus",
    "deduction",
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
    "criteria",
]


def scores_recompute(*, period: Period, criteria: bool = False) -> int:
    """Recompute and store every assessment result of a period; returns how many were computed.

    Internal: callers are services that hold the period's row lock (period_recompute, publication, phase
    changes). One pass over the period's score entries per framework in use, grouped by assessment, adds the
    final points of each part of the framework (its domains; or its criteria, when `criteria` is asked for, as
    publication does to store what the public scorecard shows); a second, small query adds the max of exempted
    nodes per part. Bonus and deduction parts are left out of the parts: for a framework that has them, the same
    pass adds their final points in two more columns. Those raw sums go to scoring.calculator, which applies
    every rule (normalisation, totals, bonus and deduction within the period's caps, index, band, rank). The
    number of queries does not depend on the number of units (bench/recompute.py).
    Routine recomputes add domains only: adding 38 criteria over 890 000 entries costs three times as much.
    """
    now = timezone.now()
    q = connection.ops.quote_name
    assessments = list(
        Assessment.objects.filter(period=period).values_list(
            "pk", "period_group_id", "period_group__framework_id", "period_group__framework__code", "status"
        )
    )
    framework_ids = sorted({row[2] for row in assessments})
    structure = _structure(framework_ids)
    kind = "criteria" if criteria else "domains"
    bands = list(period.bands.values_list("name", "min_index"))

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")  # keep the per-assessment hash aggregate in memory
        sums, exempted_max = {}, {}
        for framework_id in framework_ids:
            group_ids = sorted({row[1] for row in assessments if row[2] == framework_id})
            cursor.execute(
                *_part_sums_sql(
                    group_ids, structure[framework_id][kind], adjustments=structure[framework_id]["adjusted"]
                )
            )
            for row in cursor.fetchall():
                sums[row[0]] = row[1:]
            cursor.execute(*_exempted_max_sql(group_ids, kind))
            for assessment_id, part_id, max_points in cursor.fetchall():
                exempted_max[assessment_id, part_id] = _decimal(max_points)

        results = []
        indexes_by_group: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
        stamp = connection.ops.adapt_datetimefield_value(now)
        for pk, group_id, framework_id, framework_code, status in assessments:
            parts = structure[framework_id][kind]
            extra = 2 if structure[framework_id]["adjusted"] else 0
            row = sums.get(pk) or (None,) * (len(parts) + extra) + (0, 0, 0, None)
            bonus, deduction = row[len(parts) : len(parts) + extra] or (None, None)
            count, scored, exempted, updated_at = row[len(parts) + extra :]
            totals = calculator.assessment_totals(
                [
                    calculator.PartSums(
                        code=part["code"],
                        domain_code=part["domain_code"],
                        max_points=part["max_points"],
                        earned=_decimal(earned),
                        exempted_max=exempted_max.get((pk, part["id"]), calculator.ZERO)
                        if exempted
                        else calculator.ZERO,
                    )
                    for part, earned in zip(parts, row, strict=False)
                ],
                [domain["code"] for domain in structure[framework_id]["domains"]],
            )
            adjusted = calculator.apply_adjustments(
                totals.total,
                bonus=_decimal(bonus),
                deduction=_decimal(deduction),
                bonus_cap=period.bonus_cap,
                deduction_cap=period.deduction_cap,
            )
            missing = count - scored - exempted
            index = adjusted.index
            complete = count > 0 and missing == 0
            ranked = complete and not policy.is_excluded(status)
            # Incomplete assessments (appraisal not finished) get an index but no band and no rank; excluded
            # units are listed apart, never ranked.
            indexes_by_group[group_id][pk] = index if ranked else None
            results.append(
                {
                    "assessment_id": pk,
                    "points": adjusted.total.points,
                    "max_points": adjusted.total.max_points,
                    "base_points": adjusted.base.points,
                    "bonus": adjusted.bonus,
                    "deduction": adjusted.deduction,
                    "index": index,
                    "band": calculator.band_for(index, bands) if ranked else "",
                    "rank": None,
                    "group_size": 0,
                    "computed_at": stamp,
                    "inputs_count": count,
                    "missing_count": missing,
                    # Passed back as the database gave it (text on SQLite, a datetime on PostgreSQL).
                    "inputs_updated_at": updated_at,
                    "framework_code": framework_code,
                    "domains": json.dumps(_stored(totals.domains)),
                    "criteria": json.dumps(_stored(totals.parts) if criteria else []),
                }
            )
        by_assessment = {result["assessment_id"]: result for result in results}
        for group_indexes in indexes_by_group.values():
            ranks = calculator.competition_ranks(group_indexes)
            ranked_count = sum(1 for rank in ranks.values() if rank is not None)
            for pk, rank in ranks.items():
                by_assessment[pk].update(rank=rank, group_size=ranked_count)

        result_table = q(AssessmentResult._meta.db_table)
        cursor.execute(
            f"DELETE FROM {result_table} WHERE assessment_id IN "
            f"(SELECT id FROM {q(Assessment._meta.db_table)} WHERE period_id = %s)",
            [period.pk],
        )
        _insert_results(cursor, results)
    return len(results)


def _structure(framework_ids: list[int]) -> dict[int, dict]:
    """Per framework, in framework order: its domains and its criteria, each with the SQL condition that
    selects its scorable nodes (a domain: its nodes; a criterion: itself when scored, else its sub-criteria);
    and whether it has bonus or deduction parts ("adjusted"), which are not parts of the base."""
    structure = {
        framework_id: {"criteria": [], "domains": [], "adjusted": False} for framework_id in framework_ids
    }
    adjustment_domains = set()
    for node in (
        FrameworkNode.objects.filter(
            framework_id__in=framework_ids, level__in=[NodeLevel.DOMAIN, NodeLevel.CRITERION]
        )
        .order_by("order")
        .values("id", "framework_id", "code", "level", "max_points", "is_scorable", "method")
    ):
        part = {**node, "domain_code": codes.domain_of(node["code"])}
        if node["method"] in ADJUSTMENT_METHODS:
            # A bonus or deduction part is a top-level part of one method (framework_io): its whole subtree.
            adjustment_domains.add((node["framework_id"], part["domain_code"]))
            structure[node["framework_id"]]["adjusted"] = True
            continue
        if (node["framework_id"], part["domain_code"]) in adjustment_domains:
            continue
        if node["level"] == NodeLevel.DOMAIN:
            structure[node["framework_id"]]["domains"].append({**part, "column": "domain_id"})
        else:
            column = "id" if node["is_scorable"] else "parent_id"
            structure[node["framework_id"]]["criteria"].append({**part, "column": column})
    return structure


def _stored(totals: dict[str, calculator.NodeTotal]) -> list[list]:
    """[code, points, assessed max, percentage] per node, as text at full precision."""
    rows = []
    for code, total in totals.items():
        percentage = total.percentage
        rows.append(
            [code, str(total.points), str(total.max_points), None if percentage is None else str(percentage)]
        )
    return rows


def _part_sums_sql(group_ids: list[int], parts: list[dict], *, adjustments: bool = False) -> tuple[str, list]:
    """Per assessment of the given period groups (all on one framework): the points earned in each part, then
    (with `adjustments`) the bonus and the deduction points claimed, then the number of entries, of scored
    entries, of exempted entries, and the latest change. Final points of exempted entries are NULL
    (calculator.final_points), so SUM(final_points) leaves them out.

    One equality per column: an OR of two conditions made SQLite several times slower over 890 000 entries.
    Filtering and grouping on the assessment (not on the node or the entry) lets SQLite walk the assessments
    in order and stream the aggregate; a filter on the node's framework made it sort 890 000 rows instead.
    """
    q = connection.ops.quote_name
    conditions = [(part["column"], part["id"]) for part in parts]
    if adjustments:
        conditions += [("method", Method.BONUS.value), ("method", Method.DEDUCTION.value)]
    columns = ", ".join(f"SUM(e.final_points) FILTER (WHERE n.{column} = %s)" for column, _ in conditions)
    sql = f"""
        SELECT a.id, {columns},
               COUNT(*), COUNT(e.final_points), COUNT(*) FILTER (WHERE e.not_applicable), MAX(e.updated_at)
        FROM {q(Assessment._meta.db_table)} a
        JOIN {q(ScoreEntry._meta.db_table)} e ON e.assessment_id = a.id
        JOIN {q(FrameworkNode._meta.db_table)} n ON n.id = e.node_id
        WHERE a.period_group_id IN ({", ".join(["%s"] * len(group_ids))})
        GROUP BY a.id
    """
    return sql, [*(value for _, value in conditions), *group_ids]


def _exempted_max_sql(group_ids: list[int], kind: str) -> tuple[str, list]:
    """The max points of not-applicable entries per assessment and part (served by score_entry_exempted)."""
    q = connection.ops.quote_name
    part = "n.domain_id" if kind == "domains" else "CASE WHEN n.level = %s THEN n.parent_id ELSE n.id END"
    sql = f"""
        SELECT e.assessment_id, {part}, SUM(n.max_points)
        FROM {q(ScoreEntry._meta.db_table)} e
        JOIN {q(Assessment._meta.db_table)} a ON a.id = e.assessment_id
        JOIN {q(FrameworkNode._meta.db_table)} n ON n.id = e.node_id
        WHERE e.not_applicable AND a.period_group_id IN ({", ".join(["%s"] * len(group_ids))})
        GROUP BY 1, 2
    """
    return sql, [*([NodeLevel.SUBCRITERION.value] if kind == "criteria" else []), *group_ids]


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
