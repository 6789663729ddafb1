"""Who is scored: administrative units, unit groups, lineage and users' membership of units."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh, thành phố trực thuộc Trung ương"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT = "district", "Quận, huyện, thị xã, thành phố thuộc tỉnh"
    COMMUNE = "commune", "Xã, phường, thị trấn"
    OTHER = "other", "Khác"


class UnitManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Unit(models.Model):
    code = models.CharField(
        "mã đơn vị",
        max_length=32,
        unique=True,
        help_text="Mã ổn định, dùng trong tệp dữ liệu và đường dẫn. Tỉnh, huyện dùng mã đơn vị hành chính "
        "(Quyết định 124/2004/QĐ-TTg), ví dụ 92 là thành phố Cần Thơ.",
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


class UnitGroupManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class UnitGroup(models.Model):
    code = models.CharField("mã nhóm", max_length=64, unique=True)
    name = models.CharField("tên nhóm", max_length=255)
    description = models.TextField("mô tả", blank=True)
    members = models.ManyToManyField(
        Unit, verbose_name="đơn vị thành viên", related_name="unit_groups", blank=True
    )

    objects = UnitGroupManager()

    class Meta:
        verbose_name = "nhóm đơn vị"
        verbose_name_plural = "nhóm đơn vị"
        ordering = ["name"]

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
        "vai trò", max_length=16, choices=MembershipRole.choices, default=MembershipRole.OFFICER
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
