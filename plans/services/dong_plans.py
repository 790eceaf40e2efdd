"""Writes of the per-dong discovery plans: the dong plan's direction, its local targets, focus areas and planned
actions. The dong lead writes the plans of their own dongs, the district admin any dong of the district, under the
district's current plan; every write is audited; refusals are RuleErrors keyed by field."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.scoping import visible_dong_ids

from ..metrics import METRICS
from ..models import ActionStatus, AnnualPlan, DongPlan, DongPlanTarget, FocusArea, FocusKind, PlannedAction
from .common import require

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _check(by: User, plan: AnnualPlan, dong: Dong) -> None:
    require(by, "edit_dong_plans", _("동별 발굴 계획은 동장(팀장)과 구 관리자가 작성합니다."))
    if dong.district_id != plan.district_id or dong.pk not in visible_dong_ids(by):
        raise RuleError(_("담당하는 행정동의 계획만 작성할 수 있습니다."))
    if not plan.is_current:
        raise RuleError(_("지난 개정본에는 동별 계획을 쓸 수 없습니다. 최신 개정본에서 작성하세요."))


@transaction.atomic
def dong_plan_save(*, by: User, plan: AnnualPlan, dong: Dong, summary: str) -> DongPlan:
    _check(by, plan, dong)
    if problem := bounds.text_problem(summary, bounds.LONG_TEXT):
        raise RuleError({"summary": problem})
    dong_plan, created = DongPlan.objects.update_or_create(plan=plan, dong=dong,
                                                           defaults={"summary": summary, "updated_by": by})
    log_action(dong_plan, "plans.dongplan.created" if created else "plans.dongplan.updated", user=by,
               changes={"summary": summary[:200]})
    return dong_plan


def _plan_of(by: User, dong_plan: DongPlan) -> None:
    _check(by, dong_plan.plan, dong_plan.dong)


@transaction.atomic
def local_target_set(*, by: User, dong_plan: DongPlan, metric: str, target: int | None) -> DongPlanTarget | None:
    """Set (or with ``None`` remove) the dong's own target on a metric."""
    _plan_of(by, dong_plan)
    if metric not in METRICS:
        raise RuleError({"metric": _("알 수 없는 지표입니다.")})
    if target is None:
        DongPlanTarget.objects.filter(dong_plan=dong_plan, metric=metric).delete()
        log_action(dong_plan, "plans.dongplan.target_deleted", user=by, changes={"metric": metric})
        return None
    if not 0 <= target <= bounds.max_target():
        raise RuleError({"target": _("목표는 0 이상 %(max)s 이하로 적어 주세요.") % {"max": f"{bounds.max_target():,}"}})
    row, _created = DongPlanTarget.objects.update_or_create(dong_plan=dong_plan, metric=metric,
                                                            defaults={"target": target})
    log_action(dong_plan, "plans.dongplan.target_set", user=by, changes={"metric": metric, "target": target})
    return row


@transaction.atomic
def focus_area_add(*, by: User, dong_plan: DongPlan, kind: str, name: str, households: int = 0,
                   note: str = "") -> FocusArea:
    _plan_of(by, dong_plan)
    problems = {k: v for k, v in {
        "name": bounds.text_problem(name, bounds.max_length(FocusArea, "name")),
        "note": bounds.text_problem(note, bounds.max_length(FocusArea, "note")),
    }.items() if v}
    if kind not in FocusKind.values:
        problems["kind"] = _("유형을 고르세요.")
    if not name.strip():
        problems["name"] = _("이름이나 위치를 적어 주세요.")
    if households < 0:
        problems["households"] = _("가구 수는 0 이상이어야 합니다.")
    if problems:
        raise RuleError(problems)
    area, created = FocusArea.objects.get_or_create(dong_plan=dong_plan, kind=kind, name=name.strip(),
                                                    defaults={"households": households, "note": note})
    if created:
        log_action(dong_plan, "plans.dongplan.focus_area_created", user=by, changes={"kind": kind, "name": name})
    return area


@transaction.atomic
def focus_area_delete(*, by: User, area: FocusArea) -> None:
    _plan_of(by, area.dong_plan)
    log_action(area.dong_plan, "plans.dongplan.focus_area_deleted", user=by, changes={"name": area.name})
    area.delete()


@transaction.atomic
def action_save(*, by: User, dong_plan: DongPlan, title: str, starts_on: dt.date, due_on: dt.date, owner: str,
                focus_area: FocusArea | None = None, status: str = ActionStatus.PLANNED,
                action: PlannedAction | None = None) -> PlannedAction:
    _plan_of(by, dong_plan)
    problems = {k: v for k, v in {
        "title": bounds.text_problem(title, bounds.max_length(PlannedAction, "title")),
        "owner": bounds.text_problem(owner, bounds.max_length(PlannedAction, "owner")),
        "starts_on": bounds.day_problem(starts_on),
    }.items() if v}
    if not title.strip():
        problems["title"] = _("추진 내용을 적어 주세요.")
    if not owner.strip():
        problems["owner"] = _("담당을 적어 주세요.")
    if due_on < starts_on:
        problems["due_on"] = _("완료 예정일은 시작일과 같거나 뒤여야 합니다.")
    elif due_on.year != dong_plan.plan.year and starts_on.year != dong_plan.plan.year:
        problems["due_on"] = _("%(year)s년 계획의 활동은 그해에 걸쳐야 합니다.") % {"year": dong_plan.plan.year}
    if focus_area is not None and focus_area.dong_plan_id != dong_plan.pk:
        problems["focus_area"] = _("이 동 계획의 중점 지역을 고르세요.")
    if status not in ActionStatus.values:
        problems["status"] = _("상태를 고르세요.")
    if problems:
        raise RuleError(problems)
    fields = {"title": title.strip(), "starts_on": starts_on, "due_on": due_on, "owner": owner.strip(),
              "focus_area": focus_area, "status": status}
    if action is None:
        action = PlannedAction.objects.create(dong_plan=dong_plan, **fields)
        verb = "plans.dongplan.action_created"
    else:
        if action.dong_plan_id != dong_plan.pk:
            raise RuleError(_("다른 동 계획의 활동은 고칠 수 없습니다."))
        for name, value in fields.items():
            setattr(action, name, value)
        action.save()
        verb = "plans.dongplan.action_updated"
    log_action(dong_plan, verb, user=by, changes={k: str(v) for k, v in fields.items()})
    return action


@transaction.atomic
def action_set_status(*, by: User, action: PlannedAction, status: str) -> PlannedAction:
    _plan_of(by, action.dong_plan)
    if status not in ActionStatus.values:
        raise RuleError({"status": _("상태를 고르세요.")})
    action.status = status
    action.save(update_fields=["status"])
    log_action(action.dong_plan, "plans.dongplan.action_status", user=by,
               changes={"action": action.pk, "status": status})
    return action
