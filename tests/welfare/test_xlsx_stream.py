"""welfare.common.xlsx_stream: an XLSX sent chunk by chunk that openpyxl (and so Excel) opens as written."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from welfare.common.xlsx_stream import stream_xlsx


def test_the_streamed_workbook_opens_with_its_rows_safe_cells_and_bold_header():
    rows = [[f"r{n}", "", "=1+1" if n == 2 else "a&b<c>\x01"] for n in range(25)]

    chunks = list(stream_xlsx("2025년 1차", ["명단", "차수", "메모"], rows, rows_per_chunk=10))

    assert len(chunks) >= 3  # bytes leave every 10 rows, before the last row is read
    book = load_workbook(io.BytesIO(b"".join(chunks)))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "2025년 1차" and sheet["A1"].font.b
    assert values[0] == ("명단", "차수", "메모") and len(values) == 26
    assert values[1] == ("r0", None, "a&b<c>")  # escaped, the control character dropped, the empty cell kept
    assert values[3][2] == "'=1+1"  # a formula is written as text
