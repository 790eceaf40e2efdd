"""The discovery app's sections of the plan dashboard (plans.panels): the social-network programmes' outcomes per
dong for the plan's year, with a chart per instrument. Aggregates only (no participant), so planners see it too.
Queries: dong names 1, outcomes 1, instruments 2 (with their items), programme count 1."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from plans.panels import register
from welfare.models import Dong

from . import programme_outcomes as outcomes
from .models import Programme


def district_totals(found: dict[int, list[outcomes.Outcome]]) -> list[outcomes.Outcome]:
    """The dongs' outcomes pooled per instrument (means weighted by the participants measured)."""
    pooled: dict[int, list[outcomes.Outcome]] = {}
    for rows in found.values():
        for o in rows:
            pooled.setdefault(o.instrument_id, []).append(o)
    out = []
    for instrument_id, rows in sorted(pooled.items()):
        n = sum(o.measured for o in rows)

        def mean(attr: str, rows=rows, n=n) -> Decimal:
            return (sum(getattr(o, attr) * o.measured for o in rows) / n).quantize(outcomes.ONE_DECIMAL)

        out.append(outcomes.Outcome(0, instrument_id, n, mean("mean_before"), mean("mean_after"),
                                    mean("mean_change")))
    return out


@register("programme_outcomes")
def programme_outcomes(request: HttpRequest, plan, dong_ids: list[int]) -> SafeString:
    found = outcomes.by_dong(dong_ids, year=plan.year)
    instruments = outcomes.instruments()
    names = dict(Dong.objects.filter(pk__in=list(found)).values_list("pk", "name"))
    labelled = sorted(((names.get(k, ""), v) for k, v in found.items()), key=lambda pair: pair[0])
    dongs = [{"name": name, "outcomes": outcomes.rows(rows, instruments)} for name, rows in labelled]
    return render_to_string("discovery/programmes/_plan_panel.html", {
        "plan": plan, "dongs": dongs, "totals": outcomes.rows(district_totals(found), instruments),
        "charts": outcomes.charts(labelled, instruments, _("동별 사전·사후 평균")),
        "n_programmes": Programme.objects.filter(dong_id__in=dong_ids, starts_on__year=plan.year).count(),
    }, request=request)
