"""The moments a household is (or is not) selected for support, announced to the apps above households.

A case is selected at its case conference (사례회의: conference → planning) or not selected (conference →
closing); a service link moves (a public benefit decided and provided, or declined). Discovery's informant
rewards wait for these moments (issue 16 item 5). An app registers a listener in its ``selection.py`` module,
found with ``discover("selection")``, so households never imports it. Listeners run inside the
service's transaction: what they write commits or rolls back with the move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from welfare.common.registries import discover

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Case, ServiceLink


@dataclass(frozen=True)
class Selection:
    """A case whose conference decided (``case``), or a service link that moved (``link``)."""

    by: User | None
    case: Case | None = None
    link: ServiceLink | None = None


Listener = Callable[[Selection], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


@cache
def _discover() -> None:
    discover("selection")


def announce(selection: Selection) -> None:
    _discover()
    for listener in list(_listeners):
        listener(selection)
