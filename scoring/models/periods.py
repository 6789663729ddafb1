"""Periods, their bands and groups, assessments and score entries."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from scoring.models.base import CODE_VALIDATOR, NON_NEGATIVE, POINTS, ByCodeManager
from scoring.models.frameworks import Framework, FrameworkNode
from units.models import Unit, UnitGroup


class PeriodStatus(models.TextChoices):
    SETUP = "setup", "Thiết lập"
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
    APPRAISAL = "appraisal", "Thẩm định"
    EXPLANATION = "explanation", "Giải trình"
    FINAL_APPRAISAL = "final_appraisal", "Thẩm định lần 2"
    PUBLISHED = "published", "Đã công bố"
    ARCHIVED = "archived", "Lưu trữ"


class Period(models.Model):
    code = models.CharField(
        "mã kỳ đánh giá",
        max_length=64,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text="Dùng trong đường dẫn công khai, ví dụ 2017-so.",
    )
    year = models.PositiveIntegerField("năm đánh giá")
    title = models.CharField("tên kỳ đánh giá", max_length=255)
    status = models.CharField(
        "trạng thái", max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.SETUP
    )
    self_assessment_deadline = models.DateField("hạn tự đánh giá", null=True, blank=True)
    appraisal_deadline = models.DateField("hạn thẩm định", null=True, blank=True)
    explanation_deadline = models.DateField("hạn giải trình", null=True, blank=True)
    final_appraisal_deadline = models.DateField("hạn thẩm định lần 2", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="kỳ trước",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Kỳ đánh giá năm trước mà kỳ này được tạo từ đó; dùng khi so sánh qua các năm.",
    )
    # Caps on the bonus and deduction parts of the framework (scoring.calculator.apply_adjustments); empty: no
    # cap beyond the nodes' own maxima.
    bonus_cap = models.DecimalField(
        "điểm thưởng tối đa",
        **POINTS,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Tổng điểm thưởng được cộng tối đa cho một đơn vị; để trống nếu chỉ giới hạn theo điểm tối đa "
        "của từng tiêu chí điểm thưởng.",
    )
    deduction_cap = models.DecimalField(
        "điểm trừ tối đa",
        **POINTS,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Tổng điểm bị trừ tối đa của một đơn vị; để trống nếu chỉ giới hạn theo điểm tối đa của từng "
        "tiêu chí điểm trừ.",
    )
    ranking_groups = models.ManyToManyField(
        UnitGroup,
        verbose_name="nhóm xếp hạng riêng",
        blank=True,
        related_name="+",
        help_text="Nhóm có tên (ví dụ khối quận, khối huyện; các thành phố trực thuộc Trung ương) mà mỗi đơn vị "
        "thành viên được xếp hạng riêng trong đó, bên cạnh thứ hạng trong nhóm đánh giá của mình.",
    )
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)
    note = models.TextField("ghi chú", blank=True)

    objects = ByCodeManager()
    # The named groups are kept in each history row, as the other fields are.
    history = HistoricalRecords(m2m_fields=[ranking_groups])

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        ordering = ["-year", "code"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)


class Band(models.Model):
    """A classification band (xếp loại): units whose index, shown to 2 places, is at least `min_index`."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="bands"
    )
    name = models.CharField("tên mức xếp loại", max_length=64)
    min_index = models.DecimalField("chỉ số tối thiểu (%)", **POINTS, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"
        ordering = ["period", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["period", "name"], name="band_name_unique_in_period"),
            models.UniqueConstraint(fields=["period", "min_index"], name="band_threshold_unique_in_period"),
        ]

    def __str__(self):
        from scoring.formatting import format_number

        return f"{self.name} (≥ {format_number(self.min_index)})"


class PeriodGroup(models.Model):
    """The units of one group that take part in a period, and the framework they are scored on."""

    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="groups"
    )
    unit_group = models.ForeignKey(
        UnitGroup, verbose_name="nhóm đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(
        Framework, verbose_name="bộ tiêu chí", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "nhóm đơn vị trong kỳ"
        verbose_name_plural = "nhóm đơn vị trong kỳ"
        ordering = ["period", "unit_group__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit_group"], name="period_group_unique"),
        ]

    def __str__(self):
        return f"{self.period} – {self.unit_group}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã nộp"
    UNDER_APPRAISAL = "under_appraisal", "Đang thẩm định"
    RETURNED = "returned", "Yêu cầu giải trình"
    EXPLAINED = "explained", "Đã giải trình"
    FINALISED = "finalised", "Đã chốt kết quả"
    EXCLUDED = "excluded", "Không xếp hạng"


