"""Forms of the secretariat's account pages in the admin (superusers keep Django's own user forms)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet

from units import services
from units.models import Membership
from units.scope import AccountRole, account_role

# Django's own messages for these are English in its Vietnamese catalogue.
FIELD_ERRORS = {
    "null_characters_not_allowed": "Không được chứa ký tự rỗng (NUL).",
    "max_length": "Tối đa %(limit_value)d ký tự (đang có %(show_value)d).",
    "required": "Trường này là bắt buộc.",
    "invalid_choice": "Hãy chọn một lựa chọn trong danh sách.",
}

ROLE_HELP = (
    "Sở Nội vụ: tổ chức kỳ đánh giá, xem mọi đơn vị, quản lý tài khoản. "
    "Cán bộ đầu mối, lãnh đạo đơn vị: tự đánh giá cho các đơn vị ở mục «Đơn vị công tác» bên dưới (cần ít "
    "nhất một đơn vị). Thẩm định viên (Hội đồng thẩm định, Tổ giúp việc): thẩm định các đơn vị và lĩnh vực "
    "được phân công trong từng kỳ; không gắn với đơn vị."
)

USERNAME_TAKEN = "Tên đăng nhập đã được dùng cho một tài khoản khác."
OWN_ACCOUNT_HELP = (
    "Bạn không tự đổi vai trò hay trạng thái của chính mình: hãy nhờ một đồng nghiệp Sở Nội vụ."
)


def vietnamese_errors(form) -> None:
    for field in form.fields.values():
        field.error_messages.update(FIELD_ERRORS)


class AccountForm(forms.ModelForm):
    """Name, e-mail and one role instead of raw groups; `acting_user` is set by the admin (get_form)."""

    acting_user = None

    role = forms.ChoiceField(
        label="Vai trò", choices=AccountRole.choices, widget=forms.RadioSelect, help_text=ROLE_HELP
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "email"]
        labels = {
            "username": "Tên đăng nhập",
            "first_name": "Họ và tên",
            "email": "Email",
            "is_active": "Đang hoạt động",
        }
        help_texts = {
            "username": "Dùng để đăng nhập: tối đa 150 ký tự, chữ cái, chữ số và các ký tự @ . + - _ (không có "
            "dấu cách), ví dụ nguyenvana.stp.",
            "first_name": "Họ, tên đệm và tên, ví dụ Nguyễn Văn An; hiện trong danh sách và trong lịch sử thay đổi.",
            "email": "Liên kết đặt mật khẩu được gửi tới địa chỉ này. Để trống thì liên kết hiện một lần trên màn "
            "hình để bạn trao tận tay người dùng.",
            "is_active": "Bỏ chọn để ngừng hoạt động tài khoản: người dùng không đăng nhập được nữa, lịch sử vẫn "
            "giữ nguyên. Tài khoản không bị xoá.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vietnamese_errors(self)
        if "email" in self.fields:
            self.fields["email"].error_messages["invalid"] = "Địa chỉ email không hợp lệ."
        if "username" in self.fields:
            self.fields["username"].error_messages["unique"] = USERNAME_TAKEN
        if self.instance.pk is not None:
            self.fields["role"].initial = account_role(self.instance)
        if self.acting_user is not None and services.is_self_restricted(self.acting_user, self.instance):
            for name in ("role", "is_active"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = OWN_ACCOUNT_HELP

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        taken = get_user_model().objects.filter(username__iexact=username)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(USERNAME_TAKEN)
        return username

    def _post_clean(self):
        super()._post_clean()
        # The memberships formset checks the rows against the chosen role (see AccountMembershipFormSet).
        self.instance._account_role = self.cleaned_data.get("role")


class AccountMembershipFormSet(BaseInlineFormSet):
    """The units of an account, checked against the role chosen on the account form."""

    acting_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            vietnamese_errors(form)

    def rows(self) -> list[services.MembershipRow]:
        """The account's memberships after this post: the posted rows without the deleted and blank ones, and
        (as Django's own formset save would leave them) the existing rows the post did not mention."""
        rows, mentioned = [], set()
        for form in self.forms:
            if form.instance.pk is not None:
                mentioned.add(form.instance.pk)
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or data.get("unit") is None:
                continue
            rows.append(services.MembershipRow(unit=data["unit"], role=data.get("role") or ""))
        if self.instance.pk is not None:
            for membership in Membership.objects.filter(user=self.instance).select_related("unit"):
                if membership.pk not in mentioned:
                    rows.append(services.MembershipRow(unit=membership.unit, role=membership.role))
        return rows

    def clean(self):
        super().clean()
        if any(self.errors) or self.acting_user is None:
            return
        if services.is_self_restricted(self.acting_user, self.instance):
            return  # read-only for one's own account
        role = getattr(self.instance, "_account_role", None)
        if role is None:
            return  # the account form is invalid (or this is a superuser's form): its own errors show
        try:
            services.validate_memberships(role=role, memberships=self.rows())
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class MembershipForm(forms.ModelForm):
    """One membership row on its own page; refused here when membership_save would refuse it."""

    acting_user = None

    class Meta:
        model = Membership
        fields = ["user", "unit", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vietnamese_errors(self)

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or (self.instance.user if self.instance.pk else None)
        unit, role = cleaned.get("unit"), cleaned.get("role")
        if user is None or unit is None or not role or self.acting_user is None:
            return cleaned
        try:
            services.check_membership(
                acting_user=self.acting_user, user=user, unit=unit, role=role, membership=self.instance
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        return cleaned
