"""Thin Celery tasks: they take names or ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .messaging.tasks import send_message  # noqa: F401  (found by autodiscover_tasks through this module)


@shared_task(
    name="welfare.run_job",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def run_job(name: str, force: bool = False) -> dict | None:
    """Run a scheduled job for its current window (welfare.jobs); safe to deliver twice. ``force`` runs it
    again under a fresh key, as ``manage.py run_job --force`` does (the job itself stays idempotent)."""
    from .jobs import run_job as run

    result = run(name, force=force)
    return None if result is None else {"job": result.job, "run_key": result.run_key, "counts": result.counts}
