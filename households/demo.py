"""Synthetic activity for demo households (DOMAIN.md §6 and §9): visits, follow-ups, check-ins, cases, links.

Everything is written with ``bulk_create`` in batches, never one INSERT per row, so a district of 100,000
demo households gets its activity in well under two minutes on PostgreSQL. All of it is invented.

``seed_activity`` skips households that already have a visit or an open cadence follow-up, so running it
again after a top-up only fills in the new households.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from plans.models import Resource, ResourceCategory, Sector
from welfare.models import Dong

from .models import (
    ASSESSMENT_DAYS,
    OPEN_STAGES,
    PLAN_DAYS,
    CadencePolicy,
    CareStatus,
    Case,
    CaseClass,
    CaseGoal,
    CaseNeed,
    CaseSource,
    CaseStage,
    CaseStageChange,
    CheckIn,
    CheckInSource,
    ClosingReason,
    Consent,
    ConsentMethod,
    ConsentScope,
    ContactResult,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    LeftReason,
    LinkStatus,
    MemberEvent,
    MemberEventKind,
    NeedDomain,
    Relation,
    Resident,
    RiskLevel,
    ServiceLink,
    Severity,
    Visit,
    VisitKind,
    VisitNeed,
)

BATCH_HOUSEHOLDS = 2000
CASE_SHARE = 0.25  # §9 funnel: 25 % of screened households become a full case
DIFFICULT_SHARE = 0.20  # §9: 80 % general, 20 % difficult
STUCK_SHARE = 0.10  # §9: ≈10 % past the plan deadline, for the time-limit demos
# Monitored households are the ones with AI calls, IoT sensors and drink deliveries.
CHECK_IN_SHARE = {CareStatus.MONITORING: 0.6, CareStatus.UNDER_CARE: 0.25}

VISIT_KINDS = ((VisitKind.HOME, 45), (VisitKind.PHONE, 35), (VisitKind.OFFICE, 10), (VisitKind.WITH_NURSE, 5),
               (VisitKind.NETWORK, 5))
EARLIER_RESULTS = ((ContactResult.MET, 75), (ContactResult.NOT_HOME, 18), (ContactResult.REFUSED, 7))
CHECK_IN_SOURCES = ((CheckInSource.AI_CALL, 40), (CheckInSource.IOT, 25), (CheckInSource.HEALTH_DRINK, 20),
                    (CheckInSource.CARE_TEAM, 10), (CheckInSource.WELFARE_MAIL, 5))
CASE_SOURCES = ((CaseSource.REPORT, 77), (CaseSource.VISIT, 10), (CaseSource.UNIVERSAL, 8), (CaseSource.REFERRAL, 5))
CLOSING_REASONS = ((ClosingReason.GOALS_MET, 60), (ClosingReason.MOVED_OUT, 8), (ClosingReason.REFUSED, 7),
                   (ClosingReason.LOST_CONTACT, 8), (ClosingReason.FACILITY, 5), (ClosingReason.DECEASED, 2),
                   (ClosingReason.TRANSFERRED, 10))
NEED_WEIGHTS = ((NeedDomain.INCOME, 30), (NeedDomain.HEALTH, 25), (NeedDomain.DAILY_LIVING, 12),
                (NeedDomain.SOCIAL, 10), (NeedDomain.HOUSING, 8), (NeedDomain.EMPLOYMENT, 5),
                (NeedDomain.FAMILY, 4), (NeedDomain.SAFETY, 3), (NeedDomain.LEGAL, 2), (NeedDomain.EDUCATION, 1))
SEVERITY_BY_RISK = {
    RiskLevel.HIGH: ((Severity.HIGH, 55), (Severity.MEDIUM, 35), (Severity.LOW, 10)),
    RiskLevel.MEDIUM: ((Severity.HIGH, 20), (Severity.MEDIUM, 55), (Severity.LOW, 25)),
    RiskLevel.LOW: ((Severity.HIGH, 5), (Severity.MEDIUM, 35), (Severity.LOW, 60)),
}
OBSERVATIONS = (
    "건강 상태 양호, 식사 규칙적", "거동 불편 호소, 병원 동행 필요", "공과금 체납 안내문 다수 확인",
    "집 안 정리 상태 불량", "말벗 필요, 외출 거의 없음", "약 복용 관리 어려움", "이웃과 교류 있음",
    "냉방·난방 기기 고장", "가족과 연락 끊김", "우울감 호소", "최근 실직으로 소득 없음", "",
)
NEED_NOTES = {
    NeedDomain.INCOME: "생계비 부족", NeedDomain.HEALTH: "만성질환 관리", NeedDomain.DAILY_LIVING: "식사·가사 지원",
    NeedDomain.SOCIAL: "사회적 고립", NeedDomain.HOUSING: "주거 환경 개선", NeedDomain.EMPLOYMENT: "구직 지원",
    NeedDomain.FAMILY: "가족 갈등", NeedDomain.SAFETY: "안전 확인", NeedDomain.LEGAL: "채무 상담",
    NeedDomain.EDUCATION: "학습 지원",
}
GOAL_TEXT = {
    NeedDomain.INCOME: "기초생활보장 신청 및 생계 안정", NeedDomain.HEALTH: "정기 진료 연결 및 복약 관리",
    NeedDomain.DAILY_LIVING: "주 3회 도시락·가사 지원", NeedDomain.SOCIAL: "주 1회 이상 모임 참여",
    NeedDomain.HOUSING: "주거 환경 개선 공사", NeedDomain.EMPLOYMENT: "일자리 연계 및 취업",
    NeedDomain.FAMILY: "가족 상담 연계", NeedDomain.SAFETY: "안부 확인 체계 마련", NeedDomain.LEGAL: "채무 조정 상담",
    NeedDomain.EDUCATION: "학습 멘토링 연결",
}
ALERT_NOTES = ("전력 사용 없음 48시간", "안부전화 3회 무응답", "건강음료 미수거 2일", "움직임 감지 없음 24시간")
# Money in realistic bands by resource category (§9), in KRW; categories absent here are in kind.
AMOUNTS = {
    ResourceCategory.LIVELIHOOD: (500_000, 1_300_000), ResourceCategory.EMERGENCY: (300_000, 3_000_000),
    ResourceCategory.DENTAL: (500_000, 2_000_000), ResourceCategory.MOVING: (300_000, 1_000_000),
    ResourceCategory.MEDICAL: (200_000, 2_000_000), ResourceCategory.HOUSING: (500_000, 3_000_000),
    ResourceCategory.PENSION: (300_000, 400_000),
}


def _pick(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of a working day (09:00–17:59, Asia/Seoul)."""
    naive = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
    return timezone.make_aware(naive, timezone.get_default_timezone())


