"""Corrections of a published period: chosen score entries reopened with a reason, changed, republished."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from scoring.models.base import POINTS
from scoring.models.periods import Period, ScoreEntry
from scoring.models.publication import Publication


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "Đang đính chính"
    PUBLISHED = "published", "Đã công bố bản đính chính"
    CANCELLED = "cancelled", "Đã hủy"


class Correction(models.Model):
    """One round of corrections of a published period; publishing it makes the period's next version."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.TextField("lý do đính chính")
    status = models.CharField(
        "trạng thái", max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    base_publication = models.ForeignKey(
        Publication, verbose_name="phiên bản được đính chính", on_delete=models.PROTECT, related_name="+"
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name="phiên bản đính chính",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người mở", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("mở lúc", auto_now_add=True)

    class Meta:
        verbose_name = "đợt đính chính"
        verbose_name_plural = "các đợt đính chính"
        ordering = ["period", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status="open"),
                name="correction_one_open_per_period",
                violation_error_message="Kỳ đánh giá này đang có một đợt đính chính chưa công bố.",
            )
        ]

    def __str__(self):
        return f"Đính chính {self.period} ({self.opened_at:%d/%m/%Y})"


class CorrectionItem(models.Model):
    """A score entry reopened by a correction: its final points before, and the new value once changed."""

    correction = models.ForeignKey(
        Correction, verbose_name="đợt đính chính", on_delete=models.CASCADE, related_name="items"
    )
    entry = models.ForeignKey(
        ScoreEntry, verbose_name="điểm tiêu chí", on_delete=models.PROTECT, related_name="corrections"
    )
    old_points = models.DecimalField("điểm đạt trước đính chính", **POINTS, null=True, blank=True)
    new_points = models.DecimalField("điểm sau đính chính", **POINTS, null=True, blank=True)
    change_reason = models.TextField("lý do thay đổi", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thay đổi",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField("thay đổi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tiêu chí được đính chính"
        verbose_name_plural = "tiêu chí được đính chính"
        ordering = ["correction", "entry__assessment__unit__name", "entry__node__order"]
        constraints = [
            models.UniqueConstraint(fields=["correction", "entry"], name="correction_item_unique"),
        ]

    def __str__(self):
        return f"{self.correction}: {self.entry}"
