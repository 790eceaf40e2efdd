"""Writes to a draft plan's contents: areas, tasks with their departments and quarterly milestones, dong targets.

Planners and district admins write, and only while the plan is an editable draft.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import District, Dong

from ..metrics import METRICS
from ..models import AnnualPlan, Department, DongTarget, PlanArea, PlanMilestone, PlanTask
from .common import require_editable, require_planner

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class TaskData(TypedDict, total=False):
    """A task's fields (only the keys given change on an existing task)."""

    title: str
    description: str
    department: Department | None
    lead: str
    budget_krw: int
    funding_source: str
    indicator: str
    indicator_unit: str
    baseline: Decimal | None
    target: Decimal | None
    order: int


TASK_FIELDS = tuple(TaskData.__annotations__)
TASK_TEXTS = ("title", "lead", "indicator", "indicator_unit")


def task_problems(data: TaskData) -> dict[str, list[str]]:
    """A budget above MAX_BUDGET_KRW, an indicator value above MAX_TARGET, texts longer than their columns
    (the description: LONG_TEXT)."""
    checks = bounds.Checks().amount("budget_krw", data.get("budget_krw"), bounds.max_budget_krw())
    checks.number("baseline", data.get("baseline"), bounds.max_target())
    checks.number("target", data.get("target"), bounds.max_target())
    for name in TASK_TEXTS:
        checks.text(name, data.get(name), bounds.max_length(PlanTask, name))
    checks.text("description", data.get("description"), bounds.LONG_TEXT)
    return checks.errors


def target_problems(*, target: int | None, baseline: int | None = None) -> dict[str, list[str]]:
    """A dong target (or last year's figure) above MAX_TARGET."""
    return bounds.Checks().number("target", target, bounds.max_target()).number(
        "baseline", baseline, bounds.max_target()).errors


@transaction.atomic
def area_save(*, plan: AnnualPlan, by: User, title: str, area: PlanArea | None = None) -> PlanArea:
    require_planner(by)
    require_editable(plan)
    if not title.strip():
        raise RuleError({"title": _("영역 이름을 입력하세요.")})
    bounds.Checks().text("title", title.strip(), bounds.max_length(PlanArea, "title")).done()
    if area is None:
        order = (plan.areas.aggregate(m=Max("order"))["m"] or 0) + 1
        area = PlanArea.objects.create(plan=plan, order=order, title=title.strip())
    else:
        area.title = title.strip()
        area.save(update_fields=["title"])
    log_action(plan, "plans.area.saved", user=by, changes={"area": area.pk, "title": area.title})
    return area


@transaction.atomic
def areas_reorder(*, plan: AnnualPlan, by: User, ordered_ids: list[int]) -> None:
    require_planner(by)
    require_editable(plan)
    areas = {a.pk: a for a in plan.areas.all()}
    if set(ordered_ids) != set(areas):
        raise RuleError(_("영역 목록이 바뀌었습니다. 새로 고친 뒤 다시 시도하세요."))
    for position, pk in enumerate(ordered_ids, start=1):
        areas[pk].order = position
    PlanArea.objects.bulk_update(areas.values(), ["order"])
    log_action(plan, "plans.area.reordered", user=by, changes={"order": ordered_ids})


@transaction.atomic
def area_delete(*, area: PlanArea, by: User) -> None:
    require_planner(by)
    require_editable(area.plan)
    log_action(area.plan, "plans.area.deleted", user=by, changes={"area": area.pk, "title": area.title})
    area.delete()


@transaction.atomic
def task_save(*, area: PlanArea, by: User, data: TaskData, task: PlanTask | None = None) -> PlanTask:
    require_planner(by)
    require_editable(area.plan)
    department = data.get("department")
    if department is None and (task is None or task.department_id is None):
        raise RuleError({"department": _("세부 사업에는 담당 부서가 있어야 합니다.")})
    if department is not None and department.district_id != area.plan.district_id:
        raise RuleError({"department": _("다른 구의 부서입니다.")})
    if (data.get("budget_krw") or 0) < 0:
        raise RuleError({"budget_krw": _("예산은 0원 이상이어야 합니다.")})
    if found := task_problems(data):
        raise RuleError(found)
    task = task or PlanTask(area=area)
    for name in TASK_FIELDS:
        if name in data:
            setattr(task, name, data[name])  # type: ignore[literal-required]
    task.save()
    log_action(area.plan, "plans.task.saved", user=by, changes={"task": task.pk, "title": task.title})
    return task


@transaction.atomic
def task_delete(*, task: PlanTask, by: User) -> None:
    require_planner(by)
    require_editable(task.area.plan)
    log_action(task.area.plan, "plans.task.deleted", user=by, changes={"task": task.pk, "title": task.title})
    task.delete()


@transaction.atomic
def department_get_or_create(*, district: District, by: User, name: str) -> Department:
    """The district's department of that name, created if new (the task form's "새 부서")."""
    require_planner(by)
    name = " ".join(name.split())
    if not name:
        raise RuleError({"name": _("부서 이름을 입력하세요.")})
    bounds.Checks().text("name", name, bounds.max_length(Department, "name")).done()
    department, created = Department.objects.get_or_create(district=district, name=name)
    if created:
        log_action(department, "plans.department.created", user=by)
    return department


@transaction.atomic
def milestones_save(*, task: PlanTask, by: User, items: list[tuple[int, str, str]]) -> list[PlanMilestone]:
    """The task's quarterly milestones replaced by ``items`` of (quarter, text, status); blank texts are dropped."""
    require_planner(by)
    require_editable(task.area.plan)
    rows = [PlanMilestone(task=task, quarter=q, text=text.strip(), status=status)
            for q, text, status in items if text.strip()]
    if any(not 1 <= m.quarter <= 4 for m in rows):
        raise RuleError(_("분기는 1에서 4 사이여야 합니다."))
    limit = bounds.max_length(PlanMilestone, "text")
    checks = bounds.Checks()
    for m in rows:
        checks.text(f"m{m.quarter}_text", m.text, limit)  # the task form's names
    checks.done()
    before = [(m.quarter, m.text, m.status) for m in task.milestones.all()]
    after = [(m.quarter, m.text, m.status) for m in rows]
    if before != after:
        task.milestones.all().delete()
        PlanMilestone.objects.bulk_create(rows)
        log_action(task.area.plan, "plans.milestones.saved", user=by, changes={"task": task.pk, "milestones": after})
    return rows


@transaction.atomic
def target_set(*, plan: AnnualPlan, by: User, dong: Dong, metric: str, target: int,
               baseline: int | None = None) -> DongTarget:
    require_planner(by)
    require_editable(plan)
    if metric not in METRICS:
        raise RuleError({"metric": _("목표에는 지표를 골라야 합니다.")})
    if target is None or target < 0:
        raise RuleError({"target": _("목표는 0 이상의 정수여야 합니다.")})
    if found := target_problems(target=target, baseline=baseline):
        raise RuleError(found)
    if dong.district_id != plan.district_id:
        raise RuleError({"dong": _("다른 구의 동입니다.")})
    defaults = {"target": target} if baseline is None else {"target": target, "baseline": baseline}
    row, _created = DongTarget.objects.update_or_create(plan=plan, dong=dong, metric=metric, defaults=defaults)
    log_action(plan, "plans.target.set", user=by, changes={"dong": dong.pk, "metric": metric, "target": target})
    return row
