"""A unit's deadline in a phase, read from the database (the rule itself is policy.unit_deadline)."""

from scoring import policy
from scoring.models import DeadlineExtension


def unit_deadline_of(assessment, phase: str):
    """The assessment's unit's deadline for a unit phase ("self_assessment" or "explanation")."""
    extension = (
        DeadlineExtension.objects.filter(
            period_id=assessment.period_id, unit_id=assessment.unit_id, phase=phase
        )
        .values_list("deadline", flat=True)
        .first()
    )
    return policy.unit_deadline(assessment.period, phase, extension)
