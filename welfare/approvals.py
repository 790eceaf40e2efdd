"""The approval inbox's registry: what waits for a team lead (case closings, reward decisions...). Each app registers
a source from its ``approvals`` module (``discover("approvals")``); a source lists its items within the
lead's scope and approves or returns one (with a comment) through the app's own services, which notify both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from welfare.common.registries import discover

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class ApprovalItem:
    source: str
    pk: int
    title: str
    detail: str
    submitted_at: dt.datetime | dt.date | None
    submitted_by: str
    url: str


@dataclass(frozen=True)
class ApprovalSource:
    key: str
    label: str
    items: Callable[[User, int], tuple[list[ApprovalItem], int]]  # (user, limit) → (first items, total)
    approve: Callable[[User, int], str]  # (user, pk) → the message shown
    send_back: Callable[[User, int, str], str]  # (user, pk, comment) → the message shown


_SOURCES: dict[str, ApprovalSource] = {}


def register_approval_source(source: ApprovalSource) -> ApprovalSource:
    _SOURCES[source.key] = source
    return source


def approval_sources() -> list[ApprovalSource]:
    discover("approvals")
    return sorted(_SOURCES.values(), key=lambda s: s.key)


def approval_source(key: str) -> ApprovalSource | None:
    discover("approvals")
    return _SOURCES.get(key)


RETURN_COMMENT_MIN = 5
RETURN_COMMENT_MAX = 300
