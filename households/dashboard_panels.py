"""The households app's section of the plan dashboard (plans.panels, like households.metrics registers plan
metrics): health measurements from devices per dong — households measured in the last 30 days and out-of-range
alerts still open. Counts only (no person, no value), so planners see it too.
Queries: the figures 2 (grouped), dong names 1."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from plans.panels import register
from welfare.models import Dong

from .selectors_measurements import DASHBOARD_DAYS, health_figures


@register("health_measurements")
def health_measurements(request: HttpRequest, plan, dong_ids: list[int]) -> SafeString:
    figures = health_figures(dong_ids)
    names = dict(Dong.objects.filter(pk__in=list(figures)).values_list("pk", "name")) if figures else {}
    rows = sorted(((names.get(d, ""), f) for d, f in figures.items()), key=lambda pair: pair[0])
    return render_to_string("households/_plan_health_panel.html", {
        "rows": rows, "days": DASHBOARD_DAYS,
        "total_measured": sum(f.households_measured for f in figures.values()),
        "total_alerts": sum(f.open_alerts for f in figures.values()),
    }, request=request)
