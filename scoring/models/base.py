"""Field settings shared by the scoring models."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

POINTS = {"max_digits": 12, "decimal_places": 4}
PERCENT = {"max_digits": 16, "decimal_places": 10}
NON_NEGATIVE = [MinValueValidator(0, message="Điểm không được âm.")]
# Codes appear in public URLs: ASCII letters, digits, "-" and "_" only.
CODE_VALIDATOR = RegexValidator(
    r"^[-a-zA-Z0-9_]+\Z",
    "Mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang (-) hoặc gạch dưới (_).",
    code="invalid_code",
)
# Free text typed into forms (reasons, explanations, figures): long enough for any real answer.
TEXT_MAX_LENGTH = 5000


class ByCodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)
