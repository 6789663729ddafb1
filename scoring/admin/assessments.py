"""Assessments, score entries and results: read-only here, scoped to the user's units."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from scoring import workflow
from scoring.admin.appraisal import appraisal_view
from scoring.admin.base import ReadOnlyAdminMixin, ScopedByUnitMixin, refusal_text
from scoring.admin.explanation import explanation_view
from scoring.admin.self_assessment import self_assessment_view
from scoring.models import (
    AppraiserAssignment,
    Assessment,
    AssessmentResult,
    DeadlineExtension,
    ScoreEntry,
    WorkflowEvent,
)
from scoring.selectors import assessments_for_appraiser
from scoring.services.assessments import POINT_FIELDS
from scoring.templatetags.scoring_format import so as points_display
from units.scope import is_secretariat

# The inputs of every round and the points the rules select, in the order of the yearly cycle.
SCORE_COLUMNS = [*POINT_FIELDS, "not_applicable", "final_points"]


class ScoreEntryInline(admin.TabularInline):
    model = ScoreEntry
    fields = ["node", *SCORE_COLUMNS]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("node")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "period", "status", "index_display", "band", "rank", "self_assessment_link"]
    list_filter = [
        ("period", admin.RelatedOnlyFieldListFilter),
        "status",
        "unit__kind",
        ("period_group__unit_group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["unit__name", "unit__code", "unit__short_name"]
    list_select_related = ["unit", "period", "period_group__unit_group", "result"]
    inlines = [ScoreEntryInline]
    actions = ["submit_selected", "finalise_selected"]

    def get_urls(self):
        from django.urls import path

        own = self.admin_site.admin_view(lambda request, pk: self_assessment_view(self, request, pk))
        appraise = self.admin_site.admin_view(lambda request, pk: appraisal_view(self, request, pk))
        explain = self.admin_site.admin_view(lambda request, pk: explanation_view(self, request, pk))
        return [
            path("<int:pk>/giai-trinh/", explain, name="scoring_assessment_explain"),
            path("<int:pk>/tu-danh-gia/", own, name="scoring_assessment_self"),
            path("<int:pk>/tham-dinh/", appraise, name="scoring_assessment_appraise"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # The unit's own people and the secretariat (ScopedByUnitMixin), plus appraisers assigned to it.
        scoped = super().get_queryset(request)
        if is_secretariat(request.user):
            return scoped
        assigned = admin.ModelAdmin.get_queryset(self, request).filter(
            pk__in=assessments_for_appraiser(request.user).values("pk")
        )
        return scoped | assigned

    @admin.display(description="biểu mẫu")
    def self_assessment_link(self, obj):
        return format_html(
            '<a href="{}">Tự đánh giá</a> · <a href="{}">Thẩm định</a> · <a href="{}">Giải trình</a>',
            reverse("admin:scoring_assessment_self", args=[obj.pk]),
            reverse("admin:scoring_assessment_appraise", args=[obj.pk]),
            reverse("admin:scoring_assessment_explain", args=[obj.pk]),
        )

    def _transition(self, request, queryset, action):
        for assessment in queryset:
            try:
                assessment = workflow.assessment_transition(
                    assessment=assessment, action=action, acting_user=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{assessment.unit}: {refusal_text(exc)}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{assessment.unit}: {assessment.get_status_display()}.", messages.SUCCESS
                )

    @admin.action(description="Nộp các bản tự đánh giá đã chọn (lãnh đạo đơn vị)")
    def submit_selected(self, request, queryset):
        self._transition(request, queryset, "submit")

    @admin.action(description="Chốt kết quả các bản đánh giá đã chọn (Sở Nội vụ)")
    def finalise_selected(self, request, queryset):
        self._transition(request, queryset, "finalise")

    @admin.display(description="chỉ số (%)", ordering="result__index")
    def index_display(self, obj):
        result = getattr(obj, "result", None)
        if result is None:
            return "–"
        if result.missing_count:
            return f"chưa đủ điểm ({result.missing_count} tiêu chí)"
        return points_display(result.index)

    @admin.display(description="xếp loại")
    def band(self, obj):
        result = getattr(obj, "result", None)
        return result.band if result else "–"

    @admin.display(description="hạng", ordering="result__rank")
    def rank(self, obj):
        result = getattr(obj, "result", None)
        return result.rank if result and result.rank else "–"


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    unit_path = "assessment__unit"
    list_display = ["assessment", "node_code", *SCORE_COLUMNS, "updated_at"]
    list_filter = [
        ("assessment__period", admin.RelatedOnlyFieldListFilter),
        "node__method",
        "not_applicable",
        "assessment__unit__kind",
    ]
    search_fields = ["assessment__unit__name", "node__code", "node__name"]
    list_select_related = ["assessment__unit", "assessment__period", "node"]

    @admin.display(description="mã tiêu chí", ordering="node__order")
    def node_code(self, obj):
        return obj.node.code


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    unit_path = "assessment__unit"
    list_display = [
        "assessment",
        "points",
        "max_points",
        "index_display",
        "band",
        "rank",
        "group_size",
        "computed_at",
    ]
    list_filter = [
        ("assessment__period", admin.RelatedOnlyFieldListFilter),
        "band",
        ("assessment__period_group__unit_group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["assessment__unit__name", "assessment__unit__code"]
    list_select_related = ["assessment__unit", "assessment__period"]

    @admin.display(description="chỉ số (%)", ordering="index")
    def index_display(self, obj):
        return points_display(obj.index)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log of transitions; period-level events are visible to the secretariat only."""

    unit_path = "assessment__unit"
    list_display = [
        "at",
        "period",
        "assessment",
        "action_label",
        "from_status",
        "to_status",
        "actor",
        "reason",
    ]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter), "action"]
    search_fields = ["assessment__unit__name", "reason", "actor__username"]
    list_select_related = ["period", "assessment__unit", "actor"]

    @admin.display(description="thao tác", ordering="action")
    def action_label(self, obj):
        return workflow.ACTION_LABELS.get(obj.action, "Gia hạn" if obj.action == "extend" else obj.action)

    def get_queryset(self, request):
        if is_secretariat(request.user):
            return admin.ModelAdmin.get_queryset(self, request)
        return super().get_queryset(request)


@admin.register(AppraiserAssignment)
class AppraiserAssignmentAdmin(admin.ModelAdmin):
    list_display = ["period", "appraiser", "unit", "domain_code"]
    list_filter = ["period"]
    search_fields = ["appraiser__username", "appraiser__first_name", "unit__name"]
    autocomplete_fields = ["appraiser", "unit"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ScopedByUnitMixin, admin.ModelAdmin):
    list_display = ["period", "unit", "phase", "deadline", "reason", "granted_by", "granted_at"]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter), "phase"]
    search_fields = ["unit__name", "reason"]
    fields = ["period", "unit", "phase", "deadline", "reason"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        # Through the workflow: checks the role, the unit's participation and the reason, and logs the event.
        workflow.deadline_extend(
            period=obj.period,
            unit=obj.unit,
            phase=obj.phase,
            deadline=obj.deadline,
            reason=obj.reason,
            acting_user=request.user,
        )
