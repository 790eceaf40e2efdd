"""Pages of cases (being built)."""

from __future__ import annotations

from django.http import HttpRequest

from ..models import Household

urlpatterns: list = []


def detail_context(request: HttpRequest, household: Household) -> dict:
    """What the household page shows of cases; a constant number of queries."""
    return {}
