"""Counts of waiting work on the header's menu items (the triage queue, my overdue contacts).

The core draws the header but knows no record: each app registers its counts in its own ``<app>/nav_counts.py``
(found with ``autodiscover_modules``). A count answers for one user, within the user's scope, in ONE query, and is
asked only for the capabilities the user has. The header asks for them after the page has loaded
(``/nav/counts/``, JSON), so a page itself runs no extra query and works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from welfare.common.registries import discover


@dataclass(frozen=True)
class NavCount:
    key: str  # the menu item's data-count
    capability: str  # asked of the permission table; no capability, no query
    count: Callable[[object], int]


_REGISTRY: dict[str, NavCount] = {}


def register(key: str, capability: str):
    def wrap(func: Callable[[object], int]) -> Callable[[object], int]:
        _REGISTRY[key] = NavCount(key, capability, func)
        return func

    return wrap


@cache
def _discover() -> None:
    discover("nav_counts")


def counts_for(user) -> dict[str, int]:
    """{key: count} for the counts the user may see (one query each)."""
    from .permissions import can

    _discover()
    return {c.key: c.count(user) for c in _REGISTRY.values() if can(user, c.capability)}
