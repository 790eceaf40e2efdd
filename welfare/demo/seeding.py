"""``seed_demo``'s work (DOMAIN.md §8 and §9): the organisation, households, resources, a year of casework, the
discovery network and reports, and last year's plan with its figures. Safe to run again: each part skips what
is already there, so a second run adds nothing and a larger ``households`` only tops up.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from households import models as hm
from plans.figures import figures_recompute
from welfare.models import District

from .casework import seed_activity
from .discovery import seed_discovery
from .households import BATCH_SIZE, create_households, make_context
from .organisation import DISTRICTS, ensure_geography, ensure_users
from .plans import seed_plans
from .report import SeedReport
from .resources import seed_resources
from .transfers import seed_transfers

DEFAULT_HOUSEHOLDS = 2000
DEFAULT_SEED = 2026


def analyze(models=(hm.Household, hm.Resident)) -> None:
    """Fresh planner statistics after a large insert, so the first queries do not plan on empty tables."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed(
    households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Geography, demo users and at least ``households`` demo households. Safe to run again."""
    began = time.monotonic()
    report = SeedReport()
    with transaction.atomic():
        dongs = ensure_geography(report)
        users = ensure_users(report, dongs, seed)
    existing = hm.Household.objects.filter(is_demo=True).count()
    existing_residents = hm.Resident.objects.filter(household__is_demo=True).count()
    made_h = made_r = 0
    if existing < households:
        ctx = make_context(seed, dongs, users)
        made_h, made_r = create_households(ctx, existing, households, batch_size, progress)
        if made_h >= 1000:
            analyze()
    report.created["households"], report.present["households"] = made_h, existing
    report.created["residents"], report.present["residents"] = made_r, existing_residents
    # Resources, then a year of casework (visits, follow-ups, cases, links) for the households under care.
    # Both skip what is already there, so a second run adds nothing.
    report.created["resources"] = sum(seed_resources(d) for d in District.objects.filter(name__in=DISTRICTS))
    official_of = make_context(seed, dongs, users).official_of
    activity = seed_activity(
        households_qs=hm.Household.objects.filter(is_demo=True), rng=random.Random(seed),
        officials_by_dong=official_of, progress=progress,
    )
    report.created.update({k: v for k, v in activity.items() if v})
    # The community network, a year of crisis reports and big-data rounds (after the casework, so report-born
    # cases exist to link to).
    discovery = seed_discovery(rng=random.Random(seed), districts=District.objects.filter(name__in=DISTRICTS),
                               officials_by_dong=official_of)
    report.created.update({k: v for k, v in discovery.items() if v})
    # Two difficult cases asked of the district team, one of them accepted (issue 15).
    report.created["case_transfers"] = seed_transfers()
    # Last year's approved basic plan for 성동구 (the demo planner and admin work there), then the nightly
    # figures, so "new plan from last year" proposes real targets at once.
    planner = get_user_model().objects.filter(username="planner").first()
    seongdong = District.objects.filter(name="성동구").first()
    if planner is not None and seongdong is not None:
        report.created["plans"] = seed_plans(district=seongdong, by=planner)
    today = timezone.localdate()
    report.created["plan_figures"] = figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today)["figures"]
    if sum(activity.values()) >= 1000:
        analyze((hm.Visit, hm.VisitNeed, hm.FollowUp, hm.CheckIn, hm.Case, hm.CaseStageChange, hm.ServiceLink,
                 hm.Consent))
    report.seconds = time.monotonic() - began
    return report
