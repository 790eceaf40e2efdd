"""Issue 18 (item 18): the plan's XLSX has no trailing dot on whole numbers ("5,200." was shown), an autofilter
on its header row and the header printed on every page."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook

from tests.plans.test_plan_export import plan, workbook  # noqa: F401 (the fixture)
from welfare.common.xlsx import DECIMAL, THOUSANDS, finish_sheet, number_format


def test_a_decimal_format_on_a_whole_number_has_no_trailing_dot():
    assert number_format(5200, "#,##0.##") == THOUSANDS
    assert number_format(5200.0, "#,##0.##") == THOUSANDS
    assert number_format(50.1, "#,##0.##") == DECIMAL == "#,##0.0#"
    assert number_format(0.5, "0%") == "0%"
    assert number_format("5,200", "#,##0.##") == "#,##0.##"


def test_finish_sheet_sets_autofilter_print_titles_and_landscape(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["이름", "금액"])
    sheet.append(["가", 1])
    sheet.append(["나", 2])
    finish_sheet(sheet)
    book.save(tmp_path / "x.xlsx")
    again = load_workbook(tmp_path / "x.xlsx").active
    assert again.auto_filter.ref == "A1:B3"
    assert again.print_title_rows == "$1:$1"
    assert again.page_setup.orientation == "landscape"


def test_the_plan_workbook_is_finished(client_for, planner, plan):  # noqa: F811
    book = workbook(client_for(planner), plan)
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.print_title_rows == "$1:$1"
    tasks = book["추진과제"]
    assert tasks["I3"].value == 120 and tasks["I3"].number_format == THOUSANDS  # the baseline: was "#,##0.##"
    expected = book["동별 목표"]
    formats = {cell.number_format for cell in expected["G"][1:] if isinstance(cell.value, float)}
    assert formats and all(f in (THOUSANDS, DECIMAL) for f in formats)
