"""Synthetic discovery data for the demo (DOMAIN.md §9): the community network, a year of crisis reports from
every channel, the Ministry's big-data rounds with their targets, and a few reward decisions.

Everything is invented. Rows are written with ``bulk_create`` straight to the tables (the report services are
not needed to draw history), and kept consistent with the rules the services enforce: a resolved report has
an outcome and, where it matters, a reason; a report resolved as "case opened" points at a case opened after
it was received; an "unreachable" one has the configured number of failed contact attempts; a big-data target
of a past round is answered; rewards follow the exclusions and the yearly cap.

Idempotent per district and per part: members are made only when the district has none, reports (with their
rounds, targets and rewards) only when the district has no demo report yet (receipt codes ``DM<district>-…``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from households.models import (
    BenefitStatus,
    Case,
    CaseSource,
    Consent,
    ConsentMethod,
    ConsentScope,
    Household,
    LinkStatus,
    Relation,
    Resident,
    ServiceLink,
    digits,
)
from households.rrn import keyed_hash
from plans.models import Resource
from welfare.models import District, Dong, Role

from .models import (
    REWARD_EXCLUDED_OCCUPATIONS,
    REWARD_EXCLUDED_ROLES,
    AttemptMethod,
    BigDataRound,
    BigDataTarget,
    Channel,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    NetworkMember,
    NetworkRole,
    Occupation,
    ReporterIdentity,
    ReporterKind,
    ReportOutcome,
    ReportStatus,
    RewardDecision,
    RiskIndicator,
    RiskSignal,
    TargetResult,
    Urgency,
)

BATCH = 2000
REPORTS_PER_DONG = (30, 60)

# --- Network (§9: ~45 honorary officials per dong in Seongbuk proportions; care team 1–2, 3 in high-risk dongs) ---

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

# --- Reports (§9 channel shares; the 8 % of universal visits are not crisis reports: counted as agency referrals) --

CHANNELS = (
    (Channel.BIGDATA, 55), (Channel.HONORARY, 10), (Channel.BUSINESS, 3), (Channel.NETWORK, 2),
    (Channel.WALK_IN, 5), (Channel.PHONE, 5), (Channel.REFERRAL, 8), (Channel.IOT_ALERT, 5),
    (Channel.MAIL_CARRIER, 4), (Channel.KAKAO, 2), (Channel.WEB, 1),
)
# §9 funnel after screening (no need 30, linkage only 45, case 25) with the not-located share of §3 carved out.
OUTCOMES = (
    (ReportOutcome.NO_NEED, 28), (ReportOutcome.LINKAGE_ONLY, 40), (ReportOutcome.CASE_OPENED, 22),
    (ReportOutcome.UNREACHABLE, 6), (ReportOutcome.DUPLICATE, 2), (ReportOutcome.REFERRED, 2),
)
TARGET_RESULTS = (
    (TargetResult.SUPPORTED_PUBLIC, 25), (TargetResult.SUPPORTED_PRIVATE, 30), (TargetResult.NO_NEED, 30),
    (TargetResult.NOT_LOCATED, 10), (TargetResult.REFUSED, 5),
)
# §9 indicator frequencies; a pair shares its share (전기 30 %: cut-off or arrears, and so on).
INDICATOR_SHARES = (
    (("nhi_arrears",), 0.45), (("elec_arrears", "elec_cut"), 0.30), (("telecom_arrears",), 0.25),
    (("water_arrears", "gas_arrears"), 0.20), (("financial_delinquency",), 0.15),
    (("public_rent_arrears", "mgmt_fee_arrears"), 0.12), (("employment_crisis", "closure"), 0.10),
    (("catastrophic_medical",), 0.05),
)
REASONS = {
    ReportOutcome.NO_NEED: ("소득·재산 기준 초과, 욕구 없음", "본인 확인 결과 지원 불필요", "가족 지원으로 해소"),
    ReportOutcome.UNREACHABLE: ("방문·전화·복지등기 모두 응답 없음", "주소지에 거주하지 않음"),
    ReportOutcome.DUPLICATE: ("같은 세대의 앞선 제보와 중복",),
    ReportOutcome.REFERRED: ("정신건강복지센터 의뢰", "지역 노인종합복지관 의뢰", "경찰서 학대예방경찰관 연계"),
}
DETAILS = {
    Channel.HONORARY: ("검침 때 집 안에서 인기척은 있으나 문을 열지 않음", "가스요금 고지서가 계속 쌓여 있음"),
    Channel.BUSINESS: ("관리비가 여러 달 밀려 있다고 관리사무소에서 알림", "매일 오던 손님이 일주일째 보이지 않음"),
    Channel.NETWORK: ("이웃 어르신이 끼니를 거르는 것 같다고 함", "혼자 사는 이웃이 요즘 외출을 안 함"),
    Channel.WALK_IN: ("실직 후 월세가 밀려 상담 요청", "병원비 때문에 생활비가 없다고 방문"),
    Channel.PHONE: ("옆집에서 며칠째 인기척이 없다는 전화", "어머니가 혼자 지내기 어렵다는 가족 전화"),
    Channel.REFERRAL: ("퇴원 후 돌봄이 필요한 환자 의뢰", "가정 방문 중 위기 징후 발견, 경찰 의뢰",
                       "결석이 잦은 학생 가정 학교 의뢰"),
    Channel.IOT_ALERT: ("스마트플러그 48시간 전력 사용 없음", "AI 안부전화 3회 무응답"),
    Channel.MAIL_CARRIER: ("복지등기 배달 때 우편물이 문 앞에 쌓여 있음", "집배원 생활 실태 체크리스트: 단전 의심"),
    Channel.KAKAO: ("반지하에 사는 이웃이 아파 보인다는 제보",),
    Channel.WEB: ("고시원 옆방 분이 며칠째 식사를 못 하는 것 같음",),
    Channel.BIGDATA: ("복지사각지대 발굴 명단 대상",),
}
REFERRAL_AGENCIES = (("경찰서", "경찰관"), ("병원", "의료인"), ("초등학교", "교원"), ("정신건강복지센터", "상담원"))
NETWORK_CHANNELS = frozenset({Channel.HONORARY, Channel.BUSINESS, Channel.NETWORK, Channel.MAIL_CARRIER})
# Walk-ins and callers mostly give their name; online tip-offs are mostly anonymous.
NAMED_SHARE = {Channel.WALK_IN: 0.7, Channel.PHONE: 0.7, Channel.WEB: 0.4, Channel.KAKAO: 0.4}
URGENT_SHARE = {Channel.IOT_ALERT: 0.4, Channel.REFERRAL: 0.3, Channel.BIGDATA: 0.03}
OPEN_DAYS = 21  # reports younger than this may still be open


def _pick(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _official_ids(officials_by_dong: Mapping[int, object] | None) -> dict[int, list[int]]:
    """dong id → user, user id, or a list of either."""
    out: dict[int, list[int]] = {}
    for dong_id, value in (officials_by_dong or {}).items():
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        out[dong_id] = [getattr(v, "pk", v) for v in values if v is not None]
    return out


def _working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _short(district: District) -> str:
    return district.name.removesuffix("구")


# --- Members --------------------------------------------------------------------------------------------------


def _seed_members(rng: random.Random, district: District, dongs: list[Dong], today: dt.date) -> int:
    from welfare.demo import demo_phone, person_name  # welfare.demo imports this module: import late

    built: list[tuple[NetworkMember, list[int]]] = []

    def add(dong: Dong, role: str, occupation: str, n: int) -> None:
        sex = "M" if rng.random() < 0.5 else "F"
        age = rng.randint(30, 72)
        started = today - dt.timedelta(days=rng.randint(30, 4 * 365))
        ended = None
        if rng.random() < ENDED_SHARE:
            ended = started + dt.timedelta(days=rng.randint(1, max(1, (today - started).days - 1)))
        organisation = ORGANISATIONS.get(occupation, "")
        if role == NetworkRole.COUNCIL:
            organisation = f"{dong.name} 지역사회보장협의체"
        elif role == NetworkRole.CARE_TEAM:
            organisation = f"{dong.name} 우리동네돌봄단"
        member = NetworkMember(
            district=district, name=person_name(rng, sex, age), role=role, occupation=occupation,
            organisation=organisation.format(gu=_short(district), dong=dong.name, n=n + 1),
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
            add(dong, NetworkRole.HONORARY, _pick(rng, HONORARY_OCCUPATIONS), n)
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


# --- Rounds ---------------------------------------------------------------------------------------------------


def _round_periods(today: dt.date) -> list[tuple[int, int, dt.date, dt.date]]:
    """(year, number, received on, due on) of the bimonthly rounds received in the past year, oldest first."""
    periods = []
    year, number = today.year, (today.month - 1) // 2 + 1
    for _ in range(7):
        received = dt.date(year, 2 * (number - 1) + 1, 5)
        if received <= today and received > today - dt.timedelta(days=365):
            periods.append((year, number, received, received + dt.timedelta(days=55)))
        number -= 1
        if number == 0:
            year, number = year - 1, 6
    return sorted(periods, key=lambda p: p[2])


def _ensure_rounds(district: District, today: dt.date) -> tuple[list[BigDataRound], int]:
    periods = _round_periods(today)
    existing = {(r.year, r.number): r for r in BigDataRound.objects.filter(district=district)}
    new = [BigDataRound(district=district, year=y, number=n, received_on=rec, due_on=due)
           for y, n, rec, due in periods if (y, n) not in existing]
    made = BigDataRound.objects.bulk_create(new)
    for r in made:
        existing[(r.year, r.number)] = r
    return [existing[(y, n)] for y, n, _, _ in periods], len(made)


# --- Reports --------------------------------------------------------------------------------------------------


@dataclass
class _Pools:
    """What a dong offers to the reports drawn for it: members by channel, households, cases, resources."""

    members: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    households: list[int] = field(default_factory=list)
    cases: list[tuple[int, int, dt.date]] = field(default_factory=list)
    resources: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))


def _pools(rng: random.Random, district: District, today: dt.date) -> tuple[dict[int, _Pools], dict[int, int]]:
    """Per dong, and the current head of each household of the district (for a consent before a private link)."""
    pools: dict[int, _Pools] = defaultdict(_Pools)
    rows = (NetworkMember.dongs.through.objects.filter(networkmember__district=district)
            .values_list("dong_id", "networkmember_id", "networkmember__role", "networkmember__occupation",
                         "networkmember__active_to").order_by("networkmember_id", "dong_id"))
    channel_of = {NetworkRole.HONORARY: Channel.HONORARY, NetworkRole.BUSINESS: Channel.BUSINESS,
                  NetworkRole.MAIL_CARRIER: Channel.MAIL_CARRIER}
    for dong_id, member_id, role, occupation, active_to in rows:
        if active_to is not None and active_to < today:
            continue
        # Who makes a report earn nothing, named as rewards.reward_evaluate names them; "" for the others.
        excluded = (str(NetworkRole(role).label) if role in REWARD_EXCLUDED_ROLES
                    else str(Occupation(occupation).label) if occupation in REWARD_EXCLUDED_OCCUPATIONS else "")
        pools[dong_id].members[channel_of.get(role, Channel.NETWORK)].append((member_id, excluded))
    for pk, dong_id in Household.objects.filter(dong__district=district).order_by("pk").values_list("pk", "dong_id"):
        pools[dong_id].households.append(pk)
    # Cases the casework seed opened "from a report" in the past year, not yet tied to one: a report is drawn
    # for each, received a few days before the case opened.
    tied = CrisisReport.objects.filter(case=OuterRef("pk"))
    cases = (Case.objects.filter(household__dong__district=district, source=CaseSource.REPORT,
                                 opened_on__gt=today - dt.timedelta(days=350))
             .exclude(Exists(tied)).order_by("pk").values_list("pk", "household_id", "household__dong_id", "opened_on"))
    for pk, household_id, dong_id, opened_on in cases:
        pools[dong_id].cases.append((pk, household_id, opened_on))
    dong_ids = list(pools) or list(Dong.objects.filter(district=district).values_list("pk", flat=True))
    served: dict[int, set[int]] = defaultdict(set)
    for resource_id, dong_id in Resource.dongs.through.objects.filter(resource__district=district).values_list(
            "resource_id", "dong_id"):
        served[resource_id].add(dong_id)
    for pk, sector in Resource.objects.filter(district=district, is_active=True).order_by("pk").values_list(
            "pk", "sector"):
        for dong_id in served.get(pk) or dong_ids:
            pools[dong_id].resources[sector].append((pk, sector))
    for pool in pools.values():
        rng.shuffle(pool.cases)
    heads = dict(Resident.objects.filter(household__dong__district=district, relation=Relation.HEAD,
                                         left_on__isnull=True).order_by("household_id", "pk")
                 .values_list("household_id", "pk"))
    return pools, heads


def _indicators(rng: random.Random, available: set[str]) -> list[str]:
    chosen = [rng.choice(codes) for codes, share in INDICATOR_SHARES if rng.random() < share]
    if not chosen:
        chosen = [rng.choice(_pick(rng, INDICATOR_SHARES))]
    rng.shuffle(chosen)
    return [c for c in chosen[:4] if c in available]


@dataclass
class _Draft:
    report: CrisisReport
    identity: ReporterIdentity | None = None
    round_index: int | None = None
    indicators: list[str] = field(default_factory=list)
    result: str = ""
    attempts: int = 0
    member_excluded: str = ""
    case: tuple[int, int, dt.date] | None = None
    link: ServiceLink | None = None
    consent: Consent | None = None


class _ReportSeeder:
    def __init__(self, *, rng, district, today, now, officials, policy, rounds, indicator_signals, people):
        self.rng, self.district, self.today, self.now = rng, district, today, now
        self.officials, self.policy, self.rounds = officials, policy, rounds
        self.indicator_signals = indicator_signals
        self.person_name, self.demo_phone = people
        self.pools, self.heads = _pools(rng, district, today)
        self.sequence = 0
        self.roads = _roads(district)

    def code(self) -> str:
        self.sequence += 1
        return f"DM{self.district.pk:03d}-{self.sequence:06d}"

    def official(self, dong_id: int) -> int | None:
        ids = self.officials.get(dong_id) or []
        return self.rng.choice(ids) if ids else None

    def moment(self, day: dt.date, *, any_hour: bool = False) -> dt.datetime:
        rng = self.rng
        if any_hour:
            naive = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
            at = timezone.make_aware(naive, timezone.get_default_timezone())
        else:
            at = _working_moment(rng, day)
        return min(at, self.now - dt.timedelta(minutes=rng.randint(5, 180)))  # never in the future

    def received(self, draft: _Draft, channel: str) -> dt.datetime:
        rng = self.rng
        if draft.case is not None:  # a few days before the case it led to
            return self.moment(draft.case[2] - dt.timedelta(days=rng.randint(2, 12)))
        if channel == Channel.BIGDATA and self.rounds:
            draft.round_index = rng.randrange(len(self.rounds))
            return self.moment(self.rounds[draft.round_index].received_on + dt.timedelta(days=rng.randint(0, 3)))
        day = self.today - dt.timedelta(days=int(rng.triangular(0, 364, 120)))
        return self.moment(day, any_hour=channel == Channel.IOT_ALERT)

    def draft(self, dong: Dong) -> _Draft:
        rng = self.rng
        pool = self.pools[dong.pk]
        channel = _pick(rng, CHANNELS)
        draft = _Draft(report=CrisisReport())
        if channel != Channel.BIGDATA and pool.cases and rng.random() < 0.5:
            draft.case = pool.cases.pop()
        received_at = self.received(draft, channel)
        urgent = rng.random() < URGENT_SHARE.get(channel, 0.12)
        sex, age = ("M" if rng.random() < 0.5 else "F"), rng.randint(25, 90)
        report = draft.report = CrisisReport(
            district=self.district, dong=dong, received_at=received_at, channel=channel,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL, receipt_code=self.code(),
            subject_name=self.person_name(rng, sex, age) if rng.random() < 0.8 else "",
            subject_address=f"서울특별시 {self.district.name} {rng.choice(self.roads)} {rng.randint(1, 300)}",
            subject_phone=self.demo_phone(rng) if rng.random() < 0.5 else "",
            details=rng.choice(DETAILS[channel]),
            first_contact_due_at=self.policy.first_contact_due(received_at=received_at, urgent=urgent),
            created_at=received_at,
        )
        if not report.subject_name:
            report.subject_description = f"{age // 10 * 10}대 {'남성' if sex == 'M' else '여성'}, 혼자 사는 것으로 보임"
        self.reporter(draft, pool, channel)
        if channel == Channel.BIGDATA:
            draft.indicators = _indicators(rng, set(self.indicator_signals))
            report.risk_signals = sorted({self.indicator_signals[c] for c in draft.indicators})
        else:
            report.risk_signals = sorted(set(rng.sample(list(RiskSignal.values), rng.randint(1, 3))))
        self.progress(draft, pool)
        report.updated_at = report.resolved_at or report.first_contacted_at or report.received_at
        return draft

    def reporter(self, draft: _Draft, pool: _Pools, channel: str) -> None:
        rng, report = self.rng, draft.report
        members = (pool.members.get(channel) or pool.members.get(Channel.NETWORK) or []
                   if channel in NETWORK_CHANNELS else [])
        if members:
            member_id, excluded = rng.choice(members)
            report.reporter_kind, report.network_member_id = ReporterKind.NETWORK_MEMBER, member_id
            draft.member_excluded = excluded
        elif channel == Channel.REFERRAL:
            agency, profession = rng.choice(REFERRAL_AGENCIES)
            report.reporter_kind = ReporterKind.MANDATORY
            report.referral_agency = f"{_short(self.district)}{agency}"
            draft.identity = ReporterIdentity(name=self.person_name(rng, "F", 40), profession=profession,
                                              is_official=agency == "경찰서")
        elif channel in NAMED_SHARE and rng.random() < NAMED_SHARE[channel]:
            report.reporter_kind = ReporterKind.NAMED
            phone = self.demo_phone(rng)
            relative = rng.random() < 0.2
            draft.identity = ReporterIdentity(
                name=self.person_name(rng, rng.choice("MF"), rng.randint(25, 75)), phone=phone,
                phone_hash=keyed_hash(digits(phone)), relation="자녀" if relative else "이웃",
                is_relative=relative, wants_reply=rng.random() < 0.5,
            )

    def progress(self, draft: _Draft, pool: _Pools) -> None:
        """Status, contact and outcome by age: the old ones resolved in the §9 funnel, recent ones open."""
        rng, report = self.rng, draft.report
        age_days = (self.now - report.received_at).days
        current_round = draft.round_index is not None and draft.round_index == len(self.rounds) - 1
        if draft.case is not None:
            still_open = False
        elif current_round:  # the round is still open: some targets answered, most still being checked
            still_open = rng.random() < 0.6
        else:  # recent reports are often still open; a few old ones were forgotten (the overdue demo)
            still_open = (age_days < OPEN_DAYS and rng.random() < 0.6) or rng.random() < 0.02
        contacted = not still_open or rng.random() < 0.7
        if contacted:
            if report.urgency == Urgency.URGENT:
                hours = rng.uniform(0.5, 20)
            else:
                hours = min(rng.lognormvariate(3.3, 0.9), 240)  # a median of about 27 h, a few late ones
            report.first_contacted_at = min(report.received_at + dt.timedelta(hours=hours), self.now)
        if contacted or rng.random() < 0.5:
            report.assigned_official_id = self.official(report.dong_id)
        if still_open:
            report.status = ReportStatus.SCREENING if contacted else ReportStatus.RECEIVED
            return
        report.status, report.outcome = ReportStatus.RESOLVED, self.outcome(draft)
        if draft.result == TargetResult.REFUSED:
            report.outcome_reason = "본인이 상담과 지원을 거부함"
        elif report.outcome in REASONS:
            report.outcome_reason = rng.choice(REASONS[report.outcome])
        start = report.first_contacted_at or report.received_at
        report.resolved_at = min(start + dt.timedelta(days=rng.uniform(0.5, 30)), self.now)
        if report.outcome == ReportOutcome.UNREACHABLE:
            report.first_contacted_at = None
            draft.attempts = max(self.policy.unreachable_attempts, rng.randint(3, 4))
            report.handoff_note = "주민등록 사실조사 때 실거주 여부 확인 요청"
        self.attach(draft, pool)

    def outcome(self, draft: _Draft) -> str:
        """The §9 funnel; "case opened" only where a case exists for it (else the one service is linked)."""
        rng = self.rng
        if draft.case is not None:
            return ReportOutcome.CASE_OPENED
        if draft.report.channel == Channel.BIGDATA:
            draft.result = _pick(rng, TARGET_RESULTS)
            return {
                TargetResult.SUPPORTED_PUBLIC: ReportOutcome.LINKAGE_ONLY,
                TargetResult.SUPPORTED_PRIVATE: ReportOutcome.LINKAGE_ONLY,
                TargetResult.NO_NEED: ReportOutcome.NO_NEED,
                TargetResult.NOT_LOCATED: ReportOutcome.UNREACHABLE,
                TargetResult.REFUSED: ReportOutcome.NO_NEED,
            }[draft.result]
        outcome = _pick(rng, OUTCOMES)
        return ReportOutcome.LINKAGE_ONLY if outcome == ReportOutcome.CASE_OPENED else outcome

    def attach(self, draft: _Draft, pool: _Pools) -> None:
        """The case the report led to; for "linkage only" a new link to a resource; else maybe a household."""
        rng, report = self.rng, draft.report
        if draft.case is not None:
            report.case_id, report.household_id, opened_on = draft.case
            report.resolved_at = max(report.first_contacted_at or report.received_at, self.moment(opened_on))
            return
        if report.outcome == ReportOutcome.UNREACHABLE or not pool.households:
            return
        if report.outcome != ReportOutcome.LINKAGE_ONLY:
            if rng.random() < 0.6:
                report.household_id = rng.choice(pool.households)
            return
        household_id = rng.choice(pool.households)
        report.household_id = household_id
        if draft.result:
            sector = "public" if draft.result == TargetResult.SUPPORTED_PUBLIC else "private"
        else:
            sector = "public" if rng.random() < 0.55 else "private"
        head = self.heads.get(household_id)
        if (sector == "private" and head is None) or not pool.resources.get(sector):
            sector = "public"
        if not pool.resources.get(sector):
            return
        resource_id, _ = rng.choice(pool.resources[sector])
        requested = timezone.localdate(report.resolved_at)
        status = _pick(rng, ((LinkStatus.COMPLETED, 50), (LinkStatus.IN_SERVICE, 35), (LinkStatus.ACCEPTED, 15)))
        start = min(self.today, requested + dt.timedelta(days=rng.randint(0, 7))) if status != LinkStatus.ACCEPTED else None
        end = min(self.today, start + dt.timedelta(days=rng.randint(7, 60))) if status == LinkStatus.COMPLETED else None
        draft.link = ServiceLink(
            household_id=household_id, resource_id=resource_id, requested_on=requested, start_on=start, end_on=end,
            completed_on=end, status=status, note="제보에서 연계(DEMO)", created_by_id=report.assigned_official_id,
            created_at=report.resolved_at, updated_at=report.resolved_at,
        )
        report.service_link = draft.link
        if sector == "private":  # a private provider receives personal data only with consent (PIPA art. 17)
            draft.consent = Consent(
                resident_id=head, scope=ConsentScope.THIRD_PARTY, granted_on=requested, method=ConsentMethod.WRITTEN,
                recipients="민간 연계 기관", recorded_by_id=report.assigned_official_id, created_at=report.resolved_at,
            )


def _roads(district: District) -> tuple[str, ...]:
    from welfare.demo import ROADS

    return ROADS.get(district.name) or ("중앙로", "시장길", "공원로")


@contextmanager
def _own_timestamps(*models):
    """Let bulk_create keep the past ``created_at``/``updated_at`` drawn here instead of stamping "now"."""
    fields = [f for m in models for f in m._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _seed_reports(rng: random.Random, district: District, dongs: list[Dong], today: dt.date,
                  officials: dict[int, list[int]]) -> dict[str, int]:
    from welfare.demo import demo_phone, person_name  # welfare.demo imports this module: import late

    now = timezone.now()
    policy = DiscoveryPolicy.for_district(district.pk)
    rounds, rounds_made = _ensure_rounds(district, today)
    signals = dict(RiskIndicator.objects.values_list("code", "signal"))
    indicator_ids = dict(RiskIndicator.objects.values_list("code", "pk"))
    seeder = _ReportSeeder(rng=rng, district=district, today=today, now=now, officials=officials,
                           policy=policy, rounds=rounds, indicator_signals=signals,
                           people=(person_name, demo_phone))
    drafts = [seeder.draft(dong) for dong in dongs for _ in range(rng.randint(*REPORTS_PER_DONG))]
    drafts.sort(key=lambda d: d.report.received_at)
    with _own_timestamps(CrisisReport, ServiceLink, Consent):
        links = ServiceLink.objects.bulk_create([d.link for d in drafts if d.link is not None], batch_size=BATCH)
        consents = Consent.objects.bulk_create([d.consent for d in drafts if d.consent is not None], batch_size=BATCH)
        reports = CrisisReport.objects.bulk_create([d.report for d in drafts], batch_size=BATCH)
    identities = []
    for draft, report in zip(drafts, reports, strict=True):
        if draft.identity is not None:
            draft.identity.report = report
            identities.append(draft.identity)
    ReporterIdentity.objects.bulk_create(identities, batch_size=BATCH)
    attempts = []
    methods = (AttemptMethod.VISIT, AttemptMethod.PHONE, AttemptMethod.WELFARE_MAIL, AttemptMethod.NEIGHBOUR)
    for draft in drafts:
        r = draft.report
        for k in range(draft.attempts):
            at = min(r.received_at + dt.timedelta(days=1 + 3 * k, hours=rng.randint(0, 6)), r.resolved_at)
            attempts.append(ContactAttempt(report=r, at=at, method=methods[k % len(methods)], reached=False,
                                           note="부재·응답 없음", by_id=r.assigned_official_id))
    ContactAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    target_drafts = [d for d in drafts if d.round_index is not None]
    targets = BigDataTarget.objects.bulk_create([
        BigDataTarget(
            round=rounds[d.round_index], dong_id=d.report.dong_id, report=d.report,
            priority_score=rng.randint(30, 99), result_code=d.result,
            result_note=d.report.outcome_reason[:300] if d.result else "",
            answered_at=d.report.resolved_at if d.result else None,
            answered_by_id=d.report.assigned_official_id if d.result else None,
        ) for d in target_drafts
    ], batch_size=BATCH)
    through = BigDataTarget.indicators.through
    through.objects.bulk_create(
        [through(bigdatatarget_id=t.pk, riskindicator_id=indicator_ids[c])
         for t, d in zip(targets, target_drafts, strict=True) for c in d.indicators],
        batch_size=BATCH,
    )
    rewards = _seed_rewards(rng, district, drafts, policy)
    return {"crisis_reports": len(reports), "reporter_identities": len(identities),
            "contact_attempts": len(attempts), "bigdata_rounds": rounds_made, "bigdata_targets": len(targets),
            "report_service_links": len(links), "report_consents": len(consents), "reward_decisions": rewards}


# --- Rewards ----------------------------------------------------------------------------------------------------


def _seed_rewards(rng: random.Random, district: District, drafts: list[_Draft], policy: DiscoveryPolicy,
                  wanted: int = 8) -> int:
    """A handful of decisions on reports by members or named informants that led to a case or a public link.

    The same rules as ``rewards.reward_evaluate``: exclusions first, then the benefit status, then the cap.
    """
    candidates = [d for d in drafts if d.report.outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY)
                  and (d.report.case_id or d.report.service_link_id)
                  and (d.report.network_member_id or (d.identity is not None and d.identity.phone_hash))]
    if not candidates:
        return 0
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    chosen.sort(key=lambda d: d.report.resolved_at)
    household_ids = {d.report.household_id for d in chosen}
    benefit = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "benefit_status"))
    link_sector = dict(ServiceLink.objects.filter(pk__in=[d.report.service_link_id for d in chosen
                                                          if d.report.service_link_id])
                       .values_list("pk", "resource__sector"))
    member_names = dict(NetworkMember.objects.filter(pk__in=[d.report.network_member_id for d in chosen
                                                             if d.report.network_member_id])
                        .values_list("pk", "name"))
    approvers = list(get_user_model().objects.filter(
        staff__district=district, staff__role__in=(Role.DONG_LEAD, Role.DISTRICT_ADMIN)).values_list("pk", flat=True))
    given: dict[tuple[str, int], int] = defaultdict(int)
    today = timezone.localdate()
    decisions = []
    for draft in chosen:
        r = draft.report
        if r.network_member_id:
            key, label = f"member:{r.network_member_id}", member_names.get(r.network_member_id, "")
        else:
            key, label = f"phone:{draft.identity.phone_hash}", draft.identity.name
        decided_on = timezone.localdate(r.resolved_at)
        reason, amount = "", 0
        if draft.member_excluded:
            reason = f"{draft.member_excluded}의 신고: 지급 제외"
        elif draft.identity is not None and draft.identity.is_relative:
            reason = "친족의 신고: 지급 제외"
        elif r.service_link_id and link_sector.get(r.service_link_id) != "public":
            reason = "민간 자원 연계: 공공 급여 선정이 아니어서 지급 대상 아님"
        elif benefit.get(r.household_id, BenefitStatus.NONE) != BenefitStatus.NONE:
            reason = "이미 급여를 받는 세대(판단 시점 기준): 지급 제외"
        else:
            room = policy.reward_yearly_cap_krw - given[(key, decided_on.year)]
            amount = max(0, min(policy.reward_amount_krw, room))
            reason = ("지급 대상: 통합사례관리 선정" if r.outcome == ReportOutcome.CASE_OPENED
                      else "지급 대상: 공공 급여 연계") if amount else "연간 한도 초과"
            given[(key, decided_on.year)] += amount
        approved = amount > 0 and approvers and rng.random() < 0.7
        paid = approved and rng.random() < 0.6
        decisions.append(RewardDecision(
            report=r, informant_key=key, informant_label=label[:100] or "신고자", eligible=amount > 0,
            reason=reason, amount_krw=amount, decided_on=decided_on, decided_by_id=r.assigned_official_id,
            approved_by_id=rng.choice(approvers) if approved else None,
            paid_on=min(decided_on + dt.timedelta(days=rng.randint(7, 30)), today) if paid else None,
        ))
    return len(RewardDecision.objects.bulk_create(decisions))


# --- Entry point --------------------------------------------------------------------------------------------------


def seed_discovery(*, rng: random.Random, districts: Iterable[District], officials_by_dong: Mapping[int, object],
                   today: dt.date | None = None) -> dict[str, int]:
    """Network members, a year of crisis reports, big-data rounds with targets, and a few reward decisions.

    ``officials_by_dong`` maps a dong id to its officials (users or ids, one or a list), who are assigned the
    reports. A district that already has members gets no new members; one that already has demo reports gets
    no new reports, rounds or rewards: a second run adds nothing. Returns the rows made per kind.

    Budget: about 10 bulk INSERTs and 8 reads per district, one transaction each; a district of 18 dongs makes
    about 1,000 members and 800 reports.
    """
    today = today or timezone.localdate()
    officials = _official_ids(officials_by_dong)
    totals: dict[str, int] = defaultdict(int)
    for district in districts:
        dongs = list(Dong.objects.filter(district=district).order_by("name"))
        if not dongs:
            continue
        with transaction.atomic():
            if not NetworkMember.objects.filter(district=district).exists():
                totals["network_members"] += _seed_members(rng, district, dongs, today)
            if not CrisisReport.objects.filter(district=district, receipt_code__startswith=f"DM{district.pk:03d}-").exists():
                for key, value in _seed_reports(rng, district, dongs, today, officials).items():
                    totals[key] += value
    return dict(totals)
