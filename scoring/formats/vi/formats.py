"""Vietnamese formats for Django (FORMAT_MODULE_PATH): dates day first, dd/mm/yyyy in and out.

Django's own `vi` module sets no input formats, so forms fell back to month-first (10/01/2018 became
1 October); its short formats use dashes. Everything here follows how dates are written in Vietnam.
"""

from scoring.formatting import DATE_INPUT_FORMATS  # noqa: F401 - the forms' own list, dd/mm/yyyy first

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
