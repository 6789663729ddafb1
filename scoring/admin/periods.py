"""Periods and publications: read-only lists; the work is done on each period's back-office page."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from scoring.admin.base import HistoryAdmin, ReadOnlyAdminMixin, SafeIdsMixin
from scoring.formatting import format_number, format_points
from scoring.models import Band, Period, PeriodGroup, Publication, PublishedUnit
from units.scope import is_secretariat


class BandInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Band
    extra = 0
    fields = ["name", "min_display"]
    readonly_fields = fields

    @admin.display(description="chỉ số tối thiểu (%)")
    def min_display(self, obj):
        return format_number(obj.min_index)


class PeriodGroupInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PeriodGroup
    fields = ["unit_group", "framework"]
    readonly_fields = fields


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["title", "year", "status", "is_demo", "self_assessment_deadline", "work"]
    list_filter = ["status", "year", "is_demo"]
    search_fields = ["code", "title"]
    inlines = [BandInline, PeriodGroupInline]
    fields = [
        "title",
        "code",
        "year",
        "status",
        "self_assessment_deadline",
        "appraisal_deadline",
        "explanation_deadline",
        "final_appraisal_deadline",
        "published_at",
        "previous",
        "note",
        "is_demo",
        "work",
    ]
    readonly_fields = fields

    @admin.display(description="điều hành")
    def work(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">Mở trang điều hành kỳ</a>', reverse("backoffice:period", args=[obj.pk])
        )

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("backoffice:period_create")

    def has_add_permission(self, request, obj=None):
        return is_secretariat(request.user)


@admin.register(Publication)
class PublicationAdmin(SafeIdsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published snapshots are never edited; a correction publishes a new version with a reason."""

    list_display = [
        "period",
        "version",
        "published_at",
        "published_by",
        "reason",
        "short_hash",
        "corrections",
    ]
    list_filter = ["period"]
    list_select_related = ["period", "published_by"]
    fields = [
        "period",
        "version",
        "published_at",
        "published_by",
        "reason",
        "provenance_table",
        "changes_table",
        "content_hash",
        "corrections",
    ]
    readonly_fields = fields

    @admin.display(description="mã băm")
    def short_hash(self, obj):
        return obj.content_hash[:16] + "…"

    @admin.display(description="nguồn gốc số liệu")
    def provenance_table(self, obj):
        provenance = obj.provenance or {}
        frameworks = format_html_join(
            "",
            "<li>{} (mã {}, phiên bản {}{})</li>",
            (
                (
                    f.get("title", f["code"]),
                    f["code"],
                    f["version"],
                    f", {f['decision_number']}" if f.get("decision_number") else "",
                )
                for f in provenance.get("frameworks", [])
            ),
        )
        computed = provenance.get("computed_at") and parse_datetime(provenance["computed_at"])
        return format_html(
            "<div>Bộ tiêu chí:<ul>{}</ul>Số bản đánh giá: {}. Tính kết quả lúc: {}.</div>",
            frameworks,
            provenance.get("assessments", "–"),
            date_format(timezone.localtime(computed), "d/m/Y H:i") if computed else "–",
        )

    @admin.display(description="các thay đổi so với phiên bản trước")
    def changes_table(self, obj):
        if not obj.changes:
            return "–"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td class='num'>{} → {}</td><td>{}</td></tr>",
            (
                (
                    c["unit_name"],
                    c["node_code"],
                    format_points(c["old"]),
                    format_points(c["new"]),
                    c["reason"],
                )
                for c in obj.changes
            ),
        )
        return format_html(
            "<table><thead><tr><th>Đơn vị</th><th>Tiêu chí</th><th>Điểm cũ → mới</th><th>Lý do</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="đính chính")
    def corrections(self, obj):
        return format_html(
            '<a href="{}">Đính chính kết quả</a>', reverse("backoffice:corrections", args=[obj.period_id])
        )


@admin.register(PublishedUnit)
class PublishedUnitAdmin(SafeIdsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["publication", "unit_name", "index_display", "public_page"]
    list_filter = ["publication__period"]
    search_fields = ["unit_code"]
    list_select_related = ["publication__period"]
    fields = ["publication", "unit_name", "unit_code", "index_display", "public_page"]
    readonly_fields = fields

    @admin.display(description="đơn vị")
    def unit_name(self, obj):
        return obj.row.get("unit_name", obj.unit_code)

    @admin.display(description="chỉ số (%)")
    def index_display(self, obj):
        from scoring.formatting import format_fixed

        return format_fixed(obj.row.get("index"))

    @admin.display(description="trang công khai")
    def public_page(self, obj):
        url = reverse("scoring:scorecard", args=[obj.publication.period.code, obj.unit_code])
        return format_html(
            '<a href="{}?phien-ban={}">Xem bảng điểm đã công bố</a>', url, obj.publication.version
        )
