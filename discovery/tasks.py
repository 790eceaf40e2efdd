"""Celery tasks of discovery: thin, by id, safe to run twice (see :mod:`discovery.imports`)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils.translation import gettext as _

from .imports import ImportFileError, batch_claim, batch_import, batch_mark_done, batch_mark_failed
from .models import ImportBatch, ImportStatus


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, retry_jitter=True,
             max_retries=5)
def import_batch_run(batch_id: int) -> dict | None:
    """Import one uploaded list. ``acks_late`` and ``reject_on_worker_lost`` come from the settings; a second
    delivery (or a second call) finds the batch claimed or done and returns; a worker that died mid-import
    leaves whole chunks behind, and the re-run after the time limit finds their rows by key."""
    status = ImportBatch.objects.filter(pk=batch_id).values_list("status", flat=True).first()
    if status is None or status == ImportStatus.DONE:
        return None
    claimed_at = batch_claim(batch_id)
    if claimed_at is None:  # another worker holds it
        return None
    batch = ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch_id)
    try:
        counts = batch_import(batch=batch)
    except ImportFileError as exc:
        batch_mark_failed(batch_id, claimed_at=claimed_at, message=str(exc))
        return {"failed": str(exc)}
    except SoftTimeLimitExceeded:
        batch_mark_failed(batch_id, claimed_at=claimed_at, message=_(
            "처리 시간이 너무 길어 멈췄습니다. 파일을 나누어 다시 올려 주세요."))
        return {"failed": "time limit"}
    except OperationalError:
        # Retried with backoff (autoretry_for); failed lets the retry claim it again.
        batch_mark_failed(batch_id, claimed_at=claimed_at, message=_(
            "데이터베이스 오류로 멈췄습니다. 잠시 뒤 자동으로 다시 시도합니다."))
        raise
    except Exception:
        batch_mark_failed(batch_id, claimed_at=claimed_at, message=_(
            "처리 중 예기치 않은 오류가 났습니다. 관리자에게 알려 주세요."))
        raise
    batch_mark_done(batch_id, claimed_at=claimed_at)
    return asdict(counts)
