"""Celery tasks of discovery: thin, by id, safe to run twice (see :mod:`discovery.imports`)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils.translation import gettext as _

from .imports import (
    ClaimLost,
    ImportFileError,
    batch_claim,
    batch_import,
    batch_mark_done,
    batch_mark_failed,
    batch_mark_interrupted,
)
from .models import ImportBatch, ImportStatus

FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


def resume_message() -> str:
    return _("'다시 시작'을 누르면 멈춘 곳부터 이어서 처리합니다(이미 등록한 행은 다시 등록하지 않습니다).")


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300,
             retry_jitter=True, max_retries=5)
def import_batch_run(self, batch_id: int) -> dict | None:
    """Import one uploaded list, from where its last run stopped. ``acks_late`` and ``reject_on_worker_lost``
    come from the settings: a message whose worker child was killed is delivered again at once. A delivery that
    finds the batch claimed by a worker with a fresh heartbeat comes back once that heartbeat would be stale
    (then the worker is gone and this delivery takes the batch over, or it finished and this one returns);
    a batch done or failed returns at once."""
    status = ImportBatch.objects.filter(pk=batch_id).values_list("status", flat=True).first()
    if status is None or status in FINISHED:
        return None
    claimed_at = batch_claim(batch_id)
    if claimed_at is None:  # another worker holds it (or its attempts are used up: the sweep says so)
        if status == ImportStatus.RUNNING and not (self.request.called_directly or self.request.is_eager):
            raise self.retry(countdown=settings.IMPORT_STALE_SECONDS + 1, exc=None,
                             max_retries=settings.CELERY_TASK_TIME_LIMIT // settings.IMPORT_STALE_SECONDS + 5)
        return None
    batch = ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch_id)
    try:
        counts = batch_import(batch=batch, claimed_at=claimed_at)
    except ClaimLost:  # presumed dead and taken over: the other run goes on
        return None
    except ImportFileError as exc:
        batch_mark_failed(batch_id, claimed_at=claimed_at, message=str(exc))
        return {"failed": str(exc)}
    except SoftTimeLimitExceeded:
        batch_mark_interrupted(batch_id, claimed_at=claimed_at, message=_(
            "처리 시간이 너무 길어 멈췄습니다.") + " " + resume_message())
        return {"interrupted": "time limit"}
    except OperationalError:
        # Retried with backoff (autoretry_for), which claims the interrupted batch again and goes on.
        batch_mark_interrupted(batch_id, claimed_at=claimed_at, message=_(
            "데이터베이스 오류로 멈췄습니다. 잠시 뒤 자동으로 이어서 처리합니다."))
        raise
    except Exception:
        batch_mark_interrupted(batch_id, claimed_at=claimed_at, message=_(
            "처리 중 예기치 않은 오류가 나서 멈췄습니다. 관리자에게 알려 주세요.") + " " + resume_message())
        raise
    batch_mark_done(batch_id, claimed_at=claimed_at)
    return asdict(counts)
