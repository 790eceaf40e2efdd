"""The offline field app's registries: what the field pack carries beyond the households, the kinds of queued item
the sync accepts, and where a merged household went. Each app registers from its ``fieldwork`` module, found with
``discover("fieldwork")``: households its visits and check-ins, discovery the official's open crisis
reports, contact attempts and merges (households never imports discovery)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from welfare.common.registries import discover

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A pack section: (user, ids of the households in the pack) → a JSON value under its name.
PackSection = Callable[["User", Sequence[int]], Any]


@dataclass
class SyncResult:
    """What the server did with one queued item.

    ``sent``: recorded as typed; ``conflict``: recorded, but the server's state had moved and its rules decided
    something the official did not see (``notes`` say what); ``refused``: not recorded (``errors`` by field, as
    the API's error shape) — the item stays on the device under "확인 필요"."""

    status: str
    id: int | None = None
    notes: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    created: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "id": self.id, "notes": self.notes, "errors": self.errors,
                "created": self.created}


# A sync kind: (user, the item's payload, the pack's generated_at as ISO text or "") → SyncResult.
SyncHandler = Callable[["User", dict[str, Any], str], SyncResult]

# A household redirect: the id of a household that no longer exists → the household it was merged into, or None.
HouseholdRedirect = Callable[[int], "int | None"]

_SECTIONS: dict[str, PackSection] = {}
_KINDS: dict[str, SyncHandler] = {}
_REDIRECTS: list[HouseholdRedirect] = []


def register_pack_section(name: str) -> Callable[[PackSection], PackSection]:
    def add(section: PackSection) -> PackSection:
        _SECTIONS[name] = section
        return section
    return add


def register_sync_kind(kind: str) -> Callable[[SyncHandler], SyncHandler]:
    def add(handler: SyncHandler) -> SyncHandler:
        _KINDS[kind] = handler
        return handler
    return add


def register_household_redirect(redirect: HouseholdRedirect) -> HouseholdRedirect:
    _REDIRECTS.append(redirect)
    return redirect


def household_redirect(pk: int) -> int | None:
    """Where a merged household's records went (discovery records merges), or None."""
    discover("fieldwork")
    for redirect in _REDIRECTS:
        if (survivor := redirect(pk)) is not None:
            return survivor
    return None


def pack_sections() -> dict[str, PackSection]:
    discover("fieldwork")
    return dict(_SECTIONS)


def sync_kinds() -> dict[str, SyncHandler]:
    discover("fieldwork")
    return dict(_KINDS)
