"""Finishing touches every XLSX the product writes shares (openpyxl): number formats without a trailing dot, an
autofilter on the header row, the header repeated on every printed page, landscape fitted to the page width."""

from __future__ import annotations

from decimal import Decimal

THOUSANDS = "#,##0"
DECIMAL = "#,##0.0#"  # only for values with a fraction: "#,##0.##" printed 5,200 as "5,200."


def number_format(value, wanted: str) -> str:
    """The format for ``value``: a decimal format on a whole number becomes the thousands format."""
    if "." in wanted and "%" not in wanted and isinstance(value, (int, float, Decimal)):
        if isinstance(value, int) or float(value).is_integer():
            return THOUSANDS
        return DECIMAL
    return wanted


def finish_sheet(sheet, *, header_row: int = 1) -> None:
    """Autofilter over the data, the header row printed on every page, landscape, fit to the page width.

    Not for write-only sheets (openpyxl writes their settings before the rows): call it on a normal sheet once its
    rows are in."""
    if sheet.max_row >= header_row and sheet.max_column >= 1:
        sheet.auto_filter.ref = f"A{header_row}:{sheet.cell(row=max(sheet.max_row, header_row), column=sheet.max_column).coordinate}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
