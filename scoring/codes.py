"""Node codes: positional (`5`, `5.1`, `5.1.2`), their pattern and their order."""

import re

CODE_PATTERN = re.compile(r"^[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2}){0,2}$", re.ASCII)


def code_key(code: str) -> tuple[int, ...]:
    """Sort key of a positional code: 2 < 10, 5.1.2 < 5.1.10."""
    return tuple(int(part) for part in code.split("."))


def domain_of(code: str) -> str:
    """The domain a node belongs to: the first part of its code."""
    return code.split(".", 1)[0]


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def depth(code: str) -> int:
    """0 for a domain, 1 for a criterion, 2 for a sub-criterion."""
    return code.count(".")
