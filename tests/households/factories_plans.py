"""Helpers for the annual basic plan page tests: a draft plan built through the services, stored figures."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plans import services
from plans.models import AnnualPlan, Department, DongMonthFigure


def draft_plan(*, district, by, year: int = 2026, dongs=(), targets: dict[str, int] | None = None,
               title: str | None = None) -> AnnualPlan:
    """A draft with one area, one task (복지정책과, 12,000,000 won, city money) and a target per dong and metric."""
    plan = services.plan_create(district=district, year=year, by=by, title=title or f"{year} 찾동 기본계획",
                                vision="모두가 행복한 복지도시")
    area = services.area_save(plan=plan, by=by, title="위기가구 조기 발굴")
    department, _created = Department.objects.get_or_create(district=district, name="복지정책과")
    services.task_save(area=area, by=by, data={"title": "명예사회복지공무원 확대", "department": department,
                                               "budget_krw": 12_000_000, "funding_source": "city"})
    for dong in dongs:
        for metric, target in (targets or {"cases_opened": 10}).items():
            services.target_set(plan=plan, by=by, dong=dong, metric=metric, target=target, baseline=target - 1)
    return plan


def approved(plan: AnnualPlan, *, planner, admin) -> AnnualPlan:
    services.plan_submit(plan=plan, by=planner)
    return services.plan_approve(plan=plan, by=admin)


def figure(dong, month: dt.date, metric: str, value: int) -> DongMonthFigure:
    return DongMonthFigure.objects.create(dong=dong, month=month.replace(day=1), metric=metric, value=value,
                                          computed_at=timezone.now())
