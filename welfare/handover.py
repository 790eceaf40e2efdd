"""The hand-over registry: when a staff member leaves or moves, each app hands over its part of their open work
(households: households, follow-ups, open cases, 통s; discovery: open crisis reports) from its ``handover`` module
(``discover("handover")``). :func:`welfare.services.handover.work_hand_over` runs them in one
transaction; the core imports no app."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from welfare.common.registries import discover

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class HandOver:
    """From whom, to whom (None: each item goes to the dong's queue), within which dongs; ``to_dongs``: the dongs
    the receiver works in (items elsewhere go to the queue); ``dry_run``: count only."""

    from_user: User
    to_user: User | None
    dong_ids: Collection[int]
    to_dongs: Collection[int]
    dry_run: bool = False


# A part: the hand-over → {label: count} (what moved, or would move on a dry run).
HandOverPart = Callable[[HandOver], dict[str, int]]

_PARTS: list[HandOverPart] = []


def register_hand_over(part: HandOverPart) -> HandOverPart:
    if part not in _PARTS:
        _PARTS.append(part)
    return part


def hand_over_parts() -> list[HandOverPart]:
    discover("handover")
    return list(_PARTS)


def move_assigned(queryset, dong_path: str, order: HandOver, field: str, **extra) -> int:
    """Hand over the departing official's items of ``queryset`` (their ``field`` is the official; ``dong_path``
    leads to the item's dong): within the lead's dongs, to the receiver where they work, else to nobody (the
    dong's queue). Two UPDATEs at most; a dry run counts."""
    from django.db.models import Q

    mine = queryset.filter(**{f"{dong_path}__in": list(order.dong_ids)})
    if order.dry_run:
        return mine.count()
    if order.to_user is None:
        return mine.update(**{field: None}, **extra)
    receiver = Q(**{f"{dong_path}__in": list(order.to_dongs)})
    given = mine.filter(receiver).update(**{field: order.to_user}, **extra)
    return given + mine.exclude(receiver).update(**{field: None}, **extra)
