"""The annual basic plan's editor page, shared by the plan views: the plan as this user may see it, the
editor's context (computed on first use, so an HTMX partial runs only the queries it needs) and the responses
after a change.

Planners and district admins write; dong officials and leads read their district's plans and see only their own
dongs' targets. Another district's plan is 404."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import visible_dong_ids

from .. import selectors
from ..forms import (
    AreaForm,
    CommentForm,
    PlanHeaderForm,
    ReturnForm,
    TaskForm,
    target_field_name,
)
from ..metrics import METRICS
from ..models import AnnualPlan, Department, DongTarget, FundingSource, MilestoneStatus, PlanArea

EDIT_TEMPLATE = "plans/plan/edit.html"

VERB_LABELS = {
    "plans.plan.created": gettext_lazy("계획 작성"),
    "plans.plan.created_from_previous": gettext_lazy("작년 계획으로 작성"),
    "plans.plan.updated": gettext_lazy("계획명·비전 수정"),
    "plans.area.saved": gettext_lazy("추진 영역 저장"),
    "plans.area.reordered": gettext_lazy("추진 영역 순서 변경"),
    "plans.area.deleted": gettext_lazy("추진 영역 삭제"),
    "plans.task.saved": gettext_lazy("세부 사업 저장"),
    "plans.task.deleted": gettext_lazy("세부 사업 삭제"),
    "plans.milestones.saved": gettext_lazy("분기별 일정 저장"),
    "plans.target.set": gettext_lazy("동별 목표 저장"),
    "plans.plan.submitted": gettext_lazy("승인 요청"),
    "plans.plan.approved": gettext_lazy("승인"),
    "plans.plan.returned": gettext_lazy("반려"),
    "plans.plan.revised": gettext_lazy("개정본 작성"),
    "plans.plan.exported": gettext_lazy("엑셀 내려받기"),
}
COMMENT_LABELS = {"submitted": gettext_lazy("승인 요청"), "approved": gettext_lazy("승인"),
                  "returned": gettext_lazy("반려"), "revised": gettext_lazy("개정")}



def can_write(user) -> bool:
    return can(user, "edit_plans")


def require_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied


def require_approver(request: HttpRequest) -> None:
    if not can(request.user, "approve_plans"):
        raise PermissionDenied


def plan_or_404(request: HttpRequest, pk: int) -> AnnualPlan:
    """The plan if this user's district owns it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        AnnualPlan.objects.visible_to(request.user).select_related("district", "superseded_by", "based_on"), pk=pk)


def edit_url(plan: AnnualPlan, anchor: str = "") -> str:
    return reverse("plans:plan_edit", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def back(request: HttpRequest, plan: AnnualPlan, anchor: str = "") -> HttpResponse:
    """After a change: the full page again (HTMX asks the browser to load it, so messages show)."""
    if request.htmx:
        return HttpResponseClientRedirect(edit_url(plan, anchor))
    return redirect(edit_url(plan, anchor))


def read_only(request: HttpRequest, plan: AnnualPlan) -> HttpResponse | None:
    """Refuse a change to a plan that is no longer a draft (or a superseded revision), with a message."""
    if plan.is_editable:
        return None
    messages.error(request, _("승인 요청되었거나 승인된 계획은 고칠 수 없습니다. 승인된 계획은 새 개정본을 만들어 고치세요."))
    return back(request, plan)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)



@dataclass
class TargetCell:
    dong: Dong
    metric: str
    target: DongTarget | None
    value: str
    error: str = ""
    saved: bool = False

    @property
    def name(self) -> str:
        return target_field_name(self.dong.pk, self.metric)

    @property
    def key(self) -> str:
        return f"{self.dong.pk}:{self.metric}"


class EditPage:
    """The editor's context, computed on first use so a partial response runs only the queries it needs."""

    def __init__(self, request: HttpRequest, plan: AnnualPlan, *, posted_targets=None, target_errors=None):
        self.request, self.plan = request, plan
        self.posted_targets = posted_targets or {}
        self.target_errors = target_errors or {}

    @cached_property
    def can_write(self) -> bool:
        return can_write(self.request.user)

    @cached_property
    def editable(self) -> bool:
        return self.plan.is_editable and self.can_write

    @cached_property
    def can_approve(self) -> bool:
        return can(self.request.user, "approve_plans")

    @cached_property
    def areas(self) -> list[PlanArea]:
        return selectors.plan_areas(self.plan)

    @cached_property
    def totals(self) -> selectors.BudgetTotals:
        return selectors.budget_totals(self.plan)

    @cached_property
    def departments(self) -> list[Department]:
        return list(Department.objects.filter(district_id=self.plan.district_id).order_by("name"))

    @cached_property
    def grid(self) -> selectors.TargetGrid:
        return selectors.target_grid(self.plan, visible_dong_ids(self.request.user))

    @cached_property
    def metric_columns(self):
        return [METRICS[code] for code in self.grid.metrics]

    @cached_property
    def target_rows(self) -> list[tuple[Dong, list[TargetCell]]]:
        rows = []
        for dong, cells in self.grid.rows():
            row = []
            for metric, target in cells:
                name = target_field_name(dong.pk, metric)
                value = self.posted_targets.get(name, "" if target is None else str(target.target))
                row.append(TargetCell(dong, metric, target, value, self.target_errors.get(name, "")))
            rows.append((dong, row))
        return rows

    @cached_property
    def comments(self):
        return [(COMMENT_LABELS.get(c.action, c.action), c) for c in self.plan.comments.select_related("by")]

    @cached_property
    def log(self):
        return [(VERB_LABELS.get(e.verb, e.verb), e) for e in selectors.plan_log(self.plan)]

    funding_choices = FundingSource.choices
    milestone_choices = MilestoneStatus.choices


def render_page(request: HttpRequest, plan: AnnualPlan, *, status: int = 200, **extra) -> HttpResponse:
    page = EditPage(request, plan, posted_targets=extra.pop("posted_targets", None),
                    target_errors=extra.pop("target_errors", None))
    context = {
        "plan": plan, "p": page,
        "header_form": PlanHeaderForm(initial={"title": plan.title, "vision": plan.vision}),
        "area_form": AreaForm(), "new_task_form": TaskForm(district=plan.district),
        "submit_form": CommentForm(), "approve_form": CommentForm(), "return_form": ReturnForm(),
        "revise_form": CommentForm(), **extra,
    }
    return render(request, EDIT_TEMPLATE, context, status=status)


def render_partials(request: HttpRequest, plan: AnnualPlan, names: list[str], **extra) -> HttpResponse:
    """Several partials of the editor in one HTMX response; all but the first swap out of band."""
    context = {"plan": plan, "p": EditPage(request, plan), "new_task_form": TaskForm(district=plan.district),
               "area_form": AreaForm(), **extra}
    html = [render_to_string(f"{EDIT_TEMPLATE}#{name}", {**context, "oob": i > 0}, request=request)
            for i, name in enumerate(names)]
    return HttpResponse("".join(html))


