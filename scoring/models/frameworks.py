"""Frameworks (bộ tiêu chí) as versioned data: the framework, its declared summary and its node tree."""

from django.db import models
from simple_history.models import HistoricalRecords

from scoring.models.base import CODE_VALIDATOR, NON_NEGATIVE, POINTS
from units.folding import FoldedSearchManager, keep_search_text
from units.models import UnitKind

SEARCH_TEXT_HELP = "Các trường tìm kiếm viết thường, bỏ dấu (tự điền khi lưu), để tìm không phân biệt dấu."


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
    # Bonus and deduction parts (điểm thưởng, điểm trừ) are top-level parts of their own method, outside the
    # index's base; a node's max is the most it can add or deduct (scoring.calculator.apply_adjustments).
    BONUS = "bonus", "Điểm thưởng"
    DEDUCTION = "deduction", "Điểm trừ"


ADJUSTMENT_METHODS = (Method.BONUS, Method.DEDUCTION)


class LossKind(models.TextChoices):
    """Why points on a node are usually lost: what a gap analysis lists first (recoverable before structural)."""

    PROCESS = "process", "Thủ tục, tiến độ: khắc phục được ngay"
    STRUCTURAL = "structural", "Cơ cấu, thể chế: cần thời gian"


class FrameworkManager(FoldedSearchManager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Framework(models.Model):
    code = models.CharField(
        "mã bộ tiêu chí",
        max_length=64,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text="Dùng trong đường dẫn công khai, ví dụ qd2948-tinh.",
    )
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
    search_text = models.TextField("văn bản tìm kiếm", blank=True, editable=False, help_text=SEARCH_TEXT_HELP)

    SEARCH_SOURCES = ("code", "title", "decision_number", "aliases")

    objects = FrameworkManager()
    history = HistoricalRecords(excluded_fields=["search_text"])  # derived from the tracked fields

    class Meta:
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"
        ordering = [models.F("decision_date").desc(nulls_last=True), "code"]

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


class FrameworkNodeManager(FoldedSearchManager):
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
    loss_kind = models.CharField(
        "loại nguyên nhân mất điểm",
        max_length=16,
        choices=LossKind.choices,
        blank=True,
        help_text="Thủ tục, tiến độ (báo cáo trễ hạn, thiếu tài liệu kiểm chứng: khắc phục được ngay) hay cơ cấu, "
        "thể chế (cần thời gian). Phân tích điểm bị mất liệt kê các mục khắc phục được ngay trước. Không làm "
        "thay đổi điểm, nên Sở Nội vụ sửa được cả khi bộ tiêu chí đã khóa.",
    )
    verified = models.BooleanField(
        "đã đối chiếu văn bản gốc",
        default=False,
        help_text="Chỉ đánh dấu khi tên và điểm đã được đối chiếu với văn bản chính thức.",
    )
    source_note = models.TextField("ghi chú nguồn", blank=True)
    search_text = models.TextField("văn bản tìm kiếm", blank=True, editable=False, help_text=SEARCH_TEXT_HELP)

    SEARCH_SOURCES = ("code", "name")

    objects = FrameworkNodeManager()
    history = HistoricalRecords(excluded_fields=["search_text"])  # derived from code and name

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


keep_search_text(Framework)
keep_search_text(FrameworkNode)
