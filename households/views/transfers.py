"""A difficult case's transfer to the district team (희망복지지원단) and back: the case page's panel, the forms
of each step, and the transfer list (the team's inbox; the dong's requests).

Every case is reached through its household's ``visible_to``: another dong's (or, for the team, a case it may not
see) answers 404. The rules are households.services.transfers'.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy

from welfare.audit import log_list
from welfare.common.bounds import NOTE_TEXT, counter_attrs
from welfare.errors import RuleError, show_on_form
from welfare.permissions import can

from .. import selectors_transfers as selectors
from .. import services
from ..models import Case, CaseTransfer
from .casework import case_for

PER_PAGE = 25


class TransferTextForm(forms.Form):
    """The one text of a step: the reason of a request or a take-over, the comment of an answer."""

    text = forms.CharField(label=gettext_lazy("사유"), required=False,
                           widget=forms.Textarea(attrs=counter_attrs(NOTE_TEXT, rows=3)))

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


# The steps: (service, its text argument, the field name the service's errors use, label, title, done message).
STEPS = {
    "request": (services.transfer_request, "reason", gettext_lazy("요청 사유"), gettext_lazy("희망복지지원단 이관 요청"),
                gettext_lazy("희망복지지원단에 이관을 요청했습니다.")),
    "take": (services.transfer_take, "reason", gettext_lazy("인수 사유"), gettext_lazy("희망복지지원단 인수"),
             gettext_lazy("희망복지지원단이 사례를 인수했습니다.")),
    "accept": (services.transfer_accept, "note", gettext_lazy("의견 (선택)"), gettext_lazy("이관 요청 수락"),
               gettext_lazy("이관 요청을 수락했습니다. 이제 이 사례의 담당자입니다.")),
    "return": (services.transfer_return, "note", gettext_lazy("반려 사유"), gettext_lazy("이관 요청 반려"),
               gettext_lazy("이관 요청을 반려했습니다.")),
    "hand_back": (services.transfer_hand_back, "note", gettext_lazy("복귀 의견"), gettext_lazy("동으로 돌려보내기"),
                  gettext_lazy("사례를 동으로 돌려보냈습니다.")),
}
CASE_STEPS = ("request", "take")


def panel_context(request: HttpRequest, case: Case) -> dict:
    """The case page's transfer panel: history and the steps this user may take (one query)."""
    transfers = selectors.case_transfers(case)
    return {"transfers": transfers, "transfer": selectors.transfer_actions(request.user, case, transfers),
            "transfer_text_max": NOTE_TEXT}


def _step(request: HttpRequest, case: Case, step: str, transfer: CaseTransfer | None) -> HttpResponse:
    service, argument, label, title, done = STEPS[step]
    form = TransferTextForm(request.POST if request.method == "POST" else None, label=str(label))
    if request.method == "POST" and form.is_valid():
        target = {"case": case} if transfer is None else {"transfer": transfer}
        try:
            service(**target, by=request.user, **{argument: form.cleaned_data["text"]})
        except RuleError as error:
            if hasattr(error, "error_dict"):
                error = RuleError({"text" if k == argument else k: v for k, v in error.error_dict.items()})
            show_on_form(form, error)
        else:
            messages.success(request, str(done))
            return redirect("households:case_detail", pk=case.household_id, case_pk=case.pk)
    return render(request, "households/cases/transfer_form.html", {
        "form": form, "case": case, "household": case.household, "title": title, "step": step,
        "transfer": transfer,
    }, status=400 if form.errors else 200)


def case_step(request: HttpRequest, pk: int, case_pk: int, step: str) -> HttpResponse:
    """A step on the case itself: request the transfer (the dong) or take it over (the team)."""
    if not (can(request.user, "request_case_transfer") or can(request.user, "take_over_cases")):
        raise PermissionDenied
    return _step(request, case_for(request, pk, case_pk), step, None)


def transfer_step(request: HttpRequest, pk: int, case_pk: int, transfer_pk: int, step: str) -> HttpResponse:
    """A step on a transfer in progress: accept, return, hand back (the team)."""
    if not can(request.user, "take_over_cases"):
        raise PermissionDenied
    case = case_for(request, pk, case_pk)
    transfer = get_object_or_404(case.transfers.select_related("household__dong", "case"), pk=transfer_pk)
    transfer.case = case
    return _step(request, case, step, transfer)


def transfer_list(request: HttpRequest) -> HttpResponse:
    """The team's inbox (requests waiting, cases held) or the dong's requests with their answers."""
    team = can(request.user, "take_over_cases")
    if not team and not can(request.user, "request_case_transfer"):
        raise PermissionDenied
    if team:
        waiting = Paginator(selectors.waiting_for_team(request.user), PER_PAGE).get_page(request.GET.get("wpage"))
        held = Paginator(selectors.held_by_team(request.user), PER_PAGE).get_page(request.GET.get("hpage"))
        pages = {"waiting": waiting, "held": held}
    else:
        pages = {"requests": Paginator(selectors.dong_requests(request.user), PER_PAGE).get_page(
            request.GET.get("rpage"))}
    log_list("households.casetransfer.listed", user=request.user, params=request.GET,
             skip=("wpage", "hpage", "rpage"), count=sum(len(p.object_list) for p in pages.values()),
             total=sum(p.paginator.count for p in pages.values()))
    return render(request, "households/transfers/list.html", {"team": team, **pages})


def _case_step_view(step: str):
    def view(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
        return case_step(request, pk, case_pk, step)
    view.__name__ = f"transfer_{step}"
    return view


def _transfer_step_view(step: str):
    def view(request: HttpRequest, pk: int, case_pk: int, transfer_pk: int) -> HttpResponse:
        return transfer_step(request, pk, case_pk, transfer_pk, step)
    view.__name__ = f"transfer_{step}"
    return view


urlpatterns = [
    path("transfers/", transfer_list, name="transfers"),
    *[path(f"<int:pk>/cases/<int:case_pk>/transfer/{step.replace('_', '-')}/", _case_step_view(step),
           name=f"transfer_{step}") for step in CASE_STEPS],
    *[path(f"<int:pk>/cases/<int:case_pk>/transfers/<int:transfer_pk>/{step.replace('_', '-')}/",
           _transfer_step_view(step), name=f"transfer_{step}") for step in ("accept", "return", "hand_back")],
]
