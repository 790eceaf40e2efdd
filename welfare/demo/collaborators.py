"""Demo resident collaborators and dong councils (issue 17): in three dongs of each district, a few network members
with their appointment terms (one due for renewal), visits to households of the dong, reports and training hours,
the support they received; the dong council's meetings (attended by its council members) and its
Happy-Neighbourhood projects (counts only). Bulk inserts; a district that already has activities gets none."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from discovery.models import (
    ActivityKind,
    CouncilMeeting,
    HappyProject,
    MemberActivity,
    MemberAppointment,
    MemberSupport,
    NetworkMember,
    NetworkRole,
    SupportKind,
)
from households.models import Household
from welfare.models import District

MEMBERS_PER_DONG = 5
AGENDAS = (
    ("고독사 위험가구 발굴 현황 공유", "반지하·고시원 가구 방문을 통장과 함께 나누어 맡기로 함"),
    ("행복마을 특화사업 선정", "이웃 반찬 나눔과 어르신 말벗 사업을 추진하기로 함"),
    ("하반기 복지 사각지대 캠페인", "편의점·약국에 제보 안내문을 비치하기로 함"),
)
PROJECTS = (("이웃 반찬 나눔", 4_800_000, 45, 40), ("어르신 말벗 동행", 2_500_000, 30, 30),
            ("행복 텃밭 가꾸기", 1_200_000, 20, 18))


def seed_collaborators(*, rng: random.Random, districts: Iterable[District], today: dt.date) -> int:
    made = 0
    for district in districts:
        if MemberActivity.objects.filter(member__district=district).exists():
            continue
        with transaction.atomic():
            made += _seed(rng, district, today)
    return made


def _seed(rng: random.Random, district: District, today: dt.date) -> int:
    dongs = list(district.dongs.order_by("name")[:3])
    year_start = dt.date(today.year, 1, 1)
    span = max((today - year_start).days, 1)
    appointments, activities, supports, meetings, projects = [], [], [], [], []
    for dong in dongs:
        members = list(NetworkMember.objects.filter(dongs=dong).active(today)
                       .filter(role__in=[NetworkRole.CARE_TEAM, NetworkRole.HONORARY, NetworkRole.NEIGHBOUR])
                       .order_by("pk")[:MEMBERS_PER_DONG])
        households = list(Household.objects.filter(dong=dong).order_by("pk").values_list("pk", flat=True)[:30])
        for i, m in enumerate(members):
            start = dt.date(today.year - 2, 1 + i % 12, 1)
            # the first member's term ends next month: due for renewal
            ends = (today + dt.timedelta(days=30)) if i == 0 else dt.date(today.year + 1, 1 + i % 12, 1)
            appointments.append(MemberAppointment(member=m, appointed_on=start, term_ends_on=ends))
            for _ in range(rng.randint(3, 10)):
                if households:
                    activities.append(MemberActivity(
                        member=m, dong=dong, kind=ActivityKind.VISIT, household_id=rng.choice(households),
                        done_on=year_start + dt.timedelta(days=rng.randrange(span))))
            for _ in range(rng.randint(0, 2)):
                activities.append(MemberActivity(member=m, dong=dong, kind=ActivityKind.REPORT,
                                                 done_on=year_start + dt.timedelta(days=rng.randrange(span))))
            activities.append(MemberActivity(member=m, dong=dong, kind=ActivityKind.TRAINING,
                                             hours=Decimal(rng.choice([2, 3, 4])),
                                             done_on=year_start + dt.timedelta(days=rng.randrange(span))))
            supports.append(MemberSupport(member=m, kind=SupportKind.INSURANCE, given_on=year_start,
                                          amount_krw=15_000))
            supports.append(MemberSupport(member=m, kind=SupportKind.ACTIVITY_COST, given_on=min(
                today, year_start + dt.timedelta(days=90)), amount_krw=rng.choice([30_000, 50_000])))
        council = list(NetworkMember.objects.filter(dongs=dong, role=NetworkRole.COUNCIL)
                       .values_list("name", flat=True)[:6]) or ["위원장", "부위원장", "간사"]
        for k, (agenda, decision) in enumerate(AGENDAS):
            held = year_start + dt.timedelta(days=min(span - 1, 40 + 90 * k))
            meetings.append(CouncilMeeting(dong=dong, held_on=held, agenda=agenda, attendees=", ".join(council),
                                           decisions=decision))
        for title, budget, people, homes in PROJECTS[: 2 + (len(dong.name) % 2)]:
            projects.append(HappyProject(dong=dong, year=today.year, title=title, budget_krw=budget,
                                         beneficiaries=people, households=homes))
    MemberAppointment.objects.bulk_create(appointments, ignore_conflicts=True)
    MemberActivity.objects.bulk_create(activities)
    MemberSupport.objects.bulk_create(supports)
    CouncilMeeting.objects.bulk_create(meetings)
    HappyProject.objects.bulk_create(projects)
    return len(activities)
