from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.audit import log_action, log_list
from welfare.common.paging import IdsFirstPaginator
from welfare.errors import RuleError, show_on_form
from welfare.permissions import can
from welfare.scoping import personal_dong_ids

from .. import selectors, selectors_household_page, services
from ..attachment_owners import with_owners
from ..filters import HouseholdFilter
from ..forms import HeadForm, HouseholdForm, ResidentForm, RevealForm, SensitiveProfileForm, SignedConsentForm
from ..models import Attachment, Household, Resident, SensitiveProfile
from . import cases, health, visits, worklists

ATTACHMENTS_SHOWN = 50


def _require_editor(request: HttpRequest) -> None:
    if not can(request.user, "edit_casework"):
        raise PermissionDenied


def _household(request: HttpRequest, pk: int, *related: str) -> Household:
    """The household if this user may open it; 404 for another dong's, as if it did not exist. ``related``: more
    relations the page shows, read in the same query."""
    households = Household.objects.visible_to(request.user).select_related("dong__district", *related)
    return get_object_or_404(households, pk=pk)


def household_list(request: HttpRequest) -> HttpResponse:
    base = Household.objects.visible_to(request.user)
    filterset = HouseholdFilter(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    # The sort filter adds the id tie-breaker that keeps pages stable; the default is newest first.
    ordering = queryset.query.order_by or ("-updated_at", "-id")
    # The page's ids first (bare table, index order), then the head name and joins for those 25 rows only.
    page = IdsFirstPaginator(
        queryset.order_by(*ordering), 25,
        rows_by_ids=selectors.list_rows_by_ids, ids_from=lambda bare: bare.read_in_order(request.user),
    ).get_page(request.GET.get("page"))
    log_list("households.household.listed", user=request.user, params=request.GET,
             count=len(page.object_list), total=page.paginator.count)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "households/list.html", {
        "filter": filterset, "page": page, "query_string": params.urlencode(),
        # A role that sees aggregates only (a planner without a personal grant): the empty list says why.
        "aggregates_only": not personal_dong_ids(request.user) and can(request.user, "needs_personal_grant"),
    })


def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk, "assigned_official")
    show_sensitive = can(request.user, "view_sensitive")
    residents = selectors_household_page.residents_with_consents(household.pk)
    profiles = {}
    if show_sensitive:
        profiles = {p.resident_id: p for p in SensitiveProfile.objects.filter(resident__household=household)}
    log_action(household, "households.household.viewed", user=request.user,
               changes={"sensitive": bool(profiles)} if profiles else None)
    panels: dict = {}
    for module in (visits, cases, worklists, health):
        panels.update(module.detail_context(request, household))
    return render(request, "households/detail.html", {
        **panels,
        "household": household,
        "current": [r for r in residents if r.left_on is None],
        "former": [r for r in residents if r.left_on is not None],
        "sensitive_rows": [(r, profiles[r.pk]) for r in residents if r.pk in profiles],
        "show_sensitive": show_sensitive,
        "attachments": _attachments(request.user, household),
        "attachment_owner": f"household:{household.pk}", "may_add": can(request.user, "edit_casework"),
    })


def _attachments(user, household) -> list:
    """The household's attachments the user may open, with their owners. A plain look-up on the household's
    index first gives the owner kinds present (none for most households: then no visibility query at all); the
    visibility query then has an ``EXISTS`` for those kinds only, not for every registered kind (building and
    planning six of them was about 10 ms of the page at 100,000 households)."""
    live = Attachment.objects.live().filter(household=household)
    kinds = set(live.order_by().values_list("owner_kind", flat=True).distinct())
    if not kinds:
        return []
    return with_owners(live.visible_to(user, kinds=kinds).select_related("added_by")[:ATTACHMENTS_SHOWN],
                       known=(household,))


