"""The entries a district reviews, filtered, each with its flags, the unusual first: set-based, a fixed number of
queries per page.

Flags (each a SQL expression, so the page's queries do not grow with its rows):
- ``off_hours``: before 07:00 or from 21:00 Seoul time, or on a Saturday or Sunday;
- ``outside``: the subject household was outside the account's own dongs (dong roles) or district (district
  roles); both flags are columns of the entry, fixed when it was written (``subjects``);
- ``many_reveals`` / ``many_exports``: a reveal (export) by an account that revealed (exported) at least
  ``ACCESS_REVIEW_MANY_REVEALS`` (``ACCESS_REVIEW_MANY_EXPORTS``) times that Seoul day among the district's
  entries of the period (whatever the other filters), found first by one grouped query over the reveal and export
  rows.
``score`` weighs them (reveals and exports twice); the list is by score, then newest first.

A district's entries are found by two indexed columns (the account's district, the household's district), so a
month's review reads that month's partition for that district only, and no entry needs a lookup of its account or
household (issue 19: 5–16 s on a busy month before). Three queries of the log (busy days, count, page),
whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from ..common.requests import given_id
from ..models import AccessAction, AccessLog, District, Dong
from .subjects import SEOUL


def many_reveals() -> int:
    return getattr(settings, "ACCESS_REVIEW_MANY_REVEALS", 10)


def many_exports() -> int:
    return getattr(settings, "ACCESS_REVIEW_MANY_EXPORTS", 5)


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date  # inclusive
    person: str = ""  # a household number, or text of the entry's subject
    account: str = ""
    action: str = ""
    dong: Dong | None = None
    unusual_only: bool = False


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _busy_days(entries: QuerySet[AccessLog]) -> dict[str, list[tuple[int, dt.date]]]:
    """(account, Seoul day) pairs with at least the threshold of reveals (exports) among ``entries``, per action:
    one grouped query over the few reveal and export rows (a partial index), never over the views."""
    thresholds = {AccessAction.REVEAL: many_reveals(), AccessAction.EXPORT: many_exports()}
    rows = (entries.filter(action__in=thresholds, user_id__isnull=False)
            .annotate(day=TruncDate("at", tzinfo=SEOUL)).order_by()
            .values("action", "user_id", "day").annotate(n=Count("pk"))
            .filter(Q(action=AccessAction.REVEAL, n__gte=thresholds[AccessAction.REVEAL])
                    | Q(action=AccessAction.EXPORT, n__gte=thresholds[AccessAction.EXPORT])))
    busy: dict[str, list[tuple[int, dt.date]]] = {action: [] for action in thresholds}
    for row in rows:
        busy[row["action"]].append((row["user_id"], row["day"]))
    return busy


def _many(action: str, days: list[tuple[int, dt.date]]) -> Case | Value:
    """1 for an entry of ``action`` by one of those accounts on one of its busy days (a condition on the row's own
    columns, so PostgreSQL asks it only of the reveal or export rows)."""
    if not days:
        return Value(0, output_field=IntegerField())
    on_a_busy_day = Q()
    for user_id, day in sorted(days):
        start = dt.datetime.combine(day, dt.time.min, tzinfo=SEOUL)
        on_a_busy_day |= Q(user_id=user_id, at__gte=start, at__lt=start + dt.timedelta(days=1))
    return _flag(Q(action=action) & on_a_busy_day)


def district_entries(district: District) -> QuerySet[AccessLog]:
    """Entries by the district's staff, or about a household in one of its dongs (both as they were when the entry
    was written)."""
    return AccessLog.objects.filter(Q(actor_district=district) | Q(subject_district=district))


def entries(district: District, filters: Filters) -> QuerySet[AccessLog]:
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=SEOUL)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL)
    period = district_entries(district).filter(at__gte=start, at__lt=end)
    busy = _busy_days(period)
    queryset = period
    person = filters.person.strip()
    if person.isdigit():  # a household's number (one too long for an id names none)
        queryset = queryset.filter(household_id=given_id(person))
    elif person:
        queryset = queryset.filter(object_repr__icontains=person)
    if filters.account.strip():
        queryset = queryset.filter(username__icontains=filters.account.strip())
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.dong is not None:
        queryset = queryset.filter(subject_dong=filters.dong)
    queryset = queryset.annotate(
        off_hours_flag=_flag(Q(off_hours=True)),
        outside=_flag(Q(outside_assignment=True)),
        many_reveals=_many(AccessAction.REVEAL, busy[AccessAction.REVEAL]),
        many_exports=_many(AccessAction.EXPORT, busy[AccessAction.EXPORT]),
    ).annotate(
        score=F("off_hours_flag") + F("outside") + 2 * F("many_reveals") + 2 * F("many_exports"),
    ).prefetch_related("token")  # not a join: the LIMIT then bounds the sort (a top-N heap, not a sort of the month)
    if filters.unusual_only:
        queryset = queryset.filter(score__gt=0)
    return queryset.order_by("-score", "-at", "-id")
