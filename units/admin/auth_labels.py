"""The group screen and the pieces of the user screens that Django keeps out of its translation catalogs, in
Vietnamese (the account screens themselves are units.admin.accounts).

* Django stores the names of the built-in permissions in English ("Can add đơn vị") and simple-history
  names its models "historical …"; the permission lists of the user and group forms show them.
* The help text of the admin's set-password form ends with a sentence Django never marks for translation.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.utils.html import format_html

ACTIONS = {"add": "Được thêm", "change": "Được sửa", "delete": "Được xóa", "view": "Được xem"}


def permission_label(permission) -> str:
    """A permission as the user and group forms list it: "phân hệ | danh mục | quyền", the layout of Django's
    Permission.__str__, in Vietnamese."""
    model = permission.content_type.model_class()
    if model is None:  # a content type left behind by a removed model
        return str(permission)
    if hasattr(model, "instance_type"):  # a history model of django-simple-history
        model_name = f"lịch sử {model.instance_type._meta.verbose_name}"
    else:
        model_name = str(model._meta.verbose_name)
    action, _, model_code = permission.codename.partition("_")
    if action in ACTIONS and model_code == model._meta.model_name:
        name = f"{ACTIONS[action]} {model_name}"
    else:  # a permission the project declared, named by the project
        name = permission.name
    return f"{model._meta.app_config.verbose_name} | {model_name} | {name}"


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class AdminPasswordForm(AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            # Same markup as Django's: the admin's script shows the warning when the option is turned off.
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                "Nếu tắt, mật khẩu hiện tại của người dùng này sẽ bị xóa.",
            )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, DjangoGroupAdmin):
    pass
