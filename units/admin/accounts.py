"""Accounts of the people who do the work, managed by the secretariat without superuser rights."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from units import history, services
from units.admin.auth_labels import AdminPasswordForm, PermissionLabelsMixin
from units.admin.base import (
    SafePickersMixin,
    ServiceRefusalMixin,
    ServiceRefused,
    full_name,
    refusal_text,
    with_acting_user,
)
from units.forms import AccountForm, AccountMembershipFormSet
from units.models import Membership
from units.scope import ROLE_GROUP, ROLE_GROUPS, AccountRole, account_role

User = get_user_model()
ROLE_SHORT_LABELS = {
    AccountRole.SECRETARIAT: "Sở Nội vụ",
    AccountRole.UNIT: "Cán bộ đơn vị",
    AccountRole.APPRAISER: "Thẩm định viên",
}


class ActiveFilter(admin.SimpleListFilter):
    title = "trạng thái"
    parameter_name = "trang_thai"

    def lookups(self, request, model_admin):
        return [("dang-hoat-dong", "Đang hoạt động"), ("ngung-hoat-dong", "Đã ngừng hoạt động")]

    def queryset(self, request, queryset):
        if self.value() == "dang-hoat-dong":
            return queryset.filter(is_active=True)
        if self.value() == "ngung-hoat-dong":
            return queryset.filter(is_active=False)
        return queryset


class RoleFilter(admin.SimpleListFilter):
    title = "vai trò"
    parameter_name = "vai_tro"

    def lookups(self, request, model_admin):
        return [*AccountRole.choices, ("chua-co", "Chưa có vai trò")]

    def queryset(self, request, queryset):
        if self.value() in AccountRole.values:
            return queryset.filter(groups__name=ROLE_GROUP[AccountRole(self.value())])
        if self.value() == "chua-co":
            return queryset.exclude(groups__name__in=ROLE_GROUPS)
        return queryset


class AccountMembershipInline(SafePickersMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["unit", "role"]
    autocomplete_fields = ["unit"]
    formset = AccountMembershipFormSet
    verbose_name = "đơn vị công tác"
    verbose_name_plural = "Đơn vị công tác (chỉ với cán bộ đầu mối, lãnh đạo đơn vị)"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        return with_acting_user(super().get_formset(request, obj, **kwargs), request)

    def _own_account(self, request, obj):
        return obj is not None and services.is_self_restricted(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return not self._own_account(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._own_account(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._own_account(request, obj) and super().has_delete_permission(request, obj)


SECRETARIAT_ADD_FIELDSETS = (
    (None, {"fields": ("username", "first_name", "email")}),
    ("Vai trò", {"fields": ("role",)}),
)
SECRETARIAT_CHANGE_FIELDSETS = (
    (None, {"fields": ("username", "first_name", "email")}),
    ("Vai trò và trạng thái", {"fields": ("role", "is_active")}),
    ("Mật khẩu và đăng nhập", {"fields": ("password_status", "last_login_display", "date_joined_display")}),
)


def _dmy(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(
    PermissionLabelsMixin, ServiceRefusalMixin, history.HistoryPagesMixin, SimpleHistoryAdmin, DjangoUserAdmin
):
    change_password_form = AdminPasswordForm
    """Accounts. The secretariat (not superusers) gets the role form and every write through units.services;
    it never sees superusers, permissions or groups other than the roles. Superusers keep Django's user admin
    (their saves are recorded by simple-history's middleware)."""

    list_display = [
        "full_name_display",
        "username",
        # Before the wide columns, so that it shows without scrolling beside the two sidebars.
        "active_display",
        "email_display",
        "role_display",
        "units_display",
        "last_login_display",
    ]
    list_display_links = ["full_name_display", "username"]
    list_filter = [ActiveFilter, RoleFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    actions = ["deactivate_selected"]
    inlines = [AccountMembershipInline]
    history_labels = history.ACCOUNT_LABELS
    history_shown = history.ACCOUNT_SHOWN

    # --- list ---

    @admin.display(description="họ và tên", ordering="first_name")
    def full_name_display(self, obj):
        return full_name(obj) or "—"

    @admin.display(description="email", ordering="email")
    def email_display(self, obj):
        return obj.email or "—"

    @admin.display(description="vai trò")
    def role_display(self, obj):
        if obj.is_superuser:
            return "Quản trị hệ thống"
        role = account_role(obj)
        # Short labels: the list is wide (leaders are marked in the units column).
        return ROLE_SHORT_LABELS.get(role, "—")

    @admin.display(description="đơn vị")
    def units_display(self, obj):
        parts = []
        for membership in obj.unit_memberships.all():
            suffix = " (lãnh đạo)" if membership.role == "leader" else ""
            parts.append(f"{membership.unit.display_name}{suffix}")
        return "; ".join(parts) or "—"

    @admin.display(description="đăng nhập cuối", ordering="last_login")
    def last_login_display(self, obj):
        return _dmy(obj.last_login) or "Chưa đăng nhập"

    @admin.display(description="ngày tạo", ordering="date_joined")
    def date_joined_display(self, obj):
        return _dmy(obj.date_joined)

    @admin.display(description="hoạt động", boolean=True, ordering="is_active")
    def active_display(self, obj):
        return obj.is_active

    @admin.display(description="mật khẩu")
    def password_status(self, obj):
        if obj is None or obj.pk is None:
            return ""
        state = "Đã đặt." if obj.has_usable_password() else "Chưa đặt: người dùng cần liên kết đặt mật khẩu."
        if not obj.is_active:
            return state
        return format_html(
            '{} <a href="{}">Cấp liên kết đặt mật khẩu</a> (dùng một lần; mật khẩu hiện tại vẫn dùng được cho '
            "tới khi người dùng đặt mật khẩu mới).",
            state,
            reverse("admin:auth_user_password_link", args=[obj.pk]),
        )

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .prefetch_related(
                "groups", Prefetch("unit_memberships", queryset=Membership.objects.select_related("unit"))
            )
        )
        if not request.user.is_superuser:
            qs = qs.exclude(is_superuser=True)
        return qs

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Ngừng hoạt động các tài khoản đã chọn", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        try:
            count = services.account_deactivate(users=list(queryset), acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return
        self.message_user(request, f"Đã ngừng hoạt động {count} tài khoản.", messages.SUCCESS)

    # --- autocomplete: a picker offers what the form that uses it accepts ---

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
            accepted = self._picker_queryset(request)
            if accepted is not None:
                queryset = queryset.filter(pk__in=accepted.values("pk"))
        return queryset, may_have_duplicates

    def _picker_queryset(self, request):
        """The users the source form's field accepts (e.g. only appraisers for an appraiser assignment)."""
        try:
            source_model = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
            field = source_model._meta.get_field(request.GET.get("field_name", ""))
        except (LookupError, ValueError, FieldDoesNotExist):
            return None
        source_admin = self.admin_site._registry.get(source_model)
        if source_admin is None or not field.many_to_one:
            return None
        formfield = source_admin.formfield_for_foreignkey(field, request)
        return getattr(formfield, "queryset", None)

    # --- pages ---

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("Không có tài khoản này trong phạm vi của bạn.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self._object_or_404(request, object_id)
        records = Membership.history.filter(user_id=obj.pk).select_related("history_user", "unit")[:200]
        extra_context = {
            **(extra_context or {}),
            "membership_history": history.annotate(
                records,
                model=Membership,
                labels=history.MEMBERSHIP_LABELS,
                shown=["unit", "role"],
                older_in_list=False,
            ),
        }
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        return [
            path(
                "<id>/lien-ket-dat-mat-khau/",
                self.admin_site.admin_view(self.password_link_view),
                name="auth_user_password_link",
            ),
            *super().get_urls(),
        ]

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied(
                "Sở Nội vụ không đặt mật khẩu thay người dùng: hãy dùng «Cấp liên kết đặt mật khẩu» trên trang "
                "tài khoản."
            )
        return super().user_change_password(request, id, form_url)

    def password_link_view(self, request, id):
        user = self._object_or_404(request, id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied("Bạn không có quyền cấp liên kết đặt mật khẩu cho tài khoản này.")
        change_url = reverse("admin:auth_user_change", args=[user.pk])
        if request.method == "POST":
            try:
                link = services.password_link_send(
                    user=user, acting_user=request.user, base_url=request.build_absolute_uri("/")
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, refusal_text(exc), messages.ERROR)
            else:
                self._announce_link(request, user, link)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Cấp liên kết đặt mật khẩu: {user.get_username()}",
            "opts": self.opts,
            "original": user,
            "account": user,
            "account_full_name": full_name(user),
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/auth/user/password_link.html", context)

    def _announce_link(self, request, user, link):
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        if link.emailed_to:
            self.message_user(
                request,
                f"Đã gửi liên kết đặt mật khẩu tới {link.emailed_to}. Liên kết dùng được một lần, "
                f"trong {days} ngày.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                format_html(
                    "Tài khoản {} chưa có email. Hãy trao tận tay liên kết đặt mật khẩu dưới đây (chỉ hiện một "
                    "lần lúc này; dùng được một lần, trong {} ngày): <code>{}</code>",
                    user.get_username(),
                    days,
                    link.url,
                ),
                messages.WARNING,
            )

    # --- forms: the secretariat's role form; superusers keep Django's ---

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return SECRETARIAT_ADD_FIELDSETS if obj is None else SECRETARIAT_CHANGE_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_readonly_fields(request, obj)
        return ["password_status", "last_login_display", "date_joined_display"]

    def get_form(self, request, obj=None, **kwargs):
        if request.user.is_superuser:
            return super().get_form(request, obj, **kwargs)
        kwargs["form"] = with_acting_user(AccountForm, request)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if request.user.is_superuser:
            super().save_model(request, obj, form, change)
        # The secretariat's account and its units are saved together by one service, in save_related.

    def construct_change_message(self, request, form, formsets, add=False):
        if request.user.is_superuser:
            return super().construct_change_message(request, form, formsets, add)
        # The formsets were not saved by Django (the service saved the rows; their history tells the detail).
        return super().construct_change_message(request, form, [], add)

    def save_related(self, request, form, formsets, change):
        if request.user.is_superuser:
            super().save_related(request, form, formsets, change)
            return
        user = form.instance
        rows = None
        if not services.is_self_restricted(request.user, user):
            for formset in formsets:
                if isinstance(formset, AccountMembershipFormSet):
                    rows = formset.rows()
        data = form.cleaned_data
        try:
            if change:
                services.account_update(
                    user=user,
                    acting_user=request.user,
                    username=data["username"],
                    first_name=data.get("first_name", ""),
                    last_name=user.last_name,
                    email=data.get("email", ""),
                    role=data["role"],
                    is_active=data["is_active"],
                    memberships=rows,
                )
                return
            created, link = services.account_create(
                acting_user=request.user,
                username=data["username"],
                first_name=data.get("first_name", ""),
                email=data.get("email", ""),
                role=data["role"],
                memberships=rows or [],
                base_url=request.build_absolute_uri("/"),
            )
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(exc) from exc
        # The admin logs and redirects with the object it built from the form: give it the saved row's key.
        user.pk = created.pk
        user._state.adding = False
        user._state.db = created._state.db
        self._announce_link(request, created, link)
