"""Demo universal visits (보편 방문, DOMAIN §6 and §9): residents turning 65 and newborn families, each visited once,
over the demo's span at the dong's pace (welfare.demo.years), so the plan's "universal visits done" metric has
last year's figures and this year's. Each is a done universal follow-up met by a home visit; written in bulk.

Idempotent per district: a district that already has demo universal visits gets none.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping

from django.db import transaction

from households.models import (
    ContactResult,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    Visit,
    VisitKind,
)
from welfare.models import District, Dong

from .common import own_timestamps, working_moment
from .years import DemoYears

UNIVERSAL_PER_DONG = (40, 90)  # a year, at last year's pace
NOTE = "보편 방문(DEMO)"
BATCH = 2000
OBSERVATIONS = (
    "만 65세 도래 어르신 방문: 기초연금·노인맞춤돌봄서비스 안내, 건강 상태 양호",
    "만 65세 도래 어르신 방문: 혼자 지내며 외출이 줄었다고 함, 경로당 프로그램 안내",
    "출생 가정 방문: 산모·아기 건강 확인, 첫만남이용권·아동수당 안내",
    "출생 가정 방문: 산후우울 선별 안내, 방문건강관리 연계 안내",
)


@transaction.atomic
def seed_universal_visits(*, rng: random.Random, district: District, officials: Mapping[int, list[int]],
                          years: DemoYears) -> int:
    """Done universal visits for the district's demo households; returns the follow-ups made."""
    if FollowUp.objects.filter(household__dong__district=district, reason=FollowUpReason.UNIVERSAL,
                               note=NOTE).exists():
        return 0
    homes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, dong_id, risk in (Household.objects.filter(dong__district=district, is_demo=True)
                              .order_by("pk").values_list("pk", "dong_id", "risk_level")):
        homes[dong_id].append((pk, risk))
    visits: list[Visit] = []
    follow_ups: list[FollowUp] = []
    for dong_id in Dong.objects.filter(district=district).order_by("name").values_list("pk", flat=True):
        households = homes.get(dong_id, [])
        if not households:
            continue
        wanted = years.count(rng, dong_id, UNIVERSAL_PER_DONG)
        staff = officials.get(dong_id) or [None]
        for household_id, risk in rng.sample(households, min(wanted, len(households))):
            day = years.day(rng, dong_id)
            at = working_moment(rng, day)
            official = rng.choice(staff)
            visit = Visit(household_id=household_id, visited_at=at, kind=VisitKind.HOME,
                          contact_result=ContactResult.MET, observations=rng.choice(OBSERVATIONS),
                          risk_level=risk or "low", recorded_by_id=official, created_at=at)
            visits.append(visit)
            follow_ups.append(FollowUp(household_id=household_id, due_on=day, reason=FollowUpReason.UNIVERSAL,
                                       status=FollowUpStatus.DONE, assigned_to_id=official, visit=visit,
                                       note=NOTE, created_at=at, closed_at=at))
    with own_timestamps(Visit, FollowUp):
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    return len(follow_ups)
