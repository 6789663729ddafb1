"""Period admin: bands, participating groups, recompute."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from scoring import services, workflow
from scoring.models import (
    Band,
    Period,
    PeriodGroup,
)
from units.scope import is_secretariat


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class PeriodGroupInline(admin.TabularInline):
    model = PeriodGroup
    extra = 0
    autocomplete_fields = ["unit_group"]
    readonly_fields = ["assessment_count"]

    @admin.display(description="số bản đánh giá")
    def assessment_count(self, obj):
        return obj.assessments.count() if obj.pk else 0

    def has_change_permission(self, request, obj=None):
        return False  # a group's framework cannot change once assessments exist; add a new group instead


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "year", "status", "is_demo", "self_assessment_deadline"]
    list_filter = ["status", "year", "is_demo"]
    search_fields = ["code", "title"]
    inlines = [BandInline, PeriodGroupInline]
    actions = ["recompute_selected", "advance_selected"]
    # Status and publication move only through the workflow (the "advance" action), never by editing.
    readonly_fields = ["status", "published_at"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not PeriodGroup:
            return super().save_formset(request, form, formset, change)
        for instance in formset.save(commit=False):
            try:
                services.period_group_add(
                    period=form.instance, unit_group=instance.unit_group, framework=instance.framework
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        for obj in formset.deleted_objects:
            obj.delete()

    @admin.action(description="Chuyển các kỳ đã chọn sang giai đoạn tiếp theo")
    def advance_selected(self, request, queryset):
        for period in queryset:
            try:
                period = workflow.period_advance(period=period, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{period}: {text}", messages.ERROR)
            else:
                self.message_user(request, f"{period}: {period.get_status_display()}.", messages.SUCCESS)

    @admin.action(description="Tính lại kết quả các kỳ đã chọn")
    def recompute_selected(self, request, queryset):
        if not is_secretariat(request.user):
            raise PermissionDenied
        for period in queryset:
            count = services.scores_recompute(period=period)
            self.message_user(request, f"{period}: đã tính lại {count} bản đánh giá.", messages.SUCCESS)
