"""What an access-log entry records, when it is written, for the district's review: its time, whether that was off
office hours, the account's district, the subject household's dong and district, and whether that household was
outside the account's own dongs (dong roles) or district (district roles) at that moment.

The review reads these columns for a month of entries; looking the account and the household up for each entry
took seconds on a busy month (issue 19). Fixed at write time, they also say what was true then: an official moved
to another dong later does not turn last month's visits into "outside".

The core stores only ``household_id`` on an entry and imports no app: the households app registers, in its
``access_review.py`` (found with ``autodiscover_modules``), a function giving ``{household id: (dong id, district
id)}`` for a batch of ids in one query (one per 5,000).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from django.utils import timezone

from welfare.common.registries import discover

from ..models import DONG_ROLES
from ..scoping import membership, visible_dong_ids

SEOUL = ZoneInfo("Asia/Seoul")
DAY_STARTS, DAY_ENDS = 7, 21  # office hours: 07:00 to 21:00 on weekdays, Seoul
Places = dict[int, tuple[int, int]]
_places_of_households: list[Callable[[Iterable[int]], Places]] = []


def register(places_of_households: Callable[[Iterable[int]], Places]) -> None:
    """``register(lambda ids: {pk: (dong_id, district_id) for pk, dong_id, district_id in Household…})``."""
    _places_of_households[:] = [places_of_households]


@cache
def _discover() -> None:
    discover("access_review")


@dataclass(frozen=True)
class Actor:
    district_id: int
    dong_ids: frozenset[int] | None  # None: a district role, at home anywhere in its district


def actor(user, *, dongs: bool = True) -> Actor | None:
    """The account's district and own dongs (None for anonymous users and accounts without a membership). A dong
    role's dongs are the scoping's, cached on the user object, so a request that scoped its records asks nothing
    more; ``dongs=False`` does not ask for them (an empty set)."""
    staff = membership(user)
    if staff is None:
        return None
    if not dongs:
        return Actor(district_id=staff.district_id, dong_ids=frozenset())
    if staff.role not in DONG_ROLES:
        return Actor(district_id=staff.district_id, dong_ids=None)
    dong_ids = (frozenset(staff.dongs.values_list("pk", flat=True)) if user.is_superuser
                else visible_dong_ids(user))
    return Actor(district_id=staff.district_id, dong_ids=dong_ids)


def _known_place(obj, household_id: int) -> tuple[int, int] | None:
    """The (dong, district) of a household whose dong is already in memory (the object itself, or its cached
    household). The household's own ``district_id`` is not trusted here: the database sets it on save, so an object
    just moved to another dong still holds the old one; a dong's district never changes."""
    if obj is None:
        return None
    household = obj if obj._meta.label == "households.Household" else obj._state.fields_cache.get("household")
    if household is None or household.pk != household_id:
        return None
    dong = household._state.fields_cache.get("dong")
    if dong is None or dong.pk != household.dong_id:
        return None
    return dong.pk, dong.district_id


def stamp(rows: Sequence[dict], user, objs: Sequence | None = None) -> None:
    """Add the review's columns to ``rows`` (the fields of entries about to be written by ``user``; ``objs``, if
    given, their objects, whose households may already be in memory). At most one query for the households, and
    one for a dong role's dongs unless the scoping has them."""
    who = actor(user, dongs=any(row.get("household_id") is not None for row in rows))
    known: Places = {}
    wanted: set[int] = set()
    for index, row in enumerate(rows):
        household_id = row.get("household_id")
        if household_id is None:
            continue
        place = _known_place(objs[index], household_id) if objs is not None else None
        if place is not None:
            known[household_id] = place
        else:
            wanted.add(household_id)
    wanted -= known.keys()
    if wanted:
        _discover()
        if _places_of_households:
            known.update(_places_of_households[0](wanted))
    now = timezone.now()
    for row in rows:
        at = row.setdefault("at", now)
        row["off_hours"] = is_off_hours(at)
        household_id = row.get("household_id")
        place = known.get(household_id) if household_id is not None else None
        dong_id, district_id = place if place is not None else (None, None)
        row["actor_district_id"] = who.district_id if who else None
        row["subject_dong_id"] = dong_id
        row["subject_district_id"] = district_id
        row["outside_assignment"] = is_outside(who, dong_id, district_id)


def is_outside(who: Actor | None, dong_id: int | None, district_id: int | None) -> bool:
    """The one rule: a household outside the account's dongs (dong roles) or district (district roles). Entries
    without a household, or by an account without a membership, are never outside."""
    if who is None or dong_id is None:
        return False
    if who.dong_ids is not None:
        return dong_id not in who.dong_ids
    return district_id != who.district_id


def is_off_hours(at: dt.datetime) -> bool:
    """Before 07:00 or from 21:00 Seoul time, or on a Saturday or Sunday."""
    local = at.astimezone(SEOUL)
    return local.hour < DAY_STARTS or local.hour >= DAY_ENDS or local.isoweekday() >= 6
