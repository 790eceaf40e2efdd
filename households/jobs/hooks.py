"""What the sweeps let the apps above households add, without households importing them: more overdue sweeps
(discovery's crisis reports), more parts of the retention job (activity that keeps a household, and what
to blank when it expires) and other expiries the nightly retention job runs (discovery: uploaded list files). Apps register from their ``jobs`` module, found with ``autodiscover_modules``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from welfare.common.registries import discover

from .common import Recipients

OverdueSweep = Callable[[dt.datetime, Recipients], dict[str, int]]


@dataclass(frozen=True)
class RetentionPart:
    """``recent(cutoff)``: rows (with a ``household`` field) whose activity since ``cutoff`` keeps a household's
    personal data; ``anonymise(household_ids, now)``: blank that app's personal data of these households and
    return counts."""

    recent: Callable[[dt.datetime], QuerySet]
    anonymise: Callable[[Sequence[int], dt.datetime], dict[str, int]]


RetentionSweep = Callable[[dt.datetime], dict[str, int]]

_OVERDUE: list[OverdueSweep] = []
_RETENTION: list[RetentionPart] = []
_RETENTION_SWEEPS: list[RetentionSweep] = []


def register_overdue_sweep(sweep: OverdueSweep) -> OverdueSweep:
    _OVERDUE.append(sweep)
    return sweep


def register_retention_part(part: RetentionPart) -> RetentionPart:
    _RETENTION.append(part)
    return part


def register_retention_sweep(sweep: RetentionSweep) -> RetentionSweep:
    """Another expiry for the nightly retention job: ``sweep(now)`` deletes what is past its period, returns counts."""
    _RETENTION_SWEEPS.append(sweep)
    return sweep


def overdue_sweeps() -> list[OverdueSweep]:
    discover("jobs")
    return list(_OVERDUE)


def retention_parts() -> list[RetentionPart]:
    discover("jobs")
    return list(_RETENTION)


def retention_sweeps() -> list[RetentionSweep]:
    discover("jobs")
    return list(_RETENTION_SWEEPS)
