"""Synthetic demo data (DOMAIN.md §8 and §9): two gu, their admin dongs, a demo user per role, households.

Everything is invented and identifies no real person: names are drawn from surname weights and syllable
pools, phones use the unassigned ``010-0xxx`` block, registration numbers carry random serials (no check
digit is computed), and addresses pair real road names with random building numbers.

Household ``i`` (0-based, counted over all demo households) is drawn from its own ``random.Random``
seeded by ``(seed, i)``, so topping up 2,000 households to 5,000 gives the same rows as seeding 5,000
at once. Contact dates are offsets from the day of the run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from discovery.demo import seed_discovery
from households.addresses import address_key
from households.demo import seed_activity
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
from plans.demo import seed_resources
from plans.demo_plan import seed_plans
from plans.figures import figures_recompute

from .models import District, Dong, Role, StaffMembership

DEFAULT_HOUSEHOLDS = 2000
DEFAULT_SEED = 2026
BATCH_SIZE = 5000
DEMO_PASSWORD = "demo-pass-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"

# --- Geography (DOMAIN.md §8) ---------------------------------------------------------------------------

DISTRICTS: dict[str, tuple[str, ...]] = {
    "성동구": (
        "왕십리도선동", "왕십리2동", "마장동", "사근동", "행당1동", "행당2동", "응봉동", "금호1가동",
        "금호2·3가동", "금호4가동", "옥수동", "성수1가1동", "성수1가2동", "성수2가1동", "성수2가3동",
        "송정동", "용답동",
    ),
    "영등포구": (
        "영등포본동", "영등포동", "여의동", "당산1동", "당산2동", "도림동", "문래동", "양평1동", "양평2동",
        "신길1동", "신길3동", "신길4동", "신길5동", "신길6동", "신길7동", "대림1동", "대림2동", "대림3동",
    ),
}
HIGH_RISK_DONGS = {("성동구", "왕십리도선동"), ("영등포구", "영등포동")}
ROADS: dict[str, tuple[str, ...]] = {
    "성동구": ("왕십리로", "고산자로", "마조로", "무학로", "독서당로", "성수이로", "아차산로"),
    "영등포구": ("영중로", "도림로", "신길로", "대림로", "당산로", "국회대로"),
}
# Dongs with more 쪽방 and other non-housing (영등포동 쪽방촌, §9).
NON_HOUSING_DONGS = {("영등포구", "영등포동")}

# --- Demo users -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str | None  # None: a superuser without a membership
    district: str = ""
    dongs: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def role_label(self) -> str:
        return "superuser" if self.role is None else str(self.role)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("official", Role.DONG_OFFICIAL, "성동구", ("왕십리도선동", "왕십리2동")),
    DemoUser("lead", Role.DONG_LEAD, "성동구", ("왕십리도선동", "왕십리2동")),
    DemoUser("planner", Role.DISTRICT_PLANNER, "성동구"),
    DemoUser("admin", Role.DISTRICT_ADMIN, "성동구", is_staff=True),
    DemoUser("official_ydp", Role.DONG_OFFICIAL, "영등포구", ("영등포동",)),
    DemoUser("superadmin", None, is_staff=True, is_superuser=True),
)

# --- People (DOMAIN.md §9) ------------------------------------------------------------------------------

# 2015 census shares for the ten commonest surnames; twenty more share the remaining 36.1 %.
_TOP_SURNAMES = (
    ("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3),
    ("강", 2.4), ("조", 2.1), ("윤", 2.1), ("장", 2.0), ("임", 1.7),
)
_OTHER_SURNAMES = (
    "한", "오", "서", "신", "권", "황", "안", "송", "전", "홍",
    "유", "고", "문", "양", "손", "배", "백", "허", "노", "남",
)
_OTHER_RAW = [2.0 - 0.07 * i for i in range(len(_OTHER_SURNAMES))]  # gently decreasing
SURNAMES: tuple[tuple[str, float], ...] = _TOP_SURNAMES + tuple(
    (name, w * 36.1 / sum(_OTHER_RAW)) for name, w in zip(_OTHER_SURNAMES, _OTHER_RAW, strict=True)
)
_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_CUM: list[float] = []
for _s, _w in SURNAMES:
    _SURNAME_CUM.append((_SURNAME_CUM[-1] if _SURNAME_CUM else 0.0) + _w)

# Given-name syllables: the §9 pool, by sex, with older-style syllables (순, 자, 숙, 철 ...) for 65+.
GIVEN_SYLLABLES = {
    ("M", False): "민준현우진호서도윤재성훈영수지건석",
    ("F", False): "서지민현영은하연수진윤유예아희경미",
    ("M", True): "철호수영식석남길용춘만상동기종순철호",
    ("F", True): "순자숙영옥희분례말정덕금화순자숙",
}
# Full names of public figures that a random draw must never produce (§9: block-list).
PUBLIC_FIGURES = frozenset({
    "김대중", "노무현", "이명박", "박근혜", "문재인", "윤석열", "이재명", "김영삼", "전두환", "노태우",
    "박정희", "이승만", "최규하", "김정은", "김정일", "김일성", "한동훈", "오세훈", "박원순", "이낙연",
    "안철수", "김연아", "손흥민", "박지성", "이순신", "유재석", "강호동", "김건희", "정은경", "조국",
})

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


def _pick(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def person_name(rng: random.Random, sex: str, age: int, surname: str | None = None) -> str:
    pool = GIVEN_SYLLABLES[(sex, age >= 65)]
    family = surname or random_surname(rng)
    while True:
        first = rng.choice(pool)
        second = rng.choice(pool)
        if second == first:
            second = rng.choice(pool)
        name = family + first + second
        if name not in PUBLIC_FIGURES:
            return name


def random_surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def birth_date_for(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date that makes the person exactly ``age`` today."""
    try:
        latest = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year - age, day=28)
    return latest - dt.timedelta(days=rng.randint(0, 364))


