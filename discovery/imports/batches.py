"""An upload becomes a batch, and a batch moves from waiting to done, failed or interrupted.

:func:`batch_create` stores the upload (the same file again is the same batch; a stalled one is started
again) and enqueues the import on commit; :func:`import_upload` opens the big-data round typed with the upload.
The task (:func:`discovery.tasks.import_batch_run`) claims a batch, runs it (:mod:`discovery.imports.runner`)
and marks it done, failed or interrupted, each step a compare-and-set UPDATE. A claim lasts while the batch's
heartbeat does: one silent for ``IMPORT_STALE_SECONDS`` may be claimed again, and goes on from its last
committed line. :func:`batch_restart` is the page's "다시 시작"; :func:`stalled_batches` what the
``import_sweep`` job picks up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.crypto import encrypt_bytes
from welfare.errors import RuleError

from ..models import (
    ROUND_LISTS,
    ROUNDS_PER_YEAR,
    BigDataRound,
    ImportBatch,
    ImportKind,
    ImportStatus,
    ListSystem,
)
from .access import batches_visible_to, can_upload, upload_district_id
from .reader import check_row_cap
from .reading import ImportFileError, file_format

# Claims of one batch (since its upload or its last "다시 시작") before it is left interrupted: a file that
# kills its worker every time (out of memory) is not retried for ever.
MAX_ATTEMPTS = 5

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- Rounds and uploads ---------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, by: User, district_id: int, year: int, number: int, received_on: dt.date,
                 due_on: dt.date, system: str = ListSystem.BLIND_SPOT) -> BigDataRound:
    """A round of one of the Ministry's lists: 6 a year for the blind-spot list, 4 for the lonely-death list."""
    if not can_upload(by):
        raise PermissionDenied
    if system not in ROUNDS_PER_YEAR:
        raise RuleError(_("명단을 고르세요."))
    most = ROUNDS_PER_YEAR[system]
    if not 1 <= number <= most:
        raise RuleError(_("%(list)s 명단의 차수는 1부터 %(most)d까지입니다.") % {
            "list": ListSystem(system).label, "most": most})
    if due_on < received_on:
        raise RuleError(_("회신 기한은 수신일보다 빠를 수 없습니다."))
    if BigDataRound.objects.filter(district_id=district_id, system=system, year=year, number=number).exists():
        raise RuleError(_("%(list)s %(year)d년 %(number)d차는 이미 있습니다: 목록에서 고르세요.") % {
            "list": ListSystem(system).label, "year": year, "number": number})
    made = BigDataRound.objects.create(district_id=district_id, system=system, year=year, number=number,
                                       received_on=received_on, due_on=due_on)
    log_action(made, "discovery.bigdataround.created", user=by,
               changes={"system": system, "received_on": str(received_on), "due_on": str(due_on)})
    return made


def _enqueue(batch_id: int) -> None:
    from ..tasks import import_batch_run

    import_batch_run.delay(batch_id)


