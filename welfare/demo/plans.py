"""Demo annual basic plans (DOMAIN.md §7) for last year and this year, read against the same casework (issue 16
item 10). Last year's is shaped after Yeongdeungpo's 2024 plan: a vision, four strategy areas and 31 tasks across
the district's departments, each with a budget, a funding source, an indicator and quarterly milestones; a
target per dong and metric (set a year before against a smaller base: some dongs beat it, some fell short);
approved. This year's is made from it the way a planner does ("작년 계획으로 새 계획 만들기"): every dong target
last year's actual × 1.10 rounded up, the milestones of the quarters gone by done (a few late), approved. Its
dashboard then shows each dong at its own pace (welfare.demo.years): some on track or ahead, some behind.
Trainings, awards and public-private agreements come with them.

Everything goes through plans.services (attributed, logged). Seeding is idempotent: a district that already has
a plan for a year keeps it. People's names are synthetic; programme names are the public ones.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plans import services
from plans.figures import figures_recompute
from plans.metrics import METRICS, STOCK_METRICS
from plans.models import (
    AnnualPlan,
    Award,
    AwardRecipientKind,
    MilestoneStatus,
    Partnership,
    PlanTask,
    Training,
    TrainingAudience,
)
from welfare.models import District, StaffMembership
from welfare.permissions import can, roles_with

from .common import short_name
from .people import person_name
from .years import DemoYears

UPLIFT_PERCENT = 10  # DOMAIN §7: per-dong targets at least 10 % above last year


@dataclass(frozen=True)
class DemoTask:
    title: str
    department: str
    budget_krw: int
    source: str  # district / city / national / private
    indicator: str
    unit: str
    baseline: int
    target: int
    milestones: tuple[str, str, str, str] = ("대상 선정·계획 수립", "사업 추진", "중간 점검·보완", "성과 평가")
    description: str = ""


D, C, N, P = "district", "city", "national", "private"

AREAS: tuple[tuple[str, tuple[DemoTask, ...]], ...] = (
    ("동 주민센터 복지 기능 확대", (
        DemoTask("찾아가는 동 주민센터 복지플래너 운영", "복지정책과", 48_000_000, C, "복지플래너 방문 상담", "건", 5200, 5800,
                 ("동별 인력 배치·직무교육", "방문 상담 상시 운영", "상반기 실적 점검", "연간 성과 평가"),
                 "동마다 복지플래너가 위기 의심 가구를 직접 찾아가 상담하고 서비스를 연계"),
        DemoTask("방문간호사 배치 및 건강 방문", "건강관리과", 126_000_000, N, "방문간호 가구", "가구", 3100, 3400,
                 ("방문간호사 채용·배치", "만성질환 가구 방문", "건강 위험군 재평가", "성과 보고")),
        DemoTask("우리동네주무관 운영", "자치행정과", 15_000_000, D, "마을 의제 발굴", "건", 85, 100),
        DemoTask("동 복지상담실 환경 개선", "복지정책과", 60_000_000, D, "개선 동", "개소", 4, 6,
                 ("대상 동 선정", "설계·발주", "공사", "준공·이용 안내")),
        DemoTask("통합사례관리 사례회의 운영", "희망복지과", 22_000_000, D, "사례회의 개최", "회", 140, 160),
        DemoTask("사례관리 슈퍼비전(외부 전문가)", "희망복지과", 18_000_000, C, "슈퍼비전", "회", 24, 30),
        DemoTask("복지 업무 담당자 역량강화 교육", "복지정책과", 12_000_000, D, "교육 이수 인원", "명", 180, 220,
                 ("교육 과정 설계", "신규자 기본 교육", "사례관리 심화 교육", "만족도 조사")),
        DemoTask("복지 상담 전산 기록 정비", "복지정책과", 9_600_000, D, "전산 처리율", "%", 92, 98),
    )),
    ("위기가구 조기 발굴과 맞춤형 지원 연계", (
        DemoTask("복지 사각지대 빅데이터 발굴 조사", "희망복지과", 8_000_000, N, "조사 완료율", "%", 93, 100,
                 ("1차 대상 명단 조사", "2·3차 명단 조사", "4·5차 명단 조사", "6차 명단 조사·결과 보고")),
        DemoTask("긴급복지지원", "희망복지과", 980_000_000, N, "긴급지원 가구", "가구", 1450, 1600),
        DemoTask("서울형 긴급복지", "희망복지과", 420_000_000, C, "지원 가구", "가구", 820, 900),
        DemoTask("고독사 예방 IoT 안부 확인", "어르신복지과", 96_000_000, C, "IoT 설치 가구", "가구", 600, 750,
                 ("설치 대상 선정", "기기 설치", "이상 신호 대응 점검", "효과 분석")),
        DemoTask("AI 안부전화 서비스", "어르신복지과", 36_000_000, D, "안부 확인 가구", "가구", 1200, 1500),
        DemoTask("1인 가구 사회적 고립 실태조사", "가족정책과", 25_000_000, C, "조사 가구", "가구", 9000, 10000,
                 ("조사표·조사원 준비", "방문 조사", "고위험 가구 연계", "결과 분석·공유")),
        DemoTask("푸드뱅크·마켓 운영 지원", "복지정책과", 140_000_000, D, "이용 가구", "가구", 2300, 2500),
        DemoTask("저소득 주민 주거환경 개선", "주택과", 210_000_000, C, "개선 가구", "가구", 60, 75),
        DemoTask("장애인 가구 맞춤형 돌봄 연계", "장애인복지과", 54_000_000, N, "연계 가구", "가구", 310, 350),
    )),
    ("동 단위 촘촘한 발굴체계 구축", (
        DemoTask("명예사회복지공무원 위촉·운영", "희망복지과", 30_000_000, D, "위촉 인원", "명", 1150, 1300,
                 ("신규 위촉·교육", "활동 지원", "우수 활동자 발굴", "활동 평가·재위촉")),
        DemoTask("우리동네돌봄단 운영", "어르신복지과", 380_000_000, C, "돌봄단원", "명", 170, 180),
        DemoTask("이웃살피미 활동 지원", "희망복지과", 14_000_000, D, "활동 인원", "명", 240, 280),
        DemoTask("생활업종(편의점·부동산·약국) 협력 발굴", "희망복지과", 6_000_000, D, "협약 업소", "개소", 320, 400),
        DemoTask("복지등기 우편 서비스", "희망복지과", 11_000_000, N, "발송 건수", "건", 4200, 5000),
        DemoTask("만 65세 도래 어르신 보편방문", "어르신복지과", 0, D, "방문 완료율", "%", 88, 95),
        DemoTask("출산가정 보편방문", "건강관리과", 42_000_000, N, "방문 가정", "가정", 1100, 1200),
    )),
    ("지역 기관과 함께하는 민관 협력", (
        DemoTask("지역사회보장협의체 특화사업", "복지정책과", 170_000_000, D, "수혜 가구", "가구", 2600, 3000,
                 ("동별 특화사업 공모", "사업 실행", "중간 점검", "성과 공유회")),
        DemoTask("나눔이웃 결연 사업", "복지정책과", 85_000_000, P, "결연 가구", "가구", 450, 520),
        DemoTask("사랑의열매 연계 긴급지원", "희망복지과", 150_000_000, P, "지원 가구", "가구", 380, 420),
        DemoTask("종합사회복지관 협력 사례관리", "희망복지과", 30_000_000, D, "공동 사례관리", "건", 95, 110),
        DemoTask("정신건강 위기 대응 연계", "보건정책과", 44_000_000, C, "연계 건수", "건", 160, 200),
        DemoTask("법률·금융 상담 연계(재능기부)", "복지정책과", 5_000_000, P, "상담 건수", "건", 70, 90),
        DemoTask("복지 자원 발굴과 나눔 문화 확산", "복지정책과", 20_000_000, D, "모금액", "백만원", 820, 900),
    )),
)

# Per dong and year, when the district has no figures for a metric yet (e.g. no crisis reports in the demo).
FALLBACK_RANGE = {
    "crisis_households_discovered": (60, 160),
    "cases_opened": (10, 40),
    "service_links_completed": (40, 140),
    "universal_visits_done": (80, 220),
    "network_members_active": (30, 90),
    "trainings_held": (3, 8),
}

PARTNERS = (
    ("{short} 지역 편의점 가맹점 협의회", "위기 의심 가구 발견 시 동 주민센터 신고, 안내 전단 비치"),
    ("한국전력공사 {short}지사", "단전 위기 가구 정보 공유와 검침원 방문 시 안부 확인"),
    ("{gu} 공인중개사협회", "주거 위기(체납·퇴거) 가구 발견 시 연계"),
    ("{short}우체국", "복지등기 우편 배달 시 집배원 안부 확인"),
    ("{gu} 약사회", "약국 방문 고위험 어르신 발견·연계"),
)

AWARDS = (
    (AwardRecipientKind.NETWORK_MEMBER, "명예사회복지공무원 우수 활동 표창"),
    (AwardRecipientKind.NETWORK_MEMBER, "우리동네돌봄단 우수 단원 표창"),
    (AwardRecipientKind.RESIDENT, "이웃 돌봄 유공 구청장 표창"),
    (AwardRecipientKind.ORGANISATION, "복지 사각지대 발굴 유공 기관 감사패"),
    (AwardRecipientKind.OFFICIAL, "찾아가는 복지 우수 공무원 표창"),
    (AwardRecipientKind.RESIDENT, "나눔 문화 확산 유공 표창"),
)


def _approver(district: District, by):
    if can(by, "approve_plans"):
        return by
    staff = (StaffMembership.objects.filter(district=district, role__in=roles_with("approve_plans"))
             .select_related("user").order_by("pk").first())
    return staff.user if staff else None


def _previous_actuals(dong_ids: list[int], year: int) -> dict[tuple[int, str], int]:
    """Last year's actual per (dong, metric) straight from the metric registry (no nightly figures needed)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[tuple[int, str], int] = {}
    for code, metric in METRICS.items():
        for (dong_id, month), value in metric.count(dong_ids, start, end).items():
            if code in STOCK_METRICS:  # a level: December's
                if month == dt.date(year, 12, 1):
                    out[(dong_id, code)] = value
            else:
                out[(dong_id, code)] = out.get((dong_id, code), 0) + value
    return out


