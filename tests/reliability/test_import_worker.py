"""A list import survives its worker child being killed (issue 12 item 1, "Done when"): a real Celery worker on
the private Redis and PostgreSQL imports a generated list; the pool child running it is SIGKILLed mid-import,
as the kernel's out-of-memory killer would; the message is delivered again, the new delivery waits until the
batch's heartbeat is stale, takes the batch over and goes on from its last committed line, and every good row
is imported exactly once.

Run with ``DATABASE_URL=postgres://…`` (see conftest.py).
"""

from __future__ import annotations

import os
import signal

import pytest
from django.db.models import Count

from discovery.models import (
    BigDataTarget,
    CrisisReport,
    ImportBatch,
    ImportRowError,
    ImportStatus,
    RiskIndicator,
)
from discovery.tasks import import_batch_run
from tests.discovery.factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round
from tests.factories import DistrictFactory, DongFactory

from .conftest import enqueue_task, wait_for

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

ROWS = 5_000  # three chunks of the runner's 2,000 rows
BAD_EVERY = 50  # an unknown dong: 100 bad rows


def indicator_catalogue() -> None:
    """The catalogue a migration seeds: an earlier transactional test's flush emptied the table."""
    from importlib import import_module

    catalogue = import_module("discovery.migrations.0002_risk_indicators").INDICATORS
    RiskIndicator.objects.bulk_create(
        [RiskIndicator(code=code, name_ko=ko, name_en=en, signal=signal) for code, ko, en, signal in catalogue],
        ignore_conflicts=True)


def generated_list() -> tuple[bytes, int]:
    rows = [crisis_row(n, "없는동") if n % BAD_EVERY == 0 else crisis_row(n) for n in range(1, ROWS + 1)]
    return csv_bytes(CRISIS_HEADER, rows), ROWS // BAD_EVERY


def test_a_worker_child_killed_mid_import_is_resumed_and_imports_every_good_row_once(services, start_worker,
                                                                                      tmp_path):
    # given a 5,000-row list (100 bad rows) waiting, and a worker whose import pauses once after its first
    # committed chunk; short heartbeat and stale limits, a task time limit long enough for the pause
    indicator_catalogue()
    dong = DongFactory(district=DistrictFactory(name="성동구"), name="왕십리도선동")
    content, bad = generated_list()
    batch = make_batch(dong.district, content, round=make_round(dong.district))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PENDING, started_at=None)
    marker = tmp_path / "paused"
    worker = start_worker(
        WELFARE_TEST_PAUSE_IMPORT_AFTER_CHUNKS="1", WELFARE_TEST_PAUSE_MARKER=str(marker),
        WELFARE_TEST_PAUSE_SECONDS="60", IMPORT_HEARTBEAT_SECONDS="1", IMPORT_STALE_SECONDS="3",
        CELERY_TASK_TIME_LIMIT="90", CELERY_VISIBILITY_TIMEOUT="100",
    )
    enqueue_task(services, import_batch_run, batch.pk)
    wait_for(marker.exists, timeout=30, what="the import to pause after its first chunk", workers=[worker])
    wait_for(lambda: marker.read_text().strip(), timeout=5, what="the pool child's pid in the marker")
    stopped = ImportBatch.objects.get(pk=batch.pk)
    assert (stopped.status, stopped.resume_line, stopped.processed_rows) == (ImportStatus.RUNNING, 2001, 2000)

    # when the pool child running the import is SIGKILLed (the worker's main process lives on)
    os.kill(int(marker.read_text()), signal.SIGKILL)

    # then the batch is finished by the delivery that follows, after its heartbeat went stale
    done = wait_for(lambda: ImportBatch.objects.filter(pk=batch.pk, status__in=["done", "failed", "interrupted"])
                    .first(), timeout=60, what="the batch to finish", workers=[worker])
    assert done.status == ImportStatus.DONE, done.error_message
    assert worker.alive()
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()
    assert done.attempts == 2  # claimed by the first delivery, then taken over once
    # every good row imported exactly once, every bad row stored once
    good = ROWS - bad
    assert (done.total_rows, done.processed_rows, done.created_count, done.duplicate_count, done.error_count) == (
        ROWS, ROWS, good, 0, bad)
    reports = CrisisReport.objects.filter(import_batch=batch.pk)
    assert reports.count() == good
    assert not reports.values("import_key").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(reports.values_list("subject_name", flat=True)) == {
        f"김민{n:03d}" for n in range(1, ROWS + 1) if n % BAD_EVERY}
    assert BigDataTarget.objects.filter(report__import_batch=batch.pk).count() == good
    assert list(ImportRowError.objects.filter(batch=batch.pk).order_by("line").values_list("line", flat=True)) == [
        n + 1 for n in range(BAD_EVERY, ROWS + 1, BAD_EVERY)]
