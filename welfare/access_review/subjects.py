"""Which dong an access-log entry's subject household is in, registered by the app that owns households.

The core stores only ``household_id`` on an entry and imports no app; the households app registers, in its
``access_review.py`` (found with ``autodiscover_modules``), a function returning a one-column subquery: the dong
id of ``OuterRef("household_id")``. The review annotates every entry with it in the same query.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.db import models
from django.db.models import Value

from welfare.common.registries import discover

_dong_of_household: list[Callable[[], models.QuerySet]] = []


def register(dong_of_household: Callable[[], models.QuerySet]) -> None:
    """``register(lambda: Household.objects.filter(pk=OuterRef("household_id")).values("dong_id")[:1])``."""
    _dong_of_household[:] = [dong_of_household]


@cache
def _discover() -> None:
    discover("access_review")


def subject_dong() -> models.Subquery | Value:
    """The subject household's dong id (NULL when an entry has no household or no app registered)."""
    _discover()
    if not _dong_of_household:
        return Value(None, output_field=models.BigIntegerField())
    return models.Subquery(_dong_of_household[0](), output_field=models.BigIntegerField())
