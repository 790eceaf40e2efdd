"""The official's visit work on a household: visits, follow-ups, check-ins, isolation screening, composition.

Every object is fetched through the household, itself fetched through ``visible_to``: another dong's
household, resident, visit or follow-up answers 404. Only editors may write (403 for the others).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.audit import log_action
from welfare.models import AccessAction
from welfare.permissions import can

from .. import selectors, services
from .. import selectors_household_page as panels
from ..forms.visits import (
    CheckInForm,
    FollowUpForm,
    HeadChangeForm,
    IsolationForm,
    MemberJoinForm,
    MemberLeaveForm,
    VisitForm,
    initial_from_visit,
)
from ..models import (
    ISOLATION_BANDS,
    CaseStage,
    FollowUpReason,
    Household,
    NeedDomain,
    Resident,
    RiskLevel,
    Visit,
    isolation_risk,
)

# households.py imports this module for detail_context; its helpers are looked up when a view runs.
from . import households as household_pages


def _editable_household(request: HttpRequest, pk: int) -> Household:
    household_pages._require_editor(request)  # 403 first: a planner learns nothing about the household
    return household_pages._household(request, pk)


def _to_household(household: Household) -> HttpResponse:
    return redirect("households:detail", pk=household.pk)


# Visits ------------------------------------------------------------------------------------------------------


def _policy_days(household: Household) -> dict[str, int]:
    """Days the cadence policy gives each risk level for this household (the in-service rule included)."""
    today = timezone.localdate()
    return {
        risk: (services.propose_next_contact(household=household, risk_level=risk, after=today) - today).days
        for risk in RiskLevel.values
    }


def _posted_token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        return None


def _copied_initial(request: HttpRequest, household: Household) -> tuple[dict, Visit | None]:
    """``?copy=last`` (``&note=1`` for the observations too): the new form starts from the household's latest
    visit (see :func:`initial_from_visit`). Reading that visit is logged as opening it is."""
    if request.method != "GET" or request.GET.get("copy") != "last":
        return {}, None
    last = selectors.last_visit(household)
    if last is None:
        return {}, None
    with_note = request.GET.get("note") == "1"
    log_action(last, "households.visit.copied", user=request.user, action=AccessAction.VIEW,
               changes={"observations": with_note})
    return initial_from_visit(last, with_observations=with_note), last


def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, "record_visits"):  # 403 first: a planner learns nothing about the household
        raise PermissionDenied
    household = household_pages._household(request, pk)
    token = _posted_token(request) if request.method == "POST" else None
    # A resubmitted form may no longer validate (the resident it names has left since): answer it first.
    if token is not None and household.visits.filter(submission_token=token).exists():
        messages.info(request, _("이미 저장된 방문입니다."))
        return _to_household(household)
    initial, copied = _copied_initial(request, household)
    form = VisitForm(request.POST or None, initial=initial, household=household,
                     has_open_case=household.cases.open().exists(), policy_days=_policy_days(household),
                     scope=services.visit_scope(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.visit_data()
        try:
            visit, created = services.visit_record(household=household, by=request.user, data=data,
                                                   token=form.cleaned_data["submission_token"])
        except services.RuleError as error:
            form.add_error(None, error)
        except services.StaleVersion:
            form.add_error(None, _("사례가 방금 다른 사람에 의해 바뀌었습니다. 다시 저장하세요."))
        else:
            if not created:
                messages.info(request, _("이미 저장된 방문입니다."))
            else:
                messages.success(request, _("방문을 기록했습니다."))
                if data.outcome.propose_case_closing and visit.case and visit.case.stage != CaseStage.CLOSING:
                    messages.warning(request, _("사례가 '%(stage)s' 단계라 종결 검토로 옮기지 못했습니다. "
                                                "사례 화면에서 진행하세요.") % {"stage": visit.case.get_stage_display()})
            return _to_household(household)
    return render(request, "households/visits/form.html", {
        "form": form, "household": household,
        "copy_asked": request.method == "GET" and request.GET.get("copy") == "last", "copied": copied,
        "has_visits": copied is not None or (request.method == "GET" and household.visits.exists()),
        "phrases": selectors.phrase_set(household.dong.district_id).by_domain(),
    })


def visit_detail(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    household = household_pages._household(request, pk)
    visit = get_object_or_404(
        household.visits.select_related("recorded_by", "case").prefetch_related("needs", "staff_present"),
        pk=visit_pk,
    )
    order = {d: i for i, d in enumerate(NeedDomain.values)}
    needs = sorted(visit.needs.all(), key=lambda n: order.get(n.domain, 99))
    log_action(visit, "households.visit.viewed", user=request.user)
    return render(request, "households/visits/detail.html", {
        "household": household, "visit": visit, "needs": needs,
        "follow_ups_met": visit.follow_ups_met.all(),
    })


# Follow-ups and check-ins ------------------------------------------------------------------------------------


def followup_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.followup_schedule(
                household=household, due_on=form.cleaned_data["due_on"], reason=FollowUpReason.MANUAL,
                note=form.cleaned_data["note"].strip(), by=request.user,
            )
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            if follow_up is None:
                messages.warning(request, _("이미 예정된 '직접 지정' 접촉이 있습니다. 그 예정을 취소한 뒤 다시 지정하세요."))
            else:
                messages.success(request, _("%(on)s 접촉 예정을 추가했습니다.") % {"on": follow_up.due_on.isoformat()})
            return _to_household(household)
    return render(request, "households/visits/small_form.html", {
        "form": form, "household": household, "title": _("접촉 예정 추가"),
        "intro": _("정기 접촉과 별도로 직접 정하는 접촉 예정입니다. 세대마다 하나만 열어 둘 수 있습니다."),
        "action": "households:followup_add",
    })


@require_POST
def followup_cancel(request: HttpRequest, pk: int, followup_pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    follow_up = get_object_or_404(household.follow_ups.all(), pk=followup_pk)
    try:
        services.followup_cancel(follow_up=follow_up, by=request.user)
    except services.RuleError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("접촉 예정을 취소했습니다."))
    return _to_household(household)


def checkin_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.checkin_record(household=household, by=request.user, source=data["source"],
                                    is_alert=data["is_alert"], note=data["note"].strip(), at=data["at"])
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("이상 신호를 기록했습니다.") if data["is_alert"] else _("안부 확인을 기록했습니다."))
            return _to_household(household)
    return render(request, "households/visits/small_form.html", {
        "form": form, "household": household, "title": _("안부 확인 기록"),
        "intro": _("IoT·AI 안부전화·건강음료 배달·돌봄단 등 방문 밖에서 확인한 안부입니다."),
        "action": "households:checkin_add",
    })


# Isolation screening -----------------------------------------------------------------------------------------


def isolation_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    form = IsolationForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        risk_before = household.risk_level
        try:
            screening = services.isolation_screening_record(
                household=household, resident=form.cleaned_data["resident"], by=request.user,
                answers=form.answers(), on=form.cleaned_data["screened_on"], apply_risk=form.cleaned_data["apply_risk"],
            )
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("사회적 고립 조사를 저장했습니다. 점수 %(score)s점 → %(risk)s 제안") % {
                "score": screening.score, "risk": screening.get_proposed_risk_display()})
            if form.cleaned_data["apply_risk"] and screening.proposed_risk != risk_before:
                messages.success(request, _("세대 위기도를 %(risk)s(으)로 바꿨습니다.") % {
                    "risk": screening.get_proposed_risk_display()})
            return _to_household(household)
    score = form.live_score()
    return render(request, "households/visits/isolation_form.html", {
        "form": form, "household": household, "score": score, "proposed": RiskLevel(isolation_risk(score)),
        "bands": ISOLATION_BANDS,
    })


# Composition -------------------------------------------------------------------------------------------------


def member_leave(request: HttpRequest, pk: int, resident_pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    resident: Resident = get_object_or_404(household.residents.select_related("household"), pk=resident_pk)
    form = MemberLeaveForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resident_leave(resident=resident, by=request.user, on=data["on"], reason=data["reason"],
                                    new_head=data.get("new_head"), note=data["note"].strip())
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 님을 세대에서 이탈 처리했습니다.") % {"name": resident.name})
            return _to_household(household)
    return render(request, "households/visits/small_form.html", {
        "form": form, "household": household, "title": _("%(name)s 이탈 처리") % {"name": resident.name},
        "intro": _("가구원 기록은 지우지 않고 이탈일과 사유를 남깁니다."),
        "notice": _("이미 %(on)s에 이탈한 가구원입니다.") % {"on": resident.left_on.isoformat()}
        if resident.left_on else "",
        "action_url": request.path,
    })


def head_change(request: HttpRequest, pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    form = HeadChangeForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.head_change(household=household, new_head=data["new_head"], by=request.user, on=data["on"],
                                 previous_head_relation=data["previous_head_relation"])
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("세대주를 %(name)s 님으로 바꿨습니다.") % {"name": data["new_head"].name})
            return _to_household(household)
    no_candidates = not form.fields["new_head"].queryset.exists()
    return render(request, "households/visits/small_form.html", {
        "form": form, "household": household, "title": _("세대주 변경"),
        "notice": _("세대주가 될 수 있는 다른 현재 가구원이 없습니다. 먼저 전입을 기록하세요.") if no_candidates else "",
        "action_url": request.path,
    })


def member_join(request: HttpRequest, pk: int) -> HttpResponse:
    household = _editable_household(request, pk)
    form = MemberJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        on: dt.date = data.pop("moved_in_on")
        try:
            resident = services.resident_join(household=household, by=request.user, data=data, on=on)
        except services.RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 님의 전입을 기록했습니다.") % {"name": resident.name})
            return _to_household(household)
    return render(request, "households/visits/small_form.html", {
        "form": form, "household": household, "title": _("전입 기록"),
        "intro": _("새로 세대에 들어온 가구원입니다. 세대주가 바뀌면 전입 뒤 '세대주 변경'을 하세요."),
        "action_url": request.path,
    })


# The household page's panel ----------------------------------------------------------------------------------


def detail_context(request: HttpRequest, household: Household) -> dict:
    """What the household page shows of visits; a constant number of queries (one per list below)."""
    return {"visit_panel": {
        "visits": panels.latest_visits(household.pk),
        "follow_ups": panels.open_follow_ups(household.pk),
        "check_ins": panels.latest_check_ins(household.pk),
        "member_events": panels.latest_member_events(household.pk),
        "isolation": panels.latest_isolation_screening.first(household.pk),
        "residents": panels.current_residents(household.pk),
        "followup_form": FollowUpForm(),
        "checkin_form": CheckInForm(),
        "today": timezone.localdate(),
    }}


urlpatterns = [
    path("<int:pk>/visits/new/", visit_add, name="visit_add"),
    path("<int:pk>/visits/<int:visit_pk>/", visit_detail, name="visit_detail"),
    path("<int:pk>/followups/new/", followup_add, name="followup_add"),
    path("<int:pk>/followups/<int:followup_pk>/cancel/", followup_cancel, name="followup_cancel"),
    path("<int:pk>/checkins/new/", checkin_add, name="checkin_add"),
    path("<int:pk>/isolation/new/", isolation_add, name="isolation_add"),
    path("<int:pk>/residents/join/", member_join, name="member_join"),
    path("<int:pk>/residents/<int:resident_pk>/leave/", member_leave, name="member_leave"),
    path("<int:pk>/head/", head_change, name="head_change"),
]
