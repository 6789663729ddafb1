"""The survey grid of a period: units × survey nodes of one unit group."""

from scoring import policy
from scoring.models import FrameworkNode, Method, ScoreEntry


def survey_grid(period, group_code: str | None = None) -> dict:
    """The groups of the period, and for the chosen one (default: the first) its survey nodes as columns and
    its units as rows, each cell the unit's entry for that node. A fixed number of queries."""
    groups = list(period.groups.select_related("unit_group", "framework").order_by("unit_group__name"))
    group = next((g for g in groups if g.unit_group.code == group_code), groups[0] if groups else None)
    if group is None:
        return {"period": period, "groups": [], "group": None, "nodes": [], "rows": []}
    nodes = list(
        FrameworkNode.objects.filter(
            framework=group.framework, is_scorable=True, method=Method.SURVEY
        ).order_by("order")
    )
    cells = {}
    for entry in (
        ScoreEntry.objects.filter(assessment__period_group=group, node__in=nodes)
        .select_related("assessment__unit", "node")
        .order_by("assessment__unit__name", "node__order")
    ):
        cells.setdefault(entry.assessment_id, {"assessment": entry.assessment, "cells": {}})["cells"][
            entry.node_id
        ] = entry
    rows = []
    for item in cells.values():
        assessment = item["assessment"]
        rows.append(
            {
                "assessment": assessment,
                "closed": policy.is_closed(assessment.status),
                "cells": [item["cells"].get(node.pk) for node in nodes],
            }
        )
    return {
        "period": period,
        "groups": groups,
        "group": group,
        "nodes": nodes,
        "rows": rows,
        "open": policy.is_open(period.status),
        "missing": sum(
            1
            for row in rows
            if not row["closed"]
            for cell in row["cells"]
            if cell is not None and cell.survey_points is None and not cell.not_applicable
        ),
    }
