"""Who appraises what, per-unit deadline extensions, and the log of every workflow transition."""

from django.conf import settings
from django.db import models

from scoring.models.periods import Assessment, Period
from units.models import Unit


class AppraiserAssignment(models.Model):
    """An appraiser's share of a period: a unit, a domain, or a domain of a unit (blank means all)."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="assignments"
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="thẩm định viên",
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Để trống: mọi đơn vị của kỳ.",
    )
    domain_code = models.CharField(
        "mã lĩnh vực", max_length=16, blank=True, help_text="Để trống: mọi lĩnh vực. Ví dụ 3 cho lĩnh vực 3."
    )

    class Meta:
        verbose_name = "phân công thẩm định"
        verbose_name_plural = "phân công thẩm định"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "appraiser", "unit", "domain_code"],
                name="assignment_unique",
                violation_error_message="Phân công này đã có.",
            )
        ]

    def __str__(self):
        scope = [
            str(self.unit) if self.unit else "mọi đơn vị",
            f"lĩnh vực {self.domain_code}" if self.domain_code else "mọi lĩnh vực",
        ]
        return f"{self.appraiser} – {self.period}: {', '.join(scope)}"


class Phase(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
    EXPLANATION = "explanation", "Giải trình"


class DeadlineExtension(models.Model):
    """A unit's own deadline for one phase, granted by the secretariat with a reason."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField("giai đoạn", max_length=20, choices=Phase.choices)
    deadline = models.DateField("hạn mới")
    reason = models.TextField("lý do gia hạn")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người gia hạn", on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("gia hạn lúc", auto_now=True)

    class Meta:
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "phase"], name="extension_one_per_phase"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.get_phase_display()}: {self.deadline:%d/%m/%Y}"


class WorkflowAction(models.TextChoices):
    """What a WorkflowEvent records (scoring.policy decides when each may happen)."""

    SUBMIT = "submit", "Nộp bản tự đánh giá"
    WITHDRAW = "withdraw", "Rút bản tự đánh giá để sửa"
    RETURN = "return_for_explanation", "Yêu cầu giải trình"
    EXPLAIN = "explain", "Gửi giải trình"
    FINALISE = "finalise", "Chốt kết quả"
    EXCLUDE = "exclude", "Không xếp hạng đơn vị"
    INCLUDE = "include", "Xếp hạng lại đơn vị"
    ADVANCE = "advance", "Chuyển giai đoạn"
    OPEN = "open", "Mở bản đánh giá"
    START_APPRAISAL = "start_appraisal", "Chuyển sang thẩm định"
    LOCK_LATE = "lock_late", "Khóa bản tự đánh giá không nộp đúng hạn"
    SKIP_EXPLANATION = "skip_explanation", "Chuyển thẩm định lần 2 không có giải trình"
    EXTEND = "extend", "Gia hạn"
    BANDS = "bands", "Đặt mức xếp loại"
    ASSIGN = "assign", "Phân công thẩm định"
    UNASSIGN = "unassign", "Bỏ phân công thẩm định"
    PUBLISH = "publish", "Công bố kết quả"
    CORRECTION_OPEN = "correction_open", "Mở đính chính"
    CORRECTION_PUBLISH = "correction_publish", "Công bố bản đính chính"
    CORRECTION_CANCEL = "correction_cancel", "Hủy đợt đính chính"
    IMPORT_HISTORICAL = "import_historical", "Nhập kết quả đã công bố"


class WorkflowEvent(models.Model):
    """One transition of a period or an assessment: who, when, from which status to which, and why."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="events"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="bản đánh giá",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    action = models.CharField("thao tác", max_length=64, choices=WorkflowAction.choices)
    from_status = models.CharField("trạng thái trước", max_length=20)
    to_status = models.CharField("trạng thái sau", max_length=20)
    reason = models.TextField("lý do", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhật ký quy trình"
        verbose_name_plural = "nhật ký quy trình"
        ordering = ["-at", "-pk"]

    def __str__(self):
        from django.utils import timezone

        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.actor}: {self.get_action_display()}"
