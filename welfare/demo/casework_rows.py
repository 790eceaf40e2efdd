"""A year of casework for demo households (DOMAIN.md §6 and §9): the tables it is drawn from, and one batch of rows.

Everything is invented. A batch holds the rows drawn for a few thousand households and writes them with
``bulk_create`` in dependency order (visits before their needs, cases before their stage changes...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from households.models import (
    CareStatus,
    Case,
    CaseGoal,
    CaseNeed,
    CaseSource,
    CaseStageChange,
    CheckIn,
    CheckInSource,
    ClosingReason,
    Consent,
    ContactResult,
    FollowUp,
    Household,
    NeedDomain,
    RiskLevel,
    ServiceLink,
    Severity,
    Visit,
    VisitKind,
    VisitNeed,
)
from plans.models import ResourceCategory

from .common import own_timestamps

CASE_SHARE = 0.25  # §9 funnel: 25 % of screened households become a full case
DIFFICULT_SHARE = 0.20  # §9: 80 % general, 20 % difficult
STUCK_SHARE = 0.10  # §9: ≈10 % past the plan deadline, for the time-limit demos
ARCHIVED_SHARE = 0.85  # after-care ended without a problem at the last contact (the rest still in after-care)
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
    RiskLevel.EMERGENCY: ((Severity.HIGH, 80), (Severity.MEDIUM, 20)),
    RiskLevel.HIGH: ((Severity.HIGH, 55), (Severity.MEDIUM, 35), (Severity.LOW, 10)),
    RiskLevel.MEDIUM: ((Severity.HIGH, 20), (Severity.MEDIUM, 55), (Severity.LOW, 25)),
    RiskLevel.LOW: ((Severity.HIGH, 5), (Severity.MEDIUM, 35), (Severity.LOW, 60)),
    RiskLevel.GENERAL: ((Severity.MEDIUM, 20), (Severity.LOW, 80)),
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



@dataclass
class ResourceRow:
    pk: int
    district_id: int
    sector: str
    category: str
    dong_ids: frozenset[int]


@dataclass
class Batch:
    """The rows of one batch of households, inserted in dependency order."""

    visits: list[Visit] = field(default_factory=list)
    visit_needs: list[tuple[Visit, VisitNeed]] = field(default_factory=list)
    follow_ups: list[tuple[Visit | None, FollowUp]] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    stage_changes: list[tuple[Case, CaseStageChange]] = field(default_factory=list)
    aftercare: list[tuple[Case, FollowUp]] = field(default_factory=list)
    case_needs: list[tuple[Case, CaseNeed]] = field(default_factory=list)
    goals: list[tuple[Case, CaseNeed | None, CaseGoal]] = field(default_factory=list)
    links: list[tuple[Case, CaseNeed | None, ServiceLink]] = field(default_factory=list)
    contact_fixes: list[Household] = field(default_factory=list)

    def save(self, size: int) -> dict[str, int]:
        with own_timestamps(Visit, FollowUp, Consent, Case, ServiceLink):
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
            for rows in (self.stage_changes, self.case_needs, self.aftercare):
                for case, row in rows:
                    row.case_id = case.pk
            FollowUp.objects.bulk_create([f for _c, f in self.aftercare], batch_size=size, ignore_conflicts=True)
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

