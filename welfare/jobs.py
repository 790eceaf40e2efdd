"""The scheduled jobs: one registry, one way to claim a run, one Celery task (welfare.tasks.run_job).

A job is a service function ``func(now) -> counts``. Running it claims its window (the local day or hour) by
inserting a ``JobRun`` row with a unique ``(job, run_key)``: two beats at once, a redelivered task or a retry
after success find the row taken and do nothing. A failed run may be claimed again (compare-and-set).
The job bodies are set-based and idempotent by their own constraints as well, so even a forced re-run
creates nothing twice.

Jobs are registered with ``@register`` by the modules that own them, found like the admin's modules: each app's
``jobs`` module (``<app>/jobs.py`` or ``<app>/jobs/``), plans' ``figures`` module, and the core's notifications.
The core names no app.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from welfare.common.registries import discover

from .models import JobRun, JobStatus

log = logging.getLogger(__name__)

# The module names autodiscovered in every installed app ("figures": plans' nightly figures).
JOB_MODULE_NAMES = ("jobs", "figures")


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    window: str  # "day" or "hour"
    func: Callable[[dt.datetime], dict[str, int]]


_REGISTRY: dict[str, Job] = {}


def register(name: str, *, label: str, window: str = "day"):
    def decorate(func):
        _REGISTRY[name] = Job(name=name, label=label, window=window, func=func)
        return func

    return decorate


def jobs() -> dict[str, Job]:
    from . import access_log_partitions, notifications  # noqa: F401  (the core's own jobs)
    from .messaging import jobs as _messaging_jobs  # noqa: F401

    discover(*JOB_MODULE_NAMES)
    return dict(_REGISTRY)


def run_key(job: Job, now: dt.datetime) -> str:
    local = timezone.localtime(now)
    return f"{local:%Y-%m-%d}" if job.window == "day" else f"{local:%Y-%m-%dT%H}"


def _claim(job: Job, key: str, now: dt.datetime) -> JobRun | None:
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, run_key=key, started_at=now)
    except IntegrityError:
        pass
    # Taken. A failed run, or one "running" for longer than a task may live (its worker died), is claimed again.
    stale = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    reclaimable = JobRun.objects.filter(job=job.name, run_key=key).filter(_reclaimable_q(stale))
    if reclaimable.update(status=JobStatus.RUNNING, started_at=now, finished_at=None, error="",
                          attempts=F("attempts") + 1) == 1:
        return JobRun.objects.get(job=job.name, run_key=key)
    return None


def _reclaimable_q(stale: dt.datetime):
    from django.db.models import Q

    return Q(status=JobStatus.FAILED) | Q(status=JobStatus.RUNNING, started_at__lt=stale)


def run_job(name: str, *, now: dt.datetime | None = None, force: bool = False) -> JobRun | None:
    """Run one job for the current window. Returns its JobRun, or None when the window was already claimed.

    ``force`` runs it again under a fresh key (for an operator; the job itself stays idempotent).
    """
    registry = jobs()
    if name not in registry:
        raise KeyError(f"Unknown job {name!r}. Known: {', '.join(sorted(registry))}")
    job = registry[name]
    now = now or timezone.now()
    key = run_key(job, now)
    if force:
        key = f"{key}/manual-{timezone.localtime(timezone.now()):%H%M%S%f}"
    run = _claim(job, key, now)
    if run is None:
        log.info("job %s %s already claimed; nothing to do", name, key)
        return None
    try:
        counts = job.func(now)
    except Exception:
        JobRun.objects.filter(pk=run.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                                error=traceback.format_exc()[-4000:])
        raise
    _pause_for_tests()
    JobRun.objects.filter(pk=run.pk).update(status=JobStatus.DONE, finished_at=timezone.now(), counts=counts or {})
    run.refresh_from_db()
    return run


def _pause_for_tests() -> None:
    """Test support for tests/reliability, inert unless ``WELFARE_TEST_PAUSE_AFTER_WORK`` is set (only the Celery
    worker those tests start sets it). The first run to get here sleeps that many seconds after the job's work is
    committed and before its JobRun is marked done, so the test can SIGKILL the worker at the worst moment;
    the file ``WELFARE_TEST_PAUSE_MARKER``, created atomically, says the pause began and keeps later runs from
    pausing."""
    seconds = os.environ.get("WELFARE_TEST_PAUSE_AFTER_WORK")
    if not seconds:
        return
    try:
        with open(os.environ["WELFARE_TEST_PAUSE_MARKER"], "x") as marker:
            marker.write(str(os.getpid()))
    except FileExistsError:
        return
    time.sleep(float(seconds))
