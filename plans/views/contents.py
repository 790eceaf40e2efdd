"""The plan editor's contents: areas, tasks (with departments and quarterly milestones) and dong targets, by
HTMX partials or plain POST + redirect without JavaScript. The rules live in plans.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.errors import RuleError
from welfare.models import Dong
from welfare.scoping import visible_dong_ids

from .. import services
from ..forms import (
    AreaForm,
    TaskForm,
    parse_cell,
    parse_target,
    target_field_name,
)
from ..models import AnnualPlan, DongTarget, PlanArea, PlanTask
from .plan_page import (
    EditPage,
    TargetCell,
    back,
    edit_url,
    error_text,
    plan_or_404,
    read_only,
    render_page,
    render_partials,
    require_writer,
)


def _area(plan: AnnualPlan, area_pk: int) -> PlanArea:
    return get_object_or_404(PlanArea, pk=area_pk, plan=plan)


def _areas_changed(request: HttpRequest, plan: AnnualPlan, message: str, anchor: str = "areas") -> HttpResponse:
    if request.htmx:
        return render_partials(request, plan, ["areas", "totals"])
    messages.success(request, message)
    return redirect(edit_url(plan, anchor))


def _areas_invalid(request: HttpRequest, plan: AnnualPlan, **extra) -> HttpResponse:
    if request.htmx:
        return render_partials(request, plan, ["areas"], **extra)
    return render_page(request, plan, **extra)


@require_POST
def area_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    form = AreaForm(request.POST)
    if form.is_valid():
        try:
            area = services.area_save(plan=plan, by=request.user, title=form.cleaned_data["title"])
        except RuleError as error:
            form.add_error("title", error.messages)
        else:
            return _areas_changed(request, plan, _("추진 영역 '%(t)s'을(를) 추가했습니다.") % {"t": area.title},
                                  f"area-{area.pk}")
    return _areas_invalid(request, plan, area_form=form)


@require_POST
def area_rename(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    form = AreaForm(request.POST)
    if form.is_valid():
        try:
            services.area_save(plan=plan, by=request.user, title=form.cleaned_data["title"], area=area)
        except RuleError as error:
            form.add_error("title", error.messages)
        else:
            return _areas_changed(request, plan, _("추진 영역 이름을 바꿨습니다."), f"area-{area.pk}")
    return _areas_invalid(request, plan, rename_error_for=area.pk, rename_errors=form.errors.get("title"),
                          rename_typed=request.POST.get("title", ""))


@require_POST
def area_delete(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    area = _area(plan, area_pk)
    services.area_delete(area=area, by=request.user)
    return _areas_changed(request, plan, _("추진 영역 '%(t)s'과(와) 그 세부 사업을 삭제했습니다.") % {"t": area.title})


@require_POST
def area_move(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
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
            messages.error(request, error_text(error))
            return back(request, plan, "areas")
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
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
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
        return render_partials(request, plan, ["area", "totals"], area=area)
    if task is None:
        return _task_form_page(request, plan, area, form, None)
    messages.success(request, _("세부 사업 '%(t)s'을(를) 추가했습니다.") % {"t": task.title})
    return redirect(edit_url(plan, f"task-{task.pk}"))


def task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    task = _task(plan, task_pk)
    if request.method != "POST" and request.htmx and request.GET.get("show"):
        return render_partials(request, plan, ["task"], task=task)  # "취소": the task as it is
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    if request.method != "POST":
        form = TaskForm(initial=TaskForm.initial_for(task), district=plan.district)
        if request.htmx:
            return render_partials(request, plan, ["task_form"], task=task, area=task.area, form=form)
        return _task_form_page(request, plan, task.area, form, task)
    form = TaskForm(request.POST, district=plan.district)
    saved = _save_task(request, plan, task.area, form, task)
    if request.htmx:
        if saved is None:
            return render_partials(request, plan, ["task_form"], task=task, area=task.area, form=form)
        return render_partials(request, plan, ["task", "totals"], task=_task(plan, saved.pk))
    if saved is None:
        return _task_form_page(request, plan, task.area, form, task)
    messages.success(request, _("세부 사업 '%(t)s'을(를) 저장했습니다.") % {"t": saved.title})
    return redirect(edit_url(plan, f"task-{saved.pk}"))


@require_POST
def task_delete(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    task = _task(plan, task_pk)
    services.task_delete(task=task, by=request.user)
    return _areas_changed(request, plan, _("세부 사업 '%(t)s'을(를) 삭제했습니다.") % {"t": task.title},
                          f"area-{task.area_id}")


@require_POST
def targets_save(request: HttpRequest, pk: int) -> HttpResponse:
    """One cell (HTMX, ``cell=<dong>:<metric>``) or the whole table (the "저장" button without JavaScript)."""
    plan = plan_or_404(request, pk)
    require_writer(request)
    if refused := read_only(request, plan):
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
                errors[cell.name] = error_text(error)
                continue
            if cell.target is None or cell.target.target != value:
                changes.append((dong, cell.metric, value))
    if errors:
        messages.error(request, _("고쳐야 할 목표가 %(n)s개 있습니다. 아무것도 저장하지 않았습니다.") % {"n": len(errors)})
        return render_page(request, plan, posted_targets=posted, target_errors=errors)
    try:
        with transaction.atomic():
            for dong, metric, value in changes:
                services.target_set(plan=plan, by=request.user, dong=dong, metric=metric, target=value)
    except RuleError as error:
        messages.error(request, error_text(error))
        return render_page(request, plan, posted_targets=posted)
    messages.success(request, _("동별 목표 %(n)s건을 저장했습니다.") % {"n": len(changes)})
    return redirect(edit_url(plan, "targets"))


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
        cell.error = error_text(error)
    if not request.htmx:
        if cell.error:
            messages.error(request, cell.error)
        else:
            messages.success(request, _("동별 목표를 저장했습니다."))
        return redirect(edit_url(plan, "targets"))
    return render_partials(request, plan, ["target_cell"], cell=cell)


