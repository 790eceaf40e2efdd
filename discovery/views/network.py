"""Community network pages: the member list, member create/edit/deactivate, and coverage per dong."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welfare.common import phones
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.scoping import personal_dong_ids

from ..models import CrisisReport, NetworkMember, NetworkRole, Occupation
from ..selectors import member_report_counts
from ..services import network as services
from ..services import partners
from ..services.channels import may_keep_sources

PER_PAGE = 25
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _my_dongs(user):
    return Dong.objects.filter(pk__in=personal_dong_ids(user)).order_by("name")


# --- Forms ---------------------------------------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    ACTIVE, ENDED, ALL = "active", "ended", "all"

    q = forms.CharField(label=gettext_lazy("검색"), required=False, max_length=100)
    role = forms.ChoiceField(label=gettext_lazy("역할"), required=False,
                             choices=[("", gettext_lazy("전체")), *NetworkRole.choices])
    occupation = forms.ChoiceField(label=gettext_lazy("하는 일"), required=False,
                                   choices=[("", gettext_lazy("전체")), *Occupation.choices])
    dong = forms.ModelChoiceField(label=gettext_lazy("행정동"), required=False, queryset=Dong.objects.none(),
                                  empty_label=gettext_lazy("전체"))
    active = forms.ChoiceField(label=gettext_lazy("활동 여부"), required=False,
                               choices=((ACTIVE, gettext_lazy("활동 중")), (ENDED, gettext_lazy("활동 종료")),
                                        (ALL, gettext_lazy("전체"))))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = _my_dongs(user)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.active()
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(name__icontains=data["q"]) | Q(organisation__icontains=data["q"]))
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        if data["occupation"]:
            queryset = queryset.filter(occupation=data["occupation"])
        if data["dong"]:
            queryset = queryset.filter(dongs=data["dong"])
        active = data["active"] or self.ACTIVE
        today = timezone.localdate()
        if active == self.ACTIVE:
            queryset = queryset.active(today)
        elif active == self.ENDED:
            queryset = queryset.filter(Q(active_to__lt=today) | Q(active_from__gt=today))
        return queryset


class MemberForm(forms.ModelForm):
    dongs = forms.ModelMultipleChoiceField(label=gettext_lazy("활동 동"), queryset=Dong.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    field_order = ["name", "role", "occupation", "organisation", "dongs", "phone", "active_from", "active_to",
                   "trainings_attended", "note"]

    class Meta:
        model = NetworkMember
        fields = ["name", "role", "occupation", "organisation", "phone", "active_from", "active_to",
                  "trainings_attended", "note"]
        widgets = {"active_from": DATE_WIDGET, "active_to": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = _my_dongs(user)
        self.fields["dongs"].queryset = mine
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        others = []
        if self.instance.pk:
            ids = personal_dong_ids(user)
            current = list(self.instance.dongs.all())
            self.initial.setdefault("dongs", [d.pk for d in current if d.pk in ids])
            others = [d.name for d in current if d.pk not in ids]
            # A member active elsewhere too keeps those dongs: they may be left empty here.
            self.fields["dongs"].required = not others
        self.other_dongs = others

    def member_input(self) -> services.MemberInput:
        """The form's fields as the service's input (the rules are discovery.services.network's)."""
        data = self.cleaned_data
        return services.MemberInput(dongs=tuple(data["dongs"]), **{
            name: data[name] for name in services.MEMBER_FIELDS if data.get(name) is not None})


# --- Views ---------------------------------------------------------------------------------------------------


def _require_editor(request: HttpRequest) -> None:
    if not services.can_edit_members(request.user):
        raise PermissionDenied


def _member(request: HttpRequest, pk: int) -> NetworkMember:
    """The member if one of their dongs is the user's; 404 for another dong's, as if it did not exist."""
    return get_object_or_404(NetworkMember.objects.visible_to(request.user), pk=pk)


def network_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user)
    members = (
        form.filter(NetworkMember.objects.visible_to(request.user))
        .annotate(reports_made=member_report_counts())
        .prefetch_related(Prefetch("dongs", queryset=Dong.objects.order_by("name")))
        .order_by("name", "id")
    )
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    for m in page.object_list:
        m.phone_display = phones.display(m.phone)
        m.phone_is_demo = m.phone.startswith("0100")  # the unassigned 010-0xxx block of the demo (§9)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "discovery/network/list.html", {
        "form": form, "page": page, "query_string": params.urlencode(),
        "can_edit": services.can_edit_members(request.user), "today": timezone.localdate(),
        "may_keep_sources": may_keep_sources(request.user),
        "filtered": bool(request.GET.get("q") or request.GET.get("role") or request.GET.get("occupation")
                         or request.GET.get("dong") or request.GET.get("active") not in (None, "", "active")),
    })


