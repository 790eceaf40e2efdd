"""Pages of the service links made within a case: add one, move its status.

Writes go through households.services.links; a ``RuleError`` is shown beside the field it names.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from welfare.errors import show_on_form

from .. import services
from ..forms.cases import LinkTransitionForm, ServiceLinkForm
from ..models import ConsentScope, Resident
from ..services.links import next_link_statuses
from .casework import case_for, require_casework


def link_add(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form = ServiceLinkForm(request.POST or None, case=case)
    missing_consent = None
    # A private provider needs the third-party consent; one with no signature or scanned form is flagged.
    unsigned = services.unsigned_consents(Resident.objects.filter(pk=case.client_id), ConsentScope.THIRD_PARTY)
    if request.method == "POST" and form.is_valid():
        resource = form.cleaned_data["resource"]
        try:
            services.service_link_create(household=case.household, resource=resource, by=request.user, case=case,
                                         need=form.cleaned_data["need"], terms=form.terms())
        except services.RuleError as e:
            show_on_form(form, e)
            if resource.sector == "private" and not services.has_active_consent(case.client, ConsentScope.THIRD_PARTY):
                missing_consent = case.client
        else:
            messages.success(request, _("'%(name)s' 연계를 등록했습니다.") % {"name": resource.name})
            if resource.sector == "private" and unsigned:
                messages.warning(request, _("제3자 제공 동의에 서명이나 스캔한 동의서가 없습니다. 동의서를 받아 첨부해 "
                                            "주세요."))
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/link_form.html", {
        "form": form, "household": case.household, "case": case, "missing_consent": missing_consent,
        "unsigned_consents": list(unsigned.values()),
    })


def link_transition(request: HttpRequest, pk: int, case_pk: int, link_pk: int) -> HttpResponse:
    require_casework(request)
    case = case_for(request, pk, case_pk)
    link = get_object_or_404(case.service_links.select_related("resource", "need"), pk=link_pk)
    allowed = next_link_statuses(link)
    form = LinkTransitionForm(request.POST or None, allowed=allowed,
                              initial={"to": request.GET.get("to") or (allowed[0] if allowed else "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_link_transition(link=link, to=form.cleaned_data["to"], by=request.user,
                                             reason=form.cleaned_data["reason"])
        except services.RuleError as e:
            show_on_form(form, e)
        else:
            messages.success(request, _("'%(name)s' 연계 상태를 바꿨습니다.") % {"name": link.resource.name})
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/link_transition_form.html", {
        "form": form, "household": case.household, "case": case, "link": link, "allowed": allowed,
    })