@contextmanager
def _own_timestamps(*models):
    """Let bulk_create keep the past ``created_at``/``updated_at`` we set, instead of stamping "now".

    Demo history must look lived-in: a link made last March sits in March on the timeline. Only the seeding
    command runs this, so flipping the field flags for its duration is safe.
    """
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now", False)
              or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _official_ids(officials_by_dong: Mapping[int, object] | None) -> dict[int, list[int]]:
    """Accept dong id → user, user id, or a list of either."""
    out: dict[int, list[int]] = {}
    for dong_id, value in (officials_by_dong or {}).items():
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        out[dong_id] = [getattr(v, "pk", v) for v in values if v is not None]
    return out


@dataclass
class _ResourceRow:
    pk: int
    district_id: int
    sector: str
    category: str
    dong_ids: frozenset[int]


@dataclass
class _Batch:
    """The rows of one batch of households, inserted in dependency order."""

    visits: list[Visit] = field(default_factory=list)
    visit_needs: list[tuple[Visit, VisitNeed]] = field(default_factory=list)
    follow_ups: list[tuple[Visit | None, FollowUp]] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    stage_changes: list[tuple[Case, CaseStageChange]] = field(default_factory=list)
    case_needs: list[tuple[Case, CaseNeed]] = field(default_factory=list)
    goals: list[tuple[Case, CaseNeed | None, CaseGoal]] = field(default_factory=list)
    links: list[tuple[Case, CaseNeed | None, ServiceLink]] = field(default_factory=list)
    contact_fixes: list[Household] = field(default_factory=list)

    def save(self, size: int) -> dict[str, int]:
        with _own_timestamps(Visit, FollowUp, Consent, Case, ServiceLink):
            Visit.objects.bulk_create(self.visits, batch_size=size)
            for visit, need in self.visit_needs:
                need.visit_id = visit.pk
            VisitNeed.objects.bulk_create([n for _v, n in self.visit_needs], batch_size=size)
            for visit, follow_up in self.follow_ups:
                if visit is not None:
                    follow_up.visit_id = visit.pk
            # ignore_conflicts: a cadence follow-up opened meanwhile keeps "one open per household" true.
            FollowUp.objects.bulk_create([f for _v, f in self.follow_ups], batch_size=size, ignore_conflicts=True)
            CheckIn.objects.bulk_create(self.check_ins, batch_size=size)
            Consent.objects.bulk_create(self.consents, batch_size=size)
            Case.objects.bulk_create(self.cases, batch_size=size)
            for rows in (self.stage_changes, self.case_needs):
                for case, row in rows:
                    row.case_id = case.pk
            CaseStageChange.objects.bulk_create([c for _k, c in self.stage_changes], batch_size=size)
            CaseNeed.objects.bulk_create([n for _k, n in self.case_needs], batch_size=size)
            for rows in (self.goals, self.links):
                for case, need, row in rows:
                    row.case_id = case.pk
                    row.need_id = need.pk if need is not None else None
            CaseGoal.objects.bulk_create([g for _c, _n, g in self.goals], batch_size=size)
            ServiceLink.objects.bulk_create([s for _c, _n, s in self.links], batch_size=size)
        if self.contact_fixes:
            Household.objects.bulk_update(self.contact_fixes, ["last_contact_on", "next_contact_on"], batch_size=size)
        return {
            "visits": len(self.visits), "visit_needs": len(self.visit_needs), "follow_ups": len(self.follow_ups),
            "check_ins": len(self.check_ins), "consents": len(self.consents), "cases": len(self.cases),
            "stage_changes": len(self.stage_changes), "case_needs": len(self.case_needs),
            "case_goals": len(self.goals), "service_links": len(self.links),
        }


