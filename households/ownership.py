"""Who owns a household's work: its assigned official, else its 통's official, else the 통's deputy; nobody means
the dong's queue (unassigned work of the dong, which its leads see and assign from — a household always has a
dong, so no follow-up is ever without an owner or a queue; a crisis report without a dong is in the district's).

One rule, in two shapes: :func:`owner_expr` for set-based writers (the nightly jobs, imports: an annotation, no
query per row) and :func:`owner_id` for one household. :class:`AreaMatcher` finds a 통 from a road-name address
with the 통s' street lists, loaded once for a set of dongs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Coalesce

from welfare.common.textkeys import nfkc

from .models import Area, Household

# "왕십리로 222", "무학로2길 15-3", "서울특별시 성동구 왕십리로 222 (행당동)": the road name and the building number.
_ROAD = re.compile(r"([가-힣A-Za-z0-9·]+(?:로|길))\s*(\d+)(?:-\d+)?")
_LINE = re.compile(r"^\s*([가-힣A-Za-z0-9·]+(?:로|길))\s*(?:(\d+)\s*(?:[-~]\s*(\d+))?)?\s*$")


def owner_expr(prefix: str = "") -> Coalesce:
    """The owner's user id of the household at ``prefix`` ("" on Household, "household__" on its records)."""
    return Coalesce(F(f"{prefix}assigned_official_id"), F(f"{prefix}area__official_id"),
                    F(f"{prefix}area__deputy_id"))


def owner_id(household: Household) -> int | None:
    """The owner of one household's new work (one query at most: the area's people when it has no official)."""
    if household.assigned_official_id is not None:
        return household.assigned_official_id
    if household.area_id is None:
        return None
    official, deputy = Area.objects.filter(pk=household.area_id).values_list("official_id", "deputy_id").get()
    return official or deputy


def road_and_number(address: str) -> tuple[str, int | None] | None:
    """``서울특별시 성동구 왕십리로 222, 101호`` → (``왕십리로``, 222); None when no road name is found."""
    text = nfkc(address or "").split(",")[0]
    found = _ROAD.findall(text)
    if not found:
        return None
    road, number = found[-1]
    return road, int(number)


@dataclass(frozen=True)
class _Rule:
    area_id: int
    low: int | None  # None: the whole road
    high: int | None

    @property
    def width(self) -> int:
        return 10**9 if self.low is None else (self.high or self.low) - self.low


def street_lines_problems(text: str) -> list[str]:
    """The lines of a street list that cannot be read (shown beside the field)."""
    bad = []
    for line in (text or "").splitlines():
        if line.strip() and not _LINE.match(nfkc(line)) or (m := _LINE.match(nfkc(line))) and m.group(3) and int(m.group(3)) < int(m.group(2)):
            bad.append(line.strip())
    return bad


class AreaMatcher:
    """The 통 of an address in a dong, from the street lists of the dongs' 통s (one query when built)."""

    def __init__(self, dong_ids: Iterable[int]) -> None:
        self.rules: dict[tuple[int, str], list[_Rule]] = defaultdict(list)
        self.owners: dict[int, int | None] = {}
        rows = Area.objects.filter(dong_id__in=list(dong_ids)).values_list(
            "pk", "dong_id", "streets", "official_id", "deputy_id")
        for pk, dong_id, streets, official, deputy in rows:
            self.owners[pk] = official or deputy
            for line in (streets or "").splitlines():
                m = _LINE.match(nfkc(line))
                if not m:
                    continue
                low = int(m.group(2)) if m.group(2) else None
                high = int(m.group(3)) if m.group(3) else low
                self.rules[(dong_id, m.group(1))].append(_Rule(pk, low, high))

    def area_id(self, dong_id: int | None, address: str) -> int | None:
        if dong_id is None or not self.rules:
            return None
        parsed = road_and_number(address)
        if parsed is None:
            return None
        road, number = parsed
        fits = [r for r in self.rules.get((dong_id, road), ())
                if r.low is None or (number is not None and r.low <= number <= (r.high or r.low))]
        return min(fits, key=lambda r: r.width).area_id if fits else None

    def owner_id(self, dong_id: int | None, address: str) -> int | None:
        """The 통's official (else deputy) for an address not tied to a household yet (a tip-off, a list row)."""
        area = self.area_id(dong_id, address)
        return self.owners.get(area) if area is not None else None
