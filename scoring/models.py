"""What is scored and how: frameworks, periods, assessments, score entries and stored results.

Points are DecimalFields with 4 decimal places; percentages keep 10. Rounding to 2 places happens only for
display (scoring.calculator.round_display).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from units.models import Unit, UnitGroup, UnitKind

POINTS = {"max_digits": 12, "decimal_places": 4}
PERCENT = {"max_digits": 16, "decimal_places": 10}
NON_NEGATIVE = [MinValueValidator(0, message="Điểm không được âm.")]


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ACTIVE = "active", "Đang áp dụng"
    FROZEN = "frozen", "Đã khóa (đã dùng cho kỳ đánh giá)"


class NodeLevel(models.TextChoices):
    DOMAIN = "domain", "Lĩnh vực"
    CRITERION = "criterion", "Tiêu chí"
    SUBCRITERION = "subcriterion", "Tiêu chí thành phần"


class Method(models.TextChoices):
    APPRAISAL = "appraisal", "Thẩm định"
    SURVEY = "survey", "Điều tra xã hội học"
    MIXED = "mixed", "Thẩm định và điều tra xã hội học"


class ByCodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Framework(models.Model):
    code = models.CharField("mã bộ tiêu chí", max_length=64, unique=True)
    title = models.CharField("tên bộ tiêu chí", max_length=500)
    decision_number = models.CharField("số quyết định ban hành", max_length=64, blank=True)
    decision_date = models.DateField("ngày ban hành", null=True, blank=True)
    aliases = models.CharField(
        "số hiệu khác",
        max_length=255,
        blank=True,
        help_text="Các cách ghi khác của số quyết định (kể cả bản in sai thường gặp), cách nhau bằng dấu phẩy; "
        "dùng khi tìm kiếm.",
    )
    unit_kinds = models.JSONField(
        "áp dụng cho loại đơn vị",
        default=list,
        blank=True,
        help_text="Danh sách mã loại đơn vị: " + ", ".join(UnitKind.values) + ".",
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name="phiên bản trước",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_note = models.TextField("nguồn và độ tin cậy", blank=True)
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = ByCodeManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"
        ordering = ["-decision_date", "code"]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def natural_key(self):
        return (self.code,)

    @property
    def is_frozen(self):
        return self.status == FrameworkStatus.FROZEN

    def get_unit_kinds_display(self):
        labels = dict(UnitKind.choices)
        return ", ".join(labels.get(kind, kind) for kind in self.unit_kinds)


class DomainSummaryManager(models.Manager):
    def get_by_natural_key(self, framework_code, domain_code):
        return self.get(framework__code=framework_code, domain_code=domain_code)


class DomainSummary(models.Model):
    """The per-domain summary printed in the decision itself, checked against the node tree."""

    framework = models.ForeignKey(
        Framework, verbose_name="bộ tiêu chí", on_delete=models.CASCADE, related_name="declared_domains"
    )
    domain_code = models.CharField("mã lĩnh vực", max_length=16)
    criteria_count = models.PositiveIntegerField("số tiêu chí")
    subcriteria_count = models.PositiveIntegerField("số tiêu chí thành phần")
    max_points = models.DecimalField("điểm tối đa", **POINTS, validators=NON_NEGATIVE)

    objects = DomainSummaryManager()

    class Meta:
        verbose_name = "tổng hợp lĩnh vực theo văn bản"
        verbose_name_plural = "tổng hợp lĩnh vực theo văn bản"
        ordering = ["framework", "domain_code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "domain_code"], name="domain_summary_unique"),
        ]

    def __str__(self):
        return f"{self.framework.code} – lĩnh vực {self.domain_code}"

    def natural_key(self):
        return (self.framework.code, self.domain_code)

    natural_key.dependencies = ["scoring.framework"]


class FrameworkNodeManager(models.Manager):
    def get_by_natural_key(self, framework_code, code):
        return self.get(framework__code=framework_code, code=code)


class FrameworkNode(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name="bộ tiêu chí", on_delete=models.CASCADE, related_name="nodes"
    )
    code = models.CharField("mã", max_length=32, help_text="Mã theo vị trí: 5, 5.1, 5.1.2.")
    level = models.CharField("cấp", max_length=16, choices=NodeLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="thuộc", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    domain = models.ForeignKey(
        "self",
        verbose_name="lĩnh vực",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Lĩnh vực chứa nút này (trống với chính lĩnh vực); dùng để cộng điểm theo lĩnh vực.",
    )
    order = models.PositiveIntegerField("thứ tự", default=0)
    name = models.TextField("tên")
    max_points = models.DecimalField("điểm tối đa", **POINTS, validators=NON_NEGATIVE)
    method = models.CharField("phương pháp chấm", max_length=16, choices=Method.choices)
    is_scorable = models.BooleanField(
        "được chấm điểm",
        default=False,
        help_text="Tiêu chí thành phần, hoặc tiêu chí không có tiêu chí thành phần.",
    )
    guidance = models.TextField("hướng dẫn chấm điểm", blank=True)
    evidence_requirement = models.TextField("tài liệu kiểm chứng yêu cầu", blank=True)
    advising_agency = models.CharField("cơ quan tham mưu", max_length=255, blank=True)
    verified = models.BooleanField(
        "đã đối chiếu văn bản gốc",
        default=False,
        help_text="Chỉ đánh dấu khi tên và điểm đã được đối chiếu với văn bản chính thức.",
    )
    source_note = models.TextField("ghi chú nguồn", blank=True)

    objects = FrameworkNodeManager()

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_node_code_unique"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def natural_key(self):
        return (self.framework.code, self.code)

    natural_key.dependencies = ["scoring.framework"]


class PeriodStatus(models.TextChoices):
    SETUP = "setup", "Thiết lập"
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
    APPRAISAL = "appraisal", "Thẩm định"
    EXPLANATION = "explanation", "Giải trình"
    FINAL_APPRAISAL = "final_appraisal", "Thẩm định lần 2"
    PUBLISHED = "published", "Đã công bố"
    ARCHIVED = "archived", "Lưu trữ"


PUBLIC_PERIOD_STATUSES = (PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED)


class Period(models.Model):
    code = models.CharField("mã kỳ đánh giá", max_length=64, unique=True, help_text="Ví dụ: 2017-so.")
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
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)
    note = models.TextField("ghi chú", blank=True)

    objects = ByCodeManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        ordering = ["-year", "code"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)

    @property
    def is_public(self):
        return self.status in PUBLIC_PERIOD_STATUSES


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
        return f"{self.name} (≥ {self.min_index})"


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
