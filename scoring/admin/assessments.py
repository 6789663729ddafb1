"""Assessments, score entries and results: read-only here, scoped to the user's units."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scoring.admin.base import ReadOnlyAdminMixin, ScopedByUnitMixin
from scoring.models import (
    Assessment,
    AssessmentResult,
    ScoreEntry,
)
from scoring.services.assessments import POINT_FIELDS
from scoring.templatetags.scoring_format import so as points_display

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
    list_display = ["unit", "period", "status", "index_display", "band", "rank"]
    list_filter = [
        ("period", admin.RelatedOnlyFieldListFilter),
        "status",
        "unit__kind",
        ("period_group__unit_group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["unit__name", "unit__code", "unit__short_name"]
    list_select_related = ["unit", "period", "period_group__unit_group", "result"]
    inlines = [ScoreEntryInline]

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
