"""The dong's areas (통) and the work without an owner: the 통 list and form (number, official, deputy, street list),
"주소로 통 배정" for a whole dong, the dong's queue (open follow-ups nobody owns, assigned from here) and the
hand-over of a departing official's work. Leads and district admins; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from welfare.audit import log_list
from welfare.common.people import display_name
from welfare.common.requests import given_id, given_ids
from welfare.errors import RuleError, show_on_form
from welfare.models import Dong
from welfare.permissions import can, roles_with
from welfare.scoping import personal_dong_ids
from welfare.services.handover import hand_over_candidates, receivers, work_hand_over

from ..models import Area, Household
from ..selectors import unassigned_follow_ups
from ..services.areas import AreaInput, area_save, areas_from_addresses
from ..services.worklists import queue_assign

PER_PAGE = 50


def _staff_of(dong_ids):
    return (get_user_model().objects.filter(is_active=True, staff__role__in=roles_with("be_assigned"),
                                            staff__dongs__in=list(dong_ids)).distinct().order_by("first_name", "username"))


def _person(user) -> str:
    return display_name(user)


class AreaForm(forms.Form):
    dong = forms.ModelChoiceField(label=gettext_lazy("행정동"), queryset=Dong.objects.none())
    number = forms.IntegerField(label=gettext_lazy("통 번호"), min_value=1, max_value=999)
    name = forms.CharField(label=gettext_lazy("이름"), required=False, max_length=50)
    official = forms.ModelChoiceField(label=gettext_lazy("담당 공무원"), required=False, queryset=None,
                                      empty_label=gettext_lazy("없음 (동 대기열)"))
    deputy = forms.ModelChoiceField(label=gettext_lazy("부담당"), required=False, queryset=None,
                                    empty_label=gettext_lazy("없음"))
    streets = forms.CharField(label=gettext_lazy("도로명·건물번호"), required=False, widget=forms.Textarea(attrs={
        "rows": 5, "placeholder": "왕십리로\n왕십리로 222\n무학로2길 10-40"}),
        help_text=gettext_lazy("한 줄에 하나: 도로명(그 길 전체), 도로명 건물번호, 또는 도로명 시작번호-끝번호"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        dongs = personal_dong_ids(user)
        self.fields["dong"].queryset = Dong.objects.filter(pk__in=dongs).order_by("name")
        for name in ("official", "deputy"):
            self.fields[name].queryset = _staff_of(dongs)
            self.fields[name].label_from_instance = _person


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied


def area_list(request: HttpRequest) -> HttpResponse:
    """The 통s of the lead's dongs with their people and households (one grouped query), and the tools."""
    _require(request.user, "manage_areas")
    if request.method == "POST" and request.POST.get("action") == "from_addresses":
        dong = get_object_or_404(Dong.objects.filter(pk__in=personal_dong_ids(request.user)),
                                 pk=given_id(request.POST.get("dong")))
        try:
            done = areas_from_addresses(dong=dong, by=request.user, overwrite=request.POST.get("overwrite") == "1")
        except RuleError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, ngettext("%(dong)s: %(n)d세대에 주소로 통을 정했습니다.",
                                               "%(dong)s: %(n)d세대에 주소로 통을 정했습니다.", done)
                             % {"dong": dong.name, "n": done})
        return redirect("households:areas")
    areas = list(Area.objects.visible_to(request.user).select_related("dong", "official", "deputy")
                 .annotate(household_count=Count("households")).order_by("dong__name", "number"))
    dongs = list(Dong.objects.filter(pk__in=personal_dong_ids(request.user)).order_by("name"))
    without = dict(Household.objects.filter(dong__in=dongs, area__isnull=True).order_by()
                   .values("dong_id").annotate(n=Count("pk")).values_list("dong_id", "n"))
    for dong in dongs:
        dong.without_area = without.get(dong.pk, 0)
    return render(request, "households/areas/list.html", {"areas": areas, "dongs": dongs})


def area_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request.user, "manage_areas")
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=pk) if pk else None
    initial = ({"dong": area.dong, "number": area.number, "name": area.name, "official": area.official,
                "deputy": area.deputy, "streets": area.streets} if area else {})
    form = AreaForm(request.POST or None, user=request.user, initial=initial)
    if area is not None:
        form.fields["dong"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = area_save(by=request.user, area=area, data=AreaInput(
                dong=data["dong"], number=data["number"], name=data["name"], official=data["official"],
                deputy=data["deputy"], streets=data["streets"]))
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("%(dong)s %(area)s을(를) 저장했습니다.") % {
                "dong": area.dong.name, "area": area.label})
            return redirect("households:areas")
    return render(request, "households/areas/form.html", {"form": form, "area": area})


