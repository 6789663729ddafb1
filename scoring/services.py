"""Every write to frameworks, periods, assessments and scores goes through these functions.

Each runs in one transaction, validates before writing and leaves history (django-simple-history) for
changes to frameworks, periods, assessments and score entries. Results are derived and rewritten by
`scores_recompute`.
"""

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from scoring import calculator
from scoring.framework_io import (
    DeclaredDomain,
    FrameworkFileError,
    NodeSpec,
    check_integrity,
    parse_nodes,
    read_table,
)
from scoring.models import (
    Assessment,
    AssessmentResult,
    DomainSummary,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    NodeLevel,
    NodeResult,
    Period,
    PeriodGroup,
    ScoreEntry,
)
from scoring.selectors import framework_specs

POINT_FIELDS = ("self_points", "appraised_points_r1", "appraised_points_r2", "survey_points")
POINT_LABELS = {
    "self_points": "Điểm tự đánh giá",
    "appraised_points_r1": "Điểm thẩm định lần 1",
    "appraised_points_r2": "Điểm thẩm định lần 2",
    "survey_points": "Điểm điều tra xã hội học",
}
MAX_POINT_PLACES = 4


# ---------------------------------------------------------------- frameworks


def framework_import(
    *, content: bytes, filename: str, framework: Framework | None = None, defaults: dict | None = None
) -> Framework:
    """Create a framework from a CSV/XLSX file, or replace the nodes of one that no period uses yet.

    All-or-nothing: any problem raises FrameworkFileError listing every row and column at fault, and
    nothing is saved. A frozen framework is never changed: make a new version first.
    """
    specs = parse_nodes(read_table(content, filename))
    with transaction.atomic():
        if framework is None:
            framework = Framework(**(defaults or {}))
            try:
                framework.full_clean()
            except ValidationError as exc:
                raise FrameworkFileError(
                    [f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()]
                ) from exc
            framework.save()
        else:
            framework = Framework.objects.select_for_update().get(pk=framework.pk)
            if framework.is_frozen:
                raise FrameworkFileError(
                    [
                        "Bộ tiêu chí đã khóa vì đã dùng cho kỳ đánh giá; hãy tạo phiên bản mới rồi nhập vào phiên bản đó."
                    ]
                )
            framework.nodes.all().delete()
            framework.save()
        _create_nodes(framework, specs)
    return framework


def _create_nodes(framework: Framework, specs: list[NodeSpec]) -> None:
    by_code: dict[str, FrameworkNode] = {}
    for level in (NodeLevel.DOMAIN, NodeLevel.CRITERION, NodeLevel.SUBCRITERION):
        batch = []
        for spec in specs:
            if spec.level != level:
                continue
            node = FrameworkNode(
                framework=framework,
                code=spec.code,
                level=spec.level,
                parent=by_code.get(spec.parent_code) if spec.parent_code else None,
                domain=by_code.get(spec.code.split(".")[0]) if spec.level != NodeLevel.DOMAIN else None,
                order=spec.order,
                name=spec.name,
                max_points=spec.max_points,
                method=spec.method,
                is_scorable=spec.is_scorable,
                guidance=spec.guidance,
                evidence_requirement=spec.evidence_requirement,
                advising_agency=spec.advising_agency,
                verified=spec.verified,
                source_note=spec.note,
            )
            batch.append(node)
        for node in FrameworkNode.objects.bulk_create(batch):
            by_code[node.code] = node


def framework_integrity(*, framework: Framework):
    """The integrity report of a stored framework (see framework_io.check_integrity)."""
    declared = [
        DeclaredDomain(d.domain_code, d.criteria_count, d.subcriteria_count, d.max_points)
        for d in framework.declared_domains.all()
    ]
    return check_integrity(framework_specs(framework), declared)


def framework_activate(*, framework: Framework) -> Framework:
    """Mark a draft framework ready for use; refused while its integrity check reports problems."""
    report = framework_integrity(framework=framework)
    if not report.ok:
        raise ValidationError(["Chưa thể áp dụng: bộ tiêu chí còn lỗi.", *report.problems])
    if framework.status == FrameworkStatus.DRAFT:
        framework.status = FrameworkStatus.ACTIVE
        framework.save(update_fields=["status", "updated_at"])
    return framework


def framework_new_version(*, framework: Framework, code: str) -> Framework:
    """Copy a framework (nodes and declared summary) into a new draft version that can be edited."""
    if Framework.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã bộ tiêu chí «{code}» đã có."})
    with transaction.atomic():
        copy = Framework.objects.create(
            code=code,
            title=framework.title,
            decision_number=framework.decision_number,
            decision_date=framework.decision_date,
            aliases=framework.aliases,
            unit_kinds=list(framework.unit_kinds),
            status=FrameworkStatus.DRAFT,
            version=framework.version + 1,
            previous_version=framework,
            source_note=framework.source_note,
            is_demo=framework.is_demo,
        )
        DomainSummary.objects.bulk_create(
            DomainSummary(
                framework=copy,
                domain_code=d.domain_code,
                criteria_count=d.criteria_count,
                subcriteria_count=d.subcriteria_count,
                max_points=d.max_points,
            )
            for d in framework.declared_domains.all()
        )
        _create_nodes(copy, framework_specs(framework))
    return copy


