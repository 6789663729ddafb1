"""What changed between two versions of a framework, on plain data: nodes added, removed, renamed, with another
max or another method. Nodes are matched by their positional code, as fixtures and imports match them
(ARCHITECTURE.md, "Natural keys"): a node renumbered from 5.2 to 5.3 shows as one removed and one added."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.codes import code_key


@dataclass(frozen=True)
class DiffNode:
    code: str
    level: str
    name: str
    max_points: Decimal
    method: str


@dataclass(frozen=True)
class Change:
    code: str
    name: str  # the name in the newer version
    old: object
    new: object


@dataclass
class FrameworkDiff:
    added: list[DiffNode] = field(default_factory=list)
    removed: list[DiffNode] = field(default_factory=list)
    renamed: list[Change] = field(default_factory=list)
    max_changed: list[Change] = field(default_factory=list)
    method_changed: list[Change] = field(default_factory=list)
    old_total: Decimal = Decimal(0)
    new_total: Decimal = Decimal(0)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.max_changed or self.method_changed)

    @property
    def change_count(self) -> int:
        return sum(map(len, (self.added, self.removed, self.renamed, self.max_changed, self.method_changed)))


def _same_name(a: str, b: str) -> bool:
    """Names compared as read: spacing and letter case do not make a rename."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def framework_diff(old: Iterable[DiffNode], new: Iterable[DiffNode]) -> FrameworkDiff:
    """Every difference between the `old` and the `new` node list, each list in code order. Totals are the
    sums of the domains' max (the framework's max)."""
    before = {node.code: node for node in old}
    after = {node.code: node for node in new}
    diff = FrameworkDiff(
        old_total=sum((n.max_points for n in before.values() if "." not in n.code), Decimal(0)),
        new_total=sum((n.max_points for n in after.values() if "." not in n.code), Decimal(0)),
    )
    for code in sorted(before.keys() | after.keys(), key=code_key):
        was, now = before.get(code), after.get(code)
        if was is None:
            diff.added.append(now)
        elif now is None:
            diff.removed.append(was)
        else:
            if not _same_name(was.name, now.name):
                diff.renamed.append(Change(code, now.name, was.name, now.name))
            if was.max_points != now.max_points:
                diff.max_changed.append(Change(code, now.name, was.max_points, now.max_points))
            if was.method != now.method:
                diff.method_changed.append(Change(code, now.name, was.method, now.method))
    return diff
