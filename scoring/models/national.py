"""The national PAR Index tables the Ministry publishes (all provinces, one year each), and uploaded data files
kept between their preview and their confirmation."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from scoring.models.base import NON_NEGATIVE, POINTS
from scoring.models.periods import Period
from units.models import Unit


class NationalYearManager(models.Manager):
    def get_by_natural_key(self, year):
        return self.get(year=year)


class NationalYear(models.Model):
    """One published national PAR Index year: the ranking of every province, as the Ministry published it."""

    year = models.PositiveSmallIntegerField(
        "năm đánh giá", unique=True, help_text="Năm được đánh giá (PAR INDEX 2017 được công bố năm 2018)."
    )
    title = models.CharField("tên bảng", max_length=255)
    source = models.TextField(
        "nguồn", blank=True, help_text="Văn bản hoặc báo cáo công bố bảng xếp hạng (số, ngày, nơi công bố)."
    )
    mean_appraisal = models.DecimalField("bình quân điểm thẩm định LV1–7", **POINTS, null=True, blank=True)
    mean_impact_8_1 = models.DecimalField("bình quân điểm tác động 8.1", **POINTS, null=True, blank=True)
    mean_survey = models.DecimalField("bình quân điểm điều tra LV1–7", **POINTS, null=True, blank=True)
    mean_impact_8_2 = models.DecimalField("bình quân điểm tác động 8.2", **POINTS, null=True, blank=True)
    mean_index = models.DecimalField(
        "chỉ số bình quân (%)",
        **POINTS,
        null=True,
        blank=True,
        help_text="Bình quân đã công bố; khi nhập, bình quân tính từ các tỉnh phải khớp với số này.",
    )
    imported_at = models.DateTimeField(
        "nhập lúc", null=True, blank=True, help_text="Trống khi nạp từ dữ liệu tham chiếu của phần mềm."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Trống khi nạp từ dữ liệu tham chiếu.",
    )

    objects = NationalYearManager()
    history = HistoricalRecords(
        verbose_name="lịch sử bảng toàn quốc", verbose_name_plural="lịch sử bảng toàn quốc"
    )

    class Meta:
        verbose_name = "bảng xếp hạng toàn quốc"
        verbose_name_plural = "bảng xếp hạng toàn quốc"
        ordering = ["-year"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.year,)


class NationalRowManager(models.Manager):
    def get_by_natural_key(self, year, unit_code):
        return self.get(national_year__year=year, unit__code=unit_code)


class NationalRow(models.Model):
    """A province's published points, index and rank in one national year."""

    national_year = models.ForeignKey(
        NationalYear, verbose_name="năm", on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(Unit, verbose_name="tỉnh, thành phố", on_delete=models.PROTECT, related_name="+")
    published_name = models.CharField("tên trong bảng công bố", max_length=255)
    appraisal_points = models.DecimalField("điểm thẩm định LV1–7", **POINTS, validators=NON_NEGATIVE)
    impact_8_1 = models.DecimalField(
        "điểm tác động 8.1", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    survey_points = models.DecimalField("điểm điều tra LV1–7", **POINTS, validators=NON_NEGATIVE)
    impact_8_2 = models.DecimalField(
        "điểm tác động 8.2", **POINTS, null=True, blank=True, validators=NON_NEGATIVE
    )
    total = models.DecimalField("tổng điểm", **POINTS, validators=NON_NEGATIVE)
    index = models.DecimalField("chỉ số PAR INDEX (%)", **POINTS, validators=NON_NEGATIVE)
    published_rank = models.PositiveSmallIntegerField("thứ hạng công bố")

    objects = NationalRowManager()
    history = HistoricalRecords(
        verbose_name="lịch sử dòng bảng toàn quốc", verbose_name_plural="lịch sử dòng bảng toàn quốc"
    )

    class Meta:
        verbose_name = "tỉnh trong bảng toàn quốc"
        verbose_name_plural = "tỉnh trong bảng toàn quốc"
        ordering = ["national_year", "published_rank", "published_name"]
        constraints = [
            models.UniqueConstraint(fields=["national_year", "unit"], name="national_row_one_per_province")
        ]

    def __str__(self):
        return f"{self.national_year.year}: {self.published_name}"

    def natural_key(self):
        return (self.national_year.year, self.unit.code)

    natural_key.dependencies = ["scoring.nationalyear", "units.unit"]


class DataImportKind(models.TextChoices):
    SURVEY = "survey", "Điểm điều tra xã hội học"
    NATIONAL = "national", "Bảng xếp hạng toàn quốc"


class DataImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Đã xem trước, chờ xác nhận"
    APPLIED = "applied", "Đã nhập"


class DataImport(models.Model):
    """An uploaded data file between its preview and its confirmation, kept afterwards as the record of what
    was imported. The file lives in the database, so the confirmation may reach any app server."""

    kind = models.CharField("loại dữ liệu", max_length=16, choices=DataImportKind.choices)
    period = models.ForeignKey(
        Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    file_name = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField("nội dung tệp")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    options = models.JSONField("tùy chọn khi nhập", default=dict, blank=True)
    preview_digest = models.CharField(
        "dấu của bản xem trước",
        max_length=64,
        help_text="Khi xác nhận, các thay đổi được tính lại; khác bản đã xem trước thì phải xem lại.",
    )
    summary = models.JSONField("tóm tắt", default=dict, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=DataImportStatus.choices, default=DataImportStatus.PREVIEWED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    applied_at = models.DateTimeField("nhập lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tệp dữ liệu nhập"
        verbose_name_plural = "tệp dữ liệu nhập"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"
