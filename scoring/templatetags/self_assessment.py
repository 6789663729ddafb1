"""Template helpers of the self-assessment form."""

from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag
def posted_or(posted, prefix, code, stored):
    """What the user typed (when the form comes back with errors), else the stored value."""
    if posted is not None:
        return posted.get(f"{prefix}{code}", "")
    if stored is None:
        return ""
    if isinstance(stored, Decimal):
        # 0.7500 → "0,75", 10.0000 → "10": as an officer would type it
        text = format(stored, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return stored


@register.simple_tag
def work_queues_for(user):
    """The admin index's work queues (scoring.selectors.work_queues)."""
    from scoring.selectors import work_queues

    return work_queues(user)
