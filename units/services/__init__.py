"""Every write of the units app: accounts, memberships, unit groups (see each module)."""

from units.services.accounts import (
    MSG_INVALID_LINK,
    MembershipRow,
    PasswordLink,
    account_bootstrap,
    account_create,
    account_deactivate,
    account_update,
    check_may_manage,
    is_self_restricted,
    password_link_send,
    password_set,
    validate_memberships,
    vietnamese_password_errors,
)
from units.services.groups import unit_group_create, unit_group_save, unit_save
from units.services.memberships import check_membership, membership_remove, membership_save, membership_set

__all__ = [
    "MSG_INVALID_LINK",
    "MembershipRow",
    "PasswordLink",
    "account_bootstrap",
    "account_create",
    "account_deactivate",
    "account_update",
    "check_may_manage",
    "check_membership",
    "is_self_restricted",
    "membership_remove",
    "membership_save",
    "membership_set",
    "password_link_send",
    "password_set",
    "unit_group_create",
    "unit_group_save",
    "unit_save",
    "validate_memberships",
    "vietnamese_password_errors",
]
