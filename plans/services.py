"""Writes to the annual basic plan: drafting from last year, editing, the approval workflow, revisions.

Every change is attributed and dated (log_action), every refusal is a RuleError with a sentence for the user.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import Dong, Role
from welfare.scoping import has_role

from .metrics import METRICS, STOCK_METRICS
from .models import (
    AnnualPlan,
    Department,
    DongMonthFigure,
    DongTarget,
    MilestoneStatus,
    PlanArea,
    PlanComment,
    PlanMilestone,
    PlanStatus,
    PlanTask,
)

PLANNERS = (Role.DISTRICT_PLANNER, Role.DISTRICT_ADMIN)
APPROVERS = (Role.DISTRICT_ADMIN,)


def _require(user, roles, message: str) -> None:
    if not has_role(user, *roles):
        raise RuleError(message)


def _require_editable(plan: AnnualPlan) -> None:
    if not plan.is_editable:
        raise RuleError(_("승인 요청되었거나 승인된 계획은 고칠 수 없습니다. 승인된 계획은 새 개정본을 만들어 고치세요."))


def uplifted(actual: int, uplift_percent: Decimal | float) -> int:
    """Last year's actual × (1 + uplift), rounded UP to a whole number (DOMAIN §7: ceil(actual × 1.10))."""
    # Decimal keeps 10 × 1.1 at exactly 11 (binary floats would give 11.000000000000002 and round up to 12).
    value = Decimal(actual) * (Decimal(1) + Decimal(str(uplift_percent)) / Decimal(100))
    return math.ceil(value)


def actuals_for_year(*, dong_ids, year: int, metric_codes=None) -> dict[tuple[int, str], int]:
    """A year's actual per (dong, metric) from the nightly figures (stock metrics: the latest month)."""
    codes = list(metric_codes or METRICS)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    base = DongMonthFigure.objects.filter(dong_id__in=list(dong_ids), metric__in=codes, month__gte=start,
                                          month__lte=end)
    out: dict[tuple[int, str], int] = {}
    for row in base.exclude(metric__in=STOCK_METRICS).values("dong_id", "metric").annotate(total=Sum("value")):
        out[(row["dong_id"], row["metric"])] = row["total"]
    stock = base.filter(metric__in=STOCK_METRICS)
    latest = {r["metric"]: r["m"] for r in stock.values("metric").annotate(m=Max("month"))}
    for row in stock.values("dong_id", "metric", "month", "value"):
        if row["month"] == latest.get(row["metric"]):
            out[(row["dong_id"], row["metric"])] = row["value"]
    return out


@transaction.atomic
def plan_create(*, district, year: int, by, title: str, vision: str = "") -> AnnualPlan:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    if AnnualPlan.objects.filter(district=district, year=year, is_current=True).exists():
        raise RuleError(_("%(year)s년 계획이 이미 있습니다.") % {"year": year})
    plan = AnnualPlan.objects.create(district=district, year=year, title=title, vision=vision, created_by=by)
    log_action(plan, "plans.plan.created", user=by)
    return plan


@transaction.atomic
def plan_create_from_previous(*, previous: AnnualPlan, by, year: int | None = None,
                              uplift_percent: Decimal | float = 10, title: str = "") -> AnnualPlan:
    """Next year's draft: areas, tasks (with departments, budgets, indicators) and milestones copied; each dong
    target proposed as last year's ACTUAL × (1 + uplift), rounded up."""
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    year = year or previous.year + 1
    if uplift_percent < 0:
        raise RuleError(_("상향률은 0 이상이어야 합니다."))
    plan = plan_create(district=previous.district, year=year, by=by,
                       title=title or previous.title.replace(str(previous.year), str(year)), vision=previous.vision)
    plan.uplift_percent = Decimal(str(uplift_percent))
    plan.based_on = previous
    plan.save(update_fields=["uplift_percent", "based_on"])
    _copy_structure(previous, plan)
    dong_ids = list(Dong.objects.filter(district=previous.district).values_list("pk", flat=True))
    metrics = sorted({t.metric for t in previous.dong_targets.all()}) or list(METRICS)
    actual = actuals_for_year(dong_ids=dong_ids, year=previous.year, metric_codes=metrics)
    DongTarget.objects.bulk_create([
        DongTarget(plan=plan, dong_id=d, metric=m, baseline=actual.get((d, m), 0),
                   target=uplifted(actual.get((d, m), 0), uplift_percent))
        for d in dong_ids for m in metrics
    ])
    log_action(plan, "plans.plan.created_from_previous", user=by,
               changes={"previous": previous.pk, "uplift_percent": str(uplift_percent)})
    return plan


