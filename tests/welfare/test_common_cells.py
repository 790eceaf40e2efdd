"""welfare.common.cells: spreadsheet-safe cells (CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from welfare.common.cells import is_formula, safe_cell, safe_row


@pytest.mark.parametrize("cell", [
    "=1", "=SUM(A1:A3)", '=HYPERLINK("http://x")', "=", "+cmd|' /C calc'!A0", "-2+3+cmd", "-cmd", "@SUM(A1)", "@",
    "\t=1", "\tplain", "\rx", " =1", "  @x",
])
def test_formula_like_cells_are_recognised(cell):
    assert is_formula(cell)
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", [
    "", " ", "-", "+", "-5", "-1,234.5", "-(5)", "+82 10", "+82 10-1234-5678", "김민", "a=1", "x@y.kr", "010-1234",
])
def test_numbers_placeholders_and_text_are_not_formulas(cell):
    assert not is_formula(cell)
    assert safe_cell(cell) == cell


@pytest.mark.parametrize("value", [None, 5, -5, 1.5, Decimal("-2.5"), dt.date(2024, 1, 1), True])
def test_non_strings_pass_unchanged(value):
    assert safe_cell(value) is value


def test_safe_row_neutralises_each_cell():
    assert safe_row(["=1", "정상", None, -3, "@x"]) == ["'=1", "정상", None, -3, "'@x"]
    assert safe_row(iter(["+a"])) == ["'+a"]
