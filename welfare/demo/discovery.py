"""Synthetic discovery data for the demo (DOMAIN.md §9): the community network, crisis reports from every
channel over the demo's span (welfare.demo.years), the Ministry's rounds (blind-spot and lonely-death lists) with
their targets, and a few reward decisions (pending until the household is selected).

Everything is invented. Rows are written with ``bulk_create`` straight to the tables (the report services are
not needed to draw history), and kept consistent with the rules the services enforce: a resolved report has
an outcome and, where it matters, a reason; a report resolved as "case opened" points at a case opened after
it was received; an "unreachable" one has the configured number of failed contact attempts; a target's answer
is the one its report's outcome gives (one truth); rewards follow the exclusions, the selection and the yearly
cap.

Idempotent per district and per part: members are made only when the district has none, reports (with their
rounds, targets and rewards) only when the district has no demo report yet (receipt codes ``DM<district>-…``).
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from discovery.models import CrisisReport, NetworkMember
from welfare.models import District, Dong

from .common import official_ids
from .network import seed_members
from .reports import seed_reports
from .years import DemoYears


def seed_discovery(*, rng: random.Random, districts: Iterable[District], officials_by_dong: Mapping[int, object],
                   today: dt.date | None = None, years: DemoYears | None = None) -> dict[str, int]:
    """Network members, crisis reports over the span, rounds with targets, and a few reward decisions.

    ``officials_by_dong`` maps a dong id to its officials (users or ids, one or a list), who are assigned the
    reports. A district that already has members gets no new members; one that already has demo reports gets
    no new reports, rounds or rewards: a second run adds nothing. Returns the rows made per kind.

    Budget: about 10 bulk INSERTs and 8 reads per district, one transaction each; a district of 18 dongs makes
    about 1,000 members and, over the two years, about 1,700 reports.
    """
    today = today or timezone.localdate()
    years = years or DemoYears(today)
    officials = official_ids(officials_by_dong)
    totals: dict[str, int] = defaultdict(int)
    for district in districts:
        dongs = list(Dong.objects.filter(district=district).order_by("name"))
        if not dongs:
            continue
        with transaction.atomic():
            if not NetworkMember.objects.filter(district=district).exists():
                totals["network_members"] += seed_members(rng, district, dongs, today, years)
            if not CrisisReport.objects.filter(district=district, receipt_code__startswith=f"DM{district.pk:03d}-").exists():
                for key, value in seed_reports(rng, district, dongs, today, officials, years).items():
                    totals[key] += value
    return dict(totals)
