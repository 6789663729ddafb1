"""Mixins shared by the scoring admin: read-only derived rows and per-unit scoping."""

from django.core.exceptions import ValidationError
from django.http import Http404

from units.scope import units_for_user


def refusal_text(exc) -> str:
    """The Vietnamese message of a refused action (ValidationError or PermissionDenied)."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class ReadOnlyAdminMixin:
    """Derived or workflow-owned rows: visible in the admin, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedByUnitMixin:
    """Lists show only what belongs to the user's units (the secretariat sees all)."""

    unit_path = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(**{f"{self.unit_path}__in": units_for_user(request.user)})

    def _in_scope_or_404(self, request, object_id):
        # Every per-object page answers 404 outside the user's units, including simple-history's views,
        # which do not go through get_queryset.
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