def _copy_structure(source: AnnualPlan, plan: AnnualPlan, *, with_targets: bool = False) -> None:
    for area in source.areas.prefetch_related("tasks__milestones"):
        new_area = PlanArea.objects.create(plan=plan, order=area.order, title=area.title)
        for task in area.tasks.all():
            milestones = list(task.milestones.all())
            task.pk, task.area = None, new_area
            task.save()
            PlanMilestone.objects.bulk_create([
                # A revision keeps the year's progress; next year's plan starts every milestone as planned.
                PlanMilestone(task=task, quarter=m.quarter, text=m.text,
                              status=m.status if with_targets else MilestoneStatus.PLANNED)
                for m in milestones
            ])
    if with_targets:
        DongTarget.objects.bulk_create([
            DongTarget(plan=plan, dong_id=t.dong_id, metric=t.metric, baseline=t.baseline, target=t.target)
            for t in source.dong_targets.all()
        ])


@transaction.atomic
def plan_update(*, plan: AnnualPlan, by, data: dict[str, Any]) -> AnnualPlan:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(plan)
    changes = {}
    for name in ("title", "vision"):
        if name in data and data[name] != getattr(plan, name):
            changes[name] = [getattr(plan, name), data[name]]
            setattr(plan, name, data[name])
    plan.save()
    if changes:
        log_action(plan, "plans.plan.updated", user=by, changes=changes)
    return plan


@transaction.atomic
def area_save(*, plan: AnnualPlan, by, title: str, area: PlanArea | None = None) -> PlanArea:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(plan)
    if not title.strip():
        raise RuleError(_("영역 이름을 입력하세요."))
    if area is None:
        order = (plan.areas.aggregate(m=Max("order"))["m"] or 0) + 1
        area = PlanArea.objects.create(plan=plan, order=order, title=title.strip())
    else:
        area.title = title.strip()
        area.save(update_fields=["title"])
    log_action(plan, "plans.area.saved", user=by, changes={"area": area.pk, "title": area.title})
    return area


@transaction.atomic
def areas_reorder(*, plan: AnnualPlan, by, ordered_ids: list[int]) -> None:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(plan)
    areas = {a.pk: a for a in plan.areas.all()}
    if set(ordered_ids) != set(areas):
        raise RuleError(_("영역 목록이 바뀌었습니다. 새로 고친 뒤 다시 시도하세요."))
    for position, pk in enumerate(ordered_ids, start=1):
        areas[pk].order = position
    PlanArea.objects.bulk_update(areas.values(), ["order"])
    log_action(plan, "plans.area.reordered", user=by, changes={"order": ordered_ids})


@transaction.atomic
def area_delete(*, area: PlanArea, by) -> None:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(area.plan)
    log_action(area.plan, "plans.area.deleted", user=by, changes={"area": area.pk, "title": area.title})
    area.delete()


TASK_FIELDS = ("title", "description", "department", "lead", "budget_krw", "funding_source", "indicator",
               "indicator_unit", "baseline", "target", "order")


@transaction.atomic
def task_save(*, area: PlanArea, by, data: dict[str, Any], task: PlanTask | None = None) -> PlanTask:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(area.plan)
    if data.get("department") is None and (task is None or task.department_id is None):
        raise RuleError(_("세부 사업에는 담당 부서가 있어야 합니다."))
    if data.get("department") is not None and data["department"].district_id != area.plan.district_id:
        raise RuleError(_("다른 구의 부서입니다."))
    if (data.get("budget_krw") or 0) < 0:
        raise RuleError(_("예산은 0원 이상이어야 합니다."))
    task = task or PlanTask(area=area)
    for name in TASK_FIELDS:
        if name in data:
            setattr(task, name, data[name])
    task.save()
    log_action(area.plan, "plans.task.saved", user=by, changes={"task": task.pk, "title": task.title})
    return task


@transaction.atomic
def task_delete(*, task: PlanTask, by) -> None:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(task.area.plan)
    log_action(task.area.plan, "plans.task.deleted", user=by, changes={"task": task.pk, "title": task.title})
    task.delete()


@transaction.atomic
def department_get_or_create(*, district, by, name: str) -> Department:
    """The district's department of that name, created if new (the task form's "새 부서")."""
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    name = " ".join(name.split())
    if not name:
        raise RuleError(_("부서 이름을 입력하세요."))
    department, created = Department.objects.get_or_create(district=district, name=name)
    if created:
        log_action(department, "plans.department.created", user=by)
    return department


