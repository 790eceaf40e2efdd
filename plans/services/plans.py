"""Writes to the annual basic plan itself: drafting (from scratch or from last year), the header, the approval
workflow and revisions.

Every change is attributed and dated (log_action), every refusal is a RuleError with a sentence for the user
(keyed by the input's field name where one field is at fault).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District, Dong

from ..metrics import METRICS
from ..models import (
    AnnualPlan,
    DongTarget,
    MilestoneStatus,
    PlanArea,
    PlanComment,
    PlanMilestone,
    PlanStatus,
    PlanTask,
)
from ..selectors import actuals_for_year
from .common import require, require_editable, require_planner

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class PlanHeader(TypedDict, total=False):
    """The plan's header as edited on the plan page (only the keys given change)."""

    title: str
    vision: str


def uplifted(actual: int, uplift_percent: Decimal | float) -> int:
    """Last year's actual × (1 + uplift), rounded UP to a whole number (DOMAIN §7: ceil(actual × 1.10))."""
    # Decimal keeps 10 × 1.1 at exactly 11 (binary floats would give 11.000000000000002 and round up to 12).
    value = Decimal(actual) * (Decimal(1) + Decimal(str(uplift_percent)) / Decimal(100))
    return math.ceil(value)


COMMENT_MAX = bounds.NOTE_TEXT
UPLIFT_MAX = 1000  # percent: a target ten times last year's actual is already a typo


def _require_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise RuleError({"title": _("계획명을 입력하세요.")})
    return title


def header_problems(data: PlanHeader) -> dict[str, list[str]]:
    checks = bounds.Checks()
    for name in ("title", "vision"):
        if name in data:
            checks.text(name, (data[name] or "").strip(), bounds.max_length(AnnualPlan, name))
    return checks.errors


def year_problem(year: int) -> str | None:
    """A plan's year from EARLIEST_RECORD_DATE's to PLAUSIBLE_FUTURE_YEARS ahead."""
    first, last = bounds.earliest_date().year, seoul_today().year + bounds.future_years()
    if not first <= year <= last:
        return _("연도는 %(first)s년부터 %(last)s년까지입니다.") % {"first": first, "last": last}
    return None


def _check_comment(comment: str) -> None:
    bounds.Checks().text("comment", comment, COMMENT_MAX).done()


@transaction.atomic
def plan_create(*, district: District, year: int, by: User, title: str, vision: str = "") -> AnnualPlan:
    require_planner(by)
    title = _require_title(title)
    checks = bounds.Checks().add("year", year_problem(year))
    checks.errors.update(header_problems({"title": title, "vision": vision}))
    checks.done()
    if AnnualPlan.objects.filter(district=district, year=year, is_current=True).exists():
        raise RuleError({"year": _("%(year)s년 계획이 이미 있습니다.") % {"year": year}})
    plan = AnnualPlan.objects.create(district=district, year=year, title=title, vision=vision, created_by=by)
    log_action(plan, "plans.plan.created", user=by)
    return plan


@transaction.atomic
def plan_create_from_previous(*, previous: AnnualPlan, by: User, year: int | None = None,
                              uplift_percent: Decimal | float = 10, title: str = "") -> AnnualPlan:
    """Next year's draft: areas, tasks (with departments, budgets, indicators) and milestones copied; each dong
    target proposed as last year's ACTUAL × (1 + uplift), rounded up."""
    require_planner(by)
    year = year or previous.year + 1
    if uplift_percent < 0:
        raise RuleError({"uplift_percent": _("상향률은 0 이상이어야 합니다.")})
    if uplift_percent > UPLIFT_MAX:
        raise RuleError({"uplift_percent": _("상향률은 %(max)s%% 이하로 적어 주세요.") % {"max": UPLIFT_MAX}})
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
def plan_update(*, plan: AnnualPlan, by: User, data: PlanHeader) -> AnnualPlan:
    require_planner(by)
    require_editable(plan)
    if "title" in data:
        data = {**data, "title": _require_title(data["title"])}
    if found := header_problems(data):
        raise RuleError(found)
    plan, _changes = model_update(plan, data, ("title", "vision"), by=by, verb="plans.plan.updated")
    return plan


# --- the approval workflow -------------------------------------------------------------------------------


def _comment(plan: AnnualPlan, by: User, action: str, text: str) -> None:
    PlanComment.objects.create(plan=plan, by=by, action=action, text=text)


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, by: User, comment: str = "") -> AnnualPlan:
    require(by, "edit_plans", _("승인 요청은 구 기획 담당과 구 관리자가 합니다."))
    require_editable(plan)
    _check_comment(comment)
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
def plan_approve(*, plan: AnnualPlan, by: User, comment: str = "") -> AnnualPlan:
    require(by, "approve_plans", _("계획 승인은 구 관리자가 합니다."))
    _check_comment(comment)
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=PlanStatus.APPROVED, approved_at=timezone.now(), approved_by=by) != 1:
        raise RuleError(_("승인 요청된 계획만 승인할 수 있습니다."))
    _comment(plan, by, "approved", comment)
    log_action(plan, "plans.plan.approved", user=by, reason=comment)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_return(*, plan: AnnualPlan, by: User, comment: str) -> AnnualPlan:
    require(by, "approve_plans", _("계획 반려는 구 관리자가 합니다."))
    if not comment.strip():
        raise RuleError({"comment": _("반려할 때는 의견을 적어 주세요.")})
    _check_comment(comment)
    if AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=PlanStatus.DRAFT, submitted_at=None) != 1:
        raise RuleError(_("승인 요청된 계획만 반려할 수 있습니다."))
    _comment(plan, by, "returned", comment)
    log_action(plan, "plans.plan.returned", user=by, reason=comment)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_revise(*, plan: AnnualPlan, by: User, comment: str = "") -> AnnualPlan:
    """An approved plan is read-only; a change makes a new draft revision (the old one is kept, superseded)."""
    require_planner(by)
    _check_comment(comment)
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
