"""Resident collaborators' pages: a network member's activity page (appointments and renewal, activity log, support
received, the year in figures) and the dong council page (meetings, Happy-Neighbourhood projects as aggregates)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Household
from welfare.audit import log_action
from welfare.common.dates import seoul_today
from welfare.errors import RuleError, show_on_form
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import personal_dong_ids, visible_dong_ids

from ..collaborators import council_year, member_year
from ..models import ActivityKind, CouncilMeeting, HappyProject, NetworkMember, SupportKind
from ..services import collaborators as services

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PER_PAGE = 20


class AppointmentForm(forms.Form):
    appointed_on = forms.DateField(label=gettext_lazy("위촉일"), widget=DATE)
    term_ends_on = forms.DateField(label=gettext_lazy("임기 만료일"), widget=DATE)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("활동"), choices=ActivityKind.choices)
    dong = forms.ModelChoiceField(label=gettext_lazy("행정동"), queryset=Dong.objects.none())
    done_on = forms.DateField(label=gettext_lazy("활동일"), widget=DATE)
    household = forms.IntegerField(label=gettext_lazy("방문한 세대 번호"), required=False,
                                   help_text=gettext_lazy("모니터링 가구 방문일 때 세대 번호"))
    hours = forms.DecimalField(label=gettext_lazy("교육 시간"), required=False, min_value=0, max_digits=4,
                               decimal_places=1)
    note = forms.CharField(label=gettext_lazy("메모"), required=False, max_length=300)

    def __init__(self, *args, dongs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = dongs


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("지원 종류"), choices=SupportKind.choices)
    given_on = forms.DateField(label=gettext_lazy("지원일"), widget=DATE)
    amount_krw = forms.IntegerField(label=gettext_lazy("금액(원)"), min_value=0)
    note = forms.CharField(label=gettext_lazy("메모"), required=False, max_length=300)


def _member_or_404(request: HttpRequest, pk: int) -> NetworkMember:
    if not can(request.user, "edit_network"):
        raise PermissionDenied
    return get_object_or_404(NetworkMember.objects.visible_to(request.user), pk=pk)


def member_activity(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(request, pk)
    dongs = Dong.objects.filter(pk__in=personal_dong_ids(request.user), network_members=member).order_by("name")
    today = seoul_today()
    which = request.POST.get("form") if request.method == "POST" else None
    forms_ = {
        "appointment": AppointmentForm(request.POST if which == "appointment" else None,
                                       initial={"appointed_on": today, "term_ends_on": today.replace(year=today.year + 2)}),
        "activity": ActivityForm(request.POST if which == "activity" else None, dongs=dongs,
                                 initial={"done_on": today, "dong": dongs.first()}),
        "support": SupportForm(request.POST if which == "support" else None, initial={"given_on": today}),
    }
    if which in forms_ and forms_[which].is_valid():
        data = forms_[which].cleaned_data
        try:
            if which == "appointment":
                services.appointment_add(by=request.user, member=member, **data)
            elif which == "activity":
                household = None
                if data["household"]:
                    household = Household.objects.filter(pk=data["household"], dong=data["dong"]).first()
                services.activity_record(by=request.user, member=member, dong=data["dong"], kind=data["kind"],
                                         done_on=data["done_on"], household=household, hours=data["hours"] or 0,
                                         note=data["note"])
            else:
                services.support_record(by=request.user, member=member, **data)
            messages.success(request, _("저장했습니다."))
            return redirect("discovery:member_activity", member.pk)
        except RuleError as error:
            show_on_form(forms_[which], error)
    activities = Paginator(member.activities.select_related("dong", "household"), PER_PAGE).get_page(
        request.GET.get("page"))
    log_action(member, "discovery.networkmember.viewed", user=request.user)
    return render(request, "discovery/network/activity.html", {
        "member": member, "year": member_year(member, today.year, today=today), "forms": forms_,
        "activities": activities, "supports": list(member.supports.all()[:PER_PAGE]),
        "appointments": list(member.appointments.all()), "support_kinds": SupportKind,
    })


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("회의일"), widget=DATE)
    agenda = forms.CharField(label=gettext_lazy("안건"), widget=forms.Textarea(attrs={"rows": 2}))
    attendees = forms.CharField(label=gettext_lazy("참석자"), help_text=gettext_lazy("협의체 위원 이름을 쉼표로"))
    decisions = forms.CharField(label=gettext_lazy("결정 사항"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))


class ProjectForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("연도"))
    title = forms.CharField(label=gettext_lazy("사업명"), max_length=200)
    budget_krw = forms.IntegerField(label=gettext_lazy("예산(원)"), min_value=0)
    beneficiaries = forms.IntegerField(label=gettext_lazy("수혜 인원"), min_value=0)
    households = forms.IntegerField(label=gettext_lazy("수혜 가구"), min_value=0)


def council_page(request: HttpRequest, dong_id: int) -> HttpResponse:
    dong = get_object_or_404(Dong, pk=dong_id, pk__in=visible_dong_ids(request.user))
    today = seoul_today()
    writer = can(request.user, "edit_network") and dong.pk in personal_dong_ids(request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    if which and not writer:
        raise PermissionDenied
    forms_ = {
        "meeting": MeetingForm(request.POST if which == "meeting" else None, initial={"held_on": today}),
        "project": ProjectForm(request.POST if which == "project" else None, initial={"year": today.year}),
    }
    if which in forms_ and forms_[which].is_valid():
        try:
            if which == "meeting":
                services.meeting_record(by=request.user, dong=dong, **forms_[which].cleaned_data)
            else:
                services.project_save(by=request.user, dong=dong, **forms_[which].cleaned_data)
            messages.success(request, _("저장했습니다."))
            return redirect("discovery:council", dong.pk)
        except RuleError as error:
            show_on_form(forms_[which], error)
    meetings = Paginator(CouncilMeeting.objects.filter(dong=dong), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "discovery/network/council.html", {
        "dong": dong, "writer": writer, "forms": forms_, "meetings": meetings,
        "projects": list(HappyProject.objects.filter(dong=dong)[:50]), "summary": council_year(dong.pk, today.year),
        "year": today.year,
        "dongs": Dong.objects.filter(pk__in=visible_dong_ids(request.user)).order_by("name"),
    })


urlpatterns = [
    path("network/<int:pk>/activity/", member_activity, name="member_activity"),
    path("council/<int:dong_id>/", council_page, name="council"),
]
