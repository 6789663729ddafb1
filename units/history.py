"""History pages of accounts and memberships in Vietnamese: who, when, why, and each field before → after.

simple-history's own pages are English and offer "revert" (a write outside the services); the admin classes of
this app use `HistoryPagesMixin` instead.
"""

import datetime

from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

ACTIONS = {"+": "Tạo mới", "~": "Thay đổi", "-": "Xoá"}
EMPTY = "(trống)"

ACCOUNT_LABELS = {
    "username": "Tên đăng nhập",
    "first_name": "Họ và tên",
    "last_name": "Họ",
    "email": "Email",
    "is_active": "Đang hoạt động",
    "is_staff": "Được vào trang quản trị",
    "is_superuser": "Quản trị hệ thống",
    "groups": "Vai trò (nhóm quyền)",
    "date_joined": "Ngày tạo",
}
ACCOUNT_SHOWN = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
]
MEMBERSHIP_LABELS = {"user": "Người dùng", "unit": "Đơn vị", "role": "Vai trò"}
MEMBERSHIP_SHOWN = ["user", "unit", "role"]


def _value_text(field, value) -> str:
    if isinstance(field, models.ManyToManyField):
        name = get_m2m_reverse_field_name(field)
        items = sorted(_value_text(None, row[name]) if isinstance(row, dict) else str(row) for row in value)
        return ", ".join(items) or EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value is None or value == "":
        return EMPTY
    if isinstance(value, DeletedObject):
        return "(đã xoá)"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _record_value(record, field):
    """A field's value in a historical row; a related object that no longer exists shows as deleted."""
    if isinstance(field, models.ManyToManyField):
        name = get_m2m_reverse_field_name(field)
        return [{name: getattr(row, name)} for row in getattr(record, field.name).select_related(name)]
    if field.is_relation:
        try:
            return getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return None
    return getattr(record, field.attname)


def describe(record, older, *, model, labels: dict, shown: list[str]) -> list[dict]:
    """The changes a historical row made, as {"field", "old", "new"} texts (all shown fields when it created
    or deleted the object, or when there is no older row to compare with)."""

    def label(name):
        return labels.get(name) or capfirst(model._meta.get_field(name).verbose_name)

    if record.history_type != "~" or older is None:
        changes = []
        for name in shown:
            field = model._meta.get_field(name)
            text = _value_text(field, _record_value(record, field))
            if text == EMPTY:
                continue
            old, new = (text, "—") if record.history_type == "-" else ("—", text)
            changes.append({"field": label(name), "old": old, "new": new})
        return changes
    delta = record.diff_against(older, foreign_keys_are_objs=True)
    return [
        {
            "field": label(change.field),
            "old": _value_text(model._meta.get_field(change.field), change.old),
            "new": _value_text(model._meta.get_field(change.field), change.new),
        }
        for change in delta.changes
        if change.field in labels or change.field in shown
    ]


def annotate(records, *, model, labels: dict, shown: list[str], older_in_list: bool = True) -> list:
    """Give each historical row `action_label` and `changes` (rows are newest first)."""
    records = list(records)
    for index, record in enumerate(records):
        record.action_label = ACTIONS.get(record.history_type, record.history_type)
        if older_in_list and index + 1 < len(records):
            older = records[index + 1]
        else:
            older = record.prev_record
        record.changes = describe(record, older, model=model, labels=labels, shown=shown)
    return records


class HistoryPagesMixin:
    """Vietnamese history pages for SimpleHistoryAdmin subclasses, read-only (no revert)."""

    # Not admin/units/object_history.html: Django would take that name for every model of the app.
    object_history_template = "admin/units/records_history.html"
    history_labels: dict = {}
    history_shown: list = []

    def revert_disabled(self, request, obj=None):
        return True

    def history_view_title(self, request, obj):
        return f"Lịch sử thay đổi: {obj}"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting would write outside units.services; the history page shows every change already.
        raise Http404("Trang này không dùng: các thay đổi hiện đầy đủ ở trang lịch sử.")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        annotate(historical_records, model=self.model, labels=self.history_labels, shown=self.history_shown)
