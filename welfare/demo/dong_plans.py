"""Demo per-dong discovery plans (issue 17): under each district's plan of this year, four dongs have written their
own plan — a direction, a local target above the district's, focus areas (쪽방, 고시원, 반지하, an apartment
block) and planned actions with dates, owners and states. Bulk inserts; a plan that already has dong plans gets
none, so a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from plans.models import (
    ActionStatus,
    AnnualPlan,
    DongPlan,
    DongPlanTarget,
    DongTarget,
    FocusArea,
    FocusKind,
    PlannedAction,
)
from welfare.models import District

FOCUS = (
    (FocusKind.GOSIWON, "{dong} 고시원 밀집 골목", 60, "1인 청년·중장년 가구"),
    (FocusKind.BANJIHA, "{dong} 반지하 주택가", 85, "침수 위험 구역 포함"),
    (FocusKind.JJOKBANG, "{dong} 쪽방 건물", 25, "무연고 어르신 다수"),
    (FocusKind.APARTMENT, "{dong} 영구임대아파트 2단지", 120, "관리사무소 협력"),
)
ACTIONS = (
    ("고시원 총무·건물주 간담회", 0, 20, "동장", ActionStatus.DONE),
    ("반지하 가구 전수 방문", 1, 120, "맞춤형복지팀·복지통장", ActionStatus.IN_PROGRESS),
    ("쪽방 어르신 안부 확인 체계 구축", 2, 200, "명예사회복지공무원", ActionStatus.PLANNED),
    ("관리사무소 위기가구 제보 교육", 3, 60, "맞춤형복지팀장", ActionStatus.PLANNED),
)


def seed_dong_plans(*, districts: Iterable[District], today: dt.date) -> int:
    made = 0
    for district in districts:
        plan = AnnualPlan.objects.filter(district=district, year=today.year).current().first()
        if plan is None or DongPlan.objects.filter(plan=plan).exists():
            continue
        with transaction.atomic():
            made += _seed(plan, today)
    return made


def _seed(plan: AnnualPlan, today: dt.date) -> int:
    dongs = list(plan.district.dongs.order_by("name")[:4])
    dong_plans = DongPlan.objects.bulk_create([
        DongPlan(plan=plan, dong=d, summary=f"{d.name}은 주거 취약 지역을 중심으로 숨은 위기가구를 찾습니다.")
        for d in dongs])
    district_targets = dict(((t.dong_id, t.metric), t.target) for t in
                            DongTarget.objects.filter(plan=plan, dong__in=dongs, metric="cases_opened"))
    DongPlanTarget.objects.bulk_create([
        DongPlanTarget(dong_plan=dp, metric="cases_opened",
                       target=district_targets.get((dp.dong_id, "cases_opened"), 10) + 5) for dp in dong_plans])
    areas = FocusArea.objects.bulk_create([
        FocusArea(dong_plan=dp, kind=kind, name=name.format(dong=dp.dong.name), households=n, note=note)
        for i, dp in enumerate(dong_plans) for j, (kind, name, n, note) in enumerate(FOCUS) if (i + j) % 2 == 0])
    by_plan: dict[int, list[FocusArea]] = {}
    for area in areas:
        by_plan.setdefault(area.dong_plan_id, []).append(area)
    start = dt.date(plan.year, 1, 15)
    actions = []
    for dp in dong_plans:
        for i, (title, area_index, days, owner, status) in enumerate(ACTIONS):
            mine = by_plan.get(dp.pk, [])
            begins = start + dt.timedelta(days=30 * i)
            actions.append(PlannedAction(
                dong_plan=dp, focus_area=mine[area_index % len(mine)] if mine else None, title=title,
                starts_on=begins, due_on=begins + dt.timedelta(days=days), owner=owner,
                status=status if begins <= today else ActionStatus.PLANNED))
    PlannedAction.objects.bulk_create(actions)
    return len(dong_plans)