@dataclass
class _Seeder:
    rng: random.Random
    today: dt.date
    officials: dict[int, list[int]]
    district_of: dict[int, int]
    policies: dict[int, CadencePolicy]
    resources: list[_ResourceRow]
    _serving: dict[int, list[_ResourceRow]] = field(default_factory=dict)

    def official_for(self, dong_id: int, assigned: int | None) -> int | None:
        if assigned is not None:
            return assigned
        pool = self.officials.get(dong_id) or [None]
        return self.rng.choice(pool)

    def serving(self, dong_id: int) -> list[_ResourceRow]:
        if dong_id not in self._serving:
            district = self.district_of[dong_id]
            self._serving[dong_id] = [r for r in self.resources
                                      if r.district_id == district and (not r.dong_ids or dong_id in r.dong_ids)]
        return self._serving[dong_id]

    # Visits and follow-ups ----------------------------------------------------------------------------------

    def household(self, batch: _Batch, row: tuple, head_id: int | None) -> None:
        pk, dong_id, risk, status, last, nxt, assigned = row
        rng, today = self.rng, self.today
        official = self.official_for(dong_id, assigned)
        cadence = self.policies[self.district_of[dong_id]].days_for(risk)
        if last is None or nxt is None:
            last = last or today - dt.timedelta(days=rng.randint(0, cadence))
            nxt = nxt or last + dt.timedelta(days=cadence)
            batch.contact_fixes.append(Household(pk=pk, last_contact_on=last, next_contact_on=nxt))

        # 1–6 visits over the past year; the newest is the household's last contact, when someone was met.
        n = rng.randint(1, 6)
        first_day = min(today - dt.timedelta(days=365), last - dt.timedelta(days=1))
        span = (last - first_day).days - 1  # earlier visits fall on days before the last contact
        moments = sorted(_at(rng, first_day + dt.timedelta(days=rng.randint(0, span))) for _ in range(n - 1))
        moments.append(_at(rng, last))
        previous: Visit | None = None
        for k, moment in enumerate(moments):
            newest = k == n - 1
            day = timezone.localdate(moment)
            visit = Visit(
                household_id=pk, visited_at=moment, kind=_pick(rng, VISIT_KINDS),
                contact_result=ContactResult.MET if newest else _pick(rng, EARLIER_RESULTS),
                observations=rng.choice(OBSERVATIONS), risk_level=risk,
                next_contact_on=nxt if newest else day + dt.timedelta(days=cadence), recorded_by_id=official,
            )
            visit.created_at = visit.visited_at
            batch.visits.append(visit)
            if visit.contact_result == ContactResult.MET:
                for domain in self._domains(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]):
                    need = VisitNeed(domain=domain, severity=_pick(rng, SEVERITY_BY_RISK[risk]),
                                     note=NEED_NOTES[domain] if rng.random() < 0.5 else "")
                    batch.visit_needs.append((visit, need))
            if previous is not None:
                # The cadence follow-up the previous visit opened, met by this one.
                batch.follow_ups.append((visit, FollowUp(
                    household_id=pk, due_on=timezone.localdate(previous.visited_at) + dt.timedelta(days=cadence),
                    reason=FollowUpReason.CADENCE, assigned_to_id=official, status=FollowUpStatus.DONE,
                    created_at=previous.visited_at, closed_at=visit.visited_at,
                )))
            previous = visit
        # Exactly one open cadence follow-up: due at the last contact plus the cadence.
        batch.follow_ups.append((None, FollowUp(
            household_id=pk, due_on=nxt, reason=FollowUpReason.CADENCE, assigned_to_id=official,
            status=FollowUpStatus.OPEN, created_at=previous.visited_at,
        )))

        if rng.random() < CHECK_IN_SHARE[status]:
            self.check_ins(batch, pk, official)
        if status == CareStatus.UNDER_CARE and head_id is not None and rng.random() < CASE_SHARE:
            self.case(batch, pk, dong_id, risk, head_id, official)

    def _domains(self, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            domain = _pick(self.rng, NEED_WEIGHTS)
            if domain not in chosen:
                chosen.append(domain)
        return chosen

    def check_ins(self, batch: _Batch, pk: int, official: int | None) -> None:
        rng = self.rng
        for _ in range(rng.randint(1, 8)):
            alert = rng.random() < 0.04
            day = self.today - dt.timedelta(days=rng.randint(0, 90))
            batch.check_ins.append(CheckIn(
                household_id=pk, at=_at(rng, day), source=_pick(rng, CHECK_IN_SOURCES), is_alert=alert,
                note=rng.choice(ALERT_NOTES) if alert else "", recorded_by_id=None if rng.random() < 0.7 else official,
            ))

    # Cases ----------------------------------------------------------------------------------------------------

    def _path(self, opened_on: dt.date) -> tuple[list[tuple[str, dt.date]], str]:
        """The stages a case went through up to today, with their days, and a closing reason if any."""
        rng, today = self.rng, self.today
        t_assess = rng.randint(1, 3)
        t_conf = t_assess + rng.randint(5, ASSESSMENT_DAYS - 1)
        t_plan = t_conf + rng.randint(1, 5)
        t_service = max(t_plan + 1, rng.randint(14, PLAN_DAYS + 5))  # §9: intake → plan in 14–35 days
        steps = [(CaseStage.INTAKE, 0), (CaseStage.ASSESSMENT, t_assess), (CaseStage.CONFERENCE, t_conf)]
        reason = ""
        if rng.random() < 0.05:  # not selected at the conference
            close_at = t_conf + rng.randint(1, 5)
            steps += [(CaseStage.CLOSING, close_at), (CaseStage.CLOSED, close_at + rng.randint(1, 7))]
            reason = ClosingReason.NOT_ELIGIBLE
        else:
            steps += [(CaseStage.PLANNING, t_plan), (CaseStage.IN_SERVICE, t_service)]
            t = t_service
            service_days = rng.randint(90, 365)  # §9: 3–12 months in service
            if service_days > 180 and rng.random() < 0.5:
                t += 180
                steps += [(CaseStage.REASSESSMENT, t), (CaseStage.PLANNING, t + rng.randint(3, 10))]
                steps += [(CaseStage.IN_SERVICE, steps[-1][1] + rng.randint(3, 10))]
            closing = t_service + service_days
            steps += [(CaseStage.CLOSING, closing), (CaseStage.CLOSED, closing + rng.randint(3, 14))]
            steps += [(CaseStage.FOLLOW_UP, steps[-1][1] + 30)]
            reason = _pick(rng, CLOSING_REASONS)
        reached = [(stage, opened_on + dt.timedelta(days=d)) for stage, d in steps
                   if opened_on + dt.timedelta(days=d) <= today]
        return reached, reason

    def case(self, batch: _Batch, pk: int, dong_id: int, risk: str, client_id: int, official: int | None) -> None:
        rng, today = self.rng, self.today
        if rng.random() < STUCK_SHARE:
            # Past the 30-day plan limit and still before the plan: the overdue-deadline demos.
            opened_on = today - dt.timedelta(days=rng.randint(PLAN_DAYS + 1, PLAN_DAYS + 45))
            path, _reason = self._path(opened_on)
            before_plan = (CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING)
            cut = rng.choice([i for i, (s, _d) in enumerate(path) if s in before_plan])
            path, reason = path[:cut + 1], ""
        else:
            opened_on = today - dt.timedelta(days=rng.randint(0, 540))
            path, reason = self._path(opened_on)
        stage = path[-1][0]
        moments = [_at(rng, day) for _stage, day in path]
        for k in range(1, len(moments)):  # two changes on one day stay in order
            moments[k] = max(moments[k], moments[k - 1] + dt.timedelta(minutes=5))
        closed = stage in (CaseStage.CLOSED, CaseStage.FOLLOW_UP)
        closed_on = next((day for s, day in path if s == CaseStage.CLOSED), None)
        case = Case(
            household_id=pk, client_id=client_id, opened_on=opened_on, source=_pick(rng, CASE_SOURCES),
            stage=stage, case_class=CaseClass.DIFFICULT if rng.random() < DIFFICULT_SHARE else CaseClass.GENERAL,
            assigned_official_id=official, assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
            plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS),
            closing_reason=reason if stage in (CaseStage.CLOSING, CaseStage.CLOSED, CaseStage.FOLLOW_UP) else "",
            closed_on=closed_on if closed else None, version=len(path),
            created_at=moments[0], updated_at=moments[-1],
        )
        batch.cases.append(case)
        granted = opened_on - dt.timedelta(days=rng.randint(0, 3))
        batch.consents.append(Consent(
            resident_id=client_id, scope=ConsentScope.COLLECT_USE, granted_on=granted,
            method=rng.choice((ConsentMethod.WRITTEN, ConsentMethod.WRITTEN, ConsentMethod.ELECTRONIC)),
            recorded_by_id=official, created_at=_at(rng, granted),
        ))
        previous = ""
        for (to, _day), at in zip(path, moments, strict=True):
            batch.stage_changes.append((case, CaseStageChange(
                household_id=pk, from_stage=previous, to_stage=to, at=at, by_id=official,
            )))
            previous = to
        if len(path) < 2:
            return  # still at intake: no assessment yet
        needs = []
        for priority, domain in enumerate(self._domains(rng.randint(1, 4)), start=1):
            need = CaseNeed(domain=domain, severity=_pick(rng, SEVERITY_BY_RISK[risk]), priority=priority,
                            note=NEED_NOTES[domain])
            needs.append(need)
            batch.case_needs.append((case, need))
        planned = next((day for s, day in path if s == CaseStage.PLANNING), None)
        if planned is None:
            return
        for need in needs[:rng.randint(1, 3)]:
            target = planned + dt.timedelta(days=rng.randint(60, 180))
            achieved = target if closed and reason == ClosingReason.GOALS_MET and target <= today else None
            batch.goals.append((case, need, CaseGoal(text=GOAL_TEXT[need.domain], target_on=target,
                                                     achieved_on=achieved)))
        started = next((day for s, day in path if s == CaseStage.IN_SERVICE), None)
        resources = self.serving(dong_id)
        if not resources or started is None:
            return
        private = False
        for _ in range(rng.randint(1, 5)):  # §9: 1–5 links per case
            resource = rng.choice(resources)
            private = private or resource.sector == Sector.PRIVATE
            batch.links.append((case, rng.choice(needs), self._link(pk, resource, started, closed_on, official)))
        if private:  # a private provider receives personal data only with consent to provision (PIPA art. 17)
            batch.consents.append(Consent(
                resident_id=client_id, scope=ConsentScope.THIRD_PARTY, granted_on=granted,
                method=ConsentMethod.WRITTEN, recipients="민간 연계 기관", recorded_by_id=official,
                created_at=_at(rng, granted),
            ))

    def _link(self, pk: int, resource: _ResourceRow, started: dt.date, closed_on: dt.date | None,
              official: int | None) -> ServiceLink:
        rng, today = self.rng, self.today
        requested = min(today, started + dt.timedelta(days=rng.randint(0, 20)))
        if closed_on is not None:
            status = _pick(rng, ((LinkStatus.COMPLETED, 75), (LinkStatus.DECLINED, 10), (LinkStatus.STOPPED, 15)))
        else:
            status = _pick(rng, ((LinkStatus.IN_SERVICE, 50), (LinkStatus.COMPLETED, 25), (LinkStatus.ACCEPTED, 15),
                                 (LinkStatus.REQUESTED, 10)))
        start = end = completed = None
        if status in (LinkStatus.IN_SERVICE, LinkStatus.COMPLETED, LinkStatus.STOPPED):
            start = min(today, requested + dt.timedelta(days=rng.randint(1, 14)))
        if status in (LinkStatus.COMPLETED, LinkStatus.STOPPED):
            end = min(today, start + dt.timedelta(days=rng.randint(7, 120)))
            completed = end if status == LinkStatus.COMPLETED else None
        band = AMOUNTS.get(resource.category)
        amount = round(rng.randint(*band), -4) if band else None
        created = _at(rng, requested)
        return ServiceLink(
            household_id=pk, resource_id=resource.pk, requested_on=requested, start_on=start, end_on=end,
            completed_on=completed, status=status, amount_krw=amount,
            status_reason="본인 거부" if status == LinkStatus.DECLINED else ("전출" if status == LinkStatus.STOPPED else ""),
            frequency="월 1회" if amount else "", created_by_id=official, created_at=created,
            updated_at=_at(rng, end) if end else created,
        )


