"""The reader of an upload: it opens the bytes, finds the header (title lines above it are tolerated) and
yields one :class:`~discovery.imports.rows.ParsedRow` or :class:`~discovery.imports.rows.RowError` per data
row, streaming. :mod:`discovery.imports.runner` writes the good rows in chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import REQUIRED, field_label, match_columns
from .reading import CSV, ImportFileError, detect_encoding, file_format, raw_rows, too_many_rows_message
from .rows import MAX_CELLS, ParsedRow, RowError, RowValidator

HEADER_SCAN_ROWS = 10  # title lines above the header are tolerated, up to this many rows
BEAT_ROWS = 5_000  # rows read between two calls of a reading pass's ``beat``


class TooManyRows(ImportFileError):
    """More data rows than ``IMPORT_MAX_ROWS``: refused before any row is written."""


class ListReader:
    """Opens an upload: format, encoding and header are known after construction (or ImportFileError)."""

    def __init__(self, content: bytes, kind: str):
        self.content = content
        self.kind = kind
        self.format = file_format(content)
        self.encoding = detect_encoding(content) if self.format == CSV else ""
        self.header_line, self.columns, self.header_cells = self._find_header()

    def _find_header(self) -> tuple[int, dict[str, int], list[str]]:
        first: tuple[int, list[str]] | None = None
        for line, cells in raw_rows(self.content, self.format, self.encoding):
            if line > HEADER_SCAN_ROWS:
                break
            if not cells:
                continue
            first = first or (line, cells)
            columns = match_columns(cells, self.kind)
            if len(columns) >= 2:
                return line, columns, cells
        if first is None:
            raise ImportFileError(_("빈 파일입니다: 머리글도 데이터도 없습니다."))
        line, cells = first
        columns = match_columns(cells, self.kind)
        self._check_required(columns, cells)
        return line, columns, cells  # pragma: no cover - _check_required raises: fewer than 2 columns matched

    def _check_required(self, columns: dict[str, int], cells: list[str]) -> None:
        missing = [f for f in REQUIRED[self.kind] if f not in columns]
        if missing:
            found = ", ".join(f"“{c.strip()[:30]}”" for c in cells[:MAX_CELLS] if c.strip()) or "—"
            raise ImportFileError(_("필수 열이 없습니다: %(missing)s. 파일의 머리글: %(found)s") % {
                "missing": ", ".join(field_label(f, self.kind) for f in missing), "found": found})

    def check(self) -> None:
        """Required columns present: called before any row is read."""
        self._check_required(self.columns, self.header_cells)

    def data_rows(self, *, after: int = 0, beat: Callable[[], None] | None = None
                  ) -> Iterator[tuple[int, list[str]]]:
        """Non-empty rows after the header and after line ``after`` (the lines a resumed import already
        committed are read, not yielded); ``beat`` is called every :data:`BEAT_ROWS` lines read."""
        start = max(self.header_line, after)
        for line, cells in raw_rows(self.content, self.format, self.encoding):
            if beat is not None and line % BEAT_ROWS == 0:
                beat()
            if line > start and any((c or "").strip() for c in cells):
                yield line, cells

    def count(self, *, beat: Callable[[], None] | None = None) -> int:
        """A first pass over the whole file: the row count for the progress bar, and any damage found early.
        More than ``IMPORT_MAX_ROWS`` data rows raise :class:`TooManyRows` as soon as the count passes it."""
        limit = settings.IMPORT_MAX_ROWS
        count = 0
        for _row in self.data_rows(beat=beat):
            count += 1
            if count > limit:
                raise TooManyRows(too_many_rows_message())
        return count

    def rows(self, validator: RowValidator, *, after: int = 0,
             beat: Callable[[], None] | None = None) -> Iterator[ParsedRow | RowError]:
        for line, cells in self.data_rows(after=after, beat=beat):
            yield validator(line, cells)


def check_row_cap(content: bytes, kind: str) -> None:
    """At upload: a CSV of more than ``IMPORT_MAX_ROWS`` data rows raises :class:`TooManyRows`. A CSV row ends
    with a newline, so a file with fewer newlines than the cap is under it without being parsed; an XLSX is
    bounded at upload by its inflated size and counted by the worker."""
    if file_format(content) != CSV or content.count(b"\n") < settings.IMPORT_MAX_ROWS:
        return
    try:
        ListReader(content, kind).count()
    except TooManyRows:
        raise
    except ImportFileError:
        return  # any other fault of the file is reported on the batch page by the worker
