"""Assessments, score entries, results, the workflow log, assignments and extensions: read-only lists scoped to
the user's units, each row linking to the back-office page where the work is done."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from scoring import policy
from scoring.admin.base import HistoryAdmin, ReadOnlyAdminMixin, SafeIdsMixin, ScopedByUnitMixin
from scoring.formatting import format_fixed, format_points
from scoring.models import (
    AppraiserAssignment,
    Assessment,
    AssessmentResult,
    DeadlineExtension,
    ScoreEntry,
    WorkflowEvent,
)
from scoring.selectors import assessments_for_appraiser
from units.scope import is_secretariat


class ScoreEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ScoreEntry
    fields = [
        "node",
        "self_display",
        "r1_display",
        "r2_display",
        "survey_display",
        "not_applicable",
        "final_display",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("node")

    @admin.display(description="tự đánh giá")
    def self_display(self, obj):
        return format_points(obj.self_points)

    @admin.display(description="thẩm định lần 1")
    def r1_display(self, obj):
        return format_points(obj.appraised_points_r1)

    @admin.display(description="thẩm định lần 2")
    def r2_display(self, obj):
        return format_points(obj.appraised_points_r2)

    @admin.display(description="điều tra xã hội học")
    def survey_display(self, obj):
        return format_points(obj.survey_points)

    @admin.display(description="điểm đạt")
    def final_display(self, obj):
        return format_points(obj.final_points)


@admin.register(Assessment)
class AssessmentAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["unit", "period", "status", "marks", "index_display", "band", "rank", "pages"]
    list_filter = [
        ("period", admin.RelatedOnlyFieldListFilter),
        "status",
        "late_submission",
        "explanation_missed",
        "unit__kind",
        ("period_group__unit_group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["unit__name", "unit__code", "unit__short_name"]
    list_select_related = ["unit", "period", "period_group__unit_group", "result"]
    inlines = [ScoreEntryInline]
    exclude = ["appraiser_note"]
    readonly_fields = ["pages"]

    def get_queryset(self, request):
        # The unit's own people and the secretariat (ScopedByUnitMixin), plus appraisers assigned to it.
        scoped = super().get_queryset(request)
        if is_secretariat(request.user):
            return scoped
        assigned = admin.ModelAdmin.get_queryset(self, request).filter(
            pk__in=assessments_for_appraiser(request.user).values("pk")
        )
        return scoped | assigned

    @admin.display(description="trang làm việc")
    def pages(self, obj):
        links = format_html(
            '<a href="{}">Tự đánh giá</a> · <a href="{}">Thẩm định</a> · <a href="{}">Giải trình</a> · '
            '<a href="{}">Bảng điểm (Excel)</a>',
            reverse("backoffice:self_assessment", args=[obj.pk]),
            reverse("backoffice:appraisal", args=[obj.pk]),
            reverse("backoffice:explanation", args=[obj.pk]),
            reverse("backoffice:scorecard_xlsx", args=[obj.pk]),
        )
        if obj.period.published_at:  # the gap analysis reads the published snapshot
            links += format_html(
                ' · <a href="{}">Phân tích điểm bị mất</a>', reverse("backoffice:gap_analysis", args=[obj.pk])
            )
        return links

    @admin.display(description="ghi chú")
    def marks(self, obj):
        notes = []
        if obj.late_submission:
            notes.append("không nộp đúng hạn")
        if obj.explanation_missed:
            notes.append("không giải trình đúng hạn")
        if policy.is_excluded(obj.status):
            notes.append(f"không xếp hạng: {obj.exclusion_reason}")
        return "; ".join(notes) or "–"

    @admin.display(description="chỉ số (%)", ordering="result__index")
    def index_display(self, obj):
        result = getattr(obj, "result", None)
        if result is None:
            return "–"
        if result.missing_count:
            return f"chưa đủ điểm ({result.missing_count} tiêu chí)"
        return format_fixed(result.index)

    @admin.display(description="xếp loại")
    def band(self, obj):
        result = getattr(obj, "result", None)
        return result.band if result and result.band else "–"

    @admin.display(description="hạng", ordering="result__rank")
    def rank(self, obj):
        result = getattr(obj, "result", None)
        return result.rank if result and result.rank else "–"


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, HistoryAdmin):
    unit_path = "assessment__unit"
    list_display = [
        "assessment",
        "node_code",
        "self_display",
        "r1_display",
        "r2_display",
        "survey_display",
        "not_applicable",
        "final_display",
        "updated_at",
    ]
    list_filter = [
        ("assessment__period", admin.RelatedOnlyFieldListFilter),
        "node__method",
        "not_applicable",
        "assessment__unit__kind",
    ]
    search_fields = ["assessment__unit__name", "node__code", "node__name"]
    list_select_related = ["assessment__unit", "assessment__period", "node"]
    self_display = ScoreEntryInline.self_display
    r1_display = ScoreEntryInline.r1_display
    r2_display = ScoreEntryInline.r2_display
    survey_display = ScoreEntryInline.survey_display
    final_display = ScoreEntryInline.final_display

    @admin.display(description="mã tiêu chí", ordering="node__order")
    def node_code(self, obj):
        return obj.node.code


def _results_table(rows):
    """Stored [code, points, max, percentage] rows as a small table."""
    if not rows:
        return "–"
    body = format_html_join(
        "",
        "<tr><td>{}</td><td class='num'>{}</td><td class='num'>{}</td><td class='num'>{}</td></tr>",
        (
            (code, format_points(points), format_points(max_points), format_fixed(pct))
            for code, points, max_points, pct in rows
        ),
    )
    return format_html(
        "<table><thead><tr><th>Mã</th><th>Điểm đạt</th><th>Tối đa được đánh giá</th><th>Tỷ lệ (%)</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        body,
    )


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    unit_path = "assessment__unit"
    list_display = [
        "assessment",
        "points_display",
        "max_display",
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
    fields = [
        "assessment",
        "points_display",
        "max_display",
        "index_display",
        "band",
        "rank",
        "group_size",
        "computed_at",
        "inputs_count",
        "missing_count",
        "inputs_updated_at",
        "framework_code",
        "domains_table",
        "criteria_table",
    ]
    readonly_fields = fields

    @admin.display(description="tổng điểm", ordering="points")
    def points_display(self, obj):
        return format_points(obj.points)

    @admin.display(description="điểm tối đa được đánh giá")
    def max_display(self, obj):
        return format_points(obj.max_points)

    @admin.display(description="chỉ số (%)", ordering="index")
    def index_display(self, obj):
        return format_fixed(obj.index)

    @admin.display(description="kết quả theo lĩnh vực")
    def domains_table(self, obj):
        return _results_table(obj.domains)

    @admin.display(description="kết quả theo tiêu chí")
    def criteria_table(self, obj):
        return _results_table(obj.criteria)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log of transitions; period-level events are visible to the secretariat only."""

    unit_path = "assessment__unit"
    list_display = ["at", "period", "assessment", "action_label", "from_label", "to_label", "actor", "reason"]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter), "action"]
    search_fields = ["assessment__unit__name", "reason", "actor__username"]
    list_select_related = ["period", "assessment__unit", "actor"]
    fields = ["at", "period", "assessment", "action_label", "from_label", "to_label", "actor", "reason"]
    readonly_fields = fields

    @admin.display(description="thao tác", ordering="action")
    def action_label(self, obj):
        return obj.get_action_display()

    @admin.display(description="trạng thái trước")
    def from_label(self, obj):
        return _status_label(obj, obj.from_status)

    @admin.display(description="trạng thái sau")
    def to_label(self, obj):
        return _status_label(obj, obj.to_status)

    def get_queryset(self, request):
        if is_secretariat(request.user):
            return admin.ModelAdmin.get_queryset(self, request)
        return super().get_queryset(request)


