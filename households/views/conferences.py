"""The case conference (사례회의) page: record the conference of a case in stage conference and apply its decision
(households.services.conference_record). The case page shows the same form; this page shows it again with the
refusals beside their fields."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from welfare.errors import show_on_form

from .. import services
from ..forms.conferences import conference_forms
from ..models import Case, CaseConference, CaseStage, ConferencePlanItem
from .casework import case_for, require_casework


def conferences_of(case: Case) -> QuerySet[CaseConference]:
    """The case's conferences with attendees, partners and plan items: four queries, whatever their number."""
    return (case.conferences.select_related("created_by")
            .prefetch_related("staff", "partners",
                              Prefetch("plan_items", queryset=ConferencePlanItem.objects.order_by("target_on", "id")))
            .order_by("-held_on", "-id"))


def case_conference(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    require_casework(request)
    case = case_for(request, pk, case_pk)
    form, partners, items = conference_forms(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid() and partners.is_valid() and items.is_valid():
        data = form.cleaned_data
        try:
            conference, created = services.conference_record(
                case=case, by=request.user, held_on=data["held_on"], kind=data["kind"], body=data["body"],
                staff=list(data["staff"]), decision=data["decision"], reason=data["reason"],
                partners=[row for f in partners if (row := f.row())],
                plan_items=[row for f in items if (row := f.row())])
        except services.RuleError as e:
            show_on_form(form, e)  # partners / plan_items: at the top, naming the row
        else:
            if created:
                messages.success(request, _("사례회의 결과를 기록했습니다: %(decision)s") % {
                    "decision": conference.get_decision_display()})
            return redirect("households:case_detail", pk=pk, case_pk=case_pk)
    return render(request, "households/cases/conference_form.html", {
        "form": form, "partner_forms": partners, "item_forms": items, "household": case.household, "case": case,
        "in_conference": case.stage == CaseStage.CONFERENCE,
    })
