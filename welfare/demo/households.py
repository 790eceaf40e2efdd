"""Demo households and their residents (DOMAIN.md §9), drawn one by one and written in bulk.

Household ``i`` (0-based, counted over all demo households) is drawn from its own ``random.Random`` seeded by
``(seed, i)``, so topping up 2,000 households to 5,000 gives the same rows as seeding 5,000 at once. Addresses
pair real road names with random building numbers; contact dates are offsets from the day of the run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from households.models import (
    BenefitStatus,
    CareStatus,
    Household,
    HousingType,
    Relation,
    Resident,
    RiskLevel,
    Sex,
)
from welfare.common.addresses import address_key
from welfare.models import Dong

from .common import pick
from .organisation import DEMO_USERS, DISTRICTS, NON_HOUSING_DONGS, ROADS
from .people import birth_date_for, demo_phone, demo_rrn, person_name, random_surname

BATCH_SIZE = 5000

HOUSING_MIX: tuple[tuple[str, float], ...] = (
    # 아파트 45 % (of which 공공임대 5), 다세대·연립 25 % + 다가구·원룸 15 %, 단독 7 %,
    # 고시원·쪽방·비주택 5 %, 반지하 3 % (§9).
    (HousingType.APARTMENT, 40), (HousingType.PUBLIC_RENTAL, 5), (HousingType.MULTI_FAMILY, 40),
    (HousingType.DETACHED, 7), (HousingType.GOSIWON, 2), (HousingType.JJOKBANG, 1),
    (HousingType.ROOFTOP, 1), (HousingType.OTHER, 1), (HousingType.SEMI_BASEMENT, 3),
)
_NON_HOUSING = {HousingType.GOSIWON, HousingType.JJOKBANG, HousingType.ROOFTOP, HousingType.OTHER}
_ROOM_ONLY = {HousingType.GOSIWON, HousingType.JJOKBANG}

# Risk shares: 1-person households as the national survey (2.6 % high, 19.8 % medium); others mostly low.
RISK_SINGLE = ((RiskLevel.HIGH, 2.6), (RiskLevel.MEDIUM, 19.8), (RiskLevel.LOW, 77.6))
RISK_OTHER = ((RiskLevel.HIGH, 1.0), (RiskLevel.MEDIUM, 8.0), (RiskLevel.LOW, 91.0))
STATUS_BY_RISK = {
    RiskLevel.HIGH: ((CareStatus.UNDER_CARE, 70), (CareStatus.MONITORING, 25), (CareStatus.NOT_UNDER_CARE, 5)),
    RiskLevel.MEDIUM: ((CareStatus.UNDER_CARE, 25), (CareStatus.MONITORING, 45), (CareStatus.NOT_UNDER_CARE, 30)),
    RiskLevel.LOW: ((CareStatus.UNDER_CARE, 3), (CareStatus.MONITORING, 7), (CareStatus.NOT_UNDER_CARE, 90)),
}
# Default contact cadence in days by risk level (DOMAIN.md §6: weekly, every 2 weeks, monthly).
CONTACT_DAYS = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 14, RiskLevel.LOW: 30}
SINGLE_PERSON_SHARE = 0.42  # §9: 40–45 %
RRN_SHARE_OF_HEADS = 0.20


@dataclass
class Member:
    relation: str
    sex: str
    age: int
    surname: str | None = None


@dataclass
class Context:
    seed: int
    today: dt.date
    dongs: list[Dong]
    dong_cum_weights: list[float]
    district_of: dict[int, str]
    official_of: dict[int, int]  # dong id -> assigned official's user id
    non_housing_dong_ids: set[int] = field(default_factory=set)


def _head_age(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.35:
        return 65 + int(rng.triangular(0, 31, 0))  # 65–95, fewer at the top
    if band < 0.65:
        return rng.randint(50, 64)
    return rng.randint(20, 49)


def _members(rng: random.Random, single: bool, head_age: int) -> list[Member]:
    """Head first, then the others. Surnames follow the father where there is one."""
    if single:
        female = rng.random() < (0.65 if head_age >= 65 else 0.45)
        return [Member(Relation.HEAD, Sex.FEMALE if female else Sex.MALE, head_age)]
    size = rng.choices((2, 3, 4), (45, 30, 25))[0]
    head_sex = Sex.FEMALE if rng.random() < 0.3 else Sex.MALE
    other_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
    members = [Member(Relation.HEAD, head_sex, head_age)]
    if rng.random() < (0.65 if head_age >= 65 else 0.7):
        members.append(Member(Relation.SPOUSE, other_sex, max(20, head_age + rng.randint(-5, 5))))
    grandchildren = head_age >= 65 and rng.random() < 0.15
    while len(members) < size:
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        if grandchildren:
            members.append(Member(Relation.GRANDCHILD, sex, rng.randint(5, 17)))
            continue
        child_age = head_age - rng.randint(24, 40)
        if child_age >= 0 and rng.random() < 0.85:
            members.append(Member(Relation.CHILD, sex, child_age))
        elif head_age <= 60 and rng.random() < 0.5:
            members.append(Member(Relation.PARENT, sex, min(99, head_age + rng.randint(24, 34))))
        else:
            relation = Relation.SIBLING if rng.random() < 0.7 else Relation.COHABITANT
            members.append(Member(relation, sex, max(18, head_age + rng.randint(-8, 8))))
    return members


def _assign_surnames(rng: random.Random, members: list[Member]) -> None:
    """Children take the father's surname; the head's siblings and father share the head's."""
    head = members[0]
    for m in members:
        if m.relation in (Relation.HEAD, Relation.SPOUSE):
            m.surname = random_surname(rng)
    father = head if head.sex == Sex.MALE else next(
        (m for m in members if m.relation == Relation.SPOUSE and m.sex == Sex.MALE), head
    )
    for m in members[1:]:
        if m.relation in (Relation.CHILD, Relation.GRANDCHILD):
            m.surname = father.surname
        elif m.relation == Relation.SIBLING or (m.relation == Relation.PARENT and m.sex == Sex.MALE):
            m.surname = head.surname
        elif m.surname is None:
            m.surname = random_surname(rng)


