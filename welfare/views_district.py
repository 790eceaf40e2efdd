"""The district admin's own pages: the district's staff accounts and the settings sections the apps register
(``welfare.district_settings``: the cadence and discovery policies).

Only a district admin, for their own district, and superusers (who pick a district with ``?district=<id>``,
the first by name when absent) may open them; everyone else gets 403. Another district's staff member answers
404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services
from .common.people import display_name
from .common.requests import given_id
from .district_settings import Section, sections
from .errors import RuleError
from .forms import (
    PasswordResetForm,
    StaffCreateForm,
    StaffEditForm,
    StaffFilterForm,
    password_help,
)
from .models import District, Dong, StaffMembership
from .permissions import can
from .reference_data import tables as reference_tables

PAGE_SIZE = 25


def district_for(request: HttpRequest, capability: str = "manage_district") -> District:
    """The district these pages manage: the admin's own, or the one a superuser picked; 403 without
    ``capability``."""
    user = request.user
    if user.is_superuser:
        raw = request.GET.get("district", "")
        if raw:
            return get_object_or_404(District, pk=given_id(raw))
        district = District.objects.order_by("name", "pk").first()
        if district is None:
            raise Http404
        return district
    if not can(user, capability):
        raise PermissionDenied
    return user.staff.district


def _district(request: HttpRequest) -> District:
    return district_for(request)


def _staff(request: HttpRequest, pk: int) -> StaffMembership:
    """A staff member of the admin's district; another district's is 404. Superusers reach any."""
    scope = StaffMembership.objects.select_related("user", "district")
    if not request.user.is_superuser:
        scope = scope.filter(district=_district(request))
    return get_object_or_404(scope, pk=pk)


def _district_query(request: HttpRequest, district: District) -> str:
    """``district=<id>`` for superusers, who may manage any district; nothing for a district admin."""
    return f"district={district.pk}" if request.user.is_superuser else ""


def district_url(request: HttpRequest, district: District, name: str, *args) -> str:
    query = _district_query(request, district)
    return reverse(name, args=args) + (f"?{query}" if query else "")


def district_context(request: HttpRequest, district: District, **extra) -> dict:
    return {
        "district": district,
        "district_query": _district_query(request, district),
        # The picker: superusers only, so a district admin's page runs no query for it.
        "districts": District.objects.order_by("name") if request.user.is_superuser else (),
        "reference_tables": reference_tables(),
        **extra,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return redirect(district_url(request, _district(request), "district:staff"))


# Staff --------------------------------------------------------------------------------------------------------------


@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = StaffFilterForm(request.GET or None)
    queryset = StaffMembership.objects.filter(district=district)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    text = (data.get("q") or "").strip()
    if text:
        queryset = queryset.filter(
            Q(user__username__icontains=text) | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text) | Q(user__email__icontains=text) | Q(dongs__name__icontains=text)
        ).distinct()
    if data.get("role"):
        queryset = queryset.filter(role=data["role"])
    active = data.get("active") or "1"
    if active != "all":
        queryset = queryset.filter(user__is_active=active == "1")
    queryset = (
        queryset.select_related("user")
        .prefetch_related(Prefetch("dongs", queryset=Dong.objects.order_by("name")))
        .order_by("user__first_name", "user__username", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    if request.user.is_superuser:
        params["district"] = str(district.pk)
    return render(request, "welfare/district/staff_list.html", district_context(
        request, district, form=form, page=page, query_string=params.urlencode(), filtered=bool(data),
    ))


def staff_create(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = StaffCreateForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_create(district=district, by=request.user, data=form.to_input())
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s(%(username)s) 계정을 만들었습니다.") % {
                "name": user.first_name, "username": user.username})
            return redirect(district_url(request, district, "district:staff"))
    return render(request, "welfare/district/staff_form.html", district_context(
        request, district, form=form, creating=True, password_help=password_help(),
    ))


def _edit_page(request: HttpRequest, staff: StaffMembership, form: StaffEditForm, password_form: PasswordResetForm
               ) -> HttpResponse:
    return render(request, "welfare/district/staff_form.html", district_context(
        request, staff.district, form=form, password_form=password_form, staff=staff, creating=False,
        is_self=staff.user_id == request.user.pk, password_help=password_help(),
    ))


def _initial(staff: StaffMembership) -> dict:
    user = staff.user
    # One box for the whole name in Korean order (성 then 이름); accounts made in the Django admin may have it split.
    name = f"{user.last_name}{user.first_name}" if user.last_name else user.first_name
    return {"first_name": name, "email": user.email, "role": staff.role,
            "dongs": list(staff.dongs.all()), "personal_access": staff.personal_access, "is_active": user.is_active}


def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    form = StaffEditForm(request.POST or None, initial=_initial(staff), district=staff.district)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(staff=staff, by=request.user, data=form.to_input())
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 님의 정보를 저장했습니다.") % {"name": form.cleaned_data["first_name"]})
            return redirect(district_url(request, staff.district, "district:staff"))
    return _edit_page(request, staff, form, PasswordResetForm())


@require_POST
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            user = services.staff_set_password(staff=staff, by=request.user, password=form.cleaned_data["password"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # keep the admin signed in after changing their own
            messages.success(request, _("%(name)s 님의 비밀번호를 바꿨습니다. 새 비밀번호는 본인에게 직접 알려 주세요.")
                             % {"name": display_name(user)})
            return redirect(district_url(request, staff.district, "district:staff_edit", staff.pk))
    return _edit_page(request, staff, StaffEditForm(initial=_initial(staff), district=staff.district), form)


# Settings sections ---------------------------------------------------------------------------------------------


@dataclass
class Panel:
    section: Section
    form: forms.Form

    @property
    def saved(self) -> bool:
        """Whether the district has its own row yet (otherwise the form shows the defaults)."""
        instance = getattr(self.form, "instance", None)
        return instance is not None and instance.pk is not None


def policies(request: HttpRequest) -> HttpResponse:
    """One form per registered section on one page; the hidden ``which`` says which one was sent, the others
    show the saved values."""
    district = _district(request)
    which = request.POST.get("which") if request.method == "POST" else None
    panels = [Panel(section, section.form(district, request.POST if which == section.key else None))
              for section in sections()]
    sent = next((panel for panel in panels if panel.section.key == which), None)
    if sent is not None and sent.form.is_valid():
        try:
            sent.section.save(district=district, by=request.user, data=sent.form.cleaned_data)
        except RuleError as error:
            sent.form.add_error(None, error)
        else:
            messages.success(request, sent.section.saved_message)
            return redirect(district_url(request, district, "district:policies"))
    return render(request, "welfare/district/policies.html", district_context(
        request, district, panels=panels, **{panel.section.key: panel.form for panel in panels},
    ))
