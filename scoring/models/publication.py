"""Published results: an immutable snapshot per publication, with provenance and a content hash."""

from django.conf import settings
from django.db import models

from scoring.models.base import PERCENT, POINTS
from scoring.models.periods import Period


class Publication(models.Model):
    """One publication (công bố) of a period's results. Never changed; a correction is a new version."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField("phiên bản")
    published_at = models.DateTimeField("công bố lúc")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người công bố",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Trống khi do hệ thống tạo (dữ liệu minh họa).",
    )
    reason = models.TextField(
        "ghi chú, lý do đính chính",
        blank=True,
        help_text="Phiên bản 1: số, ngày quyết định công bố hoặc ghi chú; phiên bản sau: lý do đính chính.",
    )
    provenance = models.JSONField(
        "nguồn gốc số liệu", help_text="Bộ tiêu chí (mã, phiên bản), thời điểm tính kết quả, số bản đánh giá."
    )
    content_hash = models.CharField("mã băm SHA-256 của nội dung", max_length=64)
    groups = models.JSONField("bảng xếp hạng theo nhóm")
    group_means = models.JSONField(
        "điểm bình quân của nhóm",
        default=dict,
        blank=True,
        help_text="{mã nhóm: {mã mục: điểm bình quân}} của các đơn vị được xếp hạng, cho lĩnh vực, tiêu chí và "
        "tiêu chí được chấm; đọc riêng trang một đơn vị mà không phải tải kết quả các đơn vị khác.",
    )
    group_summaries = models.JSONField(
        "tóm tắt các nhóm",
        default=list,
        blank=True,
        help_text="Mỗi nhóm, không có danh sách đơn vị: mã, tên, bộ tiêu chí, lĩnh vực, mức xếp loại, số đơn vị, "
        "chỉ số bình quân, số đơn vị theo xếp loại. Lấy từ «bảng xếp hạng theo nhóm» khi công bố, để các trang "
        "của một đơn vị hay của kỳ không phải đọc kết quả của mọi đơn vị.",
    )
    changes = models.JSONField(
        "các thay đổi so với phiên bản trước",
        default=list,
        blank=True,
        help_text="Với bản đính chính: đơn vị, tiêu chí, điểm cũ → điểm mới, lý do.",
    )

    class Meta:
        verbose_name = "lần công bố"
        verbose_name_plural = "lần công bố"
        ordering = ["period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="publication_version_unique")
        ]

    def __str__(self):
        return f"{self.period} – phiên bản {self.version}"


class PublishedUnit(models.Model):
    """A unit's published result and the final points of every scorable node, as published."""

    publication = models.ForeignKey(
        Publication, verbose_name="lần công bố", on_delete=models.PROTECT, related_name="units"
    )
    unit_code = models.CharField("mã đơn vị", max_length=32)
    group_code = models.CharField("mã nhóm", max_length=64)
    framework_code = models.CharField("bộ tiêu chí", max_length=64)
    row = models.JSONField("kết quả")
    criteria = models.JSONField(
        "kết quả theo tiêu chí",
        default=list,
        help_text="Mỗi tiêu chí: [mã, điểm đạt, điểm tối đa được đánh giá, tỷ lệ (%)], như đã lưu khi công bố.",
    )
    leaves = models.JSONField("điểm các tiêu chí được chấm", help_text="{mã: [điểm đạt, không áp dụng]}")
    reasons = models.JSONField(
        "lý do thẩm định",
        default=dict,
        blank=True,
        help_text="{mã: lý do của vòng thẩm định cuối (lần 2, nếu không có thì lần 1)}, chỉ các mục có lý do.",
    )
    # Copies of `row`'s figures as columns, so a ranking page sorts, searches and pages in the database
    # (filled at publication from the same row; the content hash covers `row`).
    position = models.PositiveIntegerField("thứ tự trong bảng công bố", default=0)
    unit_name = models.CharField("tên đơn vị", max_length=255, blank=True)
    search_name = models.CharField(
        "tên để tìm kiếm", max_length=500, blank=True, help_text="Tên và mã đơn vị viết thường, bỏ dấu."
    )
    rank = models.PositiveIntegerField("thứ hạng", null=True, blank=True)
    points = models.DecimalField("tổng điểm", **POINTS, null=True, blank=True)
    max_points = models.DecimalField("điểm tối đa được đánh giá", **POINTS, null=True, blank=True)
    index = models.DecimalField("chỉ số (%)", **PERCENT, null=True, blank=True)
    band = models.CharField("xếp loại", max_length=64, blank=True)
    excluded = models.BooleanField("không xếp hạng", default=False)
    # Keys "lv5", not "5": a JSON path reads a numeric key as an array index (SQLite and PostgreSQL).
    domain_percentages = models.JSONField(
        "tỷ lệ theo lĩnh vực", default=dict, blank=True, help_text="{lv‹mã lĩnh vực›: tỷ lệ (%) hoặc null}"
    )
    index_change = models.DecimalField("thay đổi chỉ số", **PERCENT, null=True, blank=True)
    rank_change = models.IntegerField("thay đổi hạng", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả đơn vị đã công bố"
        verbose_name_plural = "kết quả đơn vị đã công bố"
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit_code"], name="published_unit_unique"),
        ]
        indexes = [
            models.Index(fields=["publication", "group_code", "position"], name="published_unit_position"),
            models.Index(fields=["publication", "group_code", "index"], name="published_unit_index"),
            models.Index(fields=["publication", "group_code", "points"], name="published_unit_points"),
            models.Index(fields=["publication", "group_code", "search_name"], name="published_unit_name"),
            models.Index(fields=["unit_code"], name="published_unit_code"),  # a unit's results across periods
        ]

    def __str__(self):
        return f"{self.publication}: {self.row.get('unit_name', self.unit_code)}"
