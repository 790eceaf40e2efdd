"""The per-dong discovery plans: the overview of the district plan's dongs and each dong's plan page (direction,
local targets, focus areas, planned actions, progress from the same figures as the district dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import visible_dong_ids

from .. import services
from ..dong_plans import dong_plan_view, local_target_map, overview
from ..forms.dong_plans import ActionForm, DongPlanSummaryForm, FocusAreaForm
from ..metrics import METRICS
from ..models import AnnualPlan, DongPlan, FocusArea, PlannedAction
from .plan_page import plan_or_404


def _dong_or_404(request: HttpRequest, plan: AnnualPlan, dong_id: int) -> Dong:
    return get_object_or_404(Dong, pk=dong_id, district_id=plan.district_id, pk__in=visible_dong_ids(request.user))


def dong_plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    rows = overview(plan, visible_dong_ids(request.user))
    return render(request, "plans/dong_plan/list.html", {"plan": plan, "rows": rows})


def dong_plan_page(request: HttpRequest, pk: int, dong_id: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    dong = _dong_or_404(request, plan, dong_id)
    view = dong_plan_view(plan, dong)
    local = local_target_map(view.dong_plan)
    today = seoul_today()
    return render(request, "plans/dong_plan/page.html", {
        "plan": plan, "dong": dong, "v": view, "can_edit": can(request.user, "edit_dong_plans") and plan.is_current,
        "summary_form": DongPlanSummaryForm(initial={"summary": view.dong_plan.summary if view.dong_plan else ""}),
        "focus_form": FocusAreaForm(),
        "action_form": ActionForm(focus_areas=view.focus_areas, initial={"starts_on": today, "due_on": today}),
        "metric_rows": [(code, METRICS[code], local.get(code)) for code in METRICS],
        "statuses": PlannedAction._meta.get_field("status").choices,
    })


def _back(plan: AnnualPlan, dong: Dong, anchor: str = "") -> HttpResponse:
    response = redirect("plans:dong_plan", plan.pk, dong.pk)
    response["Location"] += f"#{anchor}" if anchor else ""
    return response


def _writable(request: HttpRequest, pk: int, dong_id: int) -> tuple[AnnualPlan, Dong]:
    if not can(request.user, "edit_dong_plans"):
        raise PermissionDenied
    plan = plan_or_404(request, pk)
    return plan, _dong_or_404(request, plan, dong_id)


def _dong_plan(request: HttpRequest, plan: AnnualPlan, dong: Dong) -> DongPlan:
    """The dong's plan, made (empty) on its first write."""
    existing = DongPlan.objects.filter(plan=plan, dong=dong).first()
    return existing or services.dong_plan_save(by=request.user, plan=plan, dong=dong, summary="")


def _refused(request: HttpRequest, error: RuleError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
def dong_plan_summary(request: HttpRequest, pk: int, dong_id: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    form = DongPlanSummaryForm(request.POST)
    if form.is_valid():
        try:
            services.dong_plan_save(by=request.user, plan=plan, dong=dong, summary=form.cleaned_data["summary"])
            messages.success(request, _("추진 방향을 저장했습니다."))
        except RuleError as error:
            _refused(request, error)
    return _back(plan, dong)


@require_POST
def dong_plan_targets(request: HttpRequest, pk: int, dong_id: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    try:
        dong_plan = _dong_plan(request, plan, dong)
        current = local_target_map(dong_plan)
        for code in METRICS:
            raw = request.POST.get(f"target_{code}", "").strip().replace(",", "")
            value = int(raw) if raw else None
            if value != current.get(code):
                services.local_target_set(by=request.user, dong_plan=dong_plan, metric=code, target=value)
        messages.success(request, _("동 자체 목표를 저장했습니다."))
    except ValueError:
        messages.error(request, _("목표는 숫자로 적어 주세요."))
    except RuleError as error:
        _refused(request, error)
    return _back(plan, dong, "targets")


@require_POST
def dong_plan_focus_add(request: HttpRequest, pk: int, dong_id: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    form = FocusAreaForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(plan, dong, "focus")
    try:
        services.focus_area_add(by=request.user, dong_plan=_dong_plan(request, plan, dong), **form.cleaned_data)
        messages.success(request, _("중점 지역을 추가했습니다."))
    except RuleError as error:
        _refused(request, error)
    return _back(plan, dong, "focus")


@require_POST
def dong_plan_focus_delete(request: HttpRequest, pk: int, dong_id: int, area_pk: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    area = get_object_or_404(FocusArea, pk=area_pk, dong_plan__plan=plan, dong_plan__dong=dong)
    try:
        services.focus_area_delete(by=request.user, area=area)
    except RuleError as error:
        _refused(request, error)
    return _back(plan, dong, "focus")


@require_POST
def dong_plan_action_add(request: HttpRequest, pk: int, dong_id: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    dong_plan = DongPlan.objects.filter(plan=plan, dong=dong).first()
    form = ActionForm(request.POST, focus_areas=list(dong_plan.focus_areas.all()) if dong_plan else [])
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(plan, dong, "actions")
    try:
        services.action_save(by=request.user, dong_plan=dong_plan or _dong_plan(request, plan, dong),
                             **form.cleaned_data)
        messages.success(request, _("추진 활동을 추가했습니다."))
    except RuleError as error:
        _refused(request, error)
    return _back(plan, dong, "actions")


@require_POST
def dong_plan_action_status(request: HttpRequest, pk: int, dong_id: int, action_pk: int) -> HttpResponse:
    plan, dong = _writable(request, pk, dong_id)
    action = get_object_or_404(PlannedAction.objects.select_related("dong_plan__plan", "dong_plan__dong"),
                               pk=action_pk, dong_plan__plan=plan, dong_plan__dong=dong)
    try:
        services.action_set_status(by=request.user, action=action, status=request.POST.get("status", ""))
    except RuleError as error:
        _refused(request, error)
    return _back(plan, dong, "actions")
