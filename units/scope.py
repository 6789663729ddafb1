"""Which units a user may see, and the role groups. Every back-office list is filtered through `units_for_user`.

The three role groups are named here (not in scoring) because accounts are managed in this app, and `units`
never imports `scoring`; `scoring.roles` re-exports the names.
"""

from django.db import models

from units.models import Unit

SECRETARIAT_GROUP = "Sở Nội vụ"
OFFICER_GROUP = "Cán bộ đơn vị"
APPRAISER_GROUP = "Thẩm định viên"
# The only groups the secretariat may grant; any other group is left to superusers.
ROLE_GROUPS = (SECRETARIAT_GROUP, OFFICER_GROUP, APPRAISER_GROUP)


class AccountRole(models.TextChoices):
    """The role chosen on an account; each is one group (ROLE_GROUP)."""

    SECRETARIAT = "secretariat", "Sở Nội vụ"
    UNIT = "unit", "Cán bộ đầu mối, lãnh đạo đơn vị"
    APPRAISER = "appraiser", "Thẩm định viên"


ROLE_GROUP = {
    AccountRole.SECRETARIAT: SECRETARIAT_GROUP,
    AccountRole.UNIT: OFFICER_GROUP,
    AccountRole.APPRAISER: APPRAISER_GROUP,
}


def account_role(user) -> str | None:
    """The role of an account from its groups (prefetched `groups` are used), or None.

    An account created by a superuser may hold several role groups; the first in ROLE_GROUP's order wins."""
    names = {group.name for group in user.groups.all()}
    for role, group_name in ROLE_GROUP.items():
        if group_name in names:
            return role
    return None


def is_secretariat(user) -> bool:
    """The Sở Nội vụ secretariat (and superusers) see every unit."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=SECRETARIAT_GROUP).exists()


def units_for_user(user):
    """Units the user may see: all for the secretariat, else the units the user is a member of."""
    if is_secretariat(user):
        return Unit.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user)
