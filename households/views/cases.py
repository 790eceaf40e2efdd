"""Pages of case management (통합사례관리) and of the service links made within a case.

Every page fetches the household through the user's scoped queryset and the case through ``household.cases``,
so another dong's case, or a case reached through the wrong household, answers 404. Writes go through
households.services; a ``RuleError`` is shown on the form, a ``StaleVersion`` re-renders the form with what
the user typed and the values saved in between.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.dates import seoul_today
from welfare.errors import show_on_form
from welfare.permissions import can

from .. import services
from ..attachment_owners import with_owners
from ..forms.cases import (
    STALE_MESSAGE,
    AftercareForm,
    CaseEditForm,
    CaseGoalAchieveForm,
    CaseGoalForm,
    CaseNeedsForm,
    CaseOpenForm,
    CaseTransitionForm,
    ReopenForm,
)
from ..forms.conferences import conference_forms
from ..models import (
    AFTERCARE_REASONS,
    Attachment,
    Case,
    CaseSource,
    CaseStage,
    ConsentScope,
    FollowUp,
    Household,
    LinkStatus,
    Resident,
)
from ..models.cases import DEADLINES
from ..selectors_closing import closing_review
from ..selectors_household_page import cases_with_flags
from ..services.cases import may_approve_closing, next_stages
from ..services.links import next_link_statuses
from . import transfers
from .casework import case_for, fresh_data, household_for, require_casework
from .conferences import case_conference, conferences_of
from .links import link_add, link_transition

# Opening and reopening ---------------------------------------------------------------------------------------


def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    require_casework(request)
    household = household_for(request, pk)
    form = CaseOpenForm(request.POST or None, household=household)
    missing_consent = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # showing a refusal drops its field from cleaned_data
        try:
            case = services.case_open(
                household=household, client=data["client"], by=request.user, source=data["source"],
                opened_on=data["opened_on"], case_class=data["case_class"],
                assigned_official=data["assigned_official"], summary=data["summary"],
            )
        except services.RuleError as e:
            show_on_form(form, e)
            if not services.has_active_consent(data["client"], ConsentScope.COLLECT_USE, data["opened_on"]):
                missing_consent = data["client"]
        else:
            messages.success(request, _("사례를 접수했습니다."))
            return redirect("households:case_detail", pk=household.pk, case_pk=case.pk)
    open_case = household.cases.open().first()
    unsigned = services.unsigned_consents(household.residents.current(), ConsentScope.COLLECT_USE)
    return render(request, "households/cases/open_form.html", {
        "form": form, "household": household, "missing_consent": missing_consent, "open_case": open_case,
        "unsigned_consents": list(unsigned.values()),
    })


def case_reopen(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Relapse after closure: a new case linked to this one. GET shows the confirmation form."""
    require_casework(request)
    previous = case_for(request, pk, case_pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_reopen(previous=previous, by=request.user, source=form.cleaned_data["source"],
                                        summary=form.cleaned_data["summary"])
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            messages.success(request, _("재발 사례를 새로 접수했습니다."))
            return redirect("households:case_detail", pk=pk, case_pk=case.pk)
    missing_consent = None
    if not services.has_active_consent(previous.client, ConsentScope.COLLECT_USE):
        missing_consent = previous.client
    unsigned = services.unsigned_consents(Resident.objects.filter(pk=previous.client_id), ConsentScope.COLLECT_USE)
    return render(request, "households/cases/reopen.html", {
        "form": form, "household": previous.household, "case": previous, "missing_consent": missing_consent,
        "unsigned_consents": list(unsigned.values()),
    })


# The case page -------------------------------------------------------------------------------------------------


def _deadlines(case: Case, today: dt.date) -> list[dict]:
    """The time limits of DOMAIN §2 (households.models.cases.DEADLINES), each pending while its stage is not
    yet done; a limit counted from a stage the case has not entered yet has no date (``due`` None)."""
    rows = []
    for d in DEADLINES:
        due = getattr(case, d.due_field)
        rows.append({"label": d.label, "due": due, "overdue": getattr(case, d.flag),
                     "pending": due is not None and case.stage in d.pending,
                     "days": abs((due - today).days) if due else None})
    return rows


def _may_relapse(case: Case, relapses: list[Case]) -> bool:
    """Offer a relapse from a closed case not yet reopened, while the household has no case in progress."""
    return not case.is_open and not relapses and not case.household.cases.open().exists()


def case_detail(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    case = case_for(request, pk, case_pk)
    household = case.household
    today = seoul_today()
    needs = list(case.needs.all())
    goals = list(case.goals.select_related("need"))
    links = list(case.service_links.select_related("resource", "need").order_by("-requested_on", "-id"))
    changes = list(case.stage_changes.select_related("by").order_by("-at", "-id"))
    # The previous case and the relapses opened from this one, in one query.
    related = list(Case.objects.filter(Q(pk=case.previous_case_id) | Q(previous_case=case)).order_by("opened_on"))
    previous = next((c for c in related if c.pk == case.previous_case_id), None)
    relapses = [c for c in related if c.previous_case_id == case.pk]
    log_action(case, "households.case.viewed", user=request.user)
    can_edit = can(request.user, "edit_casework")
    visited = {c.to_stage for c in changes}
    stages = [{
        "value": s.value, "label": s.label,
        "state": "current" if s.value == case.stage else ("done" if s.value in visited else "todo"),
    } for s in CaseStage]
    for link in links:
        link.next_statuses = [(s, LinkStatus(s).label) for s in next_link_statuses(link)]
    # In conference, the stage is left by recording the conference's decision (its form), not by a bare move.
    in_conference = case.stage == CaseStage.CONFERENCE
    conference_form, partner_forms, item_forms = conference_forms(case=case) if can_edit and in_conference else (
        None, None, None)
    return render(request, "households/cases/detail.html", {
        "household": household, "case": case, "needs": needs, "goals": goals, "links": links,
        "changes": changes, "previous": previous, "relapses": relapses, "stages": stages,
        "offered": [(s, CaseStage(s).label) for s in next_stages(case, request.user)],  # none in conference
        "conferences": list(conferences_of(case)), "in_conference": in_conference,
        "conference_form": conference_form, "partner_forms": partner_forms, "item_forms": item_forms,
        "awaiting_approval": case.stage == CaseStage.CLOSING and not may_approve_closing(request.user),
        "deadlines": _deadlines(case, today),
        "can_edit": can_edit, "goal_form": CaseGoalForm(case=case) if can_edit else None,
        "case_is_open": case.is_open, "today": today,
        "transition_form": CaseTransitionForm(initial={"version": case.version}),
        "attachments": with_owners(Attachment.objects.live().of("case", case.pk).select_related("added_by")),
        "attachment_owner": f"case:{case.pk}", "may_add": can_edit,
        "reopen_form": ReopenForm() if can_edit and _may_relapse(case, relapses) else None,
        "reassessment_state": case.reassessment_state(today),
        "aftercare": list(FollowUp.objects.filter(case=case, reason__in=AFTERCARE_REASONS).order_by("due_on", "id")),
        "aftercare_form": AftercareForm(initial={"version": case.version})
        if can_edit and case.stage in AFTERCARE_STAGES else None,
        "link_totals": sum(link.amount_krw or 0 for link in links if link.status != LinkStatus.DECLINED),
        **transfers.panel_context(request, case),
    })


# Writes on the case -----------------------------------------------------------------------------------------

AFTERCARE_STAGES = (CaseStage.CLOSED, CaseStage.FOLLOW_UP)


def case_aftercare(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Record the outcome of an after-care contact (posted from the case page; its own page shows a refusal)."""
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form = AftercareForm(request.POST or None, initial={"version": case.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.aftercare_record(
                case=case, by=request.user, outcome=data["outcome"], expected_version=data["version"],
                note=data["note"], relapse_to=data["relapse_to"], source=data["source"] or CaseSource.VISIT)
        except services.StaleVersion:
            case = case_for(request, pk, case_pk)
            form = AftercareForm(fresh_data(request, case.version))
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
            stale = True
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            if result.new_case is not None:
                messages.success(request, _("재발로 새 사례를 접수했습니다. 이전 사례는 보관했습니다."))
                return redirect("households:case_detail", pk=pk, case_pk=result.new_case.pk)
            messages.success(request, _("사후관리 결과를 기록했습니다. 사례 단계: %(stage)s") % {
                "stage": result.case.get_stage_display()})
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/aftercare_form.html",
                  {"form": form, "household": case.household, "case": case, "stale": stale},
                  status=409 if stale else 200)



def case_edit(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form = CaseEditForm(request.POST or None, case=case)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(case=case, by=request.user, expected_version=form.cleaned_data["version"],
                                 data={k: form.cleaned_data[k] for k in services.CASE_EDITABLE})
        except services.RuleError as e:
            show_on_form(form, e)
        except services.StaleVersion:
            case = case_for(request, pk, case_pk)
            form = CaseEditForm(fresh_data(request, case.version), case=case)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
            stale = True
        else:
            messages.success(request, _("사례 정보를 저장했습니다."))
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/edit_form.html",
                  {"form": form, "household": case.household, "case": case, "stale": stale},
                  status=409 if stale else 200)


def case_transition(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Move the case one stage on. GET shows the form (for closing: the reason), POST moves it."""
    require_casework(request)
    case = case_for(request, pk, case_pk)
    offered = next_stages(case, request.user)
    initial = {"version": case.version, "to": request.GET.get("to") or (offered[0] if offered else "")}
    form = CaseTransitionForm(request.POST or None, initial=initial, allowed=offered)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(case=case, to=data["to"], by=request.user, expected_version=data["version"],
                                     note=data["note"], closing_reason=data["closing_reason"],
                                     closing_note=data["closing_note"])
        except services.StaleVersion:
            case = case_for(request, pk, case_pk)
            offered = next_stages(case, request.user)
            form = CaseTransitionForm(fresh_data(request, case.version), allowed=offered)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
            stale = True
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            messages.success(request, _("사례 단계를 '%(stage)s'(으)로 바꿨습니다.") % {
                "stage": CaseStage(data["to"]).label})
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/transition_form.html", {
        "form": form, "household": case.household, "case": case, "stale": stale, "offered": offered,
        "awaiting_approval": case.stage == CaseStage.CLOSING and not may_approve_closing(request.user),
        "review": closing_review(case) if _closing_in_view(case, offered) else None,
    }, status=409 if stale else 200)


def _closing_in_view(case, offered) -> bool:
    """The closing review (open goals, open service links) shows where closing is proposed or approved."""
    return case.stage == CaseStage.CLOSING or CaseStage.CLOSING in offered or CaseStage.CLOSED in offered


def case_needs(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form = CaseNeedsForm(request.POST or None, case=case)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.case_needs_save(case=case, by=request.user, expected_version=form.cleaned_data["version"],
                                     needs=form.needs())
        except services.RuleError as e:
            show_on_form(form, e)
        except services.StaleVersion:
            case = case_for(request, pk, case_pk)
            form = CaseNeedsForm(fresh_data(request, case.version), case=case)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
            stale = True
        else:
            messages.success(request, _("욕구 조사를 저장했습니다."))
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/needs_form.html",
                  {"form": form, "household": case.household, "case": case, "stale": stale},
                  status=409 if stale else 200)


def case_goal_add(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Posted from the case page; the page of its own shows the form again when the input is refused."""
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form = CaseGoalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_goal_add(case=case, by=request.user, text=data["text"], target_on=data["target_on"],
                                   need=data["need"])
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            messages.success(request, _("서비스 목표를 추가했습니다."))
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/goal_form.html",
                  {"form": form, "household": case.household, "case": case})


def case_goal_achieve(request: HttpRequest, pk: int, case_pk: int, goal_pk: int) -> HttpResponse:
    """Mark one goal achieved: posted from the button beside the goal; its own page shows a refusal."""
    require_casework(request)
    case = case_for(request, pk, case_pk)
    goal = get_object_or_404(case.goals, pk=goal_pk)  # another case's goal is 404
    goal.case = case
    form = CaseGoalAchieveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_goal_achieve(goal=goal, by=request.user, on=form.cleaned_data["on"])
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            messages.success(request, _("'%(goal)s' 목표를 달성으로 표시했습니다.") % {"goal": goal.text})
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/goal_achieve_form.html",
                  {"form": form, "household": case.household, "case": case, "goal": goal})


# The panel on the household page ---------------------------------------------------------------------------------


def detail_context(request: HttpRequest, household: Household) -> dict:
    """What the household page shows of cases: one query for all of them, whatever their number."""
    cases = cases_with_flags(household.pk, seoul_today())
    open_case = next((c for c in cases if c.is_open), None)
    closed = [c for c in cases if not c.is_open]
    can_edit = can(request.user, "edit_casework")
    return {
        "case_open": open_case,
        "cases_closed": closed,
        "cases_can_edit": can_edit,
        # Relapse is offered from the latest closed case while no case is in progress.
        "case_relapse_from": closed[0] if can_edit and closed and open_case is None else None,
        "case_sources": CaseSource.choices,
    }


urlpatterns = [
    path("<int:pk>/cases/new/", case_open, name="case_open"),
    path("<int:pk>/cases/<int:case_pk>/", case_detail, name="case_detail"),
    path("<int:pk>/cases/<int:case_pk>/edit/", case_edit, name="case_edit"),
    path("<int:pk>/cases/<int:case_pk>/transition/", case_transition, name="case_transition"),
    path("<int:pk>/cases/<int:case_pk>/needs/", case_needs, name="case_needs"),
    path("<int:pk>/cases/<int:case_pk>/conference/", case_conference, name="case_conference"),
    path("<int:pk>/cases/<int:case_pk>/goals/new/", case_goal_add, name="case_goal_add"),
    path("<int:pk>/cases/<int:case_pk>/goals/<int:goal_pk>/achieve/", case_goal_achieve, name="case_goal_achieve"),
    path("<int:pk>/cases/<int:case_pk>/reopen/", case_reopen, name="case_reopen"),
    path("<int:pk>/cases/<int:case_pk>/aftercare/", case_aftercare, name="case_aftercare"),
    path("<int:pk>/cases/<int:case_pk>/links/new/", link_add, name="link_add"),
    path("<int:pk>/cases/<int:case_pk>/links/<int:link_pk>/transition/", link_transition, name="link_transition"),
]
