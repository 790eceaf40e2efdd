"""What every sweep shares: batching (id ranges, keyset pages, chunks), the cadence policies, who hears about a
household or report (by capability), and the bulk notification insert."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Max, Min, Q
from django.urls import reverse

from welfare.models import Notification, StaffMembership
from welfare.notifications import notify_many
from welfare.permissions import roles_with

from ..models import CadencePolicy, CareStatus

CARE_STATUSES = (CareStatus.UNDER_CARE, CareStatus.MONITORING)
HOUSEHOLD_BATCH = 20_000  # households read per statement (a few MB of tuples)
WRITE_BATCH = 2_000  # rows per INSERT / ids per UPDATE … WHERE id IN (…)


def chunks(items: Sequence, size: int | None = None) -> Iterator[Sequence]:
    size = size or WRITE_BATCH
    for start in range(0, len(items), size):
        yield items[start:start + size]


def id_ranges(queryset: models.QuerySet, size: int) -> Iterator[tuple[int, int]]:
    """Half-open pk ranges ``[lo, hi)`` covering the queryset: each batch is an index range scan."""
    bounds = queryset.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    for lo in range(bounds["lo"], bounds["hi"] + 1, size):
        yield lo, lo + size


def keyset(queryset: models.QuerySet, columns: Sequence[str], size: int | None = None) -> Iterator[list[tuple]]:
    """Pages of ``values_list(pk, *columns)`` in pk order; the next page starts after the last pk seen."""
    size = size or WRITE_BATCH
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]
        if len(rows) < size:
            return


def address_line(road: str, detail: str) -> str:
    return f"{road}, {detail}" if detail else road


def url_pattern(name: str) -> str:
    return reverse(name, args=[987654321]).replace("987654321", "{}")


@dataclass(frozen=True)
class Policies:
    """Every district's cadence policy, and the defaults for districts without one."""

    by_district: dict[int, CadencePolicy]
    default: CadencePolicy

    @classmethod
    def load(cls) -> Policies:
        return cls({p.district_id: p for p in CadencePolicy.objects.all()}, CadencePolicy())

    def of(self, district_id: int) -> CadencePolicy:
        return self.by_district.get(district_id, self.default)

    def groups(self) -> list[tuple[CadencePolicy, Q]]:
        """(policy, condition on households) pairs that cover every household once."""
        groups = [(p, Q(dong__district_id=d)) for d, p in self.by_district.items()]
        groups.append((self.default, ~Q(dong__district_id__in=list(self.by_district))))
        return groups




@dataclass(frozen=True)
class Recipients:
    """Who hears about a household or report: its official, and the dong's staff who receive team alerts (the
    staff who receive district alerts when a report has no dong yet). One read of the staff table per job run."""

    leads_by_dong: dict[int, list[int]]
    admins_by_district: dict[int, list[int]]

    @classmethod
    def load(cls, *, dong_id: int | None = None) -> Recipients:
        """Everyone (for a sweep), or only the team-alert receivers of one dong (for a single household)."""
        leads: dict[int, list[int]] = defaultdict(list)
        memberships = StaffMembership.dongs.through.objects.filter(
            staffmembership__role__in=roles_with("receive_team_alerts"), staffmembership__user__is_active=True)
        if dong_id is not None:
            memberships = memberships.filter(dong_id=dong_id)
        for dong, user_id in memberships.values_list("dong_id", "staffmembership__user_id"):
            leads[dong].append(user_id)
        admins: dict[int, list[int]] = defaultdict(list)
        if dong_id is None:
            for district_id, user_id in StaffMembership.objects.filter(
                role__in=roles_with("receive_district_alerts"), user__is_active=True
            ).values_list("district_id", "user_id"):
                admins[district_id].append(user_id)
        return cls(dict(leads), dict(admins))

    def of(self, *, official_id: int | None, dong_id: int | None, district_id: int | None = None) -> list[int]:
        people = [official_id] if official_id else []
        if dong_id is not None:
            people += self.leads_by_dong.get(dong_id, [])
        elif district_id is not None:
            people += self.admins_by_district.get(district_id, [])
        return list(dict.fromkeys(people))


def notify(notifications: Iterable[Notification]) -> int:
    """Insert in bulk; the (user, dedupe_key) constraint drops what a previous run already sent. Returns how
    many were new."""
    return notify_many(list(notifications))

