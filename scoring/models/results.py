"""Results stored by scores_recompute; public pages read only these."""

from django.db import models

from scoring.models.base import PERCENT, POINTS
from scoring.models.periods import Assessment


class AssessmentResult(models.Model):
    """Stored by scores_recompute; public pages read only these rows."""

    assessment = models.OneToOneField(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="result"
    )
    points = models.DecimalField(
        "tổng điểm", **POINTS, help_text="Điểm cơ bản cộng điểm thưởng, trừ điểm trừ (đã áp dụng mức tối đa)."
    )
    max_points = models.DecimalField("điểm tối đa được đánh giá", **POINTS)
    base_points = models.DecimalField(
        "điểm cơ bản",
        **POINTS,
        default=0,
        help_text="Tổng điểm các tiêu chí thẩm định và điều tra xã hội học, chưa tính điểm thưởng, điểm trừ.",
    )
    bonus = models.DecimalField(
        "điểm thưởng được cộng", **POINTS, default=0, help_text="Sau khi áp dụng mức tối đa của kỳ."
    )
    deduction = models.DecimalField(
        "điểm trừ đã trừ", **POINTS, default=0, help_text="Sau khi áp dụng mức tối đa của kỳ."
    )
    index = models.DecimalField("chỉ số (%)", **PERCENT, null=True)
    band = models.CharField("xếp loại", max_length=64, blank=True)
    rank = models.PositiveIntegerField("thứ hạng trong nhóm", null=True)
    group_size = models.PositiveIntegerField("số đơn vị trong nhóm", default=0)
    computed_at = models.DateTimeField("tính lúc")
    inputs_count = models.PositiveIntegerField("số điểm tiêu chí đã dùng")
    missing_count = models.PositiveIntegerField(
        "số tiêu chí chưa có điểm",
        default=0,
        help_text="Tiêu chí chưa có điểm thẩm định hoặc điều tra; kết quả chưa đủ thì chưa xếp loại, xếp hạng.",
    )
    inputs_updated_at = models.DateTimeField("điểm tiêu chí cập nhật gần nhất", null=True)
    framework_code = models.CharField("bộ tiêu chí đã dùng", max_length=64)
    domains = models.JSONField(
        "kết quả theo lĩnh vực",
        default=list,
        help_text="Mỗi lĩnh vực: [mã, điểm đạt, điểm tối đa được đánh giá, tỷ lệ (%)], ở độ chính xác đầy đủ.",
    )
    criteria = models.JSONField(
        "kết quả theo tiêu chí",
        default=list,
        help_text="Mỗi tiêu chí: [mã, điểm đạt, điểm tối đa được đánh giá, tỷ lệ (%)], ở độ chính xác đầy đủ.",
    )

    class Meta:
        verbose_name = "kết quả đơn vị"
        verbose_name_plural = "kết quả đơn vị"
        ordering = ["assessment__period", "rank"]

    def __str__(self):
        from scoring.formatting import format_fixed

        return f"{self.assessment}: {format_fixed(self.index)}"
