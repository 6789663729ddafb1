"""Results stored by scores_recompute; public pages read only these."""

from django.db import models

from scoring.models.base import PERCENT, POINTS
from scoring.models.frameworks import FrameworkNode
from scoring.models.periods import Assessment


class AssessmentResult(models.Model):
    """Stored by scores_recompute; public pages read only these rows."""

    assessment = models.OneToOneField(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="result"
    )
    points = models.DecimalField("tổng điểm", **POINTS)
    max_points = models.DecimalField("điểm tối đa được đánh giá", **POINTS)
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

    class Meta:
        verbose_name = "kết quả đơn vị"
        verbose_name_plural = "kết quả đơn vị"
        ordering = ["assessment__period", "rank"]

    def __str__(self):
        return f"{self.assessment}: {self.index}"


class NodeResult(models.Model):
    """Points of a domain or of a criterion with sub-criteria; scorable nodes keep theirs in ScoreEntry."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="node_results"
    )
    node = models.ForeignKey(
        FrameworkNode, verbose_name="tiêu chí", on_delete=models.CASCADE, related_name="+"
    )
    points = models.DecimalField("điểm đạt", **POINTS)
    max_points = models.DecimalField("điểm tối đa được đánh giá", **POINTS)
    percentage = models.DecimalField("tỷ lệ (%)", **PERCENT, null=True)
    computed_at = models.DateTimeField("tính lúc")

    class Meta:
        verbose_name = "kết quả theo tiêu chí"
        verbose_name_plural = "kết quả theo tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="node_result_unique"),
        ]

    def __str__(self):
        return f"{self.assessment} – {self.node.code}: {self.points}"
