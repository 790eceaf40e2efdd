"""Spreadsheet-safe cells for every CSV and XLSX the product writes or reads (CSV/formula injection)."""

from __future__ import annotations

import re

_NUMERIC_TAIL = re.compile(r"[\d\s.,()+\-]*")


def is_formula(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula when the file is opened.

    Any ``=`` or ``@`` (``=1`` is a formula too); ``+`` or ``-`` followed by something that is not a plain
    number (``-``, ``-5``, ``+82 10`` are numbers and placeholders); a leading tab or carriage return.
    """
    if not cell:
        return False
    if cell[0] in "\t\r":
        return True
    stripped = cell.lstrip()
    if not stripped:
        return False
    if stripped[0] in "=@":
        return True
    return stripped[0] in "+-" and not _NUMERIC_TAIL.fullmatch(stripped[1:])


def safe_cell(value):
    """The value to write: a formula-like string gets a leading apostrophe; numbers, dates and None pass."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
