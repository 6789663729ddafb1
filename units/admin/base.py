"""Shared pieces of the units admin: refusals of services, pickers that survive made-up keys."""

from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponseRedirect


def refusal_text(exc) -> str:
    """The Vietnamese message of a refused action (ValidationError or PermissionDenied)."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class ServiceRefused(Exception):
    """A service refused after the forms had passed (a race, or a forged post): the admin's transaction is
    rolled back and the page says why."""

    def __init__(self, exc):
        super().__init__(refusal_text(exc))
        self.text = refusal_text(exc)


class ServiceRefusalMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, refused.text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _lookable(widget, values) -> list:
    """The posted keys a picker may look up: Django renders a posted value by querying it, and a made-up key
    (text, or a number too large for the column) would fail there with a server error instead of leaving the
    form's own "choose a valid option" message."""
    remote = widget.field.remote_field
    key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
    try:
        low, high = connection.ops.integer_field_range(key.get_internal_type())
    except KeyError:  # not an integer key
        low = high = None
    kept = []
    for value in values:
        try:
            python = key.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        if isinstance(python, int) and low is not None and not low <= python <= high:
            continue
        kept.append(value)
    return kept


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _lookable(self, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _lookable(self, value), attr)


class SafePickersMixin:
    """Autocomplete pickers that survive made-up posted keys (see _lookable)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget.__class__ = SafeAutocompleteSelect
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelectMultiple:
            formfield.widget.__class__ = SafeAutocompleteSelectMultiple
        return formfield


def with_acting_user(form_class, request):
    """The form class with the request's user, for checks that depend on who edits."""
    return type(form_class.__name__, (form_class,), {"acting_user": request.user})


def full_name(user) -> str:
    """Vietnamese order (family name first); the account form keeps the whole name in first_name."""
    return " ".join(part for part in (user.last_name, user.first_name) if part)