def network_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    initial = {"active_from": timezone.localdate()}
    mine = personal_dong_ids(request.user)
    if len(mine) == 1:  # the usual case: an official of one dong registers someone of that dong
        initial["dongs"] = list(mine)
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(form.member_input(), by=request.user)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 님을 인적안전망에 등록했습니다.") % {"name": member.name})
            return redirect("discovery:network_list")
    return render(request, "discovery/network/form.html", {"form": form, "creating": True})


def network_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    member = _member(request, pk)
    form = MemberForm(request.POST or None, instance=NetworkMember.objects.get(pk=member.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member, form.member_input(), by=request.user)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 님의 정보를 저장했습니다.") % {"name": form.cleaned_data["name"]})
            return redirect("discovery:network_list")
    reports_made = CrisisReport.objects.filter(network_member=member).count()
    return render(request, "discovery/network/form.html", {
        "form": form, "member": member, "creating": False, "reports_made": reports_made,
        "today": timezone.localdate(), "login_form": PartnerLoginForm(),
    })


class PartnerLoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("아이디"), max_length=150)
    password = forms.CharField(label=gettext_lazy("처음 비밀번호"), widget=forms.PasswordInput(render_value=False),
                               help_text=gettext_lazy("구성원에게 한 번 알려 주세요. 본인만 자기 제보의 진행 상황을 봅니다."))


@require_POST
def network_login(request: HttpRequest, pk: int) -> HttpResponse:
    """A network member's own login (the public door's partners' page): create it, or take it away."""
    _require_editor(request)
    member = _member(request, pk)
    try:
        if request.POST.get("action") == "unlink":
            partners.partner_login_unlink(member=member, by=request.user)
            messages.success(request, _("%(name)s 님의 로그인 연결을 해제했습니다.") % {"name": member.name})
        else:
            form = PartnerLoginForm(request.POST)
            if not form.is_valid():
                raise RuleError({k: list(v) for k, v in form.errors.items()})
            partners.partner_account_create(member=member, username=form.cleaned_data["username"],
                                              password=form.cleaned_data["password"], by=request.user)
            messages.success(request, _("%(name)s 님의 로그인 계정을 만들었습니다.") % {"name": member.name})
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("discovery:network_edit", pk=member.pk)


@require_POST
def network_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    member = _member(request, pk)
    try:
        services.member_deactivate(member, by=request.user, on=timezone.localdate())
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("discovery:network_edit", pk=member.pk)
    messages.success(request, _("%(name)s 님의 활동을 오늘 날짜로 종료했습니다.") % {"name": member.name})
    return redirect("discovery:network_list")


def network_coverage(request: HttpRequest) -> HttpResponse:
    rows = services.coverage(request.user)
    roles = list(NetworkRole.values)
    policies = {r.dong.district_id: r.policy for r in rows}
    return render(request, "discovery/network/coverage.html", {
        "rows": [(row, row.cells(roles)) for row in rows],
        "roles": NetworkRole.choices,
        "short_count": sum(1 for r in rows if r.short),
        "policy": next(iter(policies.values())) if len(policies) == 1 else None,
        "today": timezone.localdate(),
    })


urlpatterns = [
    path("network/", network_list, name="network_list"),
    path("network/new/", network_create, name="network_create"),
    path("network/coverage/", network_coverage, name="network_coverage"),
    path("network/<int:pk>/edit/", network_edit, name="network_edit"),
    path("network/<int:pk>/deactivate/", network_deactivate, name="network_deactivate"),
    path("network/<int:pk>/login/", network_login, name="network_login"),
]
