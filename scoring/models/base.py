"""Field settings shared by the scoring models."""

from django.core.validators import MinValueValidator
from django.db import models

POINTS = {"max_digits": 12, "decimal_places": 4}
PERCENT = {"max_digits": 16, "decimal_places": 10}
NON_NEGATIVE = [MinValueValidator(0, message="Điểm không được âm.")]


class ByCodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)
