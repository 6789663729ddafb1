"""Form fields that parse what Vietnamese users type, strictly: points, ids, dates, free text."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from scoring.formatting import (
    DATE_INPUT_FORMATS,
    NumberError,
    format_number,
    format_points,
    is_ascii_digits,
    parse_decimal,
)
from scoring.models import TEXT_MAX_LENGTH


class PointsField(forms.Field):
    """A score typed as `0,75` or `0.75`: ASCII digits, one separator, at most `places` decimals, within
    [0, max_points]. Shows stored values the way an officer types them (`0,75`, `10`)."""

    widget = forms.TextInput

    def __init__(self, *, max_points: Decimal | None = None, places: int = 2, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.places = places
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "points"})
        self.max_points = max_points

    @property
    def max_points(self) -> Decimal | None:
        return self._max_points

    @max_points.setter
    def max_points(self, value: Decimal | None) -> None:
        """The node's max, checked here and marked on the input (data-max) for the page's own check."""
        self._max_points = value
        if value is None:
            self.widget.attrs.pop("data-max", None)
        else:
            self.widget.attrs["data-max"] = str(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_number(value, self.places + 2)
        return value

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value), places=self.places)
        except NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and self.max_points is not None and value > self.max_points:
            raise ValidationError(
                f"Điểm {format_number(value, self.places)} vượt điểm tối đa {format_points(self.max_points)}.",
                code="max_value",
            )


class VersionField(forms.IntegerField):
    """The version a row was loaded with (hidden); ASCII digits only, anything else is a form error."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if isinstance(value, str) and value and not is_ascii_digits(value):
            raise ValidationError("Dữ liệu của trang không hợp lệ; vui lòng tải lại trang.", code="invalid")
        return super().to_python(value)


class TextField(forms.CharField):
    """Free text from a textarea: trimmed, NUL bytes refused (Django's own validator), bounded length."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """dd/mm/yyyy in and out, whatever the browser's locale."""

    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "ngày/tháng/năm", "class": "vDateField"}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "error_messages",
            {"invalid": "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2026."},
        )
        super().__init__(**kwargs)


class StrictModelChoiceField(forms.ModelChoiceField):
    """A choice by id: anything but ASCII digits is the field's own "invalid choice" error, never a 500."""

    def to_python(self, value):
        if isinstance(value, str) and value and not is_ascii_digits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class StrictModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        for item in value or []:
            if isinstance(item, str) and not is_ascii_digits(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"] % {"value": item[:20]}, code="invalid_choice"
                )
        return super().clean(value)


class DocumentChoiceField(forms.TypedChoiceField):
    """One of the unit's documents by id, from choices computed once for the whole page (a model choice field
    would query the database once per row). The view turns the id into the document."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)

    def set_documents(self, documents):
        self.choices = [("", "– thêm tài liệu –"), *((document.pk, str(document)) for document in documents)]
