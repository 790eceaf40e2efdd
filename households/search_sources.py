"""The households' groups of the header's search (welfare.search): households, residents, cases."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.search import SearchHit, SearchQuery, SearchSource, hits_of, register

from . import selectors_search as selectors
from .models import Case, Household, Resident


def _household_hit(h: Household) -> SearchHit:
    return SearchHit(title=h.full_address, url=reverse("households:detail", args=[h.pk]),
                     detail=" · ".join(p for p in (h.dong.name, h.head_name or "", h.get_status_display()) if p),
                     tag=h.get_risk_level_display())


def _resident_hit(r: Resident) -> SearchHit:
    parts = [r.household.dong.name, r.household.full_address, r.phone_display]
    if r.left_on:
        parts.append(_("%(day)s 세대 이탈") % {"day": f"{r.left_on:%Y-%m-%d}"})
    age = r.age
    title = f"{r.name} ({r.get_relation_display()}{', ' + _('%(n)s세') % {'n': age} if age is not None else ''})"
    return SearchHit(title=title, url=reverse("households:detail", args=[r.household_id]),
                     detail=" · ".join(p for p in parts if p))


def _case_hit(c: Case) -> SearchHit:
    return SearchHit(title=f"#{c.pk} {c.client.name}", tag=c.get_stage_display(),
                     url=reverse("households:case_detail", args=[c.household_id, c.pk]),
                     detail=" · ".join((c.household.dong.name, c.get_case_class_display(),
                                        _("접수 %(day)s") % {"day": f"{c.opened_on:%Y-%m-%d}"})))


def _household_list(query: SearchQuery) -> str:
    return f"{reverse('households:list')}?{urlencode({'q': query.text})}"


register(SearchSource(
    key="households", label=gettext_lazy("세대"), order=10, more_label=gettext_lazy("세대 목록에서 모두 보기"),
    find=lambda user, query, limit: hits_of(selectors.search_households(user, query), limit, _household_hit),
    more_url=_household_list,
))
register(SearchSource(
    key="residents", label=gettext_lazy("가구원"), order=20, more_label=gettext_lazy("세대 목록에서 모두 보기"),
    find=lambda user, query, limit: hits_of(selectors.search_residents(user, query), limit, _resident_hit),
    more_url=_household_list,
))
register(SearchSource(
    key="cases", label=gettext_lazy("사례"), order=30,
    find=lambda user, query, limit: hits_of(selectors.search_cases(user, query), limit, _case_hit),
))