@transaction.atomic
def seed_plans(*, district: District, by, today: dt.date | None = None, years: DemoYears | None = None) -> int:
    """Last year's approved plan for ``district`` drafted by ``by`` (a planner or admin), with its trainings,
    awards and agreements, and this year's plan made from it with targets of last year's actual × 1.10. Returns
    the number of plans made (0, 1 or 2)."""
    today = today or timezone.localdate()
    years = years or DemoYears(today)
    made = 0
    last = (AnnualPlan.objects.filter(district=district, year=today.year - 1, superseded_by__isnull=True)
            .order_by("-pk").first())
    if last is None:
        if AnnualPlan.objects.filter(district=district, year=today.year - 1).exists():
            return 0
        last = _last_years_plan(district=district, by=by, today=today, years=years)
        made += 1
    if not AnnualPlan.objects.filter(district=district, year=today.year).exists():
        _this_years_plan(previous=last, by=by, today=today)
        made += 1
    return made


def _last_years_plan(*, district: District, by, today: dt.date, years: DemoYears) -> AnnualPlan:
    year = today.year - 1
    rng = random.Random(f"{district.name}-{year}")
    names = {"gu": district.name, "short": short_name(district.name)}
    plan = services.plan_create(district=district, year=year, by=by,
                                title=f"{year}년 {district.name} 찾아가는 보건복지서비스 기본계획",
                                vision=f"모두 多 행복한 복지도시 {names['short']}")
    for index_area, (area_title, tasks) in enumerate(AREAS):
        area = services.area_save(plan=plan, by=by, title=area_title)
        for index_task, item in enumerate(tasks):
            department = services.department_get_or_create(district=district, by=by, name=item.department)
            task = services.task_save(area=area, by=by, data={
                "title": item.title, "description": item.description, "department": department,
                "lead": f"{item.department[:-1]}팀", "budget_krw": item.budget_krw, "funding_source": item.source,
                "indicator": item.indicator, "indicator_unit": item.unit, "baseline": item.baseline,
                "target": item.target, "order": index_task + 1,
            })
            # A finished year: everything done, but one task in seven slipped in the third quarter.
            slipped = (index_area * 10 + index_task) % 7 == 3
            services.milestones_save(task=task, by=by, items=[
                (q, text, MilestoneStatus.DELAYED if slipped and q >= 3 else MilestoneStatus.DONE)
                for q, text in enumerate(item.milestones, start=1)
            ])

    dongs = list(district.dongs.order_by("name"))
    # The trainings first: they are the "trainings held" metric's figures.
    _trainings(rng, district, dongs, plan, year, today, years)
    actual = _previous_actuals([d.pk for d in dongs], year)
    have_figures = {code for (_d, code), value in actual.items() if value}
    for dong in dongs:
        for code in METRICS:
            if code in have_figures:
                # Targets set a year before against a smaller base: some dongs beat them, some fall short.
                done = actual.get((dong.pk, code), 0)
                target = max(1, round(done * rng.uniform(0.85, 1.2)))
            else:
                target = rng.randint(*FALLBACK_RANGE[code])
            services.target_set(plan=plan, by=by, dong=dong, metric=code, target=target,
                                baseline=math.floor(target / 1.1))

    services.plan_submit(plan=plan, by=by, comment="연간 기본계획을 제출합니다.")
    approver = _approver(district, by)
    if approver is not None:
        services.plan_approve(plan=plan, by=approver, comment="원안대로 승인합니다.")
    plan.refresh_from_db()

    for i, (kind, title) in enumerate(AWARDS):
        if kind == AwardRecipientKind.ORGANISATION:
            recipient = f"{names['short']}종합사회복지관"
        else:
            recipient = person_name(rng, rng.choice("MF"), rng.randint(35, 70))
        Award.objects.create(plan=plan, district=district, recipient=recipient, recipient_kind=kind, title=title,
                             awarded_on=dt.date(year, 12, 1) + dt.timedelta(days=i * 3))
    for i, (partner, scope) in enumerate(PARTNERS):
        Partnership.objects.create(plan=plan, district=district, partner=partner.format(**names),
                                   signed_on=dt.date(year, 2 + 2 * i, 15), scope=scope)
    return plan