class QueueAssignForm(forms.Form):
    to_user = forms.ModelChoiceField(label=gettext_lazy("배정할 담당자"), queryset=None,
                                     empty_label=gettext_lazy("담당자 선택"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _staff_of(personal_dong_ids(user))
        self.fields["to_user"].label_from_instance = _person

    def clean(self):
        data = super().clean()
        # The rows ticked (the service checks each: scope, still unassigned, the official's dong).
        data["ids"] = given_ids(self.data.getlist("ids"))
        if not data["ids"]:
            raise forms.ValidationError(_("배정할 항목을 하나 이상 고르세요."))
        return data


def dong_queue(request: HttpRequest) -> HttpResponse:
    """The dong's queue: open follow-ups nobody owns (no official on the household, none on its 통), oldest due
    first; the lead assigns them (and the household, when it has no official) to an official of the dong."""
    _require(request.user, "assign_dong_queue")
    form = QueueAssignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = queue_assign(follow_ups=form.cleaned_data["ids"], by=request.user,
                                  to_user=form.cleaned_data["to_user"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ngettext("%(n)d건을 %(name)s님에게 배정했습니다.",
                                               "%(n)d건을 %(name)s님에게 배정했습니다.", result.done)
                             % {"n": result.done, "name": _person(form.cleaned_data["to_user"])})
            if result.not_in_dong or result.skipped:
                messages.warning(request, _("담당자의 동이 아니거나 이미 배정된 %(n)d건은 건너뛰었습니다.")
                                 % {"n": result.not_in_dong + result.skipped})
            return redirect(request.get_full_path())
    waiting = unassigned_follow_ups(request.user).select_related("household__dong", "household__area")
    page = Paginator(waiting, PER_PAGE).get_page(request.GET.get("page"))
    log_list("households.dongqueue.listed", user=request.user, params=request.GET, count=len(page.object_list),
             total=page.paginator.count)
    return render(request, "households/areas/queue.html", {"page": page, "form": form,
                                                           "today": timezone.localdate()})


class HandOverForm(forms.Form):
    from_user = forms.ModelChoiceField(label=gettext_lazy("인계하는 사람"), queryset=None)
    to_user = forms.ModelChoiceField(label=gettext_lazy("인계받는 사람"), queryset=None, required=False,
                                     empty_label=gettext_lazy("동 대기열로 (팀장이 나중에 배정)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = hand_over_candidates(user)
        self.fields["from_user"].label_from_instance = (
            lambda u: _person(u) + ("" if u.is_active else " " + str(_("(비활성)"))))
        self.fields["to_user"].queryset = receivers(user)
        self.fields["to_user"].label_from_instance = _person


HAND_OVER_LABELS = {"households": gettext_lazy("관리 세대"), "follow_ups": gettext_lazy("열린 접촉 예정"),
                    "cases": gettext_lazy("진행 중 사례"), "areas": gettext_lazy("담당 통"),
                    "reports": gettext_lazy("미처리 위기 제보")}


def hand_over(request: HttpRequest) -> HttpResponse:
    """A departing or moving official's open work, handed over in one action: first the counts (a dry run), then
    the hand-over on confirmation."""
    _require(request.user, "hand_over_work")
    form = HandOverForm(request.POST or request.GET or None, user=request.user)
    counts = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        key = f"{data['from_user'].pk}:{getattr(data['to_user'], 'pk', '')}"
        # Confirmed only for the pair whose counts were shown (a changed choice is counted again first).
        confirm = request.method == "POST" and request.POST.get("confirm") == key
        try:
            counts = work_hand_over(from_user=data["from_user"], to_user=data["to_user"], by=request.user,
                                    dry_run=not confirm)
        except RuleError as error:
            show_on_form(form, error)
        else:
            if confirm:
                messages.success(request, _("%(who)s님의 업무 %(n)d건을 인계했습니다.") % {
                    "who": _person(data["from_user"]), "n": sum(counts.values())})
                return redirect("households:hand_over")
    rows = [(HAND_OVER_LABELS.get(k, k), v) for k, v in (counts or {}).items()]
    key = (f"{form.cleaned_data['from_user'].pk}:{getattr(form.cleaned_data.get('to_user'), 'pk', '')}"
           if counts is not None else "")
    return render(request, "households/areas/hand_over.html", {
        "form": form, "rows": rows, "counted": counts is not None, "total": sum((counts or {}).values()), "key": key})


urlpatterns = [
    path("areas/", area_list, name="areas"),
    path("areas/new/", area_edit, name="area_new"),
    path("areas/<int:pk>/", area_edit, name="area_edit"),
    path("queue/", dong_queue, name="dong_queue"),
    path("hand-over/", hand_over, name="hand_over"),
]
