"""Thin Celery tasks: they take names or ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    name="welfare.run_job",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def run_job(name: str) -> dict | None:
    """Run a scheduled job for its current window (welfare.jobs); safe to deliver twice."""
    from .jobs import run_job as run

    result = run(name)
    return None if result is None else {"job": result.job, "run_key": result.run_key, "counts": result.counts}
