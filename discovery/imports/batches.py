"""An upload becomes a batch, and a batch moves from waiting to done or failed.

:func:`batch_create` stores the upload (the same file again is the same batch) and enqueues the import on
commit; :func:`import_upload` opens the big-data round typed with the upload. The task
(:func:`discovery.tasks.import_batch_run`) claims a batch, runs it (:mod:`discovery.imports.runner`) and marks
it done or failed, each step a compare-and-set UPDATE.
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
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.errors import RuleError

from ..models import BigDataRound, ImportBatch, ImportKind, ImportStatus
from .access import can_upload, upload_district_id
from .reading import ImportFileError, file_format

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- Rounds and uploads ---------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, by: User, district_id: int, year: int, number: int, received_on: dt.date,
                 due_on: dt.date) -> BigDataRound:
    if not can_upload(by):
        raise PermissionDenied
    if not 1 <= number <= 6:
        raise RuleError(_("차수는 1부터 6까지입니다."))
    if due_on < received_on:
        raise RuleError(_("회신 기한은 수신일보다 빠를 수 없습니다."))
    if BigDataRound.objects.filter(district_id=district_id, year=year, number=number).exists():
        raise RuleError(_("%(year)d년 %(number)d차는 이미 있습니다: 목록에서 고르세요.") % {"year": year, "number": number})
    made = BigDataRound.objects.create(district_id=district_id, year=year, number=number, received_on=received_on,
                                       due_on=due_on)
    log_action(made, "discovery.bigdataround.created", user=by,
               changes={"received_on": str(received_on), "due_on": str(due_on)})
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
    except ImportFileError as exc:
        raise RuleError(str(exc)) from exc
    if kind == ImportKind.CRISIS_LIST:
        if round is None:
            raise RuleError(_("빅데이터 명단은 차수를 골라야 합니다."))
        if round.district_id != district_id:
            raise RuleError(_("다른 구의 차수입니다."))
    else:
        round = None
    digest = hashlib.sha256(content).hexdigest()
    same = ImportBatch.objects.defer("content").filter(district_id=district_id, kind=kind, file_sha256=digest)
    existing = same.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                district_id=district_id, kind=kind, round=round, file_name=(file_name or "upload")[-255:],
                file_sha256=digest, content=content, uploaded_by=by,
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
        round = round_create(by=by, district_id=district_id, **asdict(new_round))
    batch, created = batch_create(by=by, kind=kind, round=round, file_name=file_name, content=content)
    if not created:
        transaction.set_rollback(True)
    return batch, created


def too_big_message() -> str:
    return _("파일이 너무 큽니다. %(mb)s MB까지 올릴 수 있습니다.") % {
        "mb": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}"}


# --- Claiming and finishing a batch (the task's compare-and-set steps) ----------------------------------------


def batch_claim(batch_id: int, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Mark the batch running if it is waiting or failed, or running for longer than a task may live (its
    worker died). The UPDATE is the lock: two workers never both get 1. Returns the claim time or None."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    waiting = ImportBatch.objects.filter(pk=batch_id, status__in=[ImportStatus.PENDING, ImportStatus.FAILED])
    crashed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at__lt=stale)
    for candidates in (waiting, crashed):
        if candidates.update(status=ImportStatus.RUNNING, started_at=now, finished_at=None, error_message="") == 1:
            return now
    return None


def batch_mark_done(batch_id: int, *, claimed_at: dt.datetime) -> bool:
    """Done, and the uploaded bytes dropped (the records and error rows keep what is needed)."""
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.DONE, finished_at=timezone.now(), content=b"") == 1


def batch_mark_failed(batch_id: int, *, claimed_at: dt.datetime, message: str) -> bool:
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(), error_message=message[:500]) == 1