# ---------------------------------------------------------------- periods and assessments


def period_group_add(*, period: Period, unit_group, framework: Framework) -> PeriodGroup:
    """Let a unit group take part in a period under a framework; the framework is frozen from then on."""
    if framework.status == FrameworkStatus.DRAFT:
        raise ValidationError("Bộ tiêu chí còn ở trạng thái dự thảo; hãy kiểm tra và áp dụng trước khi dùng.")
    with transaction.atomic():
        group, _ = PeriodGroup.objects.get_or_create(
            period=period, unit_group=unit_group, defaults={"framework": framework}
        )
        if group.framework_id != framework.pk:
            raise ValidationError("Nhóm đơn vị này đã tham gia kỳ đánh giá với một bộ tiêu chí khác.")
        if framework.status != FrameworkStatus.FROZEN:
            framework.status = FrameworkStatus.FROZEN
            framework.save(update_fields=["status", "updated_at"])
    return group


def assessment_open(*, period_group: PeriodGroup, unit) -> Assessment:
    """Open a unit's assessment in a period with an empty score entry per scorable node."""
    if not period_group.unit_group.members.filter(pk=unit.pk).exists():
        raise ValidationError(f"{unit} không thuộc nhóm {period_group.unit_group}.")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            period=period_group.period, period_group=period_group, unit=unit
        )
        nodes = FrameworkNode.objects.filter(framework_id=period_group.framework_id, is_scorable=True)
        bulk_create_with_history([ScoreEntry(assessment=assessment, node=node) for node in nodes], ScoreEntry)
    return assessment


def validate_points(*, node: FrameworkNode, field: str, value: Decimal | None) -> None:
    """Refuse a score below zero, above the node's max or with more than 4 decimals."""
    if value is None:
        return
    label = POINT_LABELS[field]
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({field: f"{label} của tiêu chí {node.code} phải là số."})
    if value < 0:
        raise ValidationError({field: f"{label} của tiêu chí {node.code} không được âm."})
    if value > node.max_points:
        raise ValidationError(
            {field: f"{label} của tiêu chí {node.code} ({value}) vượt điểm tối đa {node.max_points}."}
        )
    if -value.as_tuple().exponent > MAX_POINT_PLACES:
        raise ValidationError(
            {field: f"{label} của tiêu chí {node.code} chỉ được có tối đa 4 chữ số thập phân."}
        )


def _apply_scores(entry: ScoreEntry, values: dict) -> None:
    for field, value in values.items():
        if field in POINT_FIELDS:
            validate_points(node=entry.node, field=field, value=value)
        elif field != "not_applicable":
            raise ValidationError(f"Trường «{field}» không được sửa qua dịch vụ này.")
        setattr(entry, field, value)
    entry.final_points = calculator.final_points(
        method=entry.node.method,
        appraised_r1=entry.appraised_points_r1,
        appraised_r2=entry.appraised_points_r2,
        survey=entry.survey_points,
        not_applicable=entry.not_applicable,
    )


def score_entry_set(*, entry: ScoreEntry, expected_version: int | None = None, **values) -> ScoreEntry:
    """Change the inputs of one score entry and re-select its final points.

    Points are validated against the node (0 ≤ points ≤ max, at most 4 decimals). With `expected_version`,
    a concurrent change (another user saved first) is refused instead of overwritten.
    """
    with transaction.atomic():
        current = ScoreEntry.objects.select_related("node").get(pk=entry.pk)
        if expected_version is not None and current.version != expected_version:
            raise ValidationError(
                f"Tiêu chí {current.node.code} vừa được người khác cập nhật; vui lòng tải lại để xem giá trị mới."
            )
        _apply_scores(current, values)
        current.version += 1
        current.save()
    return current


def score_entries_fill(*, assessment: Assessment, values_by_code: dict[str, dict]) -> int:
    """Set the inputs of many entries of one assessment at once (imports, demo data), with history.

    All-or-nothing: every value is validated first; an unknown node code or an invalid score refuses the
    whole call.
    """
    with transaction.atomic():
        entries = {e.node.code: e for e in assessment.entries.select_related("node")}
        unknown = sorted(set(values_by_code) - set(entries))
        if unknown:
            raise ValidationError(f"Không có tiêu chí được chấm điểm với mã: {', '.join(unknown)}.")
        changed = []
        for code, values in values_by_code.items():
            entry = entries[code]
            _apply_scores(entry, values)
            entry.version += 1
            changed.append(entry)
        bulk_update_with_history(
            changed,
            ScoreEntry,
            [*POINT_FIELDS, "not_applicable", "final_points", "version", "updated_at"],
            batch_size=500,
        )
        return len(changed)


# ---------------------------------------------------------------- computation


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
