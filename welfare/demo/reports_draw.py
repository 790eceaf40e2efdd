"""The drawing of demo crisis reports (DOMAIN.md §9): channel shares, the screening funnel, reporters, and what
each report led to. Kept consistent with the rules the services enforce: a resolved report has an outcome and,
where it matters, a reason; "case opened" points at a case opened after the report; "unreachable" has the
configured number of failed contact attempts; a big-data target of a past round is answered.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from discovery.models import (
    REWARD_EXCLUDED_OCCUPATIONS,
    REWARD_EXCLUDED_ROLES,
    Channel,
    CrisisReport,
    LonelyDeathResult,
    NetworkMember,
    NetworkRole,
    Occupation,
    ReporterIdentity,
    ReporterKind,
    ReportOutcome,
    ReportStatus,
    RiskSignal,
    TargetResult,
    Urgency,
)
from households.models import (
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
)
from households.rrn import keyed_hash
from plans.models import Resource
from welfare.common.phones import digits
from welfare.models import District, Dong

from .common import pick, short_name, working_moment
from .organisation import ROADS
from .people import demo_phone, person_name
from .years import DemoYears

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
# The lonely-death list's answers [U: no public figures; the national survey's 2.6 % high and 19.8 % medium
# risk among one-person households, raised for a list already selected on crisis indicators].
LONELY_RESULTS = (
    (LonelyDeathResult.RISK_HIGH, 8), (LonelyDeathResult.RISK_MEDIUM, 22), (LonelyDeathResult.RISK_LOW, 25),
    (LonelyDeathResult.NOT_AT_RISK, 28), (LonelyDeathResult.DECEASED, 2), (LonelyDeathResult.NOT_LOCATED, 10),
    (LonelyDeathResult.REFUSED, 5),
)
# One truth (discovery.services.answers): the outcome each answer closes its report with.
RESULT_OUTCOMES = {
    TargetResult.SUPPORTED_PUBLIC: ReportOutcome.LINKAGE_ONLY, TargetResult.SUPPORTED_PRIVATE: ReportOutcome.LINKAGE_ONLY,
    TargetResult.NO_NEED: ReportOutcome.NO_NEED, TargetResult.NOT_LOCATED: ReportOutcome.UNREACHABLE,
    TargetResult.REFUSED: ReportOutcome.REFUSED,
    LonelyDeathResult.RISK_HIGH: ReportOutcome.LINKAGE_ONLY, LonelyDeathResult.RISK_MEDIUM: ReportOutcome.LINKAGE_ONLY,
    LonelyDeathResult.RISK_LOW: ReportOutcome.LINKAGE_ONLY, LonelyDeathResult.NOT_AT_RISK: ReportOutcome.NO_NEED,
    LonelyDeathResult.DECEASED: ReportOutcome.NO_NEED,
}
SUPPORT_RESULTS = frozenset({TargetResult.SUPPORTED_PUBLIC, TargetResult.SUPPORTED_PRIVATE})
# §9 indicator frequencies; a pair shares its share (전기 30 %: cut-off or arrears, and so on).
INDICATOR_SHARES = (
    (("nhi_arrears",), 0.45), (("elec_arrears", "elec_cut"), 0.30), (("telecom_arrears",), 0.25),
    (("water_arrears", "gas_arrears"), 0.20), (("financial_delinquency",), 0.15),
    (("public_rent_arrears", "mgmt_fee_arrears"), 0.12), (("employment_crisis", "closure"), 0.10),
    (("catastrophic_medical",), 0.05),
)
# The lonely-death list's indicators (DOMAIN §3: cut-offs, arrears, power use, alcohol-related illness …).
LONELY_INDICATOR_SHARES = (
    (("nhi_arrears",), 0.40), (("elec_usage_drop",), 0.35), (("elec_cut", "water_cut", "gas_cut"), 0.25),
    (("financial_delinquency",), 0.15), (("alcohol_disease",), 0.15), (("nps_arrears",), 0.15),
    (("public_rent_arrears",), 0.12), (("benefit_rejected",), 0.10),
)
LONELY_ROUND_WEIGHT = 0.23  # a quarterly lonely-death round holds about a sixth of a blind-spot round's people
REASONS = {
    ReportOutcome.NO_NEED: ("소득·재산 기준 초과, 욕구 없음", "본인 확인 결과 지원 불필요", "가족 지원으로 해소"),
    ReportOutcome.UNREACHABLE: ("방문·전화·복지등기 모두 응답 없음", "주소지에 거주하지 않음"),
    ReportOutcome.DUPLICATE: ("같은 세대의 앞선 제보와 중복",),
    ReportOutcome.REFERRED: ("정신건강복지센터 의뢰", "지역 노인종합복지관 의뢰", "경찰서 학대예방경찰관 연계"),
    ReportOutcome.REFUSED: ("본인이 상담과 지원을 거부함", "가족이 있어 도움이 필요 없다며 거절"),
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
    Channel.LONELY_DEATH: ("고독사위기대응시스템 명단 대상",),
}
REFERRAL_AGENCIES = (("경찰서", "경찰관"), ("병원", "의료인"), ("초등학교", "교원"), ("정신건강복지센터", "상담원"))
NETWORK_CHANNELS = frozenset({Channel.HONORARY, Channel.BUSINESS, Channel.NETWORK, Channel.MAIL_CARRIER})
# Walk-ins and callers mostly give their name; online tip-offs are mostly anonymous.
NAMED_SHARE = {Channel.WALK_IN: 0.7, Channel.PHONE: 0.7, Channel.WEB: 0.4, Channel.KAKAO: 0.4}
URGENT_SHARE = {Channel.IOT_ALERT: 0.4, Channel.REFERRAL: 0.3, Channel.BIGDATA: 0.03}
OPEN_DAYS = 21  # reports younger than this may still be open


# --- Reports --------------------------------------------------------------------------------------------------


@dataclass
class _Pools:
    """What a dong offers to the reports drawn for it: members by channel, households, cases, resources."""

    members: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    households: list[int] = field(default_factory=list)
    cases: list[tuple[int, int, dt.date]] = field(default_factory=list)
    resources: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))


def _pools(rng: random.Random, district: District, today: dt.date,
           since: dt.date) -> tuple[dict[int, _Pools], dict[int, int]]:
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
    # Cases the casework seed opened "from a report" since the demo's casework began, not yet tied to one: a
    # report is drawn for each, received a few days before the case opened.
    tied = CrisisReport.objects.filter(case=OuterRef("pk"))
    cases = (Case.objects.filter(household__dong__district=district, source=CaseSource.REPORT,
                                 opened_on__gt=since + dt.timedelta(days=14))
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


def _indicators(rng: random.Random, available: set[str], shares=INDICATOR_SHARES) -> list[str]:
    chosen = [rng.choice(codes) for codes, share in shares if rng.random() < share]
    if not chosen:
        chosen = [rng.choice(pick(rng, shares))]
    rng.shuffle(chosen)
    return [c for c in chosen[:4] if c in available]


@dataclass
class Draft:
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


class ReportSeeder:
    def __init__(self, *, rng, district, today, now, officials, policy, rounds, indicator_signals,
                 years: DemoYears | None = None, code_prefix: str = "DM", first_sequence: int = 0):
        self.rng, self.district, self.today, self.now = rng, district, today, now
        self.code_prefix = code_prefix
        self.officials, self.policy, self.rounds = officials, policy, rounds
        self.indicator_signals = indicator_signals
        self.years = years or DemoYears(today)
        self.pools, self.heads = _pools(rng, district, today, self.years.start)
        self.sequence = first_sequence
        self.roads = _roads(district)

    def code(self) -> str:
        self.sequence += 1
        return f"{self.code_prefix}{self.district.pk:03d}-{self.sequence:06d}"

    def official(self, dong_id: int) -> int | None:
        ids = self.officials.get(dong_id) or []
        return self.rng.choice(ids) if ids else None

    def moment(self, day: dt.date, *, any_hour: bool = False) -> dt.datetime:
        rng = self.rng
        if any_hour:
            naive = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
            at = timezone.make_aware(naive, timezone.get_default_timezone())
        else:
            at = working_moment(rng, day)
        return min(at, self.now - dt.timedelta(minutes=rng.randint(5, 180)))  # never in the future

    def received(self, draft: Draft, channel: str) -> dt.datetime:
        rng = self.rng
        if draft.case is not None:  # a few days before the case it led to
            return self.moment(draft.case[2] - dt.timedelta(days=rng.randint(2, 12)))
        if channel == Channel.BIGDATA and self.rounds:
            draft.round_index = self.pick_round(draft.report.dong_id)
            return self.moment(self.rounds[draft.round_index].received_on + dt.timedelta(days=rng.randint(0, 3)))
        day = self.years.day(rng, draft.report.dong_id)
        return self.moment(day, any_hour=channel == Channel.IOT_ALERT)

    def pick_round(self, dong_id: int) -> int:
        """A round of either list: a lonely-death round holds fewer people; this year's rounds the dong's
        growth more."""
        growth = self.years.growth(dong_id)
        weights = [(LONELY_ROUND_WEIGHT if r.is_lonely_death else 1.0)
                   * (growth if r.received_on >= self.years.this_year_start else 1.0) for r in self.rounds]
        return self.rng.choices(range(len(self.rounds)), weights)[0]

    def round_of(self, draft: Draft):
        return self.rounds[draft.round_index] if draft.round_index is not None else None

    def draft(self, dong: Dong) -> Draft:
        rng = self.rng
        pool = self.pools[dong.pk]
        channel = pick(rng, CHANNELS)
        draft = Draft(report=CrisisReport(dong=dong))
        if channel != Channel.BIGDATA and pool.cases and rng.random() < 0.5:
            draft.case = pool.cases.pop()
        received_at = self.received(draft, channel)
        round_ = self.round_of(draft)
        if round_ is not None and round_.is_lonely_death:
            channel = Channel.LONELY_DEATH
        urgent = rng.random() < URGENT_SHARE.get(channel, 0.12)
        sex, age = ("M" if rng.random() < 0.5 else "F"), rng.randint(25, 90)
        report = draft.report = CrisisReport(
            district=self.district, dong=dong, received_at=received_at, channel=channel,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL, receipt_code=self.code(),
            subject_name=person_name(rng, sex, age) if rng.random() < 0.8 else "",
            subject_address=f"서울특별시 {self.district.name} {rng.choice(self.roads)} {rng.randint(1, 300)}",
            subject_phone=demo_phone(rng) if rng.random() < 0.5 else "",
            details=rng.choice(DETAILS[channel]),
            first_contact_due_at=self.policy.first_contact_due(received_at=received_at, urgent=urgent),
            created_at=received_at,
        )
        if not report.subject_name:
            report.subject_description = f"{age // 10 * 10}대 {'남성' if sex == 'M' else '여성'}, 혼자 사는 것으로 보임"
        self.reporter(draft, pool, channel)
        if channel in (Channel.BIGDATA, Channel.LONELY_DEATH):
            shares = LONELY_INDICATOR_SHARES if channel == Channel.LONELY_DEATH else INDICATOR_SHARES
            draft.indicators = _indicators(rng, set(self.indicator_signals), shares)
            report.risk_signals = sorted({self.indicator_signals[c] for c in draft.indicators})
        else:
            report.risk_signals = sorted(set(rng.sample(list(RiskSignal.values), rng.randint(1, 3))))
        self.progress(draft, pool)
        report.updated_at = report.resolved_at or report.first_contacted_at or report.received_at
        return draft

    def reporter(self, draft: Draft, pool: _Pools, channel: str) -> None:
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
            report.referral_agency = f"{short_name(self.district.name)}{agency}"
            draft.identity = ReporterIdentity(name=person_name(rng, "F", 40), profession=profession,
                                              is_official=agency == "경찰서")
        elif channel in NAMED_SHARE and rng.random() < NAMED_SHARE[channel]:
            report.reporter_kind = ReporterKind.NAMED
            phone = demo_phone(rng)
            relative = rng.random() < 0.2
            draft.identity = ReporterIdentity(
                name=person_name(rng, rng.choice("MF"), rng.randint(25, 75)), phone=phone,
                phone_hash=keyed_hash(digits(phone)), relation="자녀" if relative else "이웃",
                is_relative=relative, wants_reply=rng.random() < 0.5,
            )

    def progress(self, draft: Draft, pool: _Pools) -> None:
        """Status, contact and outcome by age: the old ones resolved in the §9 funnel, recent ones open."""
        rng, report = self.rng, draft.report
        age_days = (self.now - report.received_at).days
        round_ = self.round_of(draft)
        current_round = round_ is not None and round_.due_on >= self.today
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
        if draft.result == LonelyDeathResult.DECEASED:
            report.outcome_reason = "사망 확인(고독사 위험군 조사)"
        elif draft.result == LonelyDeathResult.NOT_AT_RISK:
            report.outcome_reason = "사회적 고립 척도 0점: 위험군 아님"
        elif report.outcome in REASONS:
            report.outcome_reason = rng.choice(REASONS[report.outcome])
        start = report.first_contacted_at or report.received_at
        report.resolved_at = min(start + dt.timedelta(days=rng.uniform(0.5, 30)), self.now)
        if report.outcome == ReportOutcome.UNREACHABLE:
            report.first_contacted_at = None
            draft.attempts = max(self.policy.unreachable_attempts, rng.randint(3, 4))
            report.handoff_note = "주민등록 사실조사 때 실거주 여부 확인 요청"
        self.attach(draft, pool)

    def outcome(self, draft: Draft) -> str:
        """The §9 funnel; "case opened" only where a case exists for it (else the one service is linked)."""
        rng = self.rng
        if draft.case is not None:
            return ReportOutcome.CASE_OPENED
        if draft.round_index is not None:
            draft.result = pick(rng, LONELY_RESULTS if self.round_of(draft).is_lonely_death else TARGET_RESULTS)
            return RESULT_OUTCOMES[draft.result]
        outcome = pick(rng, OUTCOMES)
        return ReportOutcome.LINKAGE_ONLY if outcome == ReportOutcome.CASE_OPENED else outcome

    def attach(self, draft: Draft, pool: _Pools) -> None:
        """The case the report led to; for "linkage only" a new link to a resource; else maybe a household."""
        rng, report = self.rng, draft.report
        if draft.case is not None:
            report.case_id, report.household_id, opened_on = draft.case
            report.resolved_at = max(report.first_contacted_at or report.received_at, self.moment(opened_on))
            return
        if report.outcome == ReportOutcome.UNREACHABLE or not pool.households:
            self.answer_support(draft, None)
            return
        if report.outcome != ReportOutcome.LINKAGE_ONLY:
            if rng.random() < 0.6:
                report.household_id = rng.choice(pool.households)
            return
        household_id = rng.choice(pool.households)
        report.household_id = household_id
        if draft.result in SUPPORT_RESULTS:
            sector = "public" if draft.result == TargetResult.SUPPORTED_PUBLIC else "private"
        else:
            sector = "public" if rng.random() < 0.55 else "private"
        head = self.heads.get(household_id)
        if (sector == "private" and head is None) or not pool.resources.get(sector):
            sector = "public"
        if not pool.resources.get(sector):
            self.answer_support(draft, None)
            return
        self.answer_support(draft, sector)
        resource_id, _ = rng.choice(pool.resources[sector])
        requested = timezone.localdate(report.resolved_at)
        status = pick(rng, ((LinkStatus.COMPLETED, 50), (LinkStatus.IN_SERVICE, 35), (LinkStatus.ACCEPTED, 15)))
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


    @staticmethod
    def answer_support(draft: Draft, sector: str | None) -> None:
        """A blind-spot answer of support says the sector of the service the report actually linked (one truth:
        no link, or a public one, is public support)."""
        if draft.result in SUPPORT_RESULTS:
            draft.result = TargetResult.SUPPORTED_PRIVATE if sector == "private" else TargetResult.SUPPORTED_PUBLIC


def _roads(district: District) -> tuple[str, ...]:
    return ROADS.get(district.name) or ("중앙로", "시장길", "공원로")
