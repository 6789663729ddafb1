"""Membership writes on their own (the Thành viên đơn vị pages); accounts set theirs in units.services.accounts."""

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from units.models import Membership, MembershipRole
from units.scope import AccountRole, account_role
from units.services.accounts import (
    MSG_SELF,
    MembershipRow,
    _apply_memberships,
    _membership_set_rows,
    check_may_manage,
    is_self_restricted,
    validate_memberships,
)


def membership_set(*, user, acting_user, memberships: Sequence[MembershipRow]) -> list[Membership]:
    """Make an account's unit memberships exactly these rows (a unit role needs at least one)."""
    check_may_manage(acting_user, user)
    memberships = list(memberships)
    with transaction.atomic():
        current = get_user_model().objects.select_for_update().get(pk=user.pk)
        check_may_manage(acting_user, current)
        changed = {(row.unit.pk, row.role) for row in memberships} != _membership_set_rows(current)
        if changed and is_self_restricted(acting_user, current):
            raise PermissionDenied(MSG_SELF)
        validate_memberships(role=account_role(current), memberships=memberships)
        if changed:
            _apply_memberships(current, memberships, acting_user)
    return list(Membership.objects.filter(user=current).select_related("unit"))


def check_membership(*, acting_user, user, unit, role: str, membership: Membership | None = None) -> None:
    """Refuse a membership row that membership_save would refuse (also used by the admin form)."""
    check_may_manage(acting_user, user)
    if is_self_restricted(acting_user, user):
        raise PermissionDenied(MSG_SELF)
    if role not in MembershipRole.values:
        raise ValidationError({"role": "Vai trò trong đơn vị không hợp lệ."})
    if account_role(user) != AccountRole.UNIT:
        raise ValidationError(
            {
                "user": f"Tài khoản «{user.get_username()}» không có vai trò cán bộ đầu mối hoặc lãnh đạo "
                "đơn vị: đổi vai trò trên trang tài khoản trước."
            }
        )
    others = Membership.objects.filter(user=user, unit=unit)
    if membership is not None and membership.pk is not None:
        others = others.exclude(pk=membership.pk)
    if others.exists():
        raise ValidationError({"unit": "Người dùng này đã là thành viên của đơn vị."})


def membership_save(
    *, acting_user, user, unit, role: str, membership: Membership | None = None
) -> Membership:
    """Add one membership, or change an existing one (its unit or role; the account stays the same)."""
    with transaction.atomic():
        if membership is not None and membership.pk is not None:
            membership = Membership.objects.select_for_update().get(pk=membership.pk)
            if membership.user_id != user.pk:
                raise ValidationError(
                    {"user": "Không đổi người của một dòng thành viên: xoá dòng này và thêm dòng mới."}
                )
        else:
            membership = Membership()
        check_membership(acting_user=acting_user, user=user, unit=unit, role=role, membership=membership)
        membership.user = user
        membership.unit = unit
        membership.role = role
        membership._history_user = acting_user
        membership.save()
    return membership


def membership_remove(*, memberships: Iterable[Membership], acting_user) -> int:
    """Remove these memberships (all or none); each leaves a history row naming the acting user."""
    check_may_manage(acting_user)
    pks = [membership.pk for membership in memberships]
    with transaction.atomic():
        rows = list(Membership.objects.select_for_update().filter(pk__in=pks).select_related("user"))
        for membership in rows:
            check_may_manage(acting_user, membership.user)
            if is_self_restricted(acting_user, membership.user):
                raise PermissionDenied(MSG_SELF)
        for membership in rows:
            membership._history_user = acting_user
            membership.delete()
    return len(rows)
