"""Pages of worklists (being built)."""

from __future__ import annotations

from django.http import HttpRequest

from ..models import Household

urlpatterns: list = []


def detail_context(request: HttpRequest, household: Household) -> dict:
    """What the household page shows of worklists; a constant number of queries."""
    return {}
