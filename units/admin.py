from django.contrib import admin
from django.db.models import Count
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from units.models import Membership, Unit, UnitGroup
from units.scope import is_secretariat, units_for_user


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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["code", "name", "short_name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "unit_groups"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "predecessors"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=units_for_user(request.user).values("pk"))
            .select_related("parent")
        )

    def has_import_permission(self, request):
        return is_secretariat(request.user) and super().has_import_permission(request)


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "member_count"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]

    @admin.display(description="số đơn vị", ordering="_members")
    def member_count(self, obj):
        return obj._members

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user", "unit")
        return qs.filter(unit__in=units_for_user(request.user))