def demo_phone(rng: random.Random) -> str:
    """010-0xxx-xxxx (the unassigned 0xxx block), digits only."""
    return f"0100{rng.randint(0, 999):03d}{rng.randint(0, 9999):04d}"


def demo_rrn(rng: random.Random, birth: dt.date, sex: str) -> str:
    """``YYMMDDG`` + 6 random digits matching birth date and sex; the check digit is not computed."""
    gender = (1 if sex == Sex.MALE else 2) + (2 if birth.year >= 2000 else 0)
    return f"{birth:%y%m%d}{gender}{rng.randint(0, 999999):06d}"


# --- Households -----------------------------------------------------------------------------------------


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
    risk = _pick(rng, RISK_SINGLE if single else RISK_OTHER)
    status = _pick(rng, STATUS_BY_RISK[risk])
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


# --- Seeding --------------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, role, dongs, password
    seconds: float = 0.0


class DemoAccountConflict(Exception):
    """A user with a demo username exists and is not a demo account: it is never overwritten."""


def ensure_geography(report: SeedReport) -> dict[tuple[str, str], Dong]:
    dongs: dict[tuple[str, str], Dong] = {}
    made = {"districts": 0, "dongs": 0}
    for district_name, dong_names in DISTRICTS.items():
        district, created = District.objects.get_or_create(name=district_name)
        made["districts"] += created
        for name in dong_names:
            high = (district_name, name) in HIGH_RISK_DONGS
            dong, created = Dong.objects.get_or_create(district=district, name=name, defaults={"is_high_risk": high})
            if high and not dong.is_high_risk:
                dong.is_high_risk = True
                dong.save(update_fields=["is_high_risk"])
            made["dongs"] += created
            dongs[(district_name, name)] = dong
    total = {"districts": len(DISTRICTS), "dongs": sum(len(v) for v in DISTRICTS.values())}
    for key in made:
        report.created[key] = made[key]
        report.present[key] = total[key] - made[key]
    return dongs