class Assessment(models.Model):
    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="assessments"
    )
    period_group = models.ForeignKey(
        PeriodGroup, verbose_name="nhóm trong kỳ", on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    late_submission = models.BooleanField(
        "không nộp đúng hạn",
        default=False,
        help_text="Đơn vị chưa nộp khi hết hạn tự đánh giá; bản đánh giá được khóa và thẩm định theo nội dung "
        "đã nhập.",
    )
    explanation_missed = models.BooleanField(
        "không giải trình đúng hạn",
        default=False,
        help_text="Hết hạn giải trình mà đơn vị chưa gửi; thẩm định lần 2 không có giải trình.",
    )
    appraiser_note = models.TextField(
        "ý kiến chung của thẩm định viên", blank=True, help_text="Gửi cho đơn vị cùng yêu cầu giải trình."
    )
    exclusion_reason = models.TextField(
        "lý do không xếp hạng", blank=True, help_text="Ví dụ: đơn vị giải thể, sáp nhập trong năm."
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bản đánh giá"
        verbose_name_plural = "bản đánh giá"
        ordering = ["period", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="assessment_one_per_unit_and_period"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.period}"


class ScoreEntry(models.Model):
    """One scorable node of one assessment: the inputs of every round and the final points they select."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="entries"
    )
    node = models.ForeignKey(
        FrameworkNode, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="+"
    )
    self_points = models.DecimalField(
        "điểm tự đánh giá", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    appraised_points_r1 = models.DecimalField(
        "điểm thẩm định lần 1", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    appraised_points_r2 = models.DecimalField(
        "điểm thẩm định lần 2", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    survey_points = models.DecimalField(
        "điểm điều tra xã hội học", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    declared_figures = models.TextField(
        "số liệu kê khai", blank=True, help_text="Số liệu làm căn cứ tự chấm, ví dụ: 412/430 hồ sơ đúng hạn."
    )
    explanation = models.TextField(
        "thuyết minh",
        blank=True,
        help_text="Giải thích cách tự chấm, hoặc lý do chưa có tài liệu kiểm chứng.",
    )
    appraisal_reason_r1 = models.TextField("lý do (thẩm định lần 1)", blank=True)
    appraisal_reason_r2 = models.TextField("lý do (thẩm định lần 2)", blank=True)
    explanation_request = models.TextField(
        "nội dung yêu cầu giải trình",
        blank=True,
        help_text="Để trống nếu không yêu cầu đơn vị giải trình tiêu chí này.",
    )
    unit_response = models.TextField("giải trình của đơn vị", blank=True)
    not_applicable_reason = models.TextField("lý do không áp dụng", blank=True)
    not_applicable = models.BooleanField("không áp dụng", default=False)
    final_points = models.DecimalField(
        "điểm đạt",
        **POINTS,
        null=True,
        blank=True,
        help_text="Do hệ thống chọn: điểm thẩm định lần 2, nếu không có thì lần 1; điểm điều tra với tiêu chí "
        "điều tra xã hội học.",
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["assessment", "node__order"]
        indexes = [
            # Exemptions are rare; scores_recompute reads them through this small index, not a full scan.
            models.Index(
                fields=["assessment"], condition=Q(not_applicable=True), name="score_entry_exempted"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="score_entry_unique"),
            models.CheckConstraint(
                condition=(Q(self_points__gte=0) | Q(self_points__isnull=True))
                & (Q(appraised_points_r1__gte=0) | Q(appraised_points_r1__isnull=True))
                & (Q(appraised_points_r2__gte=0) | Q(appraised_points_r2__isnull=True))
                & (Q(survey_points__gte=0) | Q(survey_points__isnull=True)),
                name="score_entry_points_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} – {self.node.code}"