def _chunks(queryset: QuerySet, size: int) -> Iterator[list[tuple]]:
    """Keyset pages of (pk, dong, risk, status, last, next, official): constant memory, no OFFSET scans."""
    last_pk = 0
    columns = ("pk", "dong_id", "risk_level", "status", "last_contact_on", "next_contact_on", "assigned_official_id")
    while True:
        rows = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:size])
        if not rows:
            return
        yield rows
        last_pk = rows[-1][0]


def seed_activity(*, households_qs: QuerySet, rng: random.Random, officials_by_dong: Mapping[int, object],
                  today: dt.date | None = None, batch_size: int = BATCH_HOUSEHOLDS,
                  progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Visits, follow-ups, check-ins, cases and service links for the households under care or monitoring.

    ``officials_by_dong`` maps a dong id to its officials (users or ids, one or a list); a household's
    assigned official is used first. Households that already have a visit or an open cadence follow-up are
    left alone, so a second run after a top-up only fills the new ones. Service links are made only when
    the district has resources. Returns the number of rows made per kind.

    Budget: 3 reads and about 10 bulk INSERTs per batch of ``batch_size`` households, one transaction each;
    memory bounded by the batch. Measured: 100,000 demo households (19,071 under care or monitoring) in about
    11 s on PostgreSQL 15.
    """
    today = today or timezone.localdate()
    already = Exists(Visit.objects.filter(household=OuterRef("pk"))) | Exists(
        FollowUp.objects.filter(household=OuterRef("pk"), reason=FollowUpReason.CADENCE, status=FollowUpStatus.OPEN)
    )
    queryset = households_qs.filter(status__in=(CareStatus.UNDER_CARE, CareStatus.MONITORING)).exclude(already)
    district_of = dict(Dong.objects.values_list("pk", "district_id"))
    policies = {d: CadencePolicy.for_district(d) for d in set(district_of.values())}
    resource_dongs: dict[int, set[int]] = {}
    for resource_id, dong_id in Resource.dongs.through.objects.values_list("resource_id", "dong_id"):
        resource_dongs.setdefault(resource_id, set()).add(dong_id)
    resources = [
        _ResourceRow(pk, district, sector, category, frozenset(resource_dongs.get(pk, ())))
        for pk, district, sector, category in Resource.objects.filter(is_active=True).order_by("pk").values_list(
            "pk", "district_id", "sector", "category")
    ]
    seeder = _Seeder(rng=rng, today=today, officials=_official_ids(officials_by_dong), district_of=district_of,
                     policies=policies, resources=resources)
    totals: dict[str, int] = {"households": 0}
    for rows in _chunks(queryset, batch_size):
        ids = [r[0] for r in rows]
        heads = dict(Resident.objects.filter(household_id__in=ids, relation=Relation.HEAD, left_on__isnull=True)
                     .order_by("household_id", "-pk").values_list("household_id", "pk"))
        # A household that already has a case (opened in the app) gets no demo case beside it.
        with_case = set(Case.objects.filter(household_id__in=ids).values_list("household_id", flat=True))
        batch = _Batch()
        for row in rows:
            seeder.household(batch, row, None if row[0] in with_case else heads.get(row[0]))
        with transaction.atomic():
            made = batch.save(size=batch_size)
        totals["households"] += len(rows)
        for key, value in made.items():
            totals[key] = totals.get(key, 0) + value
        if progress is not None:
            progress(f"  activity: {totals['households']} households, {totals.get('visits', 0)} visits")
    return totals


# --- One busy household, for the benchmark -------------------------------------------------------------------

BUSY_KINDS = ("visit", "stage", "link", "checkin", "followup", "member")
# A case that keeps cycling through reassessment gives as many stage changes as wanted, all legal moves.
_OPENING = (CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING, CaseStage.IN_SERVICE)
_CYCLE = (CaseStage.REASSESSMENT, CaseStage.PLANNING, CaseStage.IN_SERVICE)


def _busy_resource(household: Household) -> Resource:
    resource = Resource.objects.serving(household.dong_id).filter(district_id=household.dong.district_id).first()
    if resource is None:
        resource, _created = Resource.objects.get_or_create(
            district_id=household.dong.district_id, name="푸드뱅크(가상)", provider="가상 기관",
            defaults={"sector": Sector.PUBLIC, "category": ResourceCategory.FOOD},
        )
    return resource


@transaction.atomic
def seed_busy_household(household: Household, *, events: int = 200, by=None) -> dict[str, int]:
    """Give one household ``events`` timeline events of every kind, interleaved over the past two years.

    Kinds take turns (visit, stage change, link, check-in, follow-up, composition event), one every few days,
    so any page of the timeline mixes them all. Bulk inserts only. Returns the number made per kind.
    """
    household = Household.objects.select_related("dong").get(pk=household.pk)
    now = timezone.now()
    step = dt.timedelta(days=730) / max(events, 1)
    slots: dict[str, list[dt.datetime]] = {k: [] for k in BUSY_KINDS}
    for i in range(events):  # slot 0 is the newest
        slots[BUSY_KINDS[i % len(BUSY_KINDS)]].append(now - step * i - dt.timedelta(minutes=1))
    for times in slots.values():
        times.reverse()  # oldest first: stage changes must run forward
    user_id = getattr(by, "pk", None)
    residents = list(household.residents.filter(left_on__isnull=True).order_by("pk"))
    if not residents:
        residents = [Resident.objects.create(household=household, name="가상인", relation=Relation.HEAD)]
    client = next((r for r in residents if r.relation == Relation.HEAD), residents[0])
    made = dict.fromkeys(BUSY_KINDS, 0)

    with _own_timestamps(Visit, FollowUp, ServiceLink, MemberEvent, Case, Consent):
        visits = [Visit(household=household, visited_at=at, kind=VisitKind.values[k % len(VisitKind.values)],
                        contact_result=ContactResult.MET, risk_level=household.risk_level, recorded_by_id=user_id,
                        created_at=at) for k, at in enumerate(slots["visit"])]
        Visit.objects.bulk_create(visits)
        VisitNeed.objects.bulk_create([VisitNeed(visit=v, domain=NeedDomain.values[k % len(NeedDomain.values)],
                                                 severity=Severity.MEDIUM) for k, v in enumerate(visits)])
        made["visit"] = len(visits)

        case = household.cases.filter(stage__in=OPEN_STAGES).first()
        stage_times = slots["stage"]
        if stage_times:
            stages = list(_OPENING[:len(stage_times)])
            while len(stages) < len(stage_times):
                stages.append(_CYCLE[(len(stages) - len(_OPENING)) % len(_CYCLE)])
            if case is None:
                opened_on = timezone.localdate(stage_times[0])
                Consent.objects.bulk_create([Consent(
                    resident=client, scope=ConsentScope.COLLECT_USE, granted_on=opened_on,
                    method=ConsentMethod.WRITTEN, recorded_by_id=user_id, created_at=stage_times[0])])
                case = Case(household=household, client=client, opened_on=opened_on, source=CaseSource.VISIT,
                            stage=stages[-1], assigned_official_id=household.assigned_official_id or user_id,
                            assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
                            plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS), version=len(stages),
                            created_at=stage_times[0], updated_at=stage_times[-1])
                Case.objects.bulk_create([case])
            CaseStageChange.objects.bulk_create([
                CaseStageChange(case=case, household=household, from_stage=stages[k - 1] if k else "", to_stage=s,
                                at=at, by_id=user_id)
                for k, (s, at) in enumerate(zip(stages, stage_times, strict=True))
            ])
            made["stage"] = len(stage_times)

        if slots["link"]:
            resource = _busy_resource(household)
            statuses = (LinkStatus.COMPLETED, LinkStatus.IN_SERVICE, LinkStatus.DECLINED, LinkStatus.ACCEPTED)
            ServiceLink.objects.bulk_create([
                ServiceLink(household=household, case=case, resource=resource, requested_on=timezone.localdate(at),
                            status=statuses[k % len(statuses)], amount_krw=(k % 5) * 100_000 or None,
                            status_reason="본인 거부" if statuses[k % len(statuses)] == LinkStatus.DECLINED else "",
                            created_by_id=user_id, created_at=at, updated_at=at)
                for k, at in enumerate(slots["link"])
            ])
            made["link"] = len(slots["link"])

        sources = CheckInSource.values
        CheckIn.objects.bulk_create([
            CheckIn(household=household, at=at, source=sources[k % len(sources)], is_alert=k % 7 == 0,
                    note=ALERT_NOTES[k % len(ALERT_NOTES)] if k % 7 == 0 else "")
            for k, at in enumerate(slots["checkin"])
        ])
        made["checkin"] = len(slots["checkin"])

        # One open follow-up per household and reason (a constraint): the newest is open unless one already is.
        has_open = household.follow_ups.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).exists()
        follow_ups = []
        for k, at in enumerate(slots["followup"]):
            newest = k == len(slots["followup"]) - 1
            status = FollowUpStatus.OPEN if newest and not has_open else (
                FollowUpStatus.CANCELLED if k % 5 == 4 else FollowUpStatus.DONE)
            follow_ups.append(FollowUp(
                household=household, due_on=timezone.localdate(at) + dt.timedelta(days=14),
                reason=FollowUpReason.CADENCE, status=status, assigned_to_id=household.assigned_official_id,
                created_at=at, closed_at=None if status == FollowUpStatus.OPEN else at + dt.timedelta(days=14),
            ))
        FollowUp.objects.bulk_create(follow_ups)
        made["followup"] = len(follow_ups)

        kinds = (MemberEventKind.JOINED, MemberEventKind.LEFT, MemberEventKind.HEAD_CHANGED)
        MemberEvent.objects.bulk_create([
            MemberEvent(household=household, resident=residents[k % len(residents)], kind=kinds[k % 3],
                        on=timezone.localdate(at), reason=LeftReason.MOVED_OUT if kinds[k % 3] == "left" else "",
                        recorded_by_id=user_id, created_at=at)
            for k, at in enumerate(slots["member"])
        ])
        made["member"] = len(slots["member"])
    return made