@transaction.atomic
def milestones_save(*, task: PlanTask, by, items: list[tuple[int, str, str]]) -> list[PlanMilestone]:
    """The task's quarterly milestones replaced by ``items`` of (quarter, text, status); blank texts are dropped."""
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(task.area.plan)
    rows = [PlanMilestone(task=task, quarter=q, text=text.strip(), status=status)
            for q, text, status in items if text.strip()]
    if any(not 1 <= m.quarter <= 4 for m in rows):
        raise RuleError(_("분기는 1에서 4 사이여야 합니다."))
    before = [(m.quarter, m.text, m.status) for m in task.milestones.all()]
    after = [(m.quarter, m.text, m.status) for m in rows]
    if before != after:
        task.milestones.all().delete()
        PlanMilestone.objects.bulk_create(rows)
        log_action(task.area.plan, "plans.milestones.saved", user=by, changes={"task": task.pk, "milestones": after})
    return rows


@transaction.atomic
def target_set(*, plan: AnnualPlan, by, dong, metric: str, target: int, baseline: int | None = None) -> DongTarget:
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    _require_editable(plan)
    if metric not in METRICS:
        raise RuleError(_("목표에는 지표를 골라야 합니다."))
    if target is None or target < 0:
        raise RuleError(_("목표는 0 이상의 정수여야 합니다."))
    if dong.district_id != plan.district_id:
        raise RuleError(_("다른 구의 동입니다."))
    defaults = {"target": target} if baseline is None else {"target": target, "baseline": baseline}
    row, _created = DongTarget.objects.update_or_create(plan=plan, dong=dong, metric=metric, defaults=defaults)
    log_action(plan, "plans.target.set", user=by, changes={"dong": dong.pk, "metric": metric, "target": target})
    return row


def _comment(plan: AnnualPlan, by, action: str, text: str) -> None:
    PlanComment.objects.create(plan=plan, by=by, action=action, text=text)


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, by, comment: str = "") -> AnnualPlan:
    _require(by, PLANNERS, _("승인 요청은 구 기획 담당과 구 관리자가 합니다."))
    _require_editable(plan)
    if not plan.areas.exists() or not PlanTask.objects.filter(area__plan=plan).exists():
        raise RuleError(_("추진 영역과 세부 사업을 하나 이상 적어야 승인 요청할 수 있습니다."))
    if not plan.dong_targets.exists():
        raise RuleError(_("동별 목표를 하나 이상 정해야 승인 요청할 수 있습니다."))
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT).update(
            status=PlanStatus.SUBMITTED, submitted_at=timezone.now()) != 1:
        raise RuleError(_("이미 승인 요청된 계획입니다."))
    _comment(plan, by, "submitted", comment)
    log_action(plan, "plans.plan.submitted", user=by, reason=comment)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_approve(*, plan: AnnualPlan, by, comment: str = "") -> AnnualPlan:
    _require(by, APPROVERS, _("계획 승인은 구 관리자가 합니다."))
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=PlanStatus.APPROVED, approved_at=timezone.now(), approved_by=by) != 1:
        raise RuleError(_("승인 요청된 계획만 승인할 수 있습니다."))
    _comment(plan, by, "approved", comment)
    log_action(plan, "plans.plan.approved", user=by, reason=comment)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_return(*, plan: AnnualPlan, by, comment: str) -> AnnualPlan:
    _require(by, APPROVERS, _("계획 반려는 구 관리자가 합니다."))
    if not comment.strip():
        raise RuleError(_("반려할 때는 의견을 적어 주세요."))
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=PlanStatus.DRAFT, submitted_at=None) != 1:
        raise RuleError(_("승인 요청된 계획만 반려할 수 있습니다."))
    _comment(plan, by, "returned", comment)
    log_action(plan, "plans.plan.returned", user=by, reason=comment)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_revise(*, plan: AnnualPlan, by, comment: str = "") -> AnnualPlan:
    """An approved plan is read-only; a change makes a new draft revision (the old one is kept, superseded)."""
    _require(by, PLANNERS, _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))
    # Compare-and-set: only one revision can be made from the current approved plan.
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED, is_current=True).update(
            is_current=False) != 1:
        raise RuleError(_("승인된 최신 계획만 개정할 수 있습니다."))
    new = AnnualPlan.objects.create(
        district=plan.district, year=plan.year, revision=plan.revision + 1, title=plan.title, vision=plan.vision,
        uplift_percent=plan.uplift_percent, based_on=plan, created_by=by,
    )
    _copy_structure(plan, new, with_targets=True)
    AnnualPlan.objects.filter(pk=plan.pk).update(superseded_by=new)
    _comment(new, by, "revised", comment)
    log_action(new, "plans.plan.revised", user=by, reason=comment, changes={"from": plan.pk})
    return new
