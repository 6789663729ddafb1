"""Which earlier period a period's group is compared with on the method page: the period's own `previous` (the
one it was created from) when that is public, else the latest earlier public period; inside it, the group of the
same unit group, else the group whose units are of the same kinds (departments with departments, districts with
districts). Three queries whatever the number of periods and units."""

from dataclasses import dataclass

from django.db.models import Q

from scoring import policy
from scoring.models import Period, PeriodGroup
from units.models import UnitGroup

SAME_GROUP = "cùng nhóm đơn vị"
SAME_KINDS = "nhóm có cùng loại đơn vị"


@dataclass(frozen=True)
class Match:
    period: Period
    group: PeriodGroup
    how: str  # SAME_GROUP or SAME_KINDS, shown on the page


def previous_groups(period: Period, groups: list[PeriodGroup]) -> dict[int, Match | None]:
    """For each group of `period` (by PeriodGroup pk), its match in the closest comparable public period, or
    None when no earlier public period has such a group."""
    candidates = list(
        Period.objects.filter(status__in=policy.PUBLIC_PERIOD_STATUSES)
        .filter(Q(year__lt=period.year) | Q(pk=period.previous_id))
        .exclude(pk=period.pk)
        .order_by("-year", "code")
    )
    # The period it was created from first, then the latest earlier ones.
    candidates.sort(key=lambda p: p.pk != period.previous_id)
    earlier = list(
        PeriodGroup.objects.filter(period__in=candidates)
        .select_related("unit_group", "framework")
        .order_by("unit_group__name")
    )
    kinds = _kinds({g.unit_group_id for g in [*groups, *earlier]})
    by_period: dict[int, list[PeriodGroup]] = {}
    for group in earlier:
        by_period.setdefault(group.period_id, []).append(group)
    matches = {}
    for group in groups:
        matches[group.pk] = None
        for candidate in candidates:
            found = _match_in(group, by_period.get(candidate.pk, []), kinds)
            if found is not None:
                matches[group.pk] = Match(candidate, *found)
                break
    return matches


def _match_in(group: PeriodGroup, others: list[PeriodGroup], kinds) -> tuple[PeriodGroup, str] | None:
    for other in others:
        if other.unit_group_id == group.unit_group_id:
            return other, SAME_GROUP
    own = kinds.get(group.unit_group_id, frozenset())
    for other in others:
        if own and kinds.get(other.unit_group_id) == own:
            return other, SAME_KINDS
    return None


def _kinds(unit_group_ids) -> dict[int, frozenset]:
    """The kinds of unit (department, district, …) in each unit group."""
    pairs = (
        UnitGroup.members.through.objects.filter(unitgroup_id__in=unit_group_ids)
        .values_list("unitgroup_id", "unit__kind")
        .distinct()
    )
    kinds: dict[int, set] = {}
    for group_id, kind in pairs:
        kinds.setdefault(group_id, set()).add(kind)
    return {group_id: frozenset(values) for group_id, values in kinds.items()}