def household_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = HouseholdForm(request.POST or None, user=request.user)
    head = HeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and head.is_valid():
        try:
            household = services.household_create(by=request.user, data=form.cleaned_data, head=head.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("세대를 등록했습니다."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/form.html", {"form": form, "head": head, "creating": True})


def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    household = _household(request, pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        # form.is_valid() has already copied the values onto the instance; the service saves and logs them.
        fresh = Household.objects.get(pk=household.pk)
        try:
            services.household_update(household=fresh, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("세대 정보를 저장했습니다."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/form.html", {"form": form, "household": household, "creating": False})


def resident_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    household = _household(request, pk)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_add(household=household, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("가구원을 추가했습니다."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/resident_form.html", {"form": form, "household": household})


def _resident(request: HttpRequest, pk: int, resident_pk: int) -> Resident:
    household = _household(request, pk)
    return get_object_or_404(household.residents.select_related("household__dong"), pk=resident_pk)


def resident_edit(request: HttpRequest, pk: int, resident_pk: int) -> HttpResponse:
    _require_editor(request)
    resident = _resident(request, pk, resident_pk)
    form = ResidentForm(request.POST or None, instance=Resident.objects.get(pk=resident.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(resident=resident, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("가구원 정보를 저장했습니다."))
            return redirect("households:detail", pk=pk)
    return render(request, "households/resident_form.html",
                  {"form": form, "household": resident.household, "resident": resident})


def rrn_reveal(request: HttpRequest, pk: int, resident_pk: int) -> HttpResponse:
    _require_editor(request)
    resident = _resident(request, pk, resident_pk)
    form = RevealForm(request.POST or None)
    number = None
    if request.method == "POST" and form.is_valid() and resident.rrn_encrypted:
        try:
            plain = services.rrn_reveal(resident=resident, by=request.user, reason=form.reason_text())
        except RuleError as error:
            show_on_form(form, error)
        else:
            number = f"{plain[:6]}-{plain[6:]}"
    response = render(request, "households/reveal.html",
                      {"form": form, "resident": resident, "household": resident.household, "number": number})
    response["Cache-Control"] = "no-store"
    return response


def consent_add(request: HttpRequest, pk: int, resident_pk: int) -> HttpResponse:
    """The consent form of the tablet: the scopes with their legal text, the signature drawn on screen (or a scanned
    paper form); the service records one consent per scope and attaches the signed PDF to each."""
    _require_editor(request)
    resident = _resident(request, pk, resident_pk)
    form = SignedConsentForm(request.POST or None, request.FILES or None,
                             initial={"granted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consents = services.consents_sign(resident=resident, by=request.user, data=services.SignedConsentInput(
                scopes=data["scope"], granted_on=data["granted_on"], method=data["method"],
                recipients=data["recipients"], expires_on=data["expires_on"],
                representative_name=data["representative_name"],
                representative_relation=data["representative_relation"],
                signature_png=data["signature"], scan=data["scan"]))
        except RuleError as error:
            show_on_form(form, error)
        else:
            signed = any(c.signed_at for c in consents)
            messages.success(request, _("서명한 동의서를 기록하고 PDF로 첨부했습니다.") if signed
                             else _("동의를 기록했습니다."))
            return redirect(f"{reverse('households:detail', args=[pk])}#consents-{resident.pk}")
    consents = services.with_evidence(resident.consents.all()).order_by("scope", "-granted_on")
    return render(request, "households/consent_form.html",
                  {"form": form, "resident": resident, "household": resident.household, "consents": consents})


@require_POST
def consent_withdraw(request: HttpRequest, pk: int, resident_pk: int, consent_pk: int) -> HttpResponse:
    _require_editor(request)
    resident = _resident(request, pk, resident_pk)
    with transaction.atomic():
        consent = get_object_or_404(resident.consents.select_for_update(), pk=consent_pk)
        if consent.withdrawn_on is None:
            services.consent_withdraw(consent=consent, by=request.user, on=timezone.localdate())
            messages.success(request, _("동의 철회를 기록했습니다."))
    return redirect("households:detail", pk=pk)


def sensitive_edit(request: HttpRequest, pk: int, resident_pk: int) -> HttpResponse:
    if not can(request.user, "view_sensitive"):
        raise PermissionDenied
    resident = _resident(request, pk, resident_pk)
    instance = SensitiveProfile.objects.filter(resident=resident).first()
    form = SensitiveProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.sensitive_profile_save(resident=resident, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("민감정보를 저장했습니다."))
            return redirect("households:detail", pk=pk)
    has_consent = resident.consents.active().filter(scope="sensitive").exists()
    return render(request, "households/sensitive_form.html",
                  {"form": form, "resident": resident, "household": resident.household, "has_consent": has_consent})
