"""Units and unit groups: the reference data the secretariat keeps (a unit's details, lineage; a group's members)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from units.models import Unit, UnitGroup
from units.scope import is_secretariat


def _refuse_unless_secretariat(user, what: str) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(f"Chỉ Sở Nội vụ được {what}.")


def unit_save(*, acting_user, unit: Unit, predecessors=None) -> Unit:
    """Create or change a unit (its code must be a slug: it appears in public URLs), and its predecessors."""
    _refuse_unless_secretariat(acting_user, "thay đổi danh mục đơn vị")
    unit.full_clean()
    with transaction.atomic():
        unit.save()
        if predecessors is not None:
            if any(p.pk == unit.pk for p in predecessors):
                raise ValidationError({"predecessors": "Đơn vị không thể là tiền thân của chính nó."})
            unit.predecessors.set(predecessors)
    return unit


def unit_group_save(*, acting_user, group: UnitGroup, members=None) -> UnitGroup:
    """Create or change a unit group and, if given, its members."""
    _refuse_unless_secretariat(acting_user, "thay đổi nhóm đơn vị")
    group.full_clean()
    with transaction.atomic():
        group.save()
        if members is not None:
            group.members.set(members)
    return group


def unit_group_create(*, acting_user, code: str, name: str, description: str = "", members=()) -> UnitGroup:
    """Create a unit group with its members (secretariat only); the code must be a new slug."""
    if not members:
        raise ValidationError({"members": "Nhóm cần ít nhất một đơn vị."})
    group = UnitGroup(code=code.strip(), name=name.strip(), description=description.strip())
    return unit_group_save(acting_user=acting_user, group=group, members=list(members))
