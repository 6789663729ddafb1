"""The framework integrity check, on plain data: the same rules for a file being imported and a stored tree."""

from dataclasses import dataclass, field
from decimal import Decimal

from scoring.codes import CODE_PATTERN, depth, domain_of
from scoring.formatting import format_points
from scoring.framework_columns import ADJUSTMENT_METHODS, LEVEL_LABELS, LEVELS, METHOD_LABELS
from scoring.framework_io import NodeSpec


@dataclass
class DeclaredDomain:
    domain_code: str
    criteria_count: int
    subcriteria_count: int
    max_points: Decimal


@dataclass
class IntegrityReport:
    sum_problems: list[str] = field(default_factory=list)
    code_problems: list[str] = field(default_factory=list)
    declared_problems: list[str] = field(default_factory=list)
    node_count: int = 0
    scorable_count: int = 0
    unverified_count: int = 0
    total_max: Decimal = Decimal(0)  # the base: ordinary domains only
    bonus_max: Decimal = Decimal(0)
    deduction_max: Decimal = Decimal(0)

    @property
    def problems(self) -> list[str]:
        return self.code_problems + self.sum_problems + self.declared_problems

    @property
    def ok(self) -> bool:
        return not self.problems


def check_integrity(specs: list[NodeSpec], declared: list[DeclaredDomain]) -> IntegrityReport:
    """Report children not summing to their parent, misplaced codes, unmet declared counts and maxima, and
    how many nodes still await checking against the official text.

    Bonus and deduction parts (framework_io) are top-level parts of one method: a node of either method under
    another domain, or an ordinary node under such a part, is a problem. They are left out of the base's total
    max and need no line in the declared summary; the declared domains are checked as before.
    """
    report = IntegrityReport(node_count=len(specs))
    by_code = {spec.code: spec for spec in specs}
    children: dict[str, list[NodeSpec]] = {}
    for spec in specs:
        if spec.parent_code:
            children.setdefault(spec.parent_code, []).append(spec)
        if not CODE_PATTERN.fullmatch(spec.code) or depth(spec.code) + 1 != LEVELS.get(spec.level, 0):
            level = LEVEL_LABELS.get(spec.level, spec.level)
            report.code_problems.append(f"Mã «{spec.code}» không đúng dạng hoặc không khớp cấp {level}.")
        elif spec.parent_code and (
            spec.parent_code not in by_code or not spec.code.startswith(spec.parent_code + ".")
        ):
            report.code_problems.append(f"Mã «{spec.code}» nằm sai chỗ: mục cha ghi là «{spec.parent_code}».")
        if spec.level == "domain" and spec.parent_code:
            report.code_problems.append(f"Lĩnh vực «{spec.code}» không được có mục cha.")
        if not spec.verified:
            report.unverified_count += 1
        domain = by_code.get(domain_of(spec.code)) if CODE_PATTERN.fullmatch(spec.code) else None
        if (
            domain is not None
            and spec is not domain
            and (spec.method in ADJUSTMENT_METHODS or domain.method in ADJUSTMENT_METHODS)
            and spec.method != domain.method
        ):
            report.code_problems.append(
                f"«{spec.code}» có phương pháp {METHOD_LABELS.get(spec.method, spec.method)} nhưng thuộc lĩnh vực "
                f"«{domain.code}» là {METHOD_LABELS.get(domain.method, domain.method)}: điểm thưởng, điểm trừ là "
                "lĩnh vực riêng, mọi mục trong đó cùng một phương pháp."
            )
    for parent_code, kids in children.items():
        parent = by_code.get(parent_code)
        if parent is None:
            continue
        total = sum((kid.max_points for kid in kids), Decimal(0))
        if total != parent.max_points:
            report.sum_problems.append(
                f"«{parent_code}»: tổng điểm các mục con là {format_points(total)} nhưng điểm tối đa là {format_points(parent.max_points)}."
            )
    for spec in specs:
        if spec.level == "domain" and spec.code not in children:
            report.code_problems.append(f"Lĩnh vực «{spec.code}» chưa có tiêu chí nào.")
    leaves = [spec for spec in specs if spec.code not in children and spec.level != "domain"]
    for leaf in leaves:
        if leaf.method == "mixed":
            report.code_problems.append(
                f"«{leaf.code}» được chấm điểm nên phải là appraisal hoặc survey, không là mixed."
            )
    report.scorable_count = len(leaves)
    domains = [spec for spec in specs if spec.level == "domain"]
    report.total_max = sum(
        (domain.max_points for domain in domains if domain.method not in ADJUSTMENT_METHODS), Decimal(0)
    )
    report.bonus_max = sum((d.max_points for d in domains if d.method == "bonus"), Decimal(0))
    report.deduction_max = sum((d.max_points for d in domains if d.method == "deduction"), Decimal(0))
    declared_by_code = {item.domain_code: item for item in declared}
    for item in declared:
        domain = by_code.get(item.domain_code)
        if domain is None or domain.level != "domain":
            report.declared_problems.append(
                f"Văn bản có lĩnh vực {item.domain_code} nhưng bộ tiêu chí không có."
            )
            continue
        criteria = [s for s in specs if s.level == "criterion" and s.parent_code == item.domain_code]
        subs = [s for s in specs if s.level == "subcriterion" and domain_of(s.code) == item.domain_code]
        if len(criteria) != item.criteria_count:
            report.declared_problems.append(
                f"Lĩnh vực {item.domain_code}: có {len(criteria)} tiêu chí, văn bản quy định {item.criteria_count}."
            )
        if len(subs) != item.subcriteria_count:
            report.declared_problems.append(
                f"Lĩnh vực {item.domain_code}: có {len(subs)} tiêu chí thành phần, văn bản quy định "
                f"{item.subcriteria_count}."
            )
        if domain.max_points != item.max_points:
            report.declared_problems.append(
                f"Lĩnh vực {item.domain_code}: điểm tối đa {format_points(domain.max_points)}, văn bản quy định "
                f"{format_points(item.max_points)}."
            )
    if declared:
        for domain in domains:
            if domain.code not in declared_by_code and domain.method not in ADJUSTMENT_METHODS:
                report.declared_problems.append(
                    f"Lĩnh vực {domain.code} không có trong tổng hợp của văn bản."
                )
    return report