def _address_detail(rng: random.Random, housing: str) -> str:
    if housing in (HousingType.APARTMENT, HousingType.PUBLIC_RENTAL):
        return f"{rng.randint(101, 115)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
    if housing == HousingType.MULTI_FAMILY:
        return f"{rng.randint(1, 5)}{rng.randint(1, 4):02d}호" if rng.random() < 0.85 else ""
    if housing == HousingType.SEMI_BASEMENT:
        return f"B{rng.randint(1, 4):02d}호"
    if housing == HousingType.ROOFTOP:
        return f"{rng.randint(3, 5)}층 옥탑"
    if housing == HousingType.GOSIWON:
        return f"{rng.randint(2, 5)}층 {rng.randint(1, 30):02d}호"
    if housing == HousingType.JJOKBANG:
        return f"{rng.randint(1, 20)}호"
    return ""


def _housing(rng: random.Random, single: bool, non_housing_dong: bool) -> str:
    values, weights = zip(*HOUSING_MIX, strict=True)
    weights = list(weights)
    for k, value in enumerate(values):
        if value in _NON_HOUSING and non_housing_dong:
            weights[k] *= 6
        if value in _ROOM_ONLY and not single:
            weights[k] *= 0.1
    return rng.choices(values, weights)[0]


def build_household(ctx: Context, index: int) -> tuple[Household, list[Resident]]:
    """Household number ``index`` and its residents (unsaved). Same seed and index, same household."""
    rng = random.Random(ctx.seed * 1_000_003 + index)
    today = ctx.today
    dong = rng.choices(ctx.dongs, cum_weights=ctx.dong_cum_weights)[0]
    district = ctx.district_of[dong.pk]
    single = rng.random() < SINGLE_PERSON_SHARE
    head_age = _head_age(rng)
    members = _members(rng, single, head_age)
    _assign_surnames(rng, members)
    housing = _housing(rng, single, dong.pk in ctx.non_housing_dong_ids)

    road = rng.choice(ROADS[district])
    if rng.random() < 0.35:
        road_address = f"서울특별시 {district} {road}{rng.randint(1, 30)}길 {rng.randint(1, 80)}"
    else:
        road_address = f"서울특별시 {district} {road} {rng.randint(1, 300)}"

    ages = [m.age for m in members]
    relations = {m.relation for m in members}
    has_child = any(m.relation == Relation.CHILD and m.age < 22 for m in members)
    elderly = head_age >= 65
    disabled = rng.random() < (0.10 if elderly else 0.055)
    carer_age = any(13 <= m.age <= 34 for m in members[1:]) or 13 <= head_age <= 34
    risk = pick(rng, RISK_SINGLE if single else RISK_OTHER)
    status = pick(rng, STATUS_BY_RISK[risk])
    last = nxt = None
    if status != CareStatus.NOT_UNDER_CARE:
        # Next contact at the default cadence after the last one; about one in eight is overdue.
        cadence = CONTACT_DAYS[risk]
        last = today - dt.timedelta(days=rng.randint(0, round(cadence * 1.15)))
        nxt = last + dt.timedelta(days=cadence)
    official = ctx.official_of.get(dong.pk) if status != CareStatus.NOT_UNDER_CARE else None

    household = Household(
        dong=dong,
        road_address=road_address,
        address_detail=_address_detail(rng, housing),
        housing_type=housing,
        is_single_person=single,
        is_elderly_only=min(ages) >= 65,
        is_single_parent=has_child and Relation.SPOUSE not in relations,
        is_grandparent_headed=Relation.GRANDCHILD in relations and Relation.CHILD not in relations,
        has_disabled_member=disabled,
        has_young_carer=carer_age and (disabled or elderly) and rng.random() < 0.2,
        risk_level=risk,
        status=status,
        benefit_status=_benefit_status(rng),
        assigned_official_id=official,
        last_contact_on=last,
        next_contact_on=nxt,
        is_demo=True,
    )

    household.address_key = address_key(household.road_address, household.address_detail)  # bulk_create skips save()

    head_years = rng.randint(0, max(0, min(head_age - 18, 30)))
    head_moved_in = today - dt.timedelta(days=head_years * 365 + rng.randint(0, 364))
    residents = []
    for m in members:
        birth = birth_date_for(rng, today, m.age)
        phone = ""
        if m.age >= 14 and rng.random() < (0.75 if m.age >= 65 else 0.9):
            phone = demo_phone(rng)
        resident = Resident(
            name=person_name(rng, m.sex, m.age, m.surname),
            birth_date=birth,
            sex=m.sex,
            relation=m.relation,
            phone=phone,
            moved_in_on=max(head_moved_in, birth),
        )
        if m.relation == Relation.HEAD and rng.random() < RRN_SHARE_OF_HEADS:
            resident.set_rrn(demo_rrn(rng, birth, m.sex))
        residents.append(resident)
    return household, residents


