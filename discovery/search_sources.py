"""Discovery's groups of the header's search (welfare.search): crisis reports and network members."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.search import SearchHit, SearchQuery, SearchSource, hits_of, register

from . import selectors
from .models import CrisisReport, NetworkMember


def _report_hit(r: CrisisReport) -> SearchHit:
    who = r.subject_name or r.subject_description or _("(이름 모름)")
    where = r.dong.name if r.dong_id else _("구 접수함")
    received = timezone.localtime(r.received_at)
    return SearchHit(title=f"{r.receipt_code} · {who}", url=reverse("discovery:report_detail", args=[r.pk]),
                     tag=r.get_outcome_display() if r.outcome else r.get_status_display(),
                     detail=" · ".join(p for p in (where, r.get_channel_display(), f"{received:%Y-%m-%d}",
                                                   r.subject_address) if p))


def _member_hit(m: NetworkMember) -> SearchHit:
    return SearchHit(title=m.name, tag=m.get_role_display(),
                     url=f"{reverse('discovery:network_list')}?{urlencode({'q': m.name, 'active': 'all'})}",
                     detail=" · ".join(p for p in (m.get_occupation_display(), m.organisation) if p))


def _queue(query: SearchQuery) -> str:
    return f"{reverse('discovery:queue')}?{urlencode({'q': query.text})}"


def _network(query: SearchQuery) -> str:
    return f"{reverse('discovery:network_list')}?{urlencode({'q': query.text, 'active': 'all'})}"


register(SearchSource(
    key="reports", label=gettext_lazy("위기가구 제보"), order=40, more_label=gettext_lazy("제보 접수함에서 보기 (미처리)"),
    find=lambda user, query, limit: hits_of(selectors.search_crisis_reports(user, query), limit, _report_hit),
    more_url=_queue,
))
register(SearchSource(
    key="network", label=gettext_lazy("인적안전망"), order=50, more_label=gettext_lazy("인적안전망 목록에서 보기"),
    find=lambda user, query, limit: hits_of(selectors.search_network_members(user, query), limit, _member_hit),
    more_url=_network,
))
