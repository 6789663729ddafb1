"""Evidence registry in the admin: scoped to the user's units, uploads validated by scoring.services.evidence."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from scoring import services
from scoring.admin.base import HistoryAdmin, ReadOnlyAdminMixin, ScopedByUnitMixin
from scoring.models import EvidenceDocument, EvidenceLink
from scoring.services.evidence import validate_upload
from units.scope import units_for_user


class EvidenceDocumentForm(forms.ModelForm):
    link = forms.URLField(
        label="Đường dẫn",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="Nếu tài liệu đã đăng trên cổng thông tin.",
    )
    upload = forms.FileField(
        label="Tệp",
        required=False,
        help_text="PDF, Word, Excel, OpenDocument, JPG hoặc PNG; tối đa theo cấu hình (mặc định 20 MB).",
    )

    class Meta:
        model = EvidenceDocument
        fields = ["unit", "title", "number", "issue_date", "issuer", "link"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            return data
        upload = data.get("upload")
        if upload is None and not data.get("link"):
            raise ValidationError("Cần có tệp đính kèm hoặc đường dẫn tới tài liệu.")
        if upload is not None:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                self.add_error("upload", exc.message_dict.get("file", exc.messages))
        return data


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ScopedByUnitMixin, HistoryAdmin):
    form = EvidenceDocumentForm
    list_display = [
        "title",
        "number",
        "issue_date",
        "issuer",
        "unit",
        "download",
        "link_count",
        "uploaded_at",
    ]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "number", "issuer"]
    list_select_related = ["unit"]
    readonly_fields = [
        "original_name",
        "size",
        "content_type",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["unit", "title", "number", "issue_date", "issuer", "upload", "link"]
        return ["unit", "title", "number", "issue_date", "issuer", "link", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # The file and the unit of a registered document never change: links and history rely on them.
        return [*self.readonly_fields, "unit"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="tệp")
    def download(self, obj):
        if not obj.file:
            return "–"
        return format_html('<a href="{}">Tải về</a>', reverse("scoring:evidence_download", args=[obj.pk]))

    @admin.display(description="số tiêu chí liên kết")
    def link_count(self, obj):
        return obj.links.count()

    def save_model(self, request, obj, form, change):
        if change:
            services.evidence_update(
                document=obj,
                acting_user=request.user,
                **{
                    field: form.cleaned_data[field]
                    for field in ("title", "number", "issue_date", "issuer", "link")
                },
            )
            return
        document = services.evidence_add(
            unit=obj.unit,
            acting_user=request.user,
            title=obj.title,
            number=obj.number,
            issue_date=obj.issue_date,
            issuer=obj.issuer,
            upload=form.cleaned_data.get("upload"),
            link=obj.link,
        )
        obj.pk = document.pk


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ScopedByUnitMixin, ReadOnlyAdminMixin, HistoryAdmin):
    unit_path = "document__unit"
    list_display = ["document", "entry", "locator", "created_by", "created_at"]
    search_fields = ["document__title", "document__number", "entry__node__code"]
    list_select_related = ["document", "entry__node", "entry__assessment__unit", "entry__assessment__period"]
