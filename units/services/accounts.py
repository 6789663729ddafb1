"""Account writes: create, edit and deactivate the accounts of the people who do the work, and issue one-time
set-password links (DOMAIN.md, "What is scored, by whom"). Memberships alone: units.services.memberships.

Who may: the Sở Nội vụ secretariat and superusers. The secretariat never touches a superuser's account, never
changes its own role, active flag or units, and grants only the three role groups (units.scope.ROLE_GROUP);
per-user permissions, other groups and superuser status stay with superusers (Django's own user admin).

Every service follows the contract of ARCHITECTURE.md: keyword-only arguments, the permission check inside,
validation before any write, one transaction, and the history row naming the acting user in it.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from units.models import AccountHistoricalRecords, Membership, MembershipRole, Unit
from units.scope import ROLE_GROUP, ROLE_GROUPS, AccountRole, account_role, is_secretariat

logger = logging.getLogger(__name__)

MSG_NOT_SECRETARIAT = "Chỉ Sở Nội vụ được quản lý tài khoản người dùng."
MSG_SUPERUSER = "Tài khoản quản trị hệ thống chỉ do quản trị viên hệ thống quản lý."
MSG_SELF = (
    "Bạn không tự đổi vai trò, trạng thái hoạt động hay đơn vị công tác của chính mình: "
    "hãy nhờ một đồng nghiệp Sở Nội vụ."
)
MSG_UNIT_NEEDS_MEMBERSHIP = (
    "Cán bộ đầu mối hoặc lãnh đạo đơn vị cần ít nhất một đơn vị công tác: "
    "thêm một dòng ở mục «Đơn vị công tác»."
)
MSG_MEMBERSHIP_NEEDS_UNIT_ROLE = (
    "Chỉ tài khoản cán bộ đầu mối hoặc lãnh đạo đơn vị mới có đơn vị công tác: xoá các dòng đơn vị "
    "hoặc chọn vai trò «Cán bộ đầu mối hoặc lãnh đạo đơn vị»."
)
MSG_INVALID_LINK = (
    "Liên kết đặt mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng. "
    "Hãy đề nghị Sở Nội vụ cấp một liên kết mới."
)

# Length limits of auth.User's fields, repeated here so that the refusal is in Vietnamese.
_LIMITS = {"username": 150, "first_name": 150, "last_name": 150, "email": 254}
_LABELS = {"username": "Tên đăng nhập", "first_name": "Họ và tên", "last_name": "Họ", "email": "Email"}
_username_validator = UnicodeUsernameValidator(
    message="Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _ (không có dấu cách)."
)
_email_validator = EmailValidator(message="Địa chỉ email không hợp lệ.")


@dataclass(frozen=True)
class MembershipRow:
    """One unit membership as posted: the unit and the role in it (MembershipRole)."""

    unit: Unit
    role: str


@dataclass(frozen=True)
class PasswordLink:
    """A one-time set-password link. `emailed_to` is "" when the account has no e-mail address: the link is
    then shown once to the secretariat, who hands it over."""

    url: str
    emailed_to: str


# Django's Vietnamese catalogue lacks some of its password validators' messages (5.2 changed their wording).
PASSWORD_MESSAGES = {
    "password_too_short": "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
    "password_too_common": "Mật khẩu này quá phổ biến, dễ bị đoán.",
    "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
    "password_too_similar": "Mật khẩu quá giống thông tin của tài khoản (%(verbose_name)s).",
}


def vietnamese_password_errors(error: ValidationError) -> ValidationError:
    """The same password refusals, worded in Vietnamese where Django's catalogue leaves them in English."""
    return ValidationError(
        [
            ValidationError(PASSWORD_MESSAGES[item.code], code=item.code, params=item.params)
            if item.code in PASSWORD_MESSAGES
            else item
            for item in error.error_list
        ]
    )


# --- Checks (also used by the admin forms, so that a refusal shows beside the field) -------------------------


