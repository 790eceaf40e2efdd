"""Reference tables the district pages list and edit (구 설정 › 기준 정보), registered by the apps that own them.

The core owns the pages (``welfare.views_reference``) but not every table: an app registers its table in its
own ``<app>/reference_data.py`` (found with ``autodiscover_modules``) with the rows, the columns shown, the form
that turns a POST into values and the service that validates, saves and logs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.db import models

from welfare.common.registries import discover


@dataclass(frozen=True)
class Table:
    key: str  # in the URL: /district/reference/<key>/
    title: str
    order: int
    rows: Callable[[], models.QuerySet]  # every row, ordered
    columns: tuple[tuple[str, str], ...]  # (label, attribute)
    form: Callable[[Any, Any], forms.Form]  # (row, POST data or None) → the form
    save: Callable[..., Any]  # the service: save(row=..., by=..., data=form.cleaned_data)
    saved_message: str
    # The app's own page for the table, when it needs more than a list and an edit form (the indicator
    # catalogue: aliases, new rows, a queue); the tab and the generic list lead there.
    url_name: str = ""


_tables: dict[str, Table] = {}


def register(table: Table) -> Table:
    _tables[table.key] = table
    return table


@cache
def _discover() -> None:
    discover("reference_data")


def tables() -> list[Table]:
    _discover()
    return sorted(_tables.values(), key=lambda t: (t.order, t.key))


def table(key: str) -> Table | None:
    _discover()
    return _tables.get(key)
