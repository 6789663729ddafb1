"""Period admin: bands, participating groups, recompute."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from scoring import services, workflow
from scoring.admin.base import ReadOnlyAdminMixin, refusal_text
from scoring.models import (
    Band,
    Period,
    PeriodGroup,
    Publication,
    PublishedUnit,
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
    actions = ["recompute_selected", "advance_selected", "publish_selected"]
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
                self.message_user(request, f"{period}: {refusal_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{period}: {period.get_status_display()}.", messages.SUCCESS)

    @admin.action(description="Công bố kết quả các kỳ đã chọn (sau thẩm định lần 2)")
    def publish_selected(self, request, queryset):
        for period in queryset:
            try:
                workflow.period_publish(period=period, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{period}: {refusal_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{period}: đã công bố.", messages.SUCCESS)

    @admin.action(description="Tính lại kết quả các kỳ đã chọn")
    def recompute_selected(self, request, queryset):
        if not is_secretariat(request.user):
            raise PermissionDenied
        for period in queryset:
            count = services.scores_recompute(period=period)
            self.message_user(request, f"{period}: đã tính lại {count} bản đánh giá.", messages.SUCCESS)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published snapshots are never edited; a correction publishes a new version with a reason."""

    list_display = ["period", "version", "published_at", "published_by", "reason", "short_hash"]
    list_filter = ["period"]
    readonly_fields = [
        "period",
        "version",
        "published_at",
        "published_by",
        "reason",
        "provenance",
        "content_hash",
    ]
    exclude = ["groups"]

    @admin.display(description="mã băm")
    def short_hash(self, obj):
        return obj.content_hash[:16] + "…"

    def get_urls(self):
        return [
            path(
                "dinh-chinh/<int:period_pk>/",
                self.admin_site.admin_view(self.correct_view),
                name="scoring_publication_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request, period_pk):
        period = get_object_or_404(Period, pk=period_pk)
        if not request.user.has_perm("scoring.manage_period"):
            raise PermissionDenied("Chỉ Sở Nội vụ được đính chính kết quả đã công bố.")
        problems = []
        if request.method == "POST":
            try:
                publication = services.publication_correct(
                    period=period, acting_user=request.user, reason=request.POST.get("reason", "")
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                self.message_user(
                    request, f"Đã công bố phiên bản {publication.version} của {period}.", messages.SUCCESS
                )
                return redirect("admin:scoring_publication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Đính chính kết quả đã công bố: {period}",
            "period": period,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/scoring/publication/correct.html", context)


@admin.register(PublishedUnit)
class PublishedUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["publication", "unit_code", "group_code", "framework_code"]
    list_filter = ["publication__period"]
    search_fields = ["unit_code"]
    list_select_related = ["publication__period"]
