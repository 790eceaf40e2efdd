"""The annual basic plan pages: list, editor (HTMX partials, and plain POST + redirect without JavaScript),
approval workflow, dashboard, XLSX export and the printable page.

Planners and district admins write; dong officials and leads read their district's plans and see only
their own dongs' targets. Another district's plan is 404. The rules live in plans.services.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import Dong, Role
from welfare.scoping import has_role, membership, visible_dong_ids

from . import selectors, services
from .charts import trend_svg
from .dashboard import Pace, plan_progress
from .exports import plan_workbook
from .metrics import METRICS
from .models import AnnualPlan, Department, DongTarget, FundingSource, MilestoneStatus, PlanArea, PlanTask
from .plan_forms import (
    AreaForm,
    CommentForm,
    DashboardFilterForm,
    PlanCloneForm,
    PlanCreateForm,
    PlanHeaderForm,
    ReturnForm,
    TaskForm,
    parse_cell,
    parse_target,
    target_field_name,
)

WRITERS = (Role.DISTRICT_PLANNER, Role.DISTRICT_ADMIN)
APPROVERS = (Role.DISTRICT_ADMIN,)
PAGE_SIZE = 20
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
    return has_role(user, *WRITERS)


def _require_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied


def _require_approver(request: HttpRequest) -> None:
    if not has_role(request.user, *APPROVERS):
        raise PermissionDenied


def _plan(request: HttpRequest, pk: int) -> AnnualPlan:
    """The plan if this user's district owns it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        AnnualPlan.objects.visible_to(request.user).select_related("district", "superseded_by", "based_on"), pk=pk)


def _edit_url(plan: AnnualPlan, anchor: str = "") -> str:
    return reverse("plans:plan_edit", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def _back(request: HttpRequest, plan: AnnualPlan, anchor: str = "") -> HttpResponse:
    """After a change: the full page again (HTMX asks the browser to load it, so messages show)."""
    if request.htmx:
        return HttpResponseClientRedirect(_edit_url(plan, anchor))
    return redirect(_edit_url(plan, anchor))


def _read_only(request: HttpRequest, plan: AnnualPlan) -> HttpResponse | None:
    """Refuse a change to a plan that is no longer a draft (or a superseded revision), with a message."""
    if plan.is_editable:
        return None
    messages.error(request, _("승인 요청되었거나 승인된 계획은 고칠 수 없습니다. 승인된 계획은 새 개정본을 만들어 고치세요."))
    return _back(request, plan)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- list and creation -----------------------------------------------------------------------------------


def plan_list(request: HttpRequest, create_form: PlanCreateForm | None = None,
              clone_form: PlanCloneForm | None = None, status: int = 200) -> HttpResponse:
    visible = AnnualPlan.objects.visible_to(request.user)
    current = visible.current().select_related("district").order_by("-year", "district__name")
    page = Paginator(current, PAGE_SIZE).get_page(request.GET.get("page"))
    older: dict[tuple[int, int], list[AnnualPlan]] = {}
    years = [p.year for p in page]
    for plan in visible.filter(is_current=False, year__in=years).order_by("-revision"):
        older.setdefault((plan.district_id, plan.year), []).append(plan)
    rows = [(plan, older.get((plan.district_id, plan.year), [])) for plan in page]
    writer = can_write(request.user) and membership(request.user) is not None
    if writer:
        latest = page[0] if len(page) else None
        create_form = create_form or PlanCreateForm()
        clone_form = clone_form or PlanCloneForm(plans=current, initial={
            "previous": latest.pk if latest else None, "year": latest.year + 1 if latest else None})
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "plans/plan/list.html", {
        "rows": rows, "page": page, "query_string": params.urlencode(), "can_write": writer,
        "create_form": create_form, "clone_form": clone_form,
    }, status=status)


