"""The demo community network (DOMAIN.md §9): ~45 honorary officials per dong in Seongbuk proportions, a care
team of 1–2 (3 in high-risk dongs), and a few members of the other roles. All names and phones are invented.
"""

from __future__ import annotations

import datetime as dt
import random

from discovery.models import (
    NetworkMember,
    NetworkRole,
    Occupation,
)
from welfare.models import District, Dong

from .common import pick, short_name
from .people import demo_phone, person_name
from .years import DemoYears

BATCH = 2000

HONORARY_PER_DONG = (40, 50)
HONORARY_OCCUPATIONS = (
    (Occupation.GAS_METER, 15), (Occupation.POSTAL, 12), (Occupation.DELIVERY, 18), (Occupation.STORE, 18),
    (Occupation.PHARMACY, 10), (Occupation.REAL_ESTATE, 12), (Occupation.MANAGEMENT_OFFICE, 15),
)
# Other roles, a few per dong: (role, occupation, min, max).
OTHER_MEMBERS = (
    (NetworkRole.TONGJANG, Occupation.TONGJANG, 2, 4),
    (NetworkRole.NEIGHBOUR, Occupation.RESIDENT, 2, 5),
    (NetworkRole.COUNCIL, Occupation.RESIDENT, 3, 6),
    (NetworkRole.BUSINESS, Occupation.MANAGEMENT_OFFICE, 1, 3),
    (NetworkRole.MAIL_CARRIER, Occupation.POSTAL, 1, 2),
)
ORGANISATIONS = {
    Occupation.GAS_METER: "{gu}도시가스 고객센터",
    Occupation.POSTAL: "{gu}우체국",
    Occupation.DELIVERY: "동네배달 {dong}지점",
    Occupation.STORE: "편의점 {dong}점",
    Occupation.PHARMACY: "{dong} 온누리약국",
    Occupation.REAL_ESTATE: "{dong} 공인중개사사무소",
    Occupation.MANAGEMENT_OFFICE: "{dong} ○○아파트 관리사무소",
    Occupation.TONGJANG: "{dong} {n}통",
}
ENDED_SHARE = 0.05


def _active(rng: random.Random, today: dt.date, years: DemoYears, dong_id: int) -> tuple[dt.date, dt.date | None]:
    """When a member joined and, for a few, left. A dong growing this year (welfare.demo.years) appointed new
    members this year; one shrinking lost some this year: the network's level follows the dong's pace."""
    growth = years.growth(dong_id)
    new_year = years.this_year_start
    joined_this_year = max(0.0, 1 - 1 / growth)
    if today > new_year and rng.random() < joined_this_year:
        started = new_year + dt.timedelta(days=rng.randrange((today - new_year).days))
    else:
        started = new_year - dt.timedelta(days=rng.randint(30, 4 * 365))
    ended = None
    if started < new_year and today > new_year and rng.random() < max(0.0, 1 - growth):
        ended = new_year + dt.timedelta(days=rng.randrange((today - new_year).days))
    elif rng.random() < ENDED_SHARE and (today - started).days > 2:
        ended = started + dt.timedelta(days=rng.randint(1, (today - started).days - 1))
    return started, ended


def seed_members(rng: random.Random, district: District, dongs: list[Dong], today: dt.date,
                 years: DemoYears | None = None) -> int:
    built: list[tuple[NetworkMember, list[int]]] = []
    years = years or DemoYears(today)

    def add(dong: Dong, role: str, occupation: str, n: int) -> None:
        sex = "M" if rng.random() < 0.5 else "F"
        age = rng.randint(30, 72)
        started, ended = _active(rng, today, years, dong.pk)
        organisation = ORGANISATIONS.get(occupation, "")
        if role == NetworkRole.COUNCIL:
            organisation = f"{dong.name} 지역사회보장협의체"
        elif role == NetworkRole.CARE_TEAM:
            organisation = f"{dong.name} 우리동네돌봄단"
        member = NetworkMember(
            district=district, name=person_name(rng, sex, age), role=role, occupation=occupation,
            organisation=organisation.format(gu=short_name(district.name), dong=dong.name, n=n + 1),
            phone=demo_phone(rng), active_from=started, active_to=ended, trainings_attended=rng.randint(0, 4),
            note="DEMO",
        )
        ids = [dong.pk]
        neighbours = [d for d in dongs if d.pk != dong.pk]
        if role in (NetworkRole.MAIL_CARRIER, NetworkRole.HONORARY) and neighbours and rng.random() < 0.05:
            ids.append(rng.choice(neighbours).pk)  # a postal round or a delivery area over two dongs
        built.append((member, ids))

    for dong in dongs:
        for n in range(rng.randint(*HONORARY_PER_DONG)):
            add(dong, NetworkRole.HONORARY, pick(rng, HONORARY_OCCUPATIONS), n)
        care = 3 if dong.is_high_risk else rng.randint(1, 2)
        for n in range(care):
            add(dong, NetworkRole.CARE_TEAM, Occupation.CARE_WORKER, n)
        for role, occupation, low, high in OTHER_MEMBERS:
            for n in range(rng.randint(low, high)):
                add(dong, role, occupation, n)
    members = NetworkMember.objects.bulk_create([m for m, _ in built], batch_size=BATCH)
    through = NetworkMember.dongs.through
    through.objects.bulk_create(
        [through(networkmember_id=m.pk, dong_id=d) for m, (_, ids) in zip(members, built, strict=True) for d in ids],
        batch_size=BATCH,
    )
    return len(members)