def batch_create(*, by: User, kind: str, file_name: str, content: bytes,
                 round: BigDataRound | None = None) -> tuple[ImportBatch, bool]:
    """The batch for this file: ``(batch, True)`` when new (its import is enqueued on commit), or the batch the
    same file (same district, kind and SHA-256) already made, ``(batch, False)``, and nothing is created."""
    if not can_upload(by):
        raise PermissionDenied
    district_id = upload_district_id(by)
    if district_id is None:
        raise RuleError(_("소속 구가 없는 계정은 명단을 올릴 수 없습니다."))
    if kind not in ImportKind.values:
        raise RuleError(_("명단 종류를 고르세요."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise RuleError(too_big_message())
    try:
        file_format(content)
        check_row_cap(content, kind)
    except ImportFileError as exc:
        raise RuleError(str(exc)) from exc
    if kind in ROUND_LISTS:
        if round is None:
            raise RuleError(_("빅데이터 명단은 차수를 골라야 합니다."))
        if round.district_id != district_id:
            raise RuleError(_("다른 구의 차수입니다."))
        if round.system != ROUND_LISTS[kind]:
            raise RuleError(_("%(round)s은(는) %(list)s 명단의 차수가 아닙니다.") % {
                "round": round, "list": ImportKind(kind).label})
    else:
        round = None
    digest = hashlib.sha256(content).hexdigest()
    same = ImportBatch.objects.defer("content").filter(district_id=district_id, kind=kind, file_sha256=digest)
    existing = same.first()
    if existing is not None:
        return existing, False  # a stalled one is started again by import_upload, once this is rolled back
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                district_id=district_id, kind=kind, round=round, file_name=(file_name or "upload")[-255:],
                file_sha256=digest, content=encrypt_bytes(content), uploaded_by=by,
            )
            log_action(batch, "discovery.importbatch.created", user=by,
                       changes={"kind": kind, "bytes": len(content), "sha256": digest})
            transaction.on_commit(partial(_enqueue, batch.pk))
    except IntegrityError:  # the same file sent twice at once: the other request made the batch
        return same.get(), False
    return batch, True


@dataclass(frozen=True)
class NewRound:
    """A big-data round typed with its first list (the upload page's "새 차수")."""

    year: int
    number: int
    received_on: dt.date
    due_on: dt.date


@transaction.atomic
def import_upload(*, by: User, kind: str, file_name: str, content: bytes, round: BigDataRound | None = None,
                  new_round: NewRound | None = None) -> tuple[ImportBatch, bool]:
    """An uploaded list, with the round it opens when ``new_round`` is given (both or neither are kept): what
    :func:`batch_create` returns. A round typed for a file already uploaded is not kept."""
    district_id = upload_district_id(by)
    if district_id is None:
        raise RuleError(_("소속 구가 없는 계정은 명단을 올릴 수 없습니다."))
    if new_round is not None:
        round = round_create(by=by, district_id=district_id, system=ROUND_LISTS.get(kind, ListSystem.BLIND_SPOT),
                             **asdict(new_round))
    batch, created = batch_create(by=by, kind=kind, round=round, file_name=file_name, content=content)
    if not created:
        transaction.set_rollback(True)
    return batch, created


def upload_list(*, by: User, kind: str, file_name: str, content: bytes, round: BigDataRound | None = None,
                 new_round: NewRound | None = None) -> tuple[ImportBatch, str]:
    """:func:`import_upload`, telling what happened: ``"created"``, ``"restarted"`` (the same file's batch had
    stalled: it goes on from where it stopped) or ``"exists"``."""
    batch, created = import_upload(by=by, kind=kind, file_name=file_name, content=content, round=round,
                                   new_round=new_round)
    if created:
        return batch, "created"
    if not batch.upload_kept and batch.status == ImportStatus.INTERRUPTED:
        # Its file was deleted after IMPORT_UPLOAD_RETENTION_DAYS: the same file again lets it go on.
        batch = upload_refill(by=by, batch=batch, content=content)
    if restartable(batch) and batches_visible_to(by).filter(pk=batch.pk).exists():
        try:
            return batch_restart(by=by, batch_id=batch.pk), "restarted"
        except RuleError:  # started again by someone else meanwhile
            pass
    return batch, "exists"


def upload_refill(*, by: User, batch: ImportBatch, content: bytes) -> ImportBatch:
    """Store again the file of an unfinished batch whose upload was deleted (the same bytes: same SHA-256)."""
    if not batches_visible_to(by).filter(pk=batch.pk).exists():
        return batch
    if hashlib.sha256(content).hexdigest() != batch.file_sha256:
        raise RuleError(_("다른 파일입니다."))
    with transaction.atomic():
        if ImportBatch.objects.filter(pk=batch.pk, upload_deleted_at__isnull=False).update(
                content=encrypt_bytes(content), upload_deleted_at=None) == 1:
            log_action(batch, "discovery.importbatch.upload_restored", user=by, changes={"bytes": len(content)})
    batch.refresh_from_db()
    return batch


def too_big_message() -> str:
    return _("파일이 너무 큽니다. %(mb)s MB까지 올릴 수 있습니다.") % {
        "mb": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}"}


# --- Claiming and finishing a batch (the task's compare-and-set steps) ----------------------------------------


def _stale_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


def _silent_since(stale: dt.datetime) -> Q:
    """No heartbeat (nor claim, nor upload) since ``stale``."""
    return Q(last_life__lt=stale)


def _with_last_life(batches: QuerySet[ImportBatch]) -> QuerySet[ImportBatch]:
    return batches.annotate(last_life=Coalesce("heartbeat_at", "started_at", "uploaded_at"))


def batch_claim(batch_id: int, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Mark the batch running if it is waiting or interrupted, or running with no heartbeat for longer than
    ``IMPORT_STALE_SECONDS`` (its worker died), and claimed fewer than :data:`MAX_ATTEMPTS` times. The UPDATE
    is the lock: two workers never both get 1. Returns the claim time or None."""
    now = now or timezone.now()
    batches = _with_last_life(ImportBatch.objects.filter(pk=batch_id, attempts__lt=MAX_ATTEMPTS,
                                                         upload_deleted_at__isnull=True))
    claimable = Q(status__in=[ImportStatus.PENDING, ImportStatus.INTERRUPTED]) | (
        Q(status=ImportStatus.RUNNING) & _silent_since(_stale_before(now)))
    # The annotated filter as a subquery of pks: an UPDATE takes no annotation.
    updated = ImportBatch.objects.filter(pk__in=batches.filter(claimable).values("pk")).update(
        status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, error_message="",
        attempts=F("attempts") + 1)
    return now if updated == 1 else None


def batch_mark_done(batch_id: int, *, claimed_at: dt.datetime) -> bool:
    """Done, and the uploaded file deleted (the records and error rows keep what is needed)."""
    now = timezone.now()
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.DONE, finished_at=now, content=b"", upload_deleted_at=now) == 1


def batch_mark_failed(batch_id: int, *, claimed_at: dt.datetime, message: str) -> bool:
    """Failed for good: the file cannot be imported (the message says why), and is deleted; a corrected file is a
    new upload."""
    now = timezone.now()
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.FAILED, finished_at=now, error_message=message[:500], content=b"",
        upload_deleted_at=now) == 1


def batch_mark_interrupted(batch_id: int, *, claimed_at: dt.datetime | None = None, message: str) -> bool:
    """Stopped, to be resumed: by a retry of the task, or by "다시 시작". Without ``claimed_at``: a stalled
    batch (the sweep), compare-and-set on its silence."""
    batches = ImportBatch.objects.filter(pk=batch_id)
    if claimed_at is not None:
        batches = batches.filter(status=ImportStatus.RUNNING, started_at=claimed_at)
    else:
        stalled = _with_last_life(ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING)).filter(
            _silent_since(_stale_before(timezone.now())))
        batches = batches.filter(pk__in=stalled.values("pk"))
    return batches.update(status=ImportStatus.INTERRUPTED, finished_at=timezone.now(),
                          error_message=message[:500]) == 1


def stalled_batches(now: dt.datetime) -> QuerySet[ImportBatch]:
    """Batches that should be running and show no sign of life for ``IMPORT_STALE_SECONDS``: "running" ones whose
    worker vanished, and waiting ones whose message was lost (a Redis restart). Never the bytes."""
    return _with_last_life(ImportBatch.objects.defer("content").filter(
        status__in=[ImportStatus.PENDING, ImportStatus.RUNNING], upload_deleted_at__isnull=True)).filter(
        _silent_since(_stale_before(now)))


def uploads_expire(now: dt.datetime) -> dict[str, int]:
    """The nightly retention step: the files of batches uploaded more than ``IMPORT_UPLOAD_RETENTION_DAYS`` ago
    are deleted (finished ones lost theirs already). An unfinished batch that is not running becomes
    interrupted, and says that uploading the same file again goes on from where it stopped; one still running
    keeps its file until it ends."""
    cutoff = now - dt.timedelta(days=settings.IMPORT_UPLOAD_RETENTION_DAYS)
    old = ImportBatch.objects.filter(upload_deleted_at__isnull=True, uploaded_at__lt=cutoff)
    ended = old.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED]).update(content=b"", upload_deleted_at=now)
    idle = _with_last_life(old.exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED])).filter(
        Q(status__in=[ImportStatus.PENDING, ImportStatus.INTERRUPTED]) | _silent_since(_stale_before(now)))
    unfinished = ImportBatch.objects.filter(pk__in=idle.values("pk")).update(
        content=b"", upload_deleted_at=now, status=ImportStatus.INTERRUPTED, finished_at=now,
        error_message=_("원본 파일을 보관 기간(%(days)d일)이 지나 지웠습니다. 같은 파일을 다시 올리면 멈춘 곳부터 이어서 "
                        "처리합니다.") % {"days": settings.IMPORT_UPLOAD_RETENTION_DAYS})
    return {"uploads_deleted": ended + unfinished, "unfinished_uploads_deleted": unfinished}


def restartable(batch: ImportBatch) -> bool:
    if not batch.upload_kept:
        return False
    return batch.status == ImportStatus.INTERRUPTED or (
        batch.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
        and batch.last_sign_of_life is not None
        and batch.last_sign_of_life < _stale_before(timezone.now()))


def batch_restart(*, by: User, batch_id: int) -> ImportBatch:
    """"다시 시작": a stalled or interrupted batch waits again, with a fresh count of attempts, and its import is
    enqueued on commit; it goes on from its last committed line (nothing already imported is imported again)."""
    if not can_upload(by):
        raise PermissionDenied
    batch = batches_visible_to(by).filter(pk=batch_id).first()
    if batch is None:
        raise PermissionDenied
    if not restartable(batch):
        raise RuleError(_("이 명단은 다시 시작할 수 없습니다: 처리 중이거나 이미 끝났습니다."))
    with transaction.atomic():
        # Compare-and-set on what was seen: a worker that came back meanwhile keeps its claim.
        seen = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, started_at=batch.started_at,
                                          heartbeat_at=batch.heartbeat_at)
        if seen.update(status=ImportStatus.PENDING, attempts=0, error_message="", finished_at=None,
                       heartbeat_at=timezone.now()) != 1:
            raise RuleError(_("이 명단은 방금 다른 작업이 이어받았습니다. 화면을 새로 고쳐 주세요."))
        log_action(batch, "discovery.importbatch.restarted", user=by,
                   changes={"from_line": batch.resume_line, "status": batch.status})
        transaction.on_commit(partial(_enqueue, batch.pk))
    batch.refresh_from_db()
    return batch