def ensure_users(report: SeedReport, dongs: dict[tuple[str, str], Dong], seed: int) -> dict[str, object]:
    from faker import Faker

    User = get_user_model()
    fake = Faker("ko_KR")
    fake.seed_instance(seed)
    hashed = make_password(DEMO_PASSWORD)  # hashed once: the demo password is shared and public
    districts = {d.name: d for d in District.objects.filter(name__in=list(DISTRICTS))}
    users = {}
    created_count = 0
    for spec in DEMO_USERS:
        full_name = fake.last_name() + fake.first_name()
        while full_name in PUBLIC_FIGURES:
            full_name = fake.last_name() + fake.first_name()
        email = f"{spec.username}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(username=spec.username).first()
        if user is not None and user.email != email:
            raise DemoAccountConflict(
                f"A user '{spec.username}' already exists and is not a demo account (e-mail {user.email!r}); "
                f"seed_demo will not change its password. Rename or remove it first."
            )
        created = user is None
        if created:
            user = User(username=spec.username)
        # Korean order in one field: get_full_name() shows "김민준", not "민준 김".
        user.first_name, user.last_name, user.email = full_name, "", email
        user.is_staff, user.is_superuser, user.is_active = spec.is_staff, spec.is_superuser, True
        user.password = hashed
        user.save()
        created_count += created
        if spec.role is not None:
            membership, _ = StaffMembership.objects.update_or_create(
                user=user, defaults={"role": spec.role, "district": districts[spec.district]}
            )
            membership.dongs.set([dongs[(spec.district, name)] for name in spec.dongs])
        else:
            StaffMembership.objects.filter(user=user).delete()
        users[spec.username] = user
        dong_label = ", ".join(spec.dongs) or (f"{spec.district} 전체" if spec.district else "전체")
        report.users.append((spec.username, spec.role_label, dong_label, DEMO_PASSWORD))
    report.created["users"] = created_count
    report.present["users"] = len(DEMO_USERS) - created_count
    return users


def make_context(seed: int, dongs: dict[tuple[str, str], Dong], users: dict[str, object]) -> Context:
    ordered = [dongs[(d, n)] for d, names in DISTRICTS.items() for n in names]
    weight_rng = random.Random(seed)
    cum, total = [], 0.0
    for _ in ordered:
        total += weight_rng.uniform(0.7, 1.3)  # dongs differ a little in size
        cum.append(total)
    official_of = {}
    for spec in DEMO_USERS:
        if spec.role == Role.DONG_OFFICIAL:
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


def _benefit_status(rng: random.Random) -> str:
    """수급자 about 8%, 차상위 about 4% (DOMAIN §9)."""
    draw = rng.random()
    if draw < 0.08:
        return BenefitStatus.BASIC_LIVELIHOOD
    return BenefitStatus.NEAR_POOR if draw < 0.12 else BenefitStatus.NONE


def analyze(models=(Household, Resident)) -> None:
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
    existing = Household.objects.filter(is_demo=True).count()
    existing_residents = Resident.objects.filter(household__is_demo=True).count()
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
        households_qs=Household.objects.filter(is_demo=True), rng=random.Random(seed),
        officials_by_dong=official_of, progress=progress,
    )
    report.created.update({k: v for k, v in activity.items() if v})
    # The community network, a year of crisis reports and big-data rounds (after the casework, so report-born
    # cases exist to link to).
    discovery = seed_discovery(rng=random.Random(seed), districts=District.objects.filter(name__in=DISTRICTS),
                               officials_by_dong=official_of)
    report.created.update({k: v for k, v in discovery.items() if v})
    # Last year's approved basic plan for 성동구 (the demo planner and admin work there), then the nightly
    # figures, so "new plan from last year" proposes real targets at once.
    planner = get_user_model().objects.filter(username="planner").first()
    seongdong = District.objects.filter(name="성동구").first()
    if planner is not None and seongdong is not None:
        report.created["plans"] = seed_plans(district=seongdong, by=planner)
    today = timezone.localdate()
    report.created["plan_figures"] = figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today)["figures"]
    if sum(activity.values()) >= 1000:
        from households import models as hm

        analyze((hm.Visit, hm.VisitNeed, hm.FollowUp, hm.CheckIn, hm.Case, hm.CaseStageChange, hm.ServiceLink,
                 hm.Consent))
    report.seconds = time.monotonic() - began
    return report
