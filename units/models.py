"""Who is scored: administrative units, unit groups, lineage and users' membership of units.

Also the audit trail of user accounts: the auth User model is registered with simple-history here (its
historical model lives in this app), because accounts are managed by units.services.
"""

import simple_history
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from units.folding import FoldedSearchManager, keep_search_text

# Codes appear in public URLs (`<slug:unit_code>`): anything but a slug would make those pages fail.
validate_code = RegexValidator(
    r"^[-a-zA-Z0-9_]+\Z",
    "Mã chỉ được gồm chữ cái không dấu (a–z, A–Z), chữ số, dấu gạch ngang (-) và dấu gạch dưới (_), "
    "không có dấu cách.",
    "invalid",
)


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh, thành phố trực thuộc Trung ương"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT = "district", "Quận, huyện, thị xã, thành phố thuộc tỉnh"
    COMMUNE = "commune", "Xã, phường, thị trấn"
    OTHER = "other", "Khác"


class UnitManager(FoldedSearchManager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Unit(models.Model):
    code = models.CharField(
        "mã đơn vị",
        max_length=32,
        unique=True,
        validators=[validate_code],
        help_text="Mã ổn định, dùng trong tệp dữ liệu và đường dẫn. Tỉnh, huyện dùng mã đơn vị hành chính "
        "(Quyết định 124/2004/QĐ-TTg), ví dụ 92 là thành phố Cần Thơ. Chỉ gồm chữ cái không dấu, chữ số, "
        "dấu gạch ngang và gạch dưới, ví dụ 92-stp.",
    )
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại đơn vị", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField("hiệu lực từ ngày", null=True, blank=True)
    valid_to = models.DateField(
        "hết hiệu lực từ ngày",
        null=True,
        blank=True,
        help_text="Ngày đơn vị giải thể, sáp nhập hoặc chia tách; để trống nếu đơn vị còn hoạt động.",
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name="đơn vị tiền thân",
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text="Các đơn vị trước sáp nhập hoặc chia tách mà đơn vị này kế thừa; dùng khi so sánh qua các năm.",
    )
    search_text = models.CharField(
        "văn bản tìm kiếm",
        max_length=500,
        blank=True,
        editable=False,
        help_text="Tên, tên viết tắt và mã viết thường, bỏ dấu (tự điền khi lưu), để tìm không phân biệt dấu.",
    )

    SEARCH_SOURCES = ("name", "short_name", "code")

    objects = UnitManager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
                violation_error_message="Ngày hết hiệu lực phải sau ngày có hiệu lực.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def display_name(self):
        return self.short_name or self.name


keep_search_text(Unit)


class UnitGroupManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class UnitGroup(models.Model):
    code = models.CharField(
        "mã nhóm",
        max_length=64,
        unique=True,
        validators=[validate_code],
        help_text="Mã ổn định, dùng trong đường dẫn của bảng xếp hạng. Chỉ gồm chữ cái không dấu, chữ số, "
        "dấu gạch ngang và gạch dưới, ví dụ cantho-so.",
    )
    name = models.CharField("tên nhóm", max_length=255)
    description = models.TextField("mô tả", blank=True)
    members = models.ManyToManyField(
        Unit, verbose_name="đơn vị thành viên", related_name="unit_groups", blank=True
    )
    valid_from = models.DateField(
        "dùng từ ngày",
        null=True,
        blank=True,
        help_text="Nhóm theo một danh mục đơn vị (ví dụ 34 tỉnh từ 01/07/2025): để trống nếu dùng cho mọi năm.",
    )
    valid_to = models.DateField(
        "thôi dùng từ ngày",
        null=True,
        blank=True,
        help_text="Ví dụ các vùng của 63 tỉnh thôi dùng từ 01/07/2025; để trống nếu nhóm còn dùng.",
    )

    objects = UnitGroupManager()

    class Meta:
        verbose_name = "nhóm đơn vị"
        verbose_name_plural = "nhóm đơn vị"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_group_valid_to_after_valid_from",
                violation_error_message="Ngày thôi dùng phải sau ngày bắt đầu dùng.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class MembershipRole(models.TextChoices):
    OFFICER = "officer", "Cán bộ đầu mối"
    LEADER = "leader", "Lãnh đạo đơn vị"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="unit_memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        "vai trò",
        max_length=16,
        choices=MembershipRole.choices,
        default=MembershipRole.OFFICER,
        help_text="Cán bộ đầu mối nhập bản tự đánh giá và tài liệu kiểm chứng; lãnh đạo đơn vị làm được mọi "
        "việc của cán bộ đầu mối và nộp bản tự đánh giá.",
    )

    history = HistoricalRecords(
        verbose_name="lịch sử thành viên đơn vị", verbose_name_plural="lịch sử thành viên đơn vị"
    )

    class Meta:
        verbose_name = "thành viên đơn vị"
        verbose_name_plural = "thành viên đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_one_role_per_unit",
                violation_error_message="Người dùng này đã là thành viên của đơn vị.",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class AccountHistoricalRecords(HistoricalRecords):
    """History of user accounts: one row per account decision, none for a login.

    units.services changes an account's fields and groups with history switched off and then writes one row
    through `record` (so a row shows the new fields and groups together); other writers (Django's own user
    admin, used by superusers) get simple-history's usual rows.
    """

    registered = None

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            type(self).registered = self

    def post_save(self, instance, created, using=None, **kwargs):
        # Logging in saves last_login only: that is no change to the account.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)

    @classmethod
    def record(cls, user, *, history_type: str, acting_user, reason: str = "") -> None:
        """Write one history row of the account as it is now (fields and groups), naming the acting user."""
        user._history_user = acting_user
        user._change_reason = reason
        try:
            cls.registered.create_historical_record(user, history_type)
        finally:
            del user._history_user
            del user._change_reason


# Password hashes stay out of the audit trail (a set password shows as a row with its reason); last_login
# changes at every login.
simple_history.register(
    get_user_model(),
    app="units",
    records_class=AccountHistoricalRecords,
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups"],
    verbose_name="lịch sử tài khoản",
    verbose_name_plural="lịch sử tài khoản",
)
