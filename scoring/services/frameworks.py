"""Framework writes: import from files, activation, new versions."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import slug_re
from django.db import transaction
from django.utils.text import capfirst

from scoring import codes
from scoring.framework_integrity import DeclaredDomain, check_integrity
from scoring.framework_io import FrameworkFileError, NodeSpec, parse_nodes, read_table
from scoring.models import (
    DomainSummary,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    LossKind,
    NodeLevel,
)
from scoring.selectors import framework_specs
from scoring.services.audit import require_secretariat, save_with_history

CODE_MAX_LENGTH = 64
CODE_HELP = (
    "Chữ cái không dấu, chữ số, dấu gạch ngang (-) và dấu gạch dưới (_), tối đa 64 ký tự, ví dụ "
    "qd2948-tinh-v2. Mã là một phần địa chỉ trang công khai của bộ tiêu chí."
)
CODE_INVALID = (
    "Mã không hợp lệ: chỉ dùng chữ cái không dấu (a–z, A–Z), chữ số, dấu gạch ngang (-) và dấu gạch dưới (_), "
    "không có khoảng trắng."
)


def framework_import(
    *,
    acting_user,
    content: bytes,
    filename: str,
    framework: Framework | None = None,
    defaults: dict | None = None,
    declared: list[DeclaredDomain] = (),
) -> Framework:
    """Create a framework from a CSV/XLSX file (with the decision's per-domain summary, if given), or replace the
    nodes of one that no period uses yet.

    All-or-nothing: any problem raises FrameworkFileError listing every row and column at fault, and
    nothing is saved. A frozen framework is never changed: make a new version first. An active one takes
    only a file that passes its integrity check (declared summary included); a draft takes any valid file.
    """
    require_secretariat(acting_user, "thay đổi bộ tiêu chí")
    specs = parse_nodes(read_table(content, filename))
    with transaction.atomic():
        if framework is None:
            framework = _new_framework(defaults or {}, acting_user)
            _save_declared(framework, declared)
        else:
            framework = _lock_for_replacement(framework, specs)
            framework.nodes.all().delete()
            save_with_history(framework, acting_user=acting_user)
        _create_nodes(framework, specs, acting_user=acting_user)
    return framework


def _new_framework(defaults: dict, acting_user) -> Framework:
    framework = Framework(**defaults)
    try:
        validate_new_framework_code(framework.code)
        framework.full_clean()
    except ValidationError as exc:
        raise FrameworkFileError(_field_messages(exc)) from exc
    save_with_history(framework, acting_user=acting_user)
    return framework


def _field_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    messages = []
    for key, errors in exc.message_dict.items():
        label = (
            "" if key == NON_FIELD_ERRORS else f"{capfirst(Framework._meta.get_field(key).verbose_name)}: "
        )
        messages.append(label + " ".join(errors))
    return messages


def _lock_for_replacement(framework: Framework, specs: list[NodeSpec]) -> Framework:
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_frozen:
        raise FrameworkFileError(
            [
                "Bộ tiêu chí đã khóa vì đã dùng cho kỳ đánh giá; hãy tạo phiên bản mới rồi nhập vào phiên bản đó."
            ]
        )
    if framework.status == FrameworkStatus.ACTIVE:
        report = check_integrity(specs, _declared(framework))
        if not report.ok:
            raise FrameworkFileError(
                [
                    "Bộ tiêu chí đang áp dụng chỉ nhận tệp thay thế đạt kiểm tra tính toàn vẹn; tệp này chưa đạt "
                    "nên không có gì thay đổi:",
                    *report.problems,
                ]
            )
    return framework


def _create_nodes(framework: Framework, specs: list[NodeSpec], *, acting_user) -> None:
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
                domain=by_code.get(codes.domain_of(spec.code)) if spec.level != NodeLevel.DOMAIN else None,
                order=spec.order,
                name=spec.name,
                max_points=spec.max_points,
                method=spec.method,
                is_scorable=spec.is_scorable,
                guidance=spec.guidance,
                evidence_requirement=spec.evidence_requirement,
                advising_agency=spec.advising_agency,
                loss_kind=spec.loss_kind,
                verified=spec.verified,
                source_note=spec.note,
            )
            batch.append(node)
        for node in FrameworkNode.objects.bulk_create(batch):
            by_code[node.code] = node
    FrameworkNode.history.bulk_history_create(list(by_code.values()), default_user=acting_user)


def framework_integrity(*, framework: Framework):
    """The integrity report of a stored framework (see framework_integrity.check_integrity)."""
    return check_integrity(framework_specs(framework), _declared(framework))


def _save_declared(framework: Framework, declared) -> None:
    """Store a framework's per-domain summary as the decision prints it (DeclaredDomain items)."""
    DomainSummary.objects.bulk_create(
        DomainSummary(
            framework=framework,
            domain_code=d.domain_code,
            criteria_count=d.criteria_count,
            subcriteria_count=d.subcriteria_count,
            max_points=d.max_points,
        )
        for d in declared
    )


def _declared(framework: Framework) -> list[DeclaredDomain]:
    return [
        DeclaredDomain(d.domain_code, d.criteria_count, d.subcriteria_count, d.max_points)
        for d in framework.declared_domains.all()
    ]


def framework_activate(*, framework: Framework, acting_user) -> Framework:
    """Mark a draft framework ready for use; refused while its integrity check reports problems."""
    require_secretariat(acting_user, "áp dụng bộ tiêu chí")
    report = framework_integrity(framework=framework)
    if not report.ok:
        raise ValidationError(["Chưa thể áp dụng: bộ tiêu chí còn lỗi.", *report.problems])
    if framework.status == FrameworkStatus.DRAFT:
        framework.status = FrameworkStatus.ACTIVE
        save_with_history(framework, acting_user=acting_user, fields=["status", "updated_at"])
    return framework


def validate_new_framework_code(code: str) -> None:
    """A new framework's code: a slug (it is part of public URLs), at most 64 characters, not yet used."""
    if not code:
        raise ValidationError({"code": "Nhập mã cho bộ tiêu chí."})
    if len(code) > CODE_MAX_LENGTH:
        raise ValidationError({"code": f"Mã dài tối đa {CODE_MAX_LENGTH} ký tự (đang có {len(code)})."})
    if not slug_re.match(code):
        raise ValidationError({"code": CODE_INVALID})
    if Framework.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã bộ tiêu chí «{code}» đã có; chọn mã khác."})


def framework_new_version(*, framework: Framework, code: str, acting_user) -> Framework:
    """Copy a framework (nodes and declared summary) into a new draft version that can be edited."""
    require_secretariat(acting_user, "tạo phiên bản bộ tiêu chí")
    validate_new_framework_code(code)
    with transaction.atomic():
        copy = Framework(
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
        save_with_history(copy, acting_user=acting_user)
        _save_declared(copy, _declared(framework))
        _create_nodes(copy, framework_specs(framework), acting_user=acting_user)
    return copy


def framework_node_classify(
    *, node: FrameworkNode, loss_kind: str, acting_user, reason: str = ""
) -> FrameworkNode:
    """Set why points on a node are usually lost (LossKind, or "" for unclassified), with history naming the
    acting user. Allowed on a frozen framework too: the classification orders the gap analysis and changes no
    score, so it needs no new version."""
    require_secretariat(acting_user, "phân loại nguyên nhân mất điểm")
    if loss_kind not in {"", *LossKind.values}:
        raise ValidationError({"loss_kind": "Loại nguyên nhân mất điểm không hợp lệ."})
    with transaction.atomic():
        current = FrameworkNode.objects.select_for_update().get(pk=node.pk)
        if current.loss_kind != loss_kind:
            current.loss_kind = loss_kind
            save_with_history(current, acting_user=acting_user, fields=["loss_kind"], reason=reason)
    return current
