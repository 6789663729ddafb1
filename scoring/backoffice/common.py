"""What every back-office view shares: the admin chrome, scoping to the user's objects, refusals as messages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from scoring.models import Assessment, Period
from scoring.selectors import assessments_for_appraiser
from units.scope import is_secretariat, units_for_user

REFUSED = (ValidationError, PermissionDenied)  # what a service raises when it refuses; nothing was changed


def render(request, template: str, context: dict, *, title: str, crumbs=()):
    """A page inside the admin site: same login, header, breadcrumbs (`crumbs`: (label, url) pairs)."""
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "crumbs": list(crumbs), **context},
    )


def visible_assessments(user):
    """The secretariat sees every assessment; officers and leaders their units'; appraisers those assigned."""
    if is_secretariat(user):
        return Assessment.objects.all()
    return Assessment.objects.filter(unit__in=units_for_user(user)) | Assessment.objects.filter(
        pk__in=assessments_for_appraiser(user).values("pk")
    )


def assessment_or_404(request, pk) -> Assessment:
    return get_object_or_404(
        visible_assessments(request.user).select_related("period", "unit", "period_group__framework"), pk=pk
    )


def secretariat_only(request) -> None:
    """Pages of the secretariat alone: anyone else gets the 404 of an object outside their scope."""
    if not is_secretariat(request.user):
        raise Http404("Không có trang này trong phạm vi của bạn.")


def period_for_secretariat(request, pk) -> Period:
    secretariat_only(request)
    return get_object_or_404(Period, pk=pk)


def run_action(request, action, success) -> bool:
    """A one-button action: call the service, then show its refusal or `success(result)` as messages.
    Returns whether it went through."""
    try:
        result = action()
    except REFUSED as exc:
        for message in refusal_messages(exc):
            messages.error(request, message)
        return False
    messages.success(request, success(result))
    return True


def refusal_messages(exc) -> list[str]:
    """The Vietnamese messages of a refused service call."""
    if isinstance(exc, ValidationError):
        return exc.messages
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "Bạn không có quyền thực hiện thao tác này."]
    raise exc


def attach_refusal(exc, *, form=None, formset=None) -> list[str]:
    """Put a service's ValidationError on the form (fields it names) or the formset rows (node codes it names);
    returns the messages that belong to no field or row, to show at the top of the page."""
    if not isinstance(exc, ValidationError) or not hasattr(exc, "error_dict"):
        return refusal_messages(exc)
    rest = []
    errors = {key: [m for error in errors for m in error.messages] for key, errors in exc.error_dict.items()}
    if formset is not None:
        errors = {key: msgs for key, msgs in errors.items() if key == "__all__"} | {
            "__rows__": formset.errors_by_code({k: v for k, v in errors.items() if k != "__all__"})
        }
        rest.extend(errors.pop("__rows__"))
    for key, found in errors.items():
        if form is not None and key in form.fields:
            for message in found:
                form.add_error(key, message)
        else:
            rest.extend(found)
    return rest


def attach_forms(rows, forms, *, key: str) -> None:
    """Give each page row its form (row["form"]): the form whose object (form.<key>) is the row's row[key]."""
    by_pk = {getattr(form, key).pk: form for form in forms}
    for row in rows:
        if key in row:
            row["form"] = by_pk.get(row[key].pk)


def period_crumbs(period=None, here=None, *, link_period=True) -> list[tuple]:
    """Breadcrumbs of a period page: the periods, the period (linked to its dashboard from its other pages,
    when the user may see it), the page."""
    crumbs = [("Kỳ đánh giá", reverse("admin:scoring_period_changelist"))]
    if period is not None:
        linked = here and link_period
        crumbs.append((str(period), reverse("backoffice:period", args=[period.pk]) if linked else None))
    if here:
        crumbs.append((here, None))
    return crumbs
