"""The entries a district reviews, filtered, each with its flags, the unusual first: one query per page.

Flags (each a SQL expression, so the page's queries do not grow with its rows):
- ``off_hours``: before 07:00 or from 21:00 Seoul time, or on a Saturday or Sunday;
- ``outside``: the subject household is outside the account's own dongs (dong roles) or district (district roles);
- ``many_reveals`` / ``many_exports``: a reveal (export) by an account that revealed (exported) at least
  ``ACCESS_REVIEW_MANY_REVEALS`` (``ACCESS_REVIEW_MANY_EXPORTS``) times that Seoul day, among the entries the
  filters select (a window function over account and day).
``score`` weighs them (reveals and exports twice); the list is by score, then newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from ..models import DONG_ROLES, AccessAction, AccessLog, District, Dong, StaffMembership
from .subjects import subject_dong

SEOUL = ZoneInfo("Asia/Seoul")
DAY_STARTS, DAY_ENDS = 7, 21  # office hours: 07:00 to 21:00, Seoul


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


def _per_account_day(action: str) -> Window:
    return Window(
        Sum(_flag(Q(action=action))),
        partition_by=[F("user_id"), TruncDate("at", tzinfo=SEOUL)],
    )


def district_entries(district: District) -> QuerySet[AccessLog]:
    """Entries by the district's staff, or about a household in one of its dongs; with ``subject_dong``."""
    district_dongs = Dong.objects.filter(district=district).values("pk")
    return (AccessLog.objects.annotate(subject_dong=subject_dong())
            .filter(Q(user__staff__district=district) | Q(subject_dong__in=district_dongs)))


def entries(district: District, filters: Filters) -> QuerySet[AccessLog]:
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=SEOUL)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL)
    queryset = district_entries(district).filter(at__gte=start, at__lt=end)
    person = filters.person.strip()
    if person.isdigit():
        queryset = queryset.filter(household_id=int(person))
    elif person:
        queryset = queryset.filter(object_repr__icontains=person)
    if filters.account.strip():
        queryset = queryset.filter(username__icontains=filters.account.strip())
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.dong is not None:
        queryset = queryset.filter(**{"subject_dong": filters.dong.pk})  # an annotation the stubs do not see
    own_dong = StaffMembership.dongs.through.objects.filter(
        staffmembership__user_id=OuterRef("user_id"), dong_id=OuterRef("subject_dong"))
    own_district = Dong.objects.filter(pk=OuterRef("subject_dong"), district_id=OuterRef("user__staff__district_id"))
    queryset = queryset.annotate(
        seoul_hour=ExtractHour("at", tzinfo=SEOUL),
        seoul_weekday=ExtractIsoWeekDay("at", tzinfo=SEOUL),
        in_own_dongs=Exists(own_dong),
        in_own_district=Exists(own_district),
        reveals_that_day=_per_account_day(AccessAction.REVEAL),
        exports_that_day=_per_account_day(AccessAction.EXPORT),
    ).annotate(
        off_hours=_flag(Q(seoul_hour__lt=DAY_STARTS) | Q(seoul_hour__gte=DAY_ENDS) | Q(seoul_weekday__gte=6)),
        outside=_flag(
            Q(subject_dong__isnull=False, user__staff__isnull=False)
            & ((Q(user__staff__role__in=DONG_ROLES) & Q(in_own_dongs=False))
               | (~Q(user__staff__role__in=DONG_ROLES) & Q(in_own_district=False)))
        ),
        many_reveals=_flag(Q(action=AccessAction.REVEAL, reveals_that_day__gte=many_reveals())),
        many_exports=_flag(Q(action=AccessAction.EXPORT, exports_that_day__gte=many_exports())),
    ).annotate(
        score=F("off_hours") + F("outside") + 2 * F("many_reveals") + 2 * F("many_exports"),
    ).select_related("token")
    if filters.unusual_only:
        queryset = queryset.filter(score__gt=0)
    return queryset.order_by("-score", "-at", "-id")