@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    staff = membership(request.user)
    if staff is None:  # a superuser without a district drafts in the admin
        raise PermissionDenied
    form = PlanCreateForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(district=staff.district, by=request.user, **form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(year)s년 계획을 만들었습니다.") % {"year": plan.year})
            return redirect("plans:plan_edit", pk=plan.pk)
    return plan_list(request, create_form=form, status=200)


@require_POST
def plan_clone(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    if membership(request.user) is None:
        raise PermissionDenied
    form = PlanCloneForm(request.POST, plans=AnnualPlan.objects.visible_to(request.user).current())
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create_from_previous(
                previous=data["previous"], by=request.user, year=data["year"],
                uplift_percent=data["uplift_percent"], title=data["title"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(prev)s년 계획을 바탕으로 %(year)s년 계획을 만들었습니다. 동별 목표는 작년 실적에 "
                                        "%(uplift)s%%를 더해 올림한 값입니다.")
                             % {"prev": data["previous"].year, "year": plan.year, "uplift": data["uplift_percent"]})
            return redirect("plans:plan_edit", pk=plan.pk)
    return plan_list(request, clone_form=form, status=200)


# --- the editor ------------------------------------------------------------------------------------------


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
        return has_role(self.request.user, *APPROVERS)

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


def _page(request: HttpRequest, plan: AnnualPlan, *, status: int = 200, **extra) -> HttpResponse:
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


def _partials(request: HttpRequest, plan: AnnualPlan, names: list[str], **extra) -> HttpResponse:
    """Several partials of the editor in one HTMX response; all but the first swap out of band."""
    context = {"plan": plan, "p": EditPage(request, plan), "new_task_form": TaskForm(district=plan.district),
               "area_form": AreaForm(), **extra}
    html = [render_to_string(f"{EDIT_TEMPLATE}#{name}", {**context, "oob": i > 0}, request=request)
            for i, name in enumerate(names)]
    return HttpResponse("".join(html))


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if request.method != "POST":
        return _page(request, plan)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    form = PlanHeaderForm(request.POST)
    if form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _partials(request, plan, ["header"], header_form=form)
            messages.success(request, _("계획명과 비전을 저장했습니다."))
            return redirect(_edit_url(plan))
    if request.htmx:
        return _partials(request, plan, ["header"], header_form=form, header_open=True)
    return _page(request, plan, header_form=form, header_open=True)


def _area(plan: AnnualPlan, area_pk: int) -> PlanArea:
    return get_object_or_404(PlanArea, pk=area_pk, plan=plan)


def _areas_changed(request: HttpRequest, plan: AnnualPlan, message: str, anchor: str = "areas") -> HttpResponse:
    if request.htmx:
        return _partials(request, plan, ["areas", "totals"])
    messages.success(request, message)
    return redirect(_edit_url(plan, anchor))


def _areas_invalid(request: HttpRequest, plan: AnnualPlan, **extra) -> HttpResponse:
    if request.htmx:
        return _partials(request, plan, ["areas"], **extra)
    return _page(request, plan, **extra)


@require_POST
def area_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    form = AreaForm(request.POST)
    if form.is_valid():
        try:
            area = services.area_save(plan=plan, by=request.user, title=form.cleaned_data["title"])
        except RuleError as error:
            form.add_error("title", error)
        else:
            return _areas_changed(request, plan, _("추진 영역 '%(t)s'을(를) 추가했습니다.") % {"t": area.title},
                                  f"area-{area.pk}")
    return _areas_invalid(request, plan, area_form=form)


@require_POST
def area_rename(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    form = AreaForm(request.POST)
    if form.is_valid():
        try:
            services.area_save(plan=plan, by=request.user, title=form.cleaned_data["title"], area=area)
        except RuleError as error:
            form.add_error("title", error)
        else:
            return _areas_changed(request, plan, _("추진 영역 이름을 바꿨습니다."), f"area-{area.pk}")
    return _areas_invalid(request, plan, rename_error_for=area.pk, rename_errors=form.errors.get("title"),
                          rename_typed=request.POST.get("title", ""))


@require_POST
def area_delete(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    services.area_delete(area=area, by=request.user)
    return _areas_changed(request, plan, _("추진 영역 '%(t)s'과(와) 그 세부 사업을 삭제했습니다.") % {"t": area.title})


@require_POST
def area_move(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    ids = list(plan.areas.order_by("order", "id").values_list("pk", flat=True))
    at = ids.index(area.pk)
    to = at - 1 if request.POST.get("direction") == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
        try:
            services.areas_reorder(plan=plan, by=request.user, ordered_ids=ids)
        except RuleError as error:
            messages.error(request, _error_text(error))
            return _back(request, plan, "areas")
    return _areas_changed(request, plan, _("추진 영역 순서를 바꿨습니다."), f"area-{area.pk}")


def _task(plan: AnnualPlan, task_pk: int) -> PlanTask:
    return get_object_or_404(PlanTask.objects.select_related("area", "department")
                             .prefetch_related("milestones"), pk=task_pk, area__plan=plan)


def _save_task(request: HttpRequest, plan: AnnualPlan, area: PlanArea, form: TaskForm,
               task: PlanTask | None) -> PlanTask | None:
    """Validate and save through the services (department, task, milestones in one transaction)."""
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            new_name = form.cleaned_data["new_department"].strip()
            department = (services.department_get_or_create(district=plan.district, by=request.user, name=new_name)
                          if new_name else form.cleaned_data["department"])
            saved = services.task_save(area=area, by=request.user, data=form.task_data(department), task=task)
            services.milestones_save(task=saved, by=request.user, items=form.milestones())
    except RuleError as error:
        form.add_error(None, error)
        return None
    return saved


def _task_form_page(request: HttpRequest, plan: AnnualPlan, area: PlanArea, form: TaskForm,
                    task: PlanTask | None, status: int = 200) -> HttpResponse:
    return render(request, "plans/plan/task_form.html", {
        "plan": plan, "area": area, "task": task, "form": form, "p": EditPage(request, plan),
    }, status=status)


def task_add(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    if request.method != "POST":
        return _task_form_page(request, plan, area, TaskForm(district=plan.district), None)
    form = TaskForm(request.POST, district=plan.district)
    task = _save_task(request, plan, area, form, None)
    if request.htmx:
        # The area again: with the new task and a blank form, or with the form and its errors.
        area = next(a for a in EditPage(request, plan).areas if a.pk == area.pk)
        if task is None:
            area.new_task_form = form
        return _partials(request, plan, ["area", "totals"], area=area)
    if task is None:
        return _task_form_page(request, plan, area, form, None)
    messages.success(request, _("세부 사업 '%(t)s'을(를) 추가했습니다.") % {"t": task.title})
    return redirect(_edit_url(plan, f"task-{task.pk}"))


def task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    task = _task(plan, task_pk)
    if request.method != "POST" and request.htmx and request.GET.get("show"):
        return _partials(request, plan, ["task"], task=task)  # "취소": the task as it is
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    if request.method != "POST":
        form = TaskForm(initial=TaskForm.initial_for(task), district=plan.district)
        if request.htmx:
            return _partials(request, plan, ["task_form"], task=task, area=task.area, form=form)
        return _task_form_page(request, plan, task.area, form, task)
    form = TaskForm(request.POST, district=plan.district)
    saved = _save_task(request, plan, task.area, form, task)
    if request.htmx:
        if saved is None:
            return _partials(request, plan, ["task_form"], task=task, area=task.area, form=form)
        return _partials(request, plan, ["task", "totals"], task=_task(plan, saved.pk))
    if saved is None:
        return _task_form_page(request, plan, task.area, form, task)
    messages.success(request, _("세부 사업 '%(t)s'을(를) 저장했습니다.") % {"t": saved.title})
    return redirect(_edit_url(plan, f"task-{saved.pk}"))


@require_POST
def task_delete(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    task = _task(plan, task_pk)
    services.task_delete(task=task, by=request.user)
    return _areas_changed(request, plan, _("세부 사업 '%(t)s'을(를) 삭제했습니다.") % {"t": task.title},
                          f"area-{task.area_id}")


@require_POST
def targets_save(request: HttpRequest, pk: int) -> HttpResponse:
    """One cell (HTMX, ``cell=<dong>:<metric>``) or the whole table (the "저장" button without JavaScript)."""
    plan = _plan(request, pk)
    _require_writer(request)
    if refused := _read_only(request, plan):
        return refused
    if "cell" in request.POST:
        return _target_cell(request, plan)
    page = EditPage(request, plan)
    posted, errors, changes = {}, {}, []
    for dong, cells in page.target_rows:
        for cell in cells:
            raw = request.POST.get(cell.name, "").strip()
            if not raw or cell.name not in request.POST:
                continue  # an empty cell stays without a target
            posted[cell.name] = raw
            try:
                value = parse_target(raw)
            except ValidationError as error:
                errors[cell.name] = _error_text(error)
                continue
            if cell.target is None or cell.target.target != value:
                changes.append((dong, cell.metric, value))
    if errors:
        messages.error(request, _("고쳐야 할 목표가 %(n)s개 있습니다. 아무것도 저장하지 않았습니다.") % {"n": len(errors)})
        return _page(request, plan, posted_targets=posted, target_errors=errors)
    try:
        with transaction.atomic():
            for dong, metric, value in changes:
                services.target_set(plan=plan, by=request.user, dong=dong, metric=metric, target=value)
    except RuleError as error:
        messages.error(request, _error_text(error))
        return _page(request, plan, posted_targets=posted)
    messages.success(request, _("동별 목표 %(n)s건을 저장했습니다.") % {"n": len(changes)})
    return redirect(_edit_url(plan, "targets"))


def _target_cell(request: HttpRequest, plan: AnnualPlan) -> HttpResponse:
    dong_id, metric = parse_cell(request.POST["cell"])
    dong = get_object_or_404(Dong.objects.filter(pk__in=visible_dong_ids(request.user)),
                             pk=dong_id or 0, district_id=plan.district_id)
    raw = request.POST.get(target_field_name(dong.pk, metric), "")
    existing = DongTarget.objects.filter(plan=plan, dong=dong, metric=metric).first()
    cell = TargetCell(dong, metric, existing, raw)
    try:
        value = parse_target(raw)
        cell.target = services.target_set(plan=plan, by=request.user, dong=dong, metric=metric, target=value)
        cell.value, cell.saved = str(cell.target.target), True
    except ValidationError as error:  # RuleError included: a missing metric, a negative number
        cell.error = _error_text(error)
    if not request.htmx:
        if cell.error:
            messages.error(request, cell.error)
        else:
            messages.success(request, _("동별 목표를 저장했습니다."))
        return redirect(_edit_url(plan, "targets"))
    return _partials(request, plan, ["target_cell"], cell=cell)


# --- workflow --------------------------------------------------------------------------------------------


def _workflow_step(request: HttpRequest, pk: int, *, require, form_class, form_key: str, service, success):
    """One approval-workflow step: role check, the comment form, the service, a message, back to the plan.

    ``success`` turns the service's result into ``(message, redirect target)``.
    """
    plan = _plan(request, pk)
    require(request)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, plan, **{form_key: form})
    try:
        result = service(plan=plan, by=request.user, comment=form.cleaned_data["comment"])
    except RuleError as error:
        messages.error(request, _error_text(error))
        return redirect(_edit_url(plan))
    message, target = success(result)
    messages.success(request, message)
    return redirect(target)


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=_require_writer, form_class=CommentForm, form_key="submit_form",
        service=services.plan_submit,
        success=lambda plan: (_("승인을 요청했습니다. 승인 전까지 계획을 고칠 수 없습니다."), _edit_url(plan)),
    )


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=_require_approver, form_class=CommentForm, form_key="approve_form",
        service=services.plan_approve, success=lambda plan: (_("계획을 승인했습니다."), _edit_url(plan)),
    )


@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=_require_approver, form_class=ReturnForm, form_key="return_form",
        service=services.plan_return,
        success=lambda plan: (_("계획을 반려했습니다. 작성자가 고쳐 다시 승인 요청할 수 있습니다."), _edit_url(plan)),
    )


@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=_require_writer, form_class=CommentForm, form_key="revise_form",
        service=services.plan_revise,
        success=lambda revision: (
            _("개정본(%(n)s차)을 만들었습니다. 고친 뒤 다시 승인 요청하세요.") % {"n": revision.revision},
            _edit_url(revision),
        ),
    )


# --- dashboard, export, print ----------------------------------------------------------------------------


def _dong_choices(request: HttpRequest, plan: AnnualPlan):
    return Dong.objects.filter(district_id=plan.district_id, pk__in=visible_dong_ids(request.user)).order_by("name")


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = DashboardFilterForm(request.GET or None, dongs=_dong_choices(request, plan))
    metrics, dong_id = form.chosen()
    dong_ids = [dong_id] if dong_id else visible_dong_ids(request.user)
    board = plan_progress(plan, dong_ids=dong_ids, metrics=metrics)
    charts = [
        (total, trend_svg(trend, year=plan.year, today=board.today,
                          title=_("%(metric)s 누적 실적과 목표 추이") % {"metric": total.label}))
        for total, trend in zip(board.totals, board.trends, strict=True)
    ]
    return render(request, "plans/plan/dashboard.html", {
        "plan": plan, "board": board, "form": form, "charts": charts, "paces": Pace,
        "metric_columns": [METRICS[m] for m in board.metrics], "counts": board.counts(),
    })


def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    content = plan_workbook(plan, dong_ids=visible_dong_ids(request.user))
    log_action(plan, "plans.plan.exported", user=request.user)
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{plan.year}_기본계획_{plan.district.name}_r{plan.revision}_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    grid = selectors.target_grid(plan, visible_dong_ids(request.user), all_metrics=False)
    return render(request, "plans/plan/print.html", {
        "plan": plan, "areas": selectors.plan_areas(plan), "totals": selectors.budget_totals(plan),
        "grid": grid, "metric_columns": [METRICS[m] for m in grid.metrics], "today": timezone.localdate(),
    })