def make_context(seed: int, dongs: dict[tuple[str, str], Dong], users: dict[str, object]) -> Context:
    ordered = [dongs[(d, n)] for d, names in DISTRICTS.items() for n in names]
    weight_rng = random.Random(seed)
    cum, total = [], 0.0
    for _ in ordered:
        total += weight_rng.uniform(0.7, 1.3)  # dongs differ a little in size
        cum.append(total)
    official_of = {}
    for spec in DEMO_USERS:
        if spec.caseworker:
            for name in spec.dongs:
                official_of[dongs[(spec.district, name)].pk] = users[spec.username].pk
    return Context(
        seed=seed,
        today=timezone.localdate(),
        dongs=ordered,
        dong_cum_weights=cum,
        district_of={dong.pk: district for (district, _), dong in dongs.items()},
        official_of=official_of,
        non_housing_dong_ids={dongs[key].pk for key in NON_HOUSING_DONGS},
    )


def _chunks(start: int, stop: int, size: int) -> Iterator[range]:
    for first in range(start, stop, size):
        yield range(first, min(first + size, stop))


def create_households(
    ctx: Context, start: int, stop: int, batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, int]:
    """Households ``start`` .. ``stop - 1`` with their residents, one transaction per batch."""
    households_made = residents_made = 0
    began = time.monotonic()
    for indexes in _chunks(start, stop, batch_size):
        built = [build_household(ctx, i) for i in indexes]
        with transaction.atomic():
            households = Household.objects.bulk_create([h for h, _ in built], batch_size=batch_size)
            residents = []
            for household, members in zip(households, (m for _, m in built), strict=True):
                if household.pk is None:  # a backend that cannot return ids from a bulk insert
                    raise RuntimeError(f"bulk_create returned no ids on {connection.vendor}")
                for resident in members:
                    resident.household = household
                    residents.append(resident)
            Resident.objects.bulk_create(residents, batch_size=batch_size)
        reset_queries()  # with DEBUG on, the logged SQL of 5,000-row inserts would pile up
        households_made += len(households)
        residents_made += len(residents)
        if progress is not None:
            progress(f"  {indexes.stop - start:>7} / {stop - start} households ({time.monotonic() - began:.1f} s)")
    return households_made, residents_made


# 수급자 about 8% (by the widest benefit: 생계 most, then 주거 alone, 의료 alone, 교육 alone), 차상위 about 4%
# (DOMAIN §9). One draw per household, so the rest of the demo draws stay the same.
_BENEFIT_BANDS = ((0.048, BenefitStatus.LIVELIHOOD), (0.052, BenefitStatus.MEDICAL), (0.076, BenefitStatus.HOUSING),
                  (0.08, BenefitStatus.EDUCATION), (0.12, BenefitStatus.NEAR_POOR))


def _benefit_status(rng: random.Random) -> str:
    draw = rng.random()
    return next((status for upper, status in _BENEFIT_BANDS if draw < upper), BenefitStatus.NONE)