def check_may_manage(acting_user, user=None) -> None:
    """Refuse unless `acting_user` may manage accounts and, if given, this existing account."""
    if acting_user is None or not is_secretariat(acting_user) or not acting_user.has_perm("auth.change_user"):
        raise PermissionDenied(MSG_NOT_SECRETARIAT)
    if user is not None and user.is_superuser and not acting_user.is_superuser:
        raise PermissionDenied(MSG_SUPERUSER)


def is_self_restricted(acting_user, user) -> bool:
    """Whether `acting_user` edits its own account without being a superuser (role, active flag and units are
    then fixed)."""
    return (
        user is not None
        and user.pk is not None
        and user.pk == acting_user.pk
        and not acting_user.is_superuser
    )


def validate_memberships(*, role: str, memberships: Sequence[MembershipRow]) -> None:
    """A unit role needs at least one unit; other roles have none; one row per unit; a known role per row."""
    unit_ids = [row.unit.pk for row in memberships]
    if None in unit_ids:
        raise ValidationError("Đơn vị chưa được lưu.")
    if len(set(unit_ids)) != len(unit_ids):
        raise ValidationError("Mỗi đơn vị chỉ ghi một lần cho một tài khoản.")
    if any(row.role not in MembershipRole.values for row in memberships):
        raise ValidationError("Vai trò trong đơn vị không hợp lệ.")
    if role == AccountRole.UNIT and not memberships:
        raise ValidationError(MSG_UNIT_NEEDS_MEMBERSHIP)
    if role != AccountRole.UNIT and memberships:
        raise ValidationError(MSG_MEMBERSHIP_NEEDS_UNIT_ROLE)


def _validate_role(role) -> AccountRole:
    if role not in AccountRole.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    return AccountRole(role)


def _validate_fields(*, username, first_name, last_name, email, exclude_pk=None) -> dict:
    """Trimmed field values, or a ValidationError naming each bad field in Vietnamese."""
    values = {
        "username": (username or "").strip(),
        "first_name": (first_name or "").strip(),
        "last_name": (last_name or "").strip(),
        "email": (email or "").strip(),
    }
    errors = {}
    for name, value in values.items():
        if "\x00" in value:
            errors[name] = f"{_LABELS[name]} không được chứa ký tự rỗng (NUL)."
        elif len(value) > _LIMITS[name]:
            errors[name] = f"{_LABELS[name]} dài tối đa {_LIMITS[name]} ký tự (đang có {len(value)})."
    if "username" not in errors:
        try:
            if not values["username"]:
                raise ValidationError("Cần nhập tên đăng nhập.")
            _username_validator(values["username"])
        except ValidationError as exc:
            errors["username"] = exc.messages[0]
    if "email" not in errors and values["email"]:
        try:
            _email_validator(values["email"])
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
        else:
            values["email"] = get_user_model().objects.normalize_email(values["email"])
    if "username" not in errors:
        taken = get_user_model().objects.filter(username__iexact=values["username"])
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors["username"] = "Tên đăng nhập đã được dùng cho một tài khoản khác."
    if errors:
        raise ValidationError(errors)
    return values


# --- Writes -------------------------------------------------------------------------------------------------


def _role_group(role: AccountRole) -> Group:
    try:
        return Group.objects.get(name=ROLE_GROUP[role])
    except Group.DoesNotExist:
        raise ValidationError(
            f"Chưa có nhóm quyền «{ROLE_GROUP[role]}»: chạy lệnh migrate để tạo các nhóm vai trò."
        ) from None


def _set_role(user, group: Group) -> None:
    """Give the account exactly this role group; groups that are no role are left as they are."""
    others = [g for g in user.groups.filter(name__in=ROLE_GROUPS) if g.pk != group.pk]
    if others:
        user.groups.remove(*others)
    user.groups.add(group)


def _membership_set_rows(user) -> set[tuple[int, str]]:
    return set(Membership.objects.filter(user=user).values_list("unit_id", "role"))


