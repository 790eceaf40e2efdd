"""Running a batch, resumably: its file is read in chunks of :data:`CHUNK_ROWS` rows, each chunk one
transaction that writes its good rows, keeps its error rows and records on the batch its counts and its last
line (``resume_line``). A run that stops anywhere (its worker killed, the database gone) leaves whole chunks
behind; the next run of the batch starts after ``resume_line``, so no row is imported twice and no error row
is stored twice, and the counts go on from the committed ones.

Before the first chunk, a first pass counts the rows (the progress bar's total, and ``IMPORT_MAX_ROWS``) and
finds a damaged file before anything is written. While it runs, the batch's ``heartbeat_at`` moves at least
every ``IMPORT_HEARTBEAT_SECONDS`` (each chunk, and every few thousand lines read): a batch silent for longer
than ``IMPORT_STALE_SECONDS`` lost its worker and may be claimed again (:func:`~.batches.batch_claim`). Every
chunk commits only if the batch is still this run's claim: a run that was presumed dead and replaced writes
nothing more.

Budget (crisis list, 50,000 rows): per chunk one read of matching residents, the report INSERTs, one read
back of the chunk's reports, the target and indicator INSERTs, the error INSERT and one UPDATE of the batch;
memory holds the file's bytes and one chunk of rows.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.crypto import InvalidToken, decrypt_bytes
from welfare.common.masking import mask_rrns

from ..models import ROUND_LISTS, ImportBatch, ImportRowError, ImportStatus
from .access import uploader_dong_ids
from .loading import INSERT_BATCH, CrisisWriter, UniversalWriter
from .reader import ListReader
from .reading import ImportFileError
from .rows import ParsedRow, RowError, RowValidator

CHUNK_ROWS = 2_000


class ClaimLost(Exception):
    """Another run claimed the batch (this one was presumed dead): this run stops, its chunk rolled back."""


@dataclass
class ImportCounts:
    total: int = 0
    processed: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0
    errors_dropped: int = 0


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Claim:
    """This run's hold on the batch: every write to the batch row checks it, and the heartbeat moves."""

    def __init__(self, batch_id: int, claimed_at: dt.datetime):
        self.batch_id = batch_id
        self.claimed_at = claimed_at
        self.last_beat = time.monotonic()

    def mine(self):
        return ImportBatch.objects.filter(pk=self.batch_id, status=ImportStatus.RUNNING, started_at=self.claimed_at)

    def update(self, **fields) -> None:
        if self.mine().update(heartbeat_at=timezone.now(), **fields) != 1:
            raise ClaimLost
        self.last_beat = time.monotonic()

    def beat(self) -> None:
        """Between chunks (reading the file): a heartbeat when the last one is older than the interval."""
        if time.monotonic() - self.last_beat >= settings.IMPORT_HEARTBEAT_SECONDS:
            self.update()


def _upload(batch: ImportBatch) -> bytes:
    """The uploaded file, decrypted; an :class:`ImportFileError` when it was deleted or no key opens it."""
    content = bytes(batch.content or b"")
    if not content or not batch.upload_kept:
        raise ImportFileError(_("원본 파일이 지워졌습니다(보관 기간 경과). 같은 파일을 다시 올리면 멈춘 곳부터 이어서 처리합니다."))
    try:
        return decrypt_bytes(content)
    except InvalidToken as exc:
        raise ImportFileError(_("원본 파일을 복호화할 수 없습니다: FIELD_ENCRYPTION_KEY에 올릴 때의 키가 있는지 확인하세요.")) from exc


