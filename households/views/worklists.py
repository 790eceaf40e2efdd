"""Work lists: my caseload, the team lead's view, and the household timeline panel."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from welfare.audit import log_list
from welfare.common.filter_forms import FormClassOnce
from welfare.common.paging import IdsFirstPaginator
from welfare.common.people import display_name
from welfare.common.requests import given_id, given_ids
from welfare.models import Dong
from welfare.permissions import can, roles_with
from welfare.scoping import personal_dong_ids

from .. import selectors, services, timeline
from ..models import REASSESSMENT_SOON_DAYS, CaseStage, Household, RiskLevel

CASELOAD_PER_PAGE = 25


# --- Household page panel ------------------------------------------------------------------------------------


def _query_without(request: HttpRequest, *names: str) -> str:
    params: QueryDict = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def detail_context(request: HttpRequest, household: Household) -> dict:
    """The timeline of the household page: a constant number of queries (see households.timeline.household_timeline)."""
    return {
        "timeline": timeline.household_timeline(household, page=request.GET.get("tpage"), user=request.user),
        "timeline_query": _query_without(request, "tpage"),
    }


# --- Forms ---------------------------------------------------------------------------------------------------


class CaseloadFilter(FormClassOnce):
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=gettext_lazy("위기도"),
                                             empty_label=gettext_lazy("전체"))
    stage = django_filters.ChoiceFilter(
        choices=[("none", gettext_lazy("진행 중 사례 없음")), *selectors.STAGE_CHOICES], method="filter_stage",
        label=gettext_lazy("사례 단계"), empty_label=gettext_lazy("전체"),
    )

    reassessment_due = django_filters.ChoiceFilter(
        method="filter_reassessment_due", label=gettext_lazy("재사정"), empty_label=gettext_lazy("전체"),
        choices=[("due", gettext_lazy("재사정 도래(7일 이내·기한 지남)"))])

    class Meta:
        model = Household
        fields = ["risk_level", "stage", "reassessment_due"]

    def filter_reassessment_due(self, queryset, name, value):
        soon = timezone.localdate() + dt.timedelta(days=REASSESSMENT_SOON_DAYS)
        return queryset.filter(open_case_reassessment_due_on__lte=soon) if value == "due" else queryset

    def filter_stage(self, queryset, name, value):
        if value == "none":
            return queryset.filter(open_case_stage__isnull=True)
        return queryset.filter(open_case_stage=value)


class IdsField(forms.Field):
    """The checked rows: a list of household ids. Which of them the user may touch is the service's job."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": gettext_lazy("세대를 하나 이상 고르세요."),
                              "invalid": gettext_lazy("잘못된 세대 번호가 있습니다.")}

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkForm(forms.Form):
    RESCHEDULE, REASSIGN = "reschedule", "reassign"

    action = forms.ChoiceField(choices=((RESCHEDULE, gettext_lazy("다음 접촉일 변경")),
                                        (REASSIGN, gettext_lazy("담당자 변경"))))
    ids = IdsField()
    on = forms.DateField(label=gettext_lazy("새 다음 접촉일"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    to_user = forms.ModelChoiceField(label=gettext_lazy("새 담당자"), required=False, queryset=None,
                                     empty_label=gettext_lazy("담당자 선택"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Dong staff of the user's dongs; the service checks each household's dong against the one chosen.
        self.fields["to_user"].queryset = (
            get_user_model().objects.filter(is_active=True, staff__role__in=roles_with("be_assigned"),
                                            staff__dongs__in=personal_dong_ids(user))
            .distinct().order_by("first_name", "last_name", "username")
        )
        self.fields["to_user"].label_from_instance = display_name

    def clean(self):
        data = super().clean()
        if data.get("action") == self.RESCHEDULE and not data.get("on"):
            self.add_error("on", _("새 다음 접촉일을 고르세요."))
        if data.get("action") == self.REASSIGN and not data.get("to_user"):
            self.add_error("to_user", _("새 담당자를 고르세요."))
        return data


def _checked(request: HttpRequest) -> set[int]:
    """The rows ticked in a refused submission, to tick them again."""
    return set(given_ids(request.POST.getlist("ids")))


def _bulk(request: HttpRequest) -> HttpResponse | BulkForm:
    """Run the chosen bulk action; a redirect when it ran, else the bound form with its errors."""
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if data["action"] == BulkForm.RESCHEDULE:
            result = services.households_reschedule(households=data["ids"], by=request.user, on=data["on"])
            done = ngettext("%(n)d세대의 다음 접촉일을 %(day)s(으)로 바꿨습니다.",
                            "%(n)d세대의 다음 접촉일을 %(day)s(으)로 바꿨습니다.", result.done)
            done %= {"n": result.done, "day": f"{data['on']:%Y-%m-%d}"}
        else:
            to_user = data["to_user"]
            result = services.households_reassign(households=data["ids"], by=request.user, to_user=to_user)
            done = ngettext("%(n)d세대의 담당자를 %(name)s(으)로 바꿨습니다.",
                            "%(n)d세대의 담당자를 %(name)s(으)로 바꿨습니다.", result.done)
            done %= {"n": result.done, "name": display_name(to_user)}
    except services.RuleError as error:
        form.add_error(None, error)
        return form
    if result.done:
        messages.success(request, done)
    if result.skipped:
        messages.warning(request, ngettext(
            "권한이 없는 %(n)d세대는 건너뛰었습니다. 그 세대에는 아무것도 바꾸지 않았습니다.",
            "권한이 없는 %(n)d세대는 건너뛰었습니다. 그 세대에는 아무것도 바꾸지 않았습니다.", result.skipped,
        ) % {"n": result.skipped})
    if result.not_in_dong:
        messages.warning(request, ngettext(
            "새 담당자의 담당 동이 아닌 %(n)d세대는 건너뛰었습니다.",
            "새 담당자의 담당 동이 아닌 %(n)d세대는 건너뛰었습니다.", result.not_in_dong,
        ) % {"n": result.not_in_dong})
    return redirect(request.get_full_path())


# --- Pages ---------------------------------------------------------------------------------------------------


def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: households I am assigned to, under care or monitoring; overdue first."""
    if not can(request.user, "use_worklists"):
        raise PermissionDenied
    outcome = _bulk(request) if request.method == "POST" else None
    if isinstance(outcome, HttpResponse):
        return outcome
    bulk_form = outcome
    today = timezone.localdate()
    base = selectors.caseload(request.user, today=today)
    filterset = CaseloadFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(queryset, CASELOAD_PER_PAGE).get_page(request.GET.get("page"))
    for household in page.object_list:
        household.days_overdue = (today - household.next_contact_on).days if household.is_overdue else 0
        household.open_case_stage_label = CaseStage(household.open_case_stage).label if household.open_case_stage else ""
        due_on = household.open_case_reassessment_due_on
        household.reassessment = "" if due_on is None else (
            "overdue" if due_on < today else "due" if (due_on - today).days <= REASSESSMENT_SOON_DAYS else "")
    log_list("households.caseload.listed", user=request.user, params=request.GET,
             count=len(page.object_list), total=page.paginator.count)
    return render(request, "households/worklists/caseload.html", {
        "filter": filterset, "page": page, "query_string": _query_without(request, "page"),
        "bulk": bulk_form or BulkForm(user=request.user), "checked": _checked(request),
        "today": today,
    })


def team(request: HttpRequest) -> HttpResponse:
    """The team lead's view of their dongs: load per official, overdue contacts, cases gone quiet."""
    if not can(request.user, "lead_team"):
        raise PermissionDenied
    outcome = _bulk(request) if request.method == "POST" else None
    if isinstance(outcome, HttpResponse):
        return outcome
    bulk_form = outcome
    today = timezone.localdate()
    dong_ids = selectors.team_dong_ids(request.user)
    team_dongs = list(Dong.objects.filter(pk__in=dong_ids).order_by("name"))
    chosen = given_id(request.GET.get("dong"))
    if chosen in dong_ids:  # one of the lead's dongs (a saved filter may name it)
        dong_ids = frozenset({chosen})
    # Ids first: a deep page of a large team's overdue contacts skips bare rows, not head-name subqueries.
    overdue = IdsFirstPaginator(selectors.overdue_contacts(dong_ids, today=today), CASELOAD_PER_PAGE,
                                decorate=lambda rows: rows.select_related("dong", "assigned_official").with_head_name())
    overdue_page = overdue.get_page(request.GET.get("opage"))
    for household in overdue_page.object_list:
        household.days_overdue = (today - household.next_contact_on).days
    silent_page = Paginator(selectors.silent_cases(dong_ids, today=today), CASELOAD_PER_PAGE).get_page(
        request.GET.get("cpage"))
    # The two personal lists of the page: the rows shown of each (the per-official loads are counts).
    log_list("households.team.listed", user=request.user, params=request.GET, skip=("opage", "cpage"),
             count=len(overdue_page.object_list) + len(silent_page.object_list),
             total=overdue.count + silent_page.paginator.count)
    return render(request, "households/worklists/team.html", {
        "loads": selectors.team_load(dong_ids, today=today),
        "overdue_page": overdue_page, "overdue_query": _query_without(request, "opage"),
        "silent_page": silent_page, "silent_query": _query_without(request, "cpage"),
        "silent_days": selectors.SILENT_DAYS,
        "bulk": bulk_form or BulkForm(user=request.user), "checked": _checked(request),
        "today": today, "team_dongs": team_dongs, "chosen_dong": chosen,
    })


urlpatterns = [
    path("caseload/", caseload, name="caseload"),
    path("team/", team, name="team"),
]