def _apply_memberships(user, memberships: Sequence[MembershipRow], acting_user) -> None:
    """Make the account's memberships exactly these rows; each created, changed or removed row gets its own
    history row naming the acting user."""
    existing = {m.unit_id: m for m in Membership.objects.filter(user=user)}
    wanted = {row.unit.pk: row for row in memberships}
    for unit_id, membership in existing.items():
        membership._history_user = acting_user
        if unit_id not in wanted:
            membership.delete()
        elif membership.role != wanted[unit_id].role:
            membership.role = wanted[unit_id].role
            membership.save(update_fields=["role"])
    for unit_id, row in wanted.items():
        if unit_id not in existing:
            membership = Membership(user=user, unit=row.unit, role=row.role)
            membership._history_user = acting_user
            membership.save()


def _save_account(user, *, group: Group, history_type: str, acting_user, reason: str) -> None:
    """Save the account's fields and role with history switched off, then write one history row (so that the
    row holds the new fields and groups together and names the acting user)."""
    user.skip_history_when_saving = True
    try:
        user.save()
        _set_role(user, group)
    finally:
        del user.skip_history_when_saving
    AccountHistoricalRecords.record(user, history_type=history_type, acting_user=acting_user, reason=reason)


def _send_link_email(*, to: str, full_name: str, username: str, url: str) -> None:
    context = {
        "full_name": full_name or username,
        "username": username,
        "url": url,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_mail(
        "Đặt mật khẩu tài khoản – Chỉ số cải cách hành chính",
        render_to_string("registration/set_password_email.txt", context),
        None,  # DEFAULT_FROM_EMAIL
        [to],
    )


def _issue_link(user, base_url: str) -> PasswordLink:
    """Make the one-time link (Django's token: it dies when the password changes) and send it after commit."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = base_url.rstrip("/") + reverse("account_set_password", kwargs={"uidb64": uid, "token": token})
    if user.email:
        # After commit, never inside the transaction; a failing mail server is logged, not a failed request
        # (the secretariat can issue a new link).
        transaction.on_commit(
            partial(
                _send_link_email,
                to=user.email,
                full_name=user.get_full_name(),
                username=user.get_username(),
                url=url,
            ),
            robust=True,
        )
    return PasswordLink(url=url, emailed_to=user.email)


def account_create(
    *,
    acting_user,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    memberships: Sequence[MembershipRow] = (),
    base_url: str,
):
    """Create a staff account with a role (and its units for a unit role) and no usable password; issue its
    set-password link (e-mailed after commit when the account has an address). Returns (user, PasswordLink)."""
    check_may_manage(acting_user)
    role = _validate_role(role)
    values = _validate_fields(username=username, first_name=first_name, last_name=last_name, email=email)
    memberships = list(memberships)
    validate_memberships(role=role, memberships=memberships)
    group = _role_group(role)
    user = get_user_model()(**values, is_staff=True, is_active=True, is_superuser=False)
    user.set_unusable_password()
    with transaction.atomic():
        _save_account(user, group=group, history_type="+", acting_user=acting_user, reason="Tạo tài khoản")
        _apply_memberships(user, memberships, acting_user)
        link = _issue_link(user, base_url)
    return user, link


def account_update(
    *,
    user,
    acting_user,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    memberships: Sequence[MembershipRow] | None = None,
):
    """Change an account's names, e-mail, role, active flag and (unless None) its unit memberships.

    The account is read afresh: the caller's copy may already hold the posted values. Deactivating keeps the
    account and its history; a deactivated account cannot log in."""
    check_may_manage(acting_user, user)
    role = _validate_role(role)
    is_active = bool(is_active)
    with transaction.atomic():
        current = get_user_model().objects.select_for_update().get(pk=user.pk)
        check_may_manage(acting_user, current)
        values = _validate_fields(
            username=username, first_name=first_name, last_name=last_name, email=email, exclude_pk=current.pk
        )
        old_role = account_role(current)
        old_rows = _membership_set_rows(current)
        if memberships is None:
            rows = [
                MembershipRow(unit=m.unit, role=m.role)
                for m in Membership.objects.filter(user=current).select_related("unit")
            ]
        else:
            rows = list(memberships)
        new_rows = {(row.unit.pk, row.role) for row in rows}
        if is_self_restricted(acting_user, current) and (
            role != old_role or is_active != current.is_active or new_rows != old_rows
        ):
            raise PermissionDenied(MSG_SELF)
        validate_memberships(role=role, memberships=rows)
        group = _role_group(role)

        fields_changed = any(getattr(current, name) != value for name, value in values.items())
        if fields_changed or role != old_role or is_active != current.is_active:
            if is_active != current.is_active:
                reason = "Ngừng hoạt động tài khoản" if not is_active else "Kích hoạt lại tài khoản"
            else:
                reason = "Sửa tài khoản"
            for name, value in values.items():
                setattr(current, name, value)
            current.is_active = is_active
            # Accounts managed here log in to the back office.
            current.is_staff = True
            _save_account(current, group=group, history_type="~", acting_user=acting_user, reason=reason)
        if new_rows != old_rows:
            _apply_memberships(current, rows, acting_user)
    return current


def account_deactivate(*, users: Iterable, acting_user) -> int:
    """Deactivate these accounts (all or none): they keep their history and can no longer log in. Returns how
    many were active before."""
    check_may_manage(acting_user)
    pks = [user.pk for user in users]
    count = 0
    with transaction.atomic():
        accounts = list(get_user_model().objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        for account in accounts:
            check_may_manage(acting_user, account)
            if account.pk == acting_user.pk:
                raise PermissionDenied("Bạn không tự ngừng hoạt động tài khoản của chính mình.")
        for account in accounts:
            if not account.is_active:
                continue
            account.is_active = False
            account._history_user = acting_user
            account._change_reason = "Ngừng hoạt động tài khoản"
            account.save(update_fields=["is_active"])
            count += 1
    return count


def password_link_send(*, user, acting_user, base_url: str) -> PasswordLink:
    """Issue a one-time set-password link for an active account: e-mailed after commit when the account has an
    address, else returned to be shown once and handed over. The current password keeps working until the
    link is used; the history row records who issued the link."""
    check_may_manage(acting_user, user)
    with transaction.atomic():
        current = get_user_model().objects.select_for_update().get(pk=user.pk)
        check_may_manage(acting_user, current)
        if not current.is_active:
            raise ValidationError(
                "Tài khoản đang ngừng hoạt động: kích hoạt lại trước khi cấp liên kết đặt mật khẩu."
            )
        AccountHistoricalRecords.record(
            current, history_type="~", acting_user=acting_user, reason="Cấp liên kết đặt mật khẩu"
        )
        link = _issue_link(current, base_url)
    return link


def password_set(*, user, acting_user, token: str, password: str):
    """Set the password of the account a set-password link names. The token is the permission: valid once
    (setting the password invalidates it), for an active account, within PASSWORD_RESET_TIMEOUT. The acting
    user is the account itself (the holder of the link)."""
    if acting_user is None or acting_user.pk != user.pk:
        raise PermissionDenied("Chỉ người giữ liên kết được đặt mật khẩu cho tài khoản này.")
    with transaction.atomic():
        current = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not current.is_active or not default_token_generator.check_token(current, token):
            raise PermissionDenied(MSG_INVALID_LINK)
        if "\x00" in password:
            raise ValidationError("Mật khẩu không được chứa ký tự rỗng (NUL).")
        try:
            validate_password(password, current)
        except ValidationError as exc:
            raise vietnamese_password_errors(exc) from None
        current.set_password(password)
        current._history_user = current
        current._change_reason = "Đặt mật khẩu qua liên kết"
        current.save(update_fields=["password"])
    return current


def account_bootstrap(*, username: str, first_name: str, password: str):
    """The installation's first secretariat account (as `createsuperuser` would make an administrator), for
    management commands only: there is nobody yet to act, so its history row names no user."""
    if get_user_model().objects.filter(is_staff=True).exists():
        raise PermissionDenied("Đã có tài khoản quản trị: tài khoản mới do Sở Nội vụ tạo ở trang Tài khoản.")
    values = _validate_fields(username=username, first_name=first_name, last_name="", email="")
    user = get_user_model()(**values, is_staff=True, is_active=True, is_superuser=False)
    user.set_password(password)
    with transaction.atomic():
        _save_account(
            user,
            group=_role_group(AccountRole.SECRETARIAT),
            history_type="+",
            acting_user=None,
            reason="Cài đặt",
        )
    return user
