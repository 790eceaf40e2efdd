"""``seed_demo``'s work (DOMAIN.md §8 and §9): the organisation, households, resources, casework from half a
year before last January to today (welfare.demo.years), the discovery network and reports, universal visits, and
for both districts last year's plan and this year's made from it, with their figures. Safe to run again: each
part skips what is already there, so a second run adds nothing and a larger ``households`` only tops up.
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

from .areas import seed_areas
from .casework import seed_activity
from .channels import seed_channels
from .collaborators import seed_collaborators
from .common import official_ids
from .conferences import seed_conferences
from .discovery import seed_discovery
from .dong_plans import seed_dong_plans
from .front_door import seed_front_door
from .guide import seed_guide_groups
from .households import BATCH_SIZE, create_households, make_context
from .measurements import seed_measurements
from .organisation import DISTRICTS, ensure_geography, ensure_users
from .plans import seed_plans
from .programmes import seed_programmes
from .report import SeedReport
from .resources import seed_resources
from .risk_levels import seed_risk_levels
from .transfers import seed_transfers
from .universal import seed_universal_visits
from .years import DemoYears

# Who drafts each district's demo plans (the district's admin approves them).
PLANNERS = {"성동구": "planner", "영등포구": "planner_ydp"}
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
    today = timezone.localdate()
    years = DemoYears(today, seed)  # last year and this year, each dong at its own pace this year
    activity = seed_activity(
        households_qs=hm.Household.objects.filter(is_demo=True), rng=random.Random(seed),
        officials_by_dong=official_of, progress=progress, today=today, years=years,
    )
    # The activity counts the households it gave casework to as "households": kept apart, so the households
    # created above are not overwritten (the bench once said "Seeded 19071 households" after creating 100,000).
    activity["households_with_casework"] = activity.pop("households", 0)
    report.created.update({k: v for k, v in activity.items() if v})
    demo_districts = list(District.objects.filter(name__in=DISTRICTS).order_by("name"))
    report.created.update({k: v for k, v in seed_risk_levels(districts=demo_districts, today=today).items() if v})
    # The community network, crisis reports and the Ministry's rounds (after the casework, so report-born cases
    # exist to link to), and the universal visits.
    districts = list(District.objects.filter(name__in=DISTRICTS).order_by("name"))
    discovery = seed_discovery(rng=random.Random(seed), districts=districts, officials_by_dong=official_of,
                               today=today, years=years)
    report.created.update({k: v for k, v in discovery.items() if v})
    universal_rng = random.Random(f"{seed}-universal")
    report.created["universal_visits"] = sum(
        seed_universal_visits(rng=universal_rng, district=d, officials=official_ids(official_of), years=years)
        for d in districts)
    # Each district's plans: last year's, approved, and this year's made from it (targets: last year's actual
    # × 1.10), then the nightly figures, so both dashboards read the same casework at once.
    planners = {u.username: u for u in get_user_model().objects.filter(username__in=PLANNERS.values())}
    report.created["plans"] = 0
    for district in districts:
        planner = planners.get(PLANNERS.get(district.name, ""))
        if planner is not None:
            report.created["plans"] += seed_plans(district=district, by=planner, today=today, years=years)
    # Social-network programmes with before/after measures, linked to this year's plans (issue 17).
    report.created["programmes"] = seed_programmes(rng=random.Random(f"{seed}-programmes"), districts=districts,
                                                   today=today)
    # Per-dong discovery plans under this year's plans (issue 17).
    report.created["dong_plans"] = seed_dong_plans(districts=districts, today=today)
    # Resident collaborators' activities and support, the dong councils' meetings and projects (issue 17).
    report.created["collaborator_activities"] = seed_collaborators(
        rng=random.Random(f"{seed}-collaborators"), districts=districts, today=today)
    report.created["guide_groupings"] = seed_guide_groups(districts)
    report.created["report_sources"] = seed_channels(rng=random.Random(f"{seed}-channels"), districts=districts)
    # The demo official's cases waiting for their conference: two recorded (issue 16 item 3).
    report.created["case_conferences"] = seed_conferences(rng=random.Random(f"{seed}-conferences"))
    # Two difficult cases asked of the district team, one of them accepted (issue 15).
    report.created["case_transfers"] = seed_transfers()
    # The staffed dongs' 통 with their officials, a few households in the dong's queue, a closing in the inbox.
    report.created["areas"] = seed_areas()
    # The public door: requests at each stage, their messages, a district wording and a partner login (issue 20).
    door = seed_front_door(districts=districts, superuser=users.get("superadmin"),
                           admins={"성동구": users.get("admin"), "영등포구": users.get("admin_ydp")})
    report.created.update({k: v for k, v in door.items() if v})
    # Health measurements from devices, a few households per district, some out of range (issue 17 item 7);
    # after the 통 (seed_areas), so the alert goes to the nurse, not the dong's queue.
    report.created["health_measurements"] = seed_measurements(rng=random.Random(f"{seed}-measurements"),
                                                              districts=districts, today=today)
    report.created["plan_figures"] = figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today)["figures"]
    if sum(activity.values()) >= 1000:
        analyze((hm.Visit, hm.VisitNeed, hm.FollowUp, hm.CheckIn, hm.Case, hm.CaseStageChange, hm.ServiceLink,
                 hm.Consent))
    report.seconds = time.monotonic() - began
    return report
