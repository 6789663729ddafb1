"""Back office. Configuration plus per-unit scoping; every write goes through scoring.services."""

from scoring.admin import assessments, evidence, frameworks, periods  # noqa: F401  (registers the admin classes)
