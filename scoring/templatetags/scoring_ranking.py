"""Display filters of the ranking pages."""

from django import template

register = template.Library()


@register.filter
def hang_doi(value):
    """A change of rank with its sign (`+3`, `−2`, `0`); a dash for none."""
    if value is None or value == "":
        return "–"
    value = int(value)
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else "0")
