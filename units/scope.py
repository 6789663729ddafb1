"""Which units a user may see. Every back-office list is filtered through `units_for_user`."""

from units.models import Unit

SECRETARIAT_GROUP = "Sở Nội vụ"


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
