"""Framework admin: import, export, integrity check, versions."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from scoring import services
from scoring.admin.base import HistoryAdmin
from scoring.formatting import format_points
from scoring.framework_io import FrameworkFileError, to_csv, to_xlsx
from scoring.models import (
    DomainSummary,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    LossKind,
)
from scoring.selectors import UNVERIFIED_LABEL, framework_specs
from scoring.services.frameworks import CODE_HELP, CODE_INVALID, CODE_MAX_LENGTH
from units.models import UnitKind
from units.scope import is_secretariat


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp bộ tiêu chí (.csv hoặc .xlsx)",
        help_text="Tối đa 5 MB. Dòng 1 là tên cột; mỗi dòng sau là một mục. Xem bảng mô tả cột bên dưới và tải "
        "tệp mẫu.",
    )
    code = forms.SlugField(
        label="Mã bộ tiêu chí",
        max_length=CODE_MAX_LENGTH,
        required=False,
        help_text=CODE_HELP,
        error_messages={"invalid": CODE_INVALID, "max_length": f"Mã dài tối đa {CODE_MAX_LENGTH} ký tự."},
    )
    title = forms.CharField(label="Tên bộ tiêu chí", max_length=500, required=False)
    decision_number = forms.CharField(label="Số quyết định ban hành", max_length=64, required=False)
    decision_date = forms.DateField(
        label="Ngày ban hành",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="Dạng ngày/tháng/năm, ví dụ 28/12/2017.",
        error_messages={"invalid": "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 28/12/2017."},
    )
    aliases = forms.CharField(label="Số hiệu khác", max_length=255, required=False)
    unit_kinds = forms.MultipleChoiceField(
        label="Áp dụng cho loại đơn vị",
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, replacing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.replacing = replacing
        if replacing is not None:
            for name in ("code", "title", "decision_number", "decision_date", "aliases", "unit_kinds"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.replacing is None:
            if not data.get("code"):
                self.add_error("code", "Nhập mã cho bộ tiêu chí mới.")
            elif Framework.objects.filter(code=data["code"]).exists():
                self.add_error("code", "Mã này đã được dùng; chọn mã khác hoặc nhập vào bộ tiêu chí đã có.")
            if not data.get("title"):
                self.add_error("title", "Nhập tên bộ tiêu chí.")
        upload = data.get("file")
        if upload is not None:
            if upload.size > settings.FRAMEWORK_IMPORT_MAX_BYTES:
                self.add_error("file", "Tệp quá lớn (tối đa 5 MB).")
            elif not upload.name.lower().endswith((".csv", ".xlsx")):
                self.add_error("file", "Chỉ nhận tệp .csv hoặc .xlsx.")
        return data


class FrameworkNewVersionForm(forms.Form):
    code = forms.SlugField(
        label="Mã phiên bản mới",
        max_length=CODE_MAX_LENGTH,
        help_text=CODE_HELP,
        error_messages={
            "required": "Nhập mã cho phiên bản mới.",
            "invalid": CODE_INVALID,
            "max_length": f"Mã dài tối đa {CODE_MAX_LENGTH} ký tự.",
        },
    )


class NodeClassifyForm(forms.Form):
    loss_kind = forms.ChoiceField(
        label="Loại nguyên nhân mất điểm",
        choices=[("", "Chưa phân loại"), *LossKind.choices],
        required=False,
        help_text=FrameworkNode._meta.get_field("loss_kind").help_text,
    )
    reason = forms.CharField(
        label="Ghi chú thay đổi",
        max_length=100,
        required=False,
        help_text="Ghi vào lịch sử của tiêu chí, ví dụ căn cứ phân loại (tối đa 100 ký tự).",
    )


class FrameworkForm(forms.ModelForm):
    unit_kinds = forms.MultipleChoiceField(
        label="Áp dụng cho loại đơn vị",
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Framework
        fields = [
            "code",
            "title",
            "decision_number",
            "decision_date",
            "aliases",
            "unit_kinds",
            "source_note",
            "is_demo",
        ]


class DomainSummaryInline(admin.TabularInline):
    model = DomainSummary
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Framework)
class FrameworkAdmin(HistoryAdmin):
    list_display = ["code", "title", "decision_number", "status", "version", "node_count", "unverified"]
    list_filter = ["status", "is_demo"]
    search_fields = ["code", "title", "decision_number", "aliases"]
    readonly_fields = [
        "status",
        "version",
        "previous_version",
        "created_at",
        "updated_at",
        "tools",
        "unit_kinds_display",
    ]
    form = FrameworkForm
    inlines = [DomainSummaryInline]
    actions = ["activate_selected"]
    change_list_template = "admin/scoring/framework/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_nodes=Count("nodes"), _unverified=Count("nodes", filter=Q(nodes__verified=False)))
        )

    @admin.display(description="số mục", ordering="_nodes")
    def node_count(self, obj):
        return obj._nodes

    @admin.display(description=UNVERIFIED_LABEL, ordering="_unverified")
    def unverified(self, obj):
        return obj._unverified

    @admin.display(description="công cụ")
    def tools(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">Kiểm tra tính toàn vẹn</a> · <a href="{}">Xuất CSV</a> · <a href="{}">Xuất XLSX</a> · '
            '<a href="{}">Nhập tệp thay thế</a> · <a href="{}">Tạo phiên bản mới</a>',
            reverse("admin:scoring_framework_integrity", args=[obj.pk]),
            reverse("admin:scoring_framework_export", args=[obj.pk, "csv"]),
            reverse("admin:scoring_framework_export", args=[obj.pk, "xlsx"]),
            reverse("admin:scoring_framework_import_into", args=[obj.pk]),
            reverse("admin:scoring_framework_new_version", args=[obj.pk]),
        )

    def has_change_permission(self, request, obj=None):
        # A frozen framework is shown read-only (no save buttons); changes go to a new version.
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.is_frozen:
            return ["unit_kinds_display" if f == "unit_kinds" else f for f in fields]
        return fields

    @admin.display(description="áp dụng cho loại đơn vị")
    def unit_kinds_display(self, obj):
        return obj.get_unit_kinds_display() or "–"

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path("nhap/", admin_view(self.import_view), name="scoring_framework_import"),
            path("<int:pk>/nhap/", admin_view(self.import_view), name="scoring_framework_import_into"),
            path("<int:pk>/kiem-tra/", admin_view(self.integrity_view), name="scoring_framework_integrity"),
            path("<int:pk>/xuat/<str:fmt>/", admin_view(self.export_view), name="scoring_framework_export"),
            path(
                "<int:pk>/phien-ban-moi/",
                admin_view(self.new_version_view),
                name="scoring_framework_new_version",
            ),
            *super().get_urls(),
        ]

    def _require_secretariat(self, request):
        if not is_secretariat(request.user):
            raise PermissionDenied("Chỉ Sở Nội vụ được thay đổi bộ tiêu chí.")

    def import_view(self, request, pk=None):
        self._require_secretariat(request)
        replacing = get_object_or_404(Framework, pk=pk) if pk is not None else None
        problems = []
        if request.method == "POST":
            form = FrameworkImportForm(request.POST, request.FILES, replacing=replacing)
            if form.is_valid():
                data = form.cleaned_data
                upload = data["file"]
                defaults = None
                if replacing is None:
                    defaults = {key: data[key] for key in ("code", "title", "decision_number", "aliases")}
                    defaults.update(decision_date=data["decision_date"], unit_kinds=data["unit_kinds"])
                try:
                    framework = services.framework_import(
                        acting_user=request.user,
                        content=upload.read(),
                        filename=upload.name,
                        framework=replacing,
                        defaults=defaults,
                    )
                except FrameworkFileError as exc:
                    problems = exc.problems
                else:
                    count = framework.nodes.count()
                    self.message_user(request, f"Đã nhập {count} mục vào «{framework}».", messages.SUCCESS)
                    return redirect("admin:scoring_framework_integrity", framework.pk)
        else:
            form = FrameworkImportForm(replacing=replacing)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Nhập tệp vào «{replacing}»" if replacing else "Nhập bộ tiêu chí mới từ tệp",
            "form": form,
            "problems": problems,
            "replacing": replacing,
            "sample": Framework.objects.exclude(status=FrameworkStatus.DRAFT)
            .order_by(F("decision_date").desc(nulls_last=True))
            .first(),
        }
        return TemplateResponse(request, "admin/scoring/framework/import.html", context)

    def integrity_view(self, request, pk):
        framework = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, framework):
            raise PermissionDenied
        report = services.framework_integrity(framework=framework)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Kiểm tra tính toàn vẹn: {framework}",
            "framework": framework,
            "report": report,
            "unverified_label": UNVERIFIED_LABEL,
        }
        return TemplateResponse(request, "admin/scoring/framework/integrity.html", context)

    def export_view(self, request, pk, fmt):
        framework = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, framework):
            raise PermissionDenied
        specs = framework_specs(framework)
        if fmt == "csv":
            response = HttpResponse(to_csv(specs), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(
                to_xlsx(specs, title=framework.code),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404("Định dạng không hỗ trợ.")
        response["Content-Disposition"] = f'attachment; filename="{framework.code}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def new_version_view(self, request, pk):
        self._require_secretariat(request)
        framework = get_object_or_404(Framework, pk=pk)
        if request.method == "POST":
            form = FrameworkNewVersionForm(request.POST)
            if form.is_valid():
                try:
                    copy = services.framework_new_version(
                        framework=framework, code=form.cleaned_data["code"], acting_user=request.user
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)  # a {"code": …} error lands next to the field
                else:
                    self.message_user(
                        request,
                        f"Đã tạo phiên bản {copy.version}: «{copy.code}» (dự thảo).",
                        messages.SUCCESS,
                    )
                    return redirect("admin:scoring_framework_change", copy.pk)
        else:
            form = FrameworkNewVersionForm(initial={"code": f"{framework.code}-v{framework.version + 1}"})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Tạo phiên bản mới của «{framework}»",
            "framework": framework,
            "form": form,
        }
        return TemplateResponse(request, "admin/scoring/framework/new_version.html", context)

    @admin.action(description="Áp dụng các bộ tiêu chí đã chọn (sau khi kiểm tra toàn vẹn)")
    def activate_selected(self, request, queryset):
        self._require_secretariat(request)
        for framework in queryset:
            try:
                services.framework_activate(framework=framework, acting_user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{framework.code}: " + " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"{framework.code}: {framework.get_status_display()}.", messages.SUCCESS
                )


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(HistoryAdmin):
    list_display = [
        "code",
        "short_name",
        "framework",
        "level",
        "max_display",
        "method",
        "is_scorable",
        "verified",
        "loss_kind",
    ]
    list_filter = ["framework", "level", "method", "verified", "loss_kind"]
    search_fields = ["code", "name", "advising_agency"]
    list_select_related = ["framework"]
    readonly_fields = [
        "framework",
        "code",
        "level",
        "parent",
        "domain",
        "order",
        "is_scorable",
        "max_display",
        "loss_kind_display",
    ]
    # max_points is shown as max_display (points change only by importing a file); loss_kind changes only
    # through its own page (services.framework_node_classify), which works on frozen frameworks too.
    exclude = ["max_points", "loss_kind"]
    ordering = ["framework", "order"]

    @admin.display(description="điểm tối đa", ordering="max_points")
    def max_display(self, obj):
        return format_points(obj.max_points)

    @admin.display(description="loại nguyên nhân mất điểm")
    def loss_kind_display(self, obj):
        label = obj.get_loss_kind_display() or "Chưa phân loại"
        if obj.pk is None:
            return label
        return format_html(
            '{} · <a href="{}">Đổi phân loại</a>',
            label,
            reverse("admin:scoring_frameworknode_classify", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/phan-loai/",
                self.admin_site.admin_view(self.classify_view),
                name="scoring_frameworknode_classify",
            ),
            *super().get_urls(),
        ]

    def classify_view(self, request, pk):
        """Why points on the node are usually lost: for the secretariat, on frozen frameworks too."""
        if not is_secretariat(request.user):
            raise PermissionDenied("Chỉ Sở Nội vụ được phân loại nguyên nhân mất điểm.")
        node = get_object_or_404(FrameworkNode.objects.select_related("framework"), pk=pk)
        if request.method == "POST":
            form = NodeClassifyForm(request.POST)
            if form.is_valid():
                try:
                    node = services.framework_node_classify(
                        node=node,
                        loss_kind=form.cleaned_data["loss_kind"],
                        reason=form.cleaned_data["reason"],
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    self.message_user(
                        request,
                        f"Tiêu chí {node.code}: {node.get_loss_kind_display() or 'chưa phân loại'}.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:scoring_frameworknode_change", node.pk)
        else:
            form = NodeClassifyForm(initial={"loss_kind": node.loss_kind})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Phân loại nguyên nhân mất điểm: {node.code}. {node.name[:80]}",
            "node": node,
            "form": form,
        }
        return TemplateResponse(request, "admin/scoring/frameworknode/classify.html", context)

    @admin.display(description="tên")
    def short_name(self, obj):
        return obj.name if len(obj.name) <= 90 else obj.name[:87] + "…"

    def has_add_permission(self, request):
        return False  # nodes come from a framework file, so that the tree stays consistent

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.framework.is_frozen or not is_secretariat(request.user)):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Points and structure change only by importing a file; here only the texts.
        return [*self.readonly_fields, "method"]

    def has_delete_permission(self, request, obj=None):
        return False
