"""The set-password page reached from a one-time link (units.services.password_link_send)."""

from django.contrib import admin
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from units import services

NUL_MESSAGE = "Mật khẩu không được chứa ký tự rỗng (NUL)."


class AccountSetPasswordForm(SetPasswordForm):
    """Django's set-password form (validators and their Vietnamese help), saved through the service."""

    def __init__(self, user, *args, token: str = "", **kwargs):
        super().__init__(user, *args, **kwargs)
        self.token = token
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.fields["new_password2"].help_text = "Nhập lại đúng mật khẩu ở trên để kiểm tra."
        for field in self.fields.values():
            field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE
        self.error_messages = {**self.error_messages, "password_mismatch": "Hai mật khẩu không khớp nhau."}

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, services.vietnamese_password_errors(error))

    def save(self, commit=True):
        return services.password_set(
            user=self.user,
            acting_user=self.user,
            token=self.token,
            password=self.cleaned_data["new_password1"],
        )


class AdminLookMixin:
    """The admin's header and styles on pages outside the admin site."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "site_header": admin.site.site_header,
                "site_title": admin.site.site_title,
                "site_url": admin.site.site_url,
                "is_nav_sidebar_enabled": False,
                "title": self.title,
            }
        )
        return context


class SetPasswordView(AdminLookMixin, auth_views.PasswordResetConfirmView):
    """Django's own token check (the link works once: setting the password invalidates the token)."""

    form_class = AccountSetPasswordForm
    template_name = "registration/set_password_confirm.html"
    success_url = reverse_lazy("account_set_password_done")
    reset_url_token = "nhap-mat-khau"
    title = "Đặt mật khẩu"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A deactivated account gets the same answer as a used link.
        return user if user is not None and user.is_active else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["token"] = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invalid_link_message"] = services.MSG_INVALID_LINK
        return context


class SetPasswordDoneView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    template_name = "registration/set_password_complete.html"
    title = "Đã đặt mật khẩu"
