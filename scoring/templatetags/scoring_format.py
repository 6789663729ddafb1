"""Display filters: numbers as a Vietnamese reader expects them (83,53), via the one rounding helper."""

from decimal import Decimal

from django import template

from scoring.calculator import format_display

register = template.Library()


@register.filter
def so(value):
    """2-place display with a decimal comma; a dash when there is no value."""
    if value is None or value == "":
        return "–"
    return format_display(Decimal(value)).replace(".", ",")


@register.filter
def indent(depth):
    return f"{int(depth) * 1.5}rem"
