"""The households app's live metrics for the plan (registered into plans.metrics, which finds this module with
``discover("metrics")``): cases opened, service links completed, universal visits done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from plans.metrics import Counts, Metric, aware_range, grouped, register

from .models import Case, FollowUp, FollowUpReason, FollowUpStatus, LinkStatus, ServiceLink


def cases_opened(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    qs = Case.objects.filter(household__dong_id__in=list(dongs), opened_on__gte=start, opened_on__lte=end)
    return grouped(qs, "household__dong_id", "opened_on")


def service_links_completed(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    qs = ServiceLink.objects.filter(household__dong_id__in=list(dongs), status=LinkStatus.COMPLETED,
                                    completed_on__gte=start, completed_on__lte=end)
    return grouped(qs, "household__dong_id", "completed_on")


def universal_visits_done(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    lo, hi = aware_range(start, end)
    qs = FollowUp.objects.filter(household__dong_id__in=list(dongs), reason=FollowUpReason.UNIVERSAL,
                                 status=FollowUpStatus.DONE, closed_at__gte=lo, closed_at__lt=hi)
    return grouped(qs, "household__dong_id", "closed_at")


register(Metric("cases_opened", _("통합사례관리 접수"), _("건"), cases_opened, order=20))
register(Metric("service_links_completed", _("서비스 연계 완료"), _("건"), service_links_completed, order=30))
register(Metric("universal_visits_done", _("보편 방문 완료"), _("건"), universal_visits_done, order=40))