def batch_import(*, batch: ImportBatch, chunk_rows: int = CHUNK_ROWS,
                 claimed_at: dt.datetime | None = None) -> ImportCounts:
    """Import the rows of ``batch`` claimed by the caller at ``claimed_at`` (default: the batch's
    ``started_at``), from the line after its ``resume_line``. Raises :class:`ImportFileError` for a file that
    cannot be imported at all (wrong type, damaged, a required column missing, no data rows, too many rows):
    then nothing has been written. Raises :class:`ClaimLost` when another run took the batch over."""
    claim = _Claim(batch.pk, claimed_at or batch.started_at)
    reader = ListReader(_upload(batch), batch.kind)
    reader.check()
    if not batch.total_rows:  # the first run (a resumed one counted the rows already)
        total = reader.count(beat=claim.beat)
        if total == 0:
            raise ImportFileError(_("머리글만 있고 데이터 행이 없습니다."))
        ImportRowError.objects.filter(batch=batch).delete()
        claim.update(encoding=reader.encoding or reader.format, total_rows=total, processed_rows=0, created_count=0,
                     duplicate_count=0, error_count=0, error_rows_dropped=0, resume_line=0)
        batch.total_rows, batch.resume_line = total, 0
        batch.processed_rows = batch.created_count = batch.duplicate_count = batch.error_count = 0
        batch.error_rows_dropped = 0
    writer = CrisisWriter(batch) if batch.kind in ROUND_LISTS else UniversalWriter(batch)
    validator = RowValidator(
        kind=batch.kind, columns=reader.columns, dongs=writer.dongs, indicators=writer.indicator_lookup,
        allowed_dong_ids=uploader_dong_ids(batch.uploaded_by),
    )
    counts = ImportCounts(total=batch.total_rows, processed=batch.processed_rows, created=batch.created_count,
                          duplicates=batch.duplicate_count, errors=batch.error_count,
                          errors_dropped=batch.error_rows_dropped)
    keep_errors = settings.IMPORT_MAX_ERROR_ROWS
    for number, chunk in enumerate(_chunks(reader.rows(validator, after=batch.resume_line, beat=claim.beat),
                                           chunk_rows), start=1):
        good = [row for row in chunk if isinstance(row, ParsedRow)]
        bad = [row for row in chunk if isinstance(row, RowError)]
        room = max(0, keep_errors - (counts.errors - counts.errors_dropped))
        with transaction.atomic():
            created = writer.write(good) if good else 0
            ImportRowError.objects.bulk_create(
                # No registration number in clear text: the stored row (so the page and errors.csv) is masked.
                [ImportRowError(batch_id=batch.pk, line=e.line, reason=mask_rrns(e.reason), raw=mask_rrns(e.raw))
                 for e in bad[:room]],
                batch_size=INSERT_BATCH, ignore_conflicts=True,
            )
            done = ImportCounts(
                total=counts.total, processed=counts.processed + len(chunk), created=counts.created + created,
                duplicates=counts.duplicates + len(good) - created, errors=counts.errors + len(bad),
                errors_dropped=counts.errors_dropped + max(0, len(bad) - room),
            )
            # Last in the chunk's transaction, so the batch row is locked only for an instant; and only while
            # the batch is still this run's (else ClaimLost rolls the chunk back).
            claim.update(processed_rows=done.processed, created_count=done.created, duplicate_count=done.duplicates,
                         error_count=done.errors, error_rows_dropped=done.errors_dropped, resume_line=chunk[-1].line)
        counts = done
        _pause_for_tests(number)
    log_action(batch, "discovery.importbatch.imported", user=batch.uploaded_by, changes=asdict(counts))
    return counts


def _pause_for_tests(chunks: int) -> None:
    """Test support for tests/reliability, inert unless ``WELFARE_TEST_PAUSE_IMPORT_AFTER_CHUNKS`` is set (only
    the Celery worker those tests start sets it): after that many chunks are committed, the first run to get
    there creates the file ``WELFARE_TEST_PAUSE_MARKER`` (holding its process id, so the test can SIGKILL this
    very pool process) and sleeps ``WELFARE_TEST_PAUSE_SECONDS``; later runs find the marker and go on."""
    after = os.environ.get("WELFARE_TEST_PAUSE_IMPORT_AFTER_CHUNKS")
    if not after or chunks != int(after):
        return
    try:
        with open(os.environ["WELFARE_TEST_PAUSE_MARKER"], "x") as marker:
            marker.write(str(os.getpid()))
    except FileExistsError:
        return
    time.sleep(float(os.environ.get("WELFARE_TEST_PAUSE_SECONDS", "30")))
