"""The bytes of an upload: the file type by its content, the text encoding, and the raw rows, streamed.

CSV is read through a text wrapper over the bytes, XLSX through openpyxl's read-only parser, so memory stays
flat whatever the number of rows. Line numbers are the ones the user sees in the spreadsheet: the first row of
the file is line 1. Nothing here writes to the database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

CSV, XLSX = "csv", "xlsx"

# The csv module refuses fields over 128 KB with an error that would abort the file; the row limits of
# :mod:`discovery.imports.rows` refuse such rows one by one instead. Raising the (process-wide) limit only ever
# accepts more.
csv.field_size_limit(max(csv.field_size_limit(), settings.IMPORT_MAX_BYTES))


class ImportFileError(Exception):
    """The file cannot be imported at all; the message is for the user. Raised before any row is written."""


def not_a_spreadsheet() -> str:
    return _("CSV 또는 XLSX 파일만 올릴 수 있습니다.")


def inflated_message() -> str:
    return _("압축을 풀면 %(mb)s MB가 넘는 XLSX 파일은 올릴 수 없습니다(압축 폭탄 방지). 행이 많은 명단은 나누어 올리거나 "
             "CSV로 저장해 올려 주세요.") % {"mb": f"{settings.IMPORT_MAX_XLSX_INFLATED_BYTES / (1024 * 1024):g}"}


def too_many_rows_message() -> str:
    return _("행이 너무 많습니다. 한 번에 %(rows)s행까지 올릴 수 있습니다. 파일을 나누어 올려 주세요.") % {
        "rows": f"{settings.IMPORT_MAX_ROWS:,}"}


# --- File type and encoding ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


def file_format(content: bytes) -> str:
    """``"xlsx"`` for a zip holding ``xl/workbook.xml``, ``"csv"`` for text; anything else is refused.

    The extension is not looked at: a renamed text file is text, a renamed picture is refused.
    """
    if not content or not content.strip():
        raise ImportFileError(_("빈 파일입니다."))
    if content.startswith(_OLE2):
        raise ImportFileError(_("예전 엑셀 형식(XLS)은 읽을 수 없습니다. 엑셀에서 XLSX나 CSV로 저장해 올려 주세요."))
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFileError(_("XLSX 파일이 손상되어 열 수 없습니다.")) from exc
        if not any(info.filename == "xl/workbook.xml" for info in infos):
            raise ImportFileError(not_a_spreadsheet())
        # Checked on the zip's directory, before any part is parsed. Python's zipfile never inflates a member
        # past its declared size, so a directory that lies only truncates the part (a damaged file).
        if sum(info.file_size for info in infos) > settings.IMPORT_MAX_XLSX_INFLATED_BYTES:
            raise ImportFileError(inflated_message())
        return XLSX
    detect_encoding(content)
    return CSV


def detect_encoding(content: bytes) -> str:
    """A byte-order mark decides; else strict UTF-8; else CP949 (a superset of EUC-KR). Binary is refused."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "유니코드 텍스트" export
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        if _decodes_as_text(content, encoding):
            return encoding
    raise ImportFileError(
        _("CSV 또는 XLSX 파일만 올릴 수 있습니다. 텍스트로 읽을 수 없는 파일입니다(UTF-8 또는 CP949로 저장해 주세요).")
    )


def _decodes_as_text(content: bytes, encoding: str) -> bool:
    """Strict decoding of the whole file in 1 MB steps (no full copy), with no control characters but tab/CR/LF."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    step = 1 << 20
    try:
        for start in range(0, len(content), step):
            if _CONTROL.search(decoder.decode(content[start:start + step], final=False)):
                return False
        return not _CONTROL.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


# --- Raw rows ------------------------------------------------------------------------------------------------


def _sniff_delimiter(first_line: str) -> str:
    """Comma, tab or semicolon: whichever the header line holds most of (outside quotes); comma by default."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(content: bytes, encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    yield from csv.reader(text, delimiter=_sniff_delimiter(first_line))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """The first sheet, streamed. Any failure of the parser on a hostile or damaged file is a broken file."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on bad input; all mean "broken file"
        raise ImportFileError(_("XLSX 파일이 손상되어 열 수 없습니다.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("XLSX 파일에 시트가 없습니다."))
        sheet = workbook.worksheets[0]
        # A declared dimension of A1:XFD1048576 would pad every row to 16,384 cells: read rows as they are.
        sheet.reset_dimensions()
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(v) for v in values]
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above, a damaged sheet part
            raise ImportFileError(_("XLSX 파일을 끝까지 읽지 못했습니다(손상된 파일).")) from exc
    finally:
        workbook.close()


def raw_rows(content: bytes, fmt: str, encoding: str = "") -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every row of the file, trailing empty cells dropped; empty rows yield ``[]``."""
    rows = _xlsx_rows(content) if fmt == XLSX else _csv_rows(content, encoding)
    for line, cells in enumerate(rows, start=1):
        end = len(cells)
        while end and not (cells[end - 1] or "").strip():
            end -= 1
        yield line, cells[:end]

