"""Vietnamese numbers and dates: strict parsing of what users type, and display.

Users type `0,75` or `0.75`; nothing else is a number here (no exponent, no `_`, no full-width or other
scripts' digits, no thousands separators). Display uses a decimal comma and only the places that matter
(`1,5`, `2`), percentages 2 places (`83,53`). Machine outputs (JSON, CSV, data attributes) keep the dot.
"""

import re
from decimal import Decimal

from scoring.calculator import round_half_up

NUMBER_PATTERN = re.compile(r"^[0-9]{1,12}([.,][0-9]{1,12})?$", re.ASCII)
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class NumberError(ValueError):
    """Text that is not a number in the accepted form; the message is Vietnamese."""


def is_ascii_digits(text) -> bool:
    """An id or version as typed in a URL or a form: ASCII digits only (no sign, space or other script)."""
    text = str(text)
    return text.isascii() and text.isdigit()


def parse_decimal(text: str, *, places: int = 4, max_value: Decimal | None = None) -> Decimal:
    """`0,75` or `0.75` as a Decimal; refuses anything else with a Vietnamese message.

    `places`: the most decimal places accepted; `max_value`: the largest value (inclusive).
    """
    cleaned = (text or "").strip()
    if not NUMBER_PATTERN.match(cleaned):
        raise NumberError(
            f"«{shown(text)}» không phải là số (chỉ dùng chữ số 0–9 và một dấu phẩy hoặc dấu chấm)."
        )
    value = Decimal(cleaned.replace(",", "."))
    if decimal_places(value) > places:
        raise NumberError(f"«{shown(text)}» có quá {places} chữ số thập phân.")
    if max_value is not None and value > max_value:
        raise NumberError(f"«{shown(text)}» vượt giá trị tối đa {format_number(max_value)}.")
    return value


def shown(text) -> str:
    """Typed text quoted in a message: without NUL, at most 30 characters."""
    text = "" if text is None else str(text)
    text = text.replace("\x00", "")
    return text if len(text) <= 30 else text[:29] + "…"


def decimal_places(value: Decimal) -> int:
    """Decimal places that carry a digit: 1.2500 has 2, 10 has 0."""
    return max(0, -value.normalize().as_tuple().exponent)


def format_number(value, places: int = 2) -> str:
    """Points as a Vietnamese reader expects them: at most `places` decimals, trailing zeros dropped, a
    decimal comma (1.5000 → `1,5`, 2.0000 → `2`, 0.755 → `0,76`). A dash when there is no value."""
    if value is None or value == "":
        return "–"
    rounded = round_half_up(Decimal(value), places)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", ",")


def format_points(value) -> str:
    """Points at the precision they are stored and typed with (at most 4 places): `1,5`, `0,25`, `2`."""
    return format_number(value, 4)


def format_fixed(value, places: int = 2) -> str:
    """Exactly `places` decimals with a comma (indexes and percentages as published: `75,30`)."""
    if value is None or value == "":
        return "–"
    return format(round_half_up(Decimal(value), places), "f").replace(".", ",")
