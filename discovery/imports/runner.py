"""Running a batch: its file is read twice. A first pass counts the rows (the progress bar's total) and finds a
damaged file before anything is written; the second validates each row and writes the good ones in chunks of
:data:`CHUNK_ROWS`, one transaction per chunk, with a fixed number of statements per chunk (never one per row),
and moves the batch's progress at the end of each.

Budget (crisis list, 50,000 rows): per chunk one read of matching residents, the report INSERTs, one read
back of the chunk's reports, the target and indicator INSERTs, the error INSERT and one UPDATE of the batch;
memory holds the file's bytes, one chunk of rows and the set of keys counted so far.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action

from ..models import ImportBatch, ImportKind, ImportRowError
from .access import uploader_dong_ids
from .loading import INSERT_BATCH, CrisisWriter, UniversalWriter
from .reader import ListReader
from .reading import ImportFileError
from .rows import ParsedRow, RowError, RowValidator

CHUNK_ROWS = 2_000


@dataclass
class ImportCounts:
    total: int = 0
    processed: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def batch_import(*, batch: ImportBatch, chunk_rows: int = CHUNK_ROWS) -> ImportCounts:
    """Import the rows of ``batch`` (claimed by the caller). Raises :class:`ImportFileError` for a file that
    cannot be imported at all (wrong type, damaged, a required column missing, no data rows): then nothing
    has been written. A re-run starts over and finds the rows already written by their keys."""
    reader = ListReader(bytes(batch.content), batch.kind)
    reader.check()
    total = reader.count()
    if total == 0:
        raise ImportFileError(_("머리글만 있고 데이터 행이 없습니다."))
    writer = CrisisWriter(batch) if batch.kind == ImportKind.CRISIS_LIST else UniversalWriter(batch)
    validator = RowValidator(
        kind=batch.kind, columns=reader.columns, dongs=writer.dongs, indicators=writer.indicator_lookup,
        allowed_dong_ids=uploader_dong_ids(batch.uploaded_by),
    )
    ImportRowError.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        encoding=reader.encoding or reader.format, total_rows=total, processed_rows=0, created_count=0,
        duplicate_count=0, error_count=0,
    )
    counts = ImportCounts(total=total)
    for chunk in _chunks(reader.rows(validator), chunk_rows):
        good = [row for row in chunk if isinstance(row, ParsedRow)]
        bad = [row for row in chunk if isinstance(row, RowError)]
        with transaction.atomic():
            created = writer.write(good) if good else 0
            ImportRowError.objects.bulk_create(
                [ImportRowError(batch_id=batch.pk, line=e.line, reason=e.reason, raw=e.raw) for e in bad],
                batch_size=INSERT_BATCH, ignore_conflicts=True,
            )
            counts.processed += len(chunk)
            counts.created += created
            counts.duplicates += len(good) - created
            counts.errors += len(bad)
            # Last in the chunk's transaction, so the batch row is locked only for an instant.
            ImportBatch.objects.filter(pk=batch.pk).update(
                processed_rows=counts.processed, created_count=counts.created,
                duplicate_count=counts.duplicates, error_count=counts.errors,
            )
    log_action(batch, "discovery.importbatch.imported", user=batch.uploaded_by, changes=asdict(counts))
    return counts
