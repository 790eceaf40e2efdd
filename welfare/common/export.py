"""Excel exports of the work lists (issue 18): the reason asked first, every cell spreadsheet-safe
(welfare.common.cells), registration numbers masked by the caller, and one access-log entry per file.

The apps build the rows (set-based: a fixed number of queries whatever the rows); this module makes the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _

from ..errors import RuleError
from .cells import safe_row
from .xlsx import THOUSANDS, finish_sheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_MIN, REASON_MAX = 2, 200
MAX_ROWS = 20_000  # a work list, not a dump: past this the user narrows the filters


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes
    rows: int
    content_type: str = XLSX_TYPE


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise RuleError({"reason": _("내려받는 사유를 적으세요.")})
    if len(reason) > REASON_MAX:
        raise RuleError({"reason": _("사유는 %(n)s자 이내로 적으세요.") % {"n": REASON_MAX}})
    return reason


def check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise RuleError(
            _("%(count)s건은 너무 많습니다. 조건을 좁혀 %(max)s건 이하로 내려받으세요.")
            % {"count": f"{count:,}", "max": f"{MAX_ROWS:,}"}
        )


def xlsx(
    title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()
) -> tuple[bytes, int]:
    """One sheet: a bold header, safe cells, dates as dates, whole numbers with thousands separators, then the
    finishing touches (autofilter, print titles, landscape). Returns the bytes and the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        sheet.append(safe_row(row))
        count += 1
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = THOUSANDS
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    finish_sheet(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue(), count


def local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as Seoul's wall clock without a zone (Excel has none)."""
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None) if value else None
