"""Sections other apps add to the plan dashboard (the programmes' outcomes, from the discovery app), so plans
imports no other app: each app registers its panels from its own ``dashboard_panels.py`` module, found with
Django's ``discover("dashboard_panels")`` the first time the dashboard is drawn.

A panel is a function ``(request, plan, dong_ids) -> SafeString``: the HTML of its section (scoped to the dongs
given, which the dashboard already scoped to the user), in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from welfare.common.registries import discover

Panel = Callable[[HttpRequest, object, list[int]], SafeString]

_panels: dict[str, Panel] = {}
_discovered = False


def register(name: str) -> Callable[[Panel], Panel]:
    def wrap(panel: Panel) -> Panel:
        _panels[name] = panel
        return panel

    return wrap


def render_panels(request: HttpRequest, plan, dong_ids: Iterable[int]) -> list[SafeString]:
    global _discovered
    if not _discovered:
        _discovered = True
        discover("dashboard_panels")
    ids = list(dong_ids)
    return [panel(request, plan, ids) for _name, panel in sorted(_panels.items())]
