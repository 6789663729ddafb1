"""The evidence registry (tài liệu kiểm chứng): a unit's documents, entered once and linked to any node."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from scoring.models.periods import ScoreEntry
from units.models import Unit


def evidence_path(instance, filename):
    """A generated name under the unit's folder; the uploaded name is kept only as data (original_name)."""
    return f"evidence/{instance.unit_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class EvidenceDocument(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField("trích yếu / tên tài liệu", max_length=500)
    number = models.CharField("số, ký hiệu", max_length=100, blank=True, help_text="Ví dụ: 125/KH-STP.")
    issue_date = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    file = models.FileField("tệp", upload_to=evidence_path, blank=True, max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    content_type = models.CharField("loại tệp", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    sha256 = models.CharField("mã băm SHA-256", max_length=64, blank=True)
    link = models.URLField(
        "đường dẫn", max_length=1000, blank=True, help_text="Nếu tài liệu đã đăng trên cổng thông tin."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("nhập lúc", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["unit", "-issue_date", "title"]

    def __str__(self):
        return f"{self.number} – {self.title}" if self.number else self.title


class EvidenceLink(models.Model):
    """A document cited for one node of one assessment, with the page or section that proves the claim."""

    document = models.ForeignKey(
        EvidenceDocument, verbose_name="tài liệu", on_delete=models.PROTECT, related_name="links"
    )
    entry = models.ForeignKey(
        ScoreEntry, verbose_name="điểm tiêu chí", on_delete=models.CASCADE, related_name="evidence"
    )
    locator = models.CharField(
        "trang, mục chứng minh", max_length=255, blank=True, help_text="Ví dụ: trang 3, mục II.2."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người liên kết", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("liên kết lúc", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "liên kết tài liệu kiểm chứng"
        verbose_name_plural = "liên kết tài liệu kiểm chứng"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "entry"],
                name="evidence_link_unique",
                violation_error_message="Tài liệu này đã được liên kết với tiêu chí.",
            )
        ]

    def __str__(self):
        return f"{self.document} → {self.entry.node.code}"
