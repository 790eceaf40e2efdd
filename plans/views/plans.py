"""The annual basic plan pages: the list, drafting (from scratch or from last year), the header and the approval
workflow. The rules live in plans.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.errors import RuleError
from welfare.scoping import membership

from .. import services
from ..forms import (
    CommentForm,
    PlanCloneForm,
    PlanCreateForm,
    PlanHeaderForm,
    ReturnForm,
)
from ..models import AnnualPlan
from .plan_page import (
    can_write,
    edit_url,
    error_text,
    plan_or_404,
    read_only,
    render_page,
    render_partials,
    require_approver,
    require_writer,
)

PAGE_SIZE = 20


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
    require_writer(request)
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
    require_writer(request)
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



def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    if request.method != "POST":
        return render_page(request, plan)
    require_writer(request)
    if refused := read_only(request, plan):
        return refused
    form = PlanHeaderForm(request.POST)
    if form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return render_partials(request, plan, ["header"], header_form=form)
            messages.success(request, _("계획명과 비전을 저장했습니다."))
            return redirect(edit_url(plan))
    if request.htmx:
        return render_partials(request, plan, ["header"], header_form=form, header_open=True)
    return render_page(request, plan, header_form=form, header_open=True)



# --- workflow --------------------------------------------------------------------------------------------


def _workflow_step(request: HttpRequest, pk: int, *, require, form_class, form_key: str, service, success):
    """One approval-workflow step: role check, the comment form, the service, a message, back to the plan.

    ``success`` turns the service's result into ``(message, redirect target)``.
    """
    plan = plan_or_404(request, pk)
    require(request)
    form = form_class(request.POST)
    if not form.is_valid():
        return render_page(request, plan, **{form_key: form})
    try:
        result = service(plan=plan, by=request.user, comment=form.cleaned_data["comment"])
    except RuleError as error:
        messages.error(request, error_text(error))
        return redirect(edit_url(plan))
    message, target = success(result)
    messages.success(request, message)
    return redirect(target)


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=require_writer, form_class=CommentForm, form_key="submit_form",
        service=services.plan_submit,
        success=lambda plan: (_("승인을 요청했습니다. 승인 전까지 계획을 고칠 수 없습니다."), edit_url(plan)),
    )


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=require_approver, form_class=CommentForm, form_key="approve_form",
        service=services.plan_approve, success=lambda plan: (_("계획을 승인했습니다."), edit_url(plan)),
    )


@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=require_approver, form_class=ReturnForm, form_key="return_form",
        service=services.plan_return,
        success=lambda plan: (_("계획을 반려했습니다. 작성자가 고쳐 다시 승인 요청할 수 있습니다."), edit_url(plan)),
    )


@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(
        request, pk, require=require_writer, form_class=CommentForm, form_key="revise_form",
        service=services.plan_revise,
        success=lambda revision: (
            _("개정본(%(n)s차)을 만들었습니다. 고친 뒤 다시 승인 요청하세요.") % {"n": revision.revision},
            edit_url(revision),
        ),
    )


