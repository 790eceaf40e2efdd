"""The indicator catalogue (구 설정 › 위기 지표, capability ``manage_reference_data``): the Ministry's indicators
with their aliases and lists, new indicators, and the queue of names lists used that the catalogue did not know,
each mapped to an indicator or made a new one. Writes go through discovery.services.indicators (audited).

Queries per page, whatever the catalogue's size: the indicators, their aliases, the district's queue.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.errors import RuleError, show_on_form
from welfare.views_district import district_context, district_for, district_url

from ..forms.indicators import AliasForm, IndicatorForm, MapForm
from ..models import RiskIndicator, RiskIndicatorAlias, UnmappedIndicator
from ..services import indicators as services

CAPABILITY = "manage_reference_data"
TAB = "ref-indicators"
QUEUE_SHOWN = 100


def _page(request: HttpRequest, district, **extra) -> HttpResponse:
    queue = services.unmapped_in(district)
    waiting = list(queue[:QUEUE_SHOWN])
    return render(request, "discovery/indicators/catalogue.html", district_context(
        request, district, tab=TAB, indicators=services.catalogue(), waiting=waiting,
        waiting_more=len(waiting) == QUEUE_SHOWN, title=_("위기 지표"),
        **{"new_form": IndicatorForm(creating=True, prefix="new"), **extra}))


def catalogue(request: HttpRequest) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    return _page(request, district)


def _back(request: HttpRequest, district, anchor: str = "") -> HttpResponse:
    return redirect(district_url(request, district, "discovery:indicators") + anchor)


def indicator_create(request: HttpRequest) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    if request.method != "POST":
        return _back(request, district, "#new")
    form = IndicatorForm(request.POST, creating=True, prefix="new")
    if form.is_valid():
        try:
            made = services.risk_indicator_create(by=request.user, data=form.to_input())
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("‘%(name)s’ 지표를 만들었습니다.") % {"name": made.name_ko})
            return _back(request, district)
    return _page(request, district, new_form=form)


def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    indicator = get_object_or_404(RiskIndicator, pk=pk)
    form = IndicatorForm(request.POST or None, initial={f: getattr(indicator, f) for f in services.FIELDS})
    alias_form = AliasForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_indicator_update(row=indicator, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("위기 지표를 저장했습니다."))
            return _back(request, district)
    return render(request, "discovery/indicators/edit.html", district_context(
        request, district, tab=TAB, indicator=indicator, form=form, alias_form=alias_form,
        aliases=indicator.aliases.order_by("name"), title=indicator.name_ko,
        back=district_url(request, district, "discovery:indicators")))


@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    indicator = get_object_or_404(RiskIndicator, pk=pk)
    form = AliasForm(request.POST)
    form.is_valid()
    try:
        services.indicator_alias_add(indicator=indicator, by=request.user, name=form.cleaned_data.get("name", ""))
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("‘%(name)s’ 지표에 다른 이름을 더했습니다.") % {"name": indicator.name_ko})
    return redirect(district_url(request, district, "discovery:indicator_edit", indicator.pk))


@require_POST
def alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    alias = get_object_or_404(RiskIndicatorAlias.objects.select_related("indicator"), pk=pk)
    services.indicator_alias_remove(alias=alias, by=request.user)
    messages.success(request, _("“%(name)s” 이름을 지웠습니다.") % {"name": alias.name})
    return redirect(district_url(request, district, "discovery:indicator_edit", alias.indicator_id))


@require_POST
def unmapped_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Map a waiting name to the chosen indicator, or make it a new indicator with the code typed."""
    district = district_for(request, CAPABILITY)
    unmapped = get_object_or_404(UnmappedIndicator, pk=pk)
    form = MapForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("입력값을 확인하세요."))
        return _back(request, district, "#queue")
    try:
        if form.cleaned_data["indicator"] is not None:
            indicator = form.cleaned_data["indicator"]
            moved = services.unmapped_map(unmapped=unmapped, indicator=indicator, by=request.user)
        else:
            indicator = services.unmapped_make_indicator(unmapped=unmapped, by=request.user, data=services.IndicatorInput(
                code=form.cleaned_data["code"], name_ko=unmapped.name))
            moved = None
    except RuleError as error:
        messages.error(request, f"“{unmapped.name}”: {' '.join(error.messages)}")
        return _back(request, district, "#queue")
    if moved is None:
        messages.success(request, _("“%(name)s”을(를) 새 지표로 만들고 대상자를 옮겼습니다.") % {"name": unmapped.name})
    else:
        messages.success(request, _("“%(name)s”을(를) ‘%(indicator)s’ 지표에 연결했습니다(대상자 %(n)d명).") % {
            "name": unmapped.name, "indicator": indicator.name_ko, "n": moved})
    return _back(request, district, "#queue")


urlpatterns = [
    path("indicators/", catalogue, name="indicators"),
    path("indicators/new/", indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/aliases/", alias_add, name="indicator_alias_add"),
    path("indicators/aliases/<int:pk>/remove/", alias_remove, name="indicator_alias_remove"),
    path("indicators/unmapped/<int:pk>/", unmapped_resolve, name="indicator_unmapped"),
]