def _this_years_plan(*, previous: AnnualPlan, by, today: dt.date) -> AnnualPlan:
    """This year's plan as a planner makes it in January: from last year's, targets from last year's actuals
    (the nightly figures, recomputed here first), approved; the milestones follow the calendar."""
    figures_recompute(start=dt.date(previous.year, 1, 1), end=today)
    plan = services.plan_create_from_previous(previous=previous, by=by, uplift_percent=UPLIFT_PERCENT)
    quarter = (today.month - 1) // 3 + 1
    for index, task in enumerate(PlanTask.objects.filter(area__plan=plan).order_by("area__order", "order", "pk")):
        late = index % 9 == 4  # a few tasks behind their schedule
        items = []
        for milestone in task.milestones.order_by("quarter"):
            if milestone.quarter < quarter:
                status = MilestoneStatus.DELAYED if late and milestone.quarter == quarter - 1 else MilestoneStatus.DONE
            elif milestone.quarter == quarter:
                status = MilestoneStatus.IN_PROGRESS
            else:
                status = MilestoneStatus.PLANNED
            items.append((milestone.quarter, milestone.text, status))
        services.milestones_save(task=task, by=by, items=items)
    services.plan_submit(plan=plan, by=by, comment=f"작년 실적의 {UPLIFT_PERCENT}% 상향으로 동별 목표를 세웠습니다.")
    approver = _approver(previous.district, by)
    if approver is not None:
        services.plan_approve(plan=plan, by=approver, comment="원안대로 승인합니다.")
    Training.objects.filter(district=previous.district, held_on__year=today.year, plan__isnull=True).update(plan=plan)
    plan.refresh_from_db()
    return plan


