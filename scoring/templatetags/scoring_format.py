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


@register.filter
def chenh(value):
    """A difference as published: sign and 2 places (`+5,81`, `−1,20`, `0,00`); a dash for none."""
    if value is None:
        return format_fixed(None)
    text = format_fixed(abs(value))
    return text if text == "0,00" else ("+" if value > 0 else "−") + text
