"""Back office of the units app: units, unit groups, memberships, and the accounts of the people who do the
work. Configuration and scoping; every write of memberships and (for the secretariat) accounts goes through
units.services."""

from units.admin import accounts, auth_labels, units  # noqa: F401  (registers the admin classes)
