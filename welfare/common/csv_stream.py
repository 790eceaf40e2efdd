"""Files sent while they are made: a CSV written a chunk of rows at a time, and what a streaming view needs.

A large export (a Ministry round of 50,000 rows, a district's access log over months) is never held whole in
memory: the view returns ``StreamingHttpResponse(file.chunks)`` and the rows are read (``QuerySet.iterator``) and
written as the server sends them. The XLSX twin is :mod:`welfare.common.xlsx_stream`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils import translation

from .cells import safe_row

ROWS_PER_CHUNK = 500


@dataclass
class StreamedFile:
    """A file sent as it is made: ``chunks`` yields its bytes."""

    name: str
    content_type: str
    chunks: Iterator[bytes]
    rows: int


def stream_csv(header: Sequence[str], rows: Iterable[Sequence], *, rows_per_chunk: int = ROWS_PER_CHUNK,
               ) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel then reads Korean right); the header at once, so the download starts before the
    rows are read, then a chunk every ``rows_per_chunk`` rows. Every cell spreadsheet-safe (``safe_row``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(safe_row(header))

    def taken() -> bytes:
        chunk = out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
        return chunk

    yield taken()
    for n, row in enumerate(rows, start=1):
        writer.writerow(safe_row(row))
        if n % rows_per_chunk == 0:
            yield taken()
    yield taken()


def in_language(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks made in the language of the request that asked for them (read now, in the view), though the
    server asks for them after the view returned."""
    language = translation.get_language()

    def made() -> Iterator[bytes]:
        with translation.override(language):
            yield from chunks

    return made()