def _trainings(rng: random.Random, district: District, dongs, plan: AnnualPlan, year: int, today: dt.date,
               years: DemoYears) -> None:
    """Last year's sessions (the plan's) and this year's to date: per dong at the dong's pace (welfare.demo.years),
    and a few for the whole district."""
    rows = []
    titles = ("인적안전망 위기가구 발견 교육", "복지플래너 상담 기법", "이웃살피미 활동 교육", "고독사 예방 게이트키퍼 교육")
    for dong in dongs:
        last = rng.randint(4, 9)  # about one session every month or two
        expected = last * years.growth(dong.pk) * years.elapsed()
        this = int(expected) + (rng.random() < expected - int(expected))
        for held_year, count, until in ((year, last, dt.date(year, 12, 31)), (year + 1, this, today)):
            days = max(1, (until - dt.date(held_year, 1, 1)).days + 1)
            for _ in range(count):
                rows.append(Training(
                    district=district, dong=dong, plan=plan if held_year == year else None, title=rng.choice(titles),
                    held_on=dt.date(held_year, 1, 1) + dt.timedelta(days=rng.randrange(days)),
                    hours=rng.choice((2, 2, 3, 4)), audience=rng.choice(TrainingAudience.values),
                    attendees=rng.randint(8, 40)))
    for held_year in (year, year + 1):
        rows.append(Training(district=district, dong=None, plan=plan if held_year == year else None,
                             title="찾동 공무원 사례관리 역량강화 워크숍", held_on=dt.date(held_year, 3, 20),
                             hours=6, audience=TrainingAudience.OFFICIALS, attendees=rng.randint(60, 120)))
    Training.objects.bulk_create([t for t in rows if t.held_on <= today])
