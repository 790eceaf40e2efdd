"""The reward ledger (신고포상금): decisions with their reasons, approval and payment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welfare.errors import RuleError
from welfare.permissions import can

from ..models import RewardDecision
from ..services import reward_review
from ..services import rewards as services

PER_PAGE = 30
PENDING_SHOWN = 50
YEARS_BACK = 5


def _require_reader(request: HttpRequest) -> None:
    if not can(request.user, "read_rewards"):
        raise PermissionDenied


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_BACK, -1))


class LedgerFilterForm(forms.Form):
    YES, NO = "yes", "no"
    CHOICES = (("", gettext_lazy("전체")), (YES, gettext_lazy("예")), (NO, gettext_lazy("아니오")))

    year = forms.TypedChoiceField(label=gettext_lazy("연도"), coerce=int, required=False)
    eligible = forms.ChoiceField(label=gettext_lazy("지급 대상"), choices=CHOICES, required=False,
                                 help_text=gettext_lazy("판단을 마친 것만: 선정 대기는 위에 따로 보입니다."))
    paid = forms.ChoiceField(label=gettext_lazy("지급 완료"), choices=CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in _years()]

    @property
    def chosen_year(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or timezone.localdate().year

    def filter(self, queryset):
        queryset = queryset.filter(decided_on__year=self.chosen_year)
        if not self.is_valid():
            return queryset
        if self.cleaned_data["eligible"]:
            queryset = queryset.filter(eligible=self.cleaned_data["eligible"] == self.YES)
        if self.cleaned_data["paid"]:
            queryset = queryset.filter(paid_on__isnull=self.cleaned_data["paid"] == self.NO)
        return queryset


def reward_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = LedgerFilterForm(request.GET or None)
    year_decisions = services.visible_decisions(request.user).filter(decided_on__year=form.chosen_year)
    decisions = (form.filter(services.visible_decisions(request.user))
                 .select_related("report__dong", "approved_by", "decided_by").order_by("-decided_on", "-id"))
    page = Paginator(decisions, PER_PAGE).get_page(request.GET.get("page"))
    summary = year_decisions.aggregate(
        count=Count("pk"), eligible=Count("pk", filter=Q(eligible=True)),
        amount=Sum("amount_krw"), approved=Sum("amount_krw", filter=Q(approved_by__isnull=False)),
        paid=Sum("amount_krw", filter=Q(paid_on__isnull=False)),
    )
    params = request.GET.copy()
    params.pop("page", None)
    # Waiting for the household's selection (any year), oldest first: shown to everyone who reads the ledger, so
    # leads see what is coming to them for approval.
    waiting = services.pending_decisions(request.user).select_related(
        "report__dong", "report__case", "report__service_link__resource")
    return render(request, "discovery/rewards/list.html", {
        "pending": list(waiting[:PENDING_SHOWN]), "pending_count": waiting.count(),
        "form": form, "page": page, "query_string": params.urlencode(), "year": form.chosen_year,
        "summary": summary, "totals": services.informant_totals(year_decisions),
        "can_approve": services.can_approve(request.user), "today": timezone.localdate(),
        "back": request.GET.urlencode(),
    })


def _decision(request: HttpRequest, pk: int) -> RewardDecision:
    """The decision if its report is the user's; 404 for another dong's."""
    return get_object_or_404(services.visible_decisions(request.user), pk=pk)


def _back(request: HttpRequest) -> HttpResponse:
    # Only a query string comes back from the form, re-encoded: never an address to somewhere else.
    query = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(reverse("discovery:reward_list") + (f"?{query}" if query else ""))


@require_POST
def reward_approve(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_approve(request.user):
        raise PermissionDenied
    decision = _decision(request, pk)
    try:
        services.reward_approve(decision=decision, by=request.user)
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(code)s 신고포상금 %(amount)s원을 승인했습니다.") % {
            "code": decision.report.receipt_code, "amount": f"{decision.amount_krw:,}"})
    return _back(request)


class PaidForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("지급일"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


@require_POST
def reward_paid(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_approve(request.user):
        raise PermissionDenied
    decision = _decision(request, pk)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("지급일을 YYYY-MM-DD 형식으로 입력하세요."))
        return _back(request)
    try:
        services.reward_mark_paid(decision=decision, by=request.user, on=form.cleaned_data["on"])
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(code)s 신고포상금 지급일을 %(day)s(으)로 기록했습니다.") % {
            "code": decision.report.receipt_code, "day": f"{form.cleaned_data['on']:%Y-%m-%d}"})
    return _back(request)


@require_POST
def reward_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    """The official sends a decision a lead returned up again (from the today page)."""
    decision = _decision(request, pk)
    try:
        reward_review.reward_resubmit(decision=decision, by=request.user)
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(code)s 신고포상금 판단을 다시 승인 요청했습니다.") % {
            "code": decision.report.receipt_code})
    return redirect("home")


urlpatterns = [
    path("rewards/", reward_list, name="reward_list"),
    path("rewards/<int:pk>/resubmit/", reward_resubmit, name="reward_resubmit"),
    path("rewards/<int:pk>/approve/", reward_approve, name="reward_approve"),
    path("rewards/<int:pk>/paid/", reward_paid, name="reward_paid"),
]
