"""The today page's registry: each app adds the blocks it knows (households: follow-ups, alerts, case deadlines,
closings sent back, the team's part; discovery: reports assigned to me, reward decisions sent back), from its
``today`` module found with ``discover("today")`` — the core imports no app. Each block runs a constant
number of queries (at most a few), so the page does too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from welfare.common.registries import discover

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User


@dataclass
class TodayRow:
    """One thing to act on, with its one-click next action."""

    title: str
    detail: str = ""
    url: str = ""
    action: str = ""  # the next action's label ("방문 기록", "배정"...)
    action_url: str = ""
    tone: str = ""  # "overdue", "urgent" or ""
    post: bool = False  # the action is a POST (a button), not a link


@dataclass
class TodayBlock:
    key: str
    title: str
    rows: list[TodayRow] = field(default_factory=list)
    total: int = 0  # all of them (the rows are the first few)
    more_url: str = ""
    empty: str = ""
    team: bool = False  # the lead's part of the page


# A section: (user, today) → a block, or None when it does not apply to the user.
TodaySection = Callable[["User", "dt.date"], "TodayBlock | None"]

_SECTIONS: list[tuple[int, TodaySection]] = []


def register_today_section(order: int) -> Callable[[TodaySection], TodaySection]:
    def add(section: TodaySection) -> TodaySection:
        if all(existing is not section for _o, existing in _SECTIONS):
            _SECTIONS.append((order, section))
        return section
    return add


def today_blocks(user: User, today: dt.date) -> list[TodayBlock]:
    discover("today")
    blocks = [section(user, today) for _order, section in sorted(_SECTIONS, key=lambda pair: pair[0])]
    return [b for b in blocks if b is not None]


def rows_and_total(queryset: Any, limit: int, *, ids_first: bool = False) -> tuple[list[Any], int]:
    """The first ``limit`` rows and the count, in two queries (one when fewer than ``limit``).

    ``ids_first``: the rows are those whose ids a subquery finds (``id IN (SELECT id … LIMIT n)``), so that with a
    covering index the ordering and the limit read the index alone, and only the rows shown are read from the
    table: for a section over thousands of rows (the open crisis reports of a dong after a Ministry round).
    """
    shown = queryset.filter(pk__in=queryset.values("pk")[: limit + 1]) if ids_first else queryset
    rows = list(shown[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], queryset.count()
