"""Display filters: numbers as a Vietnamese reader expects them, via scoring.formatting."""

from django import template

from scoring.formatting import format_fixed, format_number

register = template.Library()


@register.filter
def so(value):
    """Indexes and percentages as published: exactly 2 places with a decimal comma (`75,30`); a dash for none."""
    return format_fixed(value)


@register.filter
def diem(value, places=2):
    """Points with only the places that matter (`1,5`, `2`, `0,75`); a dash for none."""
    return format_number(value, int(places))


@register.filter
def indent(depth):
    return f"{int(depth) * 1.5}rem"