def _status_label(event, value):
    from scoring.models import AssessmentStatus, PeriodStatus

    if not value:
        return "–"
    choices = AssessmentStatus if event.assessment_id else PeriodStatus
    return choices(value).label if value in choices.values else value


@admin.register(AppraiserAssignment)
class AppraiserAssignmentAdmin(SafeIdsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Assignments are made on the period's page (Phân công thẩm định); listed here for search."""

    list_display = ["period", "appraiser", "unit_display", "domain_display", "manage"]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["appraiser__username", "appraiser__first_name", "unit__name"]
    list_select_related = ["period", "appraiser", "unit"]

    @admin.display(description="đơn vị")
    def unit_display(self, obj):
        return obj.unit or "Mọi đơn vị"

    @admin.display(description="lĩnh vực")
    def domain_display(self, obj):
        return obj.domain_code or "Mọi lĩnh vực"

    @admin.display(description="")
    def manage(self, obj):
        return format_html(
            '<a href="{}">Phân công của kỳ</a>', reverse("backoffice:assignments", args=[obj.period_id])
        )


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Extensions are granted on the period's page (Gia hạn); listed here, scoped to the user's units."""

    list_display = ["period", "unit", "phase", "deadline", "reason", "granted_by", "granted_at"]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter), "phase"]
    search_fields = ["unit__name", "reason"]
    list_select_related = ["period", "unit", "granted_by"]
