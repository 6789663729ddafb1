"""Units, unit groups and memberships (who works in which unit)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.utils.text import capfirst
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm
from import_export.widgets import DateWidget, ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from units import history, services
from units.admin.base import (
    SafePickersMixin,
    ServiceRefusalMixin,
    ServiceRefused,
    full_name,
    with_acting_user,
)
from units.forms import MembershipForm
from units.models import Membership, Unit, UnitGroup
from units.scope import OFFICER_GROUP, is_secretariat, units_for_user

User = get_user_model()


class UnitResource(resources.ModelResource):
    parent = fields.Field(
        column_name="parent", attribute="parent", widget=ForeignKeyWidget(Unit, field="code")
    )

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "short_name", "kind", "parent", "valid_from", "valid_to")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Run the model's validators (a code must be a slug: it appears in public URLs).
        clean_model_instances = True

    @classmethod
    def get_display_name(cls):
        return "đơn vị"  # import-export names a resource after its class ("UnitResource") in its messages

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # import-export words these two errors in English, outside any translation catalog.
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except Unit.DoesNotExist:
            raise ValueError(f"Không có đơn vị mã “{row.get(field.column_name)}”.") from None
        except ValueError:
            if not isinstance(field.widget, DateWidget):
                raise
            raise ValueError(
                f"Ngày “{row.get(field.column_name)}” không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 28/12/2017."
            ) from None


class UnitExportForm(SelectableFieldsExportForm):
    """The export page's field checkboxes under the fields' Vietnamese names (import-export title-cases the
    column names: "Short Name", "Valid From")."""

    def _get_field_label(self, resource, field_name):
        attribute = resource.fields[field_name].attribute
        return capfirst(resource._meta.model._meta.get_field(attribute).verbose_name)


class UnitMembershipInline(admin.TabularInline):
    """Who works in the unit; memberships are set on the account page (or «Thành viên đơn vị»), where each
    change is checked and recorded."""

    model = Membership
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]
    extra = 0
    can_delete = False
    verbose_name_plural = "Thành viên đơn vị (thêm, sửa ở trang tài khoản)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(SafePickersMixin, ServiceRefusalMixin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    export_form_class = UnitExportForm
    list_display = ["code", "name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "unit_groups"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "predecessors"]
    inlines = [UnitMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=units_for_user(request.user).values("pk"))
            .select_related("parent")
        )

    def has_import_permission(self, request):
        return is_secretariat(request.user) and super().has_import_permission(request)

    # Writes go through units.services (the admin's form only parses): the unit and its predecessors are saved
    # together, once, in save_related.
    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        try:
            services.unit_save(
                acting_user=request.user,
                unit=form.instance,
                predecessors=form.cleaned_data.get("predecessors"),
            )
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(exc) from exc
        for (
            formset
        ) in formsets:  # the read-only memberships: nothing to save, but the change message reads them
            self.save_formset(request, form, formset, change)


@admin.register(UnitGroup)
class UnitGroupAdmin(ServiceRefusalMixin, admin.ModelAdmin):
    list_display = ["code", "name", "member_count"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]

    def save_model(self, request, obj, form, change):
        pass  # the group and its members are saved together, once, in save_related

    def save_related(self, request, form, formsets, change):
        try:
            services.unit_group_save(
                acting_user=request.user, group=form.instance, members=form.cleaned_data.get("members")
            )
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(exc) from exc

    @admin.display(description="số đơn vị", ordering="_members")
    def member_count(self, obj):
        return obj._members

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))


@admin.register(Membership)
class MembershipAdmin(SafePickersMixin, ServiceRefusalMixin, history.HistoryPagesMixin, SimpleHistoryAdmin):
    list_display = ["user", "user_full_name", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    form = MembershipForm
    history_labels = history.MEMBERSHIP_LABELS
    history_shown = history.MEMBERSHIP_SHOWN

    @admin.display(description="họ và tên", ordering="user__first_name")
    def user_full_name(self, obj):
        return full_name(obj.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user", "unit")
        return qs.filter(unit__in=units_for_user(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Another person means another row (and another history).
        return ["user"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        return with_acting_user(super().get_form(request, obj, **kwargs), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only accounts with the unit role (the picker offers the active ones among them).
            kwargs["queryset"] = User.objects.filter(
                groups__name=OFFICER_GROUP, is_superuser=False
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _in_scope_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("Không có dòng thành viên này trong phạm vi của bạn.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            saved = services.membership_save(
                acting_user=request.user,
                user=obj.user,
                unit=obj.unit,
                role=obj.role,
                membership=obj if change else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(exc) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.membership_remove(memberships=[obj], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        services.membership_remove(memberships=list(queryset), acting_user=request.user)
