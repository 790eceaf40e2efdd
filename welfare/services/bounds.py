"""Checks shared by the district settings the apps register (``<app>/district_settings.py``): whole numbers
within bounds, and orderings between them. They raise ``RuleError`` naming the fields at fault."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from welfare.errors import RuleError


def check_bounds(data: Mapping[str, Any], bounds: Mapping[str, tuple[int, int]], message: str) -> dict[str, int]:
    """Every named value a whole number within its (lowest, highest); ``message`` takes ``%(low)s`` and
    ``%(high)s``. Returns the values to store."""
    values, errors = {}, {}
    for name, (low, high) in bounds.items():
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = message % {"low": f"{low:,}", "high": f"{high:,}"}
        else:
            values[name] = value
    if errors:
        raise RuleError(errors)
    return values


def check_ordered(values: Mapping[str, int], names: tuple[str, ...], message: str) -> None:
    """Each named value at most the next one (e.g. higher risk never watched less often than lower risk); the
    error names the later field."""
    for shorter, longer in itertools.pairwise(names):
        if values[shorter] > values[longer]:
            raise RuleError({longer: message})
