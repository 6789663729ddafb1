"""Mixins shared by the scoring admin: read-only derived rows, per-unit scoping, ids that are not numbers, the
history page in Vietnamese."""

from django.contrib.admin.utils import display_for_field
from django.db import models
from django.http import Http404
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from scoring.formatting import format_points, is_ascii_digits
from units.scope import units_for_user


def _numeric_or_404(*ids) -> None:
    """Object ids in admin URLs are numbers; anything else is a 404 (not a 500 from the database layer)."""
    for value in ids:
        if value is not None and not is_ascii_digits(value):
            raise Http404("Không có đối tượng này.")


class ReadOnlyAdminMixin:
    """Derived or workflow-owned rows: visible in the admin, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SafeIdsMixin:
    """Every per-object admin page answers 404 for an id that is not a number."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        _numeric_or_404(object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        _numeric_or_404(object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        _numeric_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _numeric_or_404(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedByUnitMixin(SafeIdsMixin):
    """Lists show only what belongs to the user's units (the secretariat sees all)."""

    unit_path = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(**{f"{self.unit_path}__in": units_for_user(request.user)})

    def _in_scope_or_404(self, request, object_id):
        # Every per-object page answers 404 outside the user's units, including simple-history's views,
        # which do not go through get_queryset.
        _numeric_or_404(object_id)
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404("Không có đối tượng này trong phạm vi của bạn.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class HistoricalValues(HistoricalRecordContextHelper):
    """The "changes" column of django-simple-history's history page as the admin shows values elsewhere:
    choice labels instead of stored codes ("Đã chốt kết quả", not "finalised"), Có/Không, dd/mm/yyyy dates,
    decimal commas and "–" for nothing. simple-history prints the raw Python values (draft, None, 2.50)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):  # many-to-many: the related objects, already prepared
            return value
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.BooleanField):
            return "–" if value is None else gettext("Yes") if value else gettext("No")
        if isinstance(field, models.DecimalField):
            return format_points(value)  # 1,5 rather than 1,5000
        return display_for_field(value, field, "–", avoid_link=True)


class HistoryAdmin(SafeIdsMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page shows the changed values in Vietnamese (see HistoricalValues)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoricalValues(self.model, historical_record)
