"""Framework writes: import from files, activation, new versions."""

from django.core.exceptions import ValidationError
from django.db import transaction

from scoring.framework_integrity import DeclaredDomain, check_integrity
from scoring.framework_io import FrameworkFileError, NodeSpec, parse_nodes, read_table
from scoring.models import (
    DomainSummary,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    NodeLevel,
)
from scoring.selectors import framework_specs


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
