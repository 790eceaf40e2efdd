"""Households services: links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.errors import RuleError

from ..models import (
    LINK_STATUSES_NEEDING_REASON,
    Case,
    CaseNeed,
    ConsentScope,
    Household,
    LinkStatus,
    Relation,
    ServiceLink,
)
from .rules import _today, has_active_consent


@transaction.atomic
def service_link_create(*, household: Household, resource, by, case: Case | None = None,
                        need: CaseNeed | None = None, data: dict[str, Any] | None = None) -> ServiceLink:
    data = data or {}
    if case is not None and case.household_id != household.pk:
        raise RuleError(_("다른 세대의 사례입니다."))
    if not resource.is_active:
        raise RuleError(_("사용이 중지된 자원입니다."))
    if resource.sector == "private":
        person = case.client if case is not None else household.residents.current().filter(relation=Relation.HEAD).first()
        if person is None or not has_active_consent(person, ConsentScope.THIRD_PARTY):
            raise RuleError(_("민간 기관에 연계하려면 대상자의 제3자 제공 동의가 필요합니다."))
    link = ServiceLink.objects.create(household=household, case=case, need=need, resource=resource, created_by=by,
                                      **{k: v for k, v in data.items() if k in LINK_FIELDS})
    log_action(link, "households.servicelink.created", user=by, changes={"resource": resource.name})
    return link


LINK_FIELDS = ("requested_on", "start_on", "end_on", "amount_krw", "frequency", "funding_source", "note")


@transaction.atomic
def service_link_transition(*, link: ServiceLink, to: str, by, reason: str = "", on: dt.date | None = None) -> ServiceLink:
    link = ServiceLink.objects.select_for_update().get(pk=link.pk)
    if not link.can_move_to(to):
        raise RuleError(_("%(frm)s 상태에서 %(to)s 상태로 바꿀 수 없습니다.") % {
            "frm": LinkStatus(link.status).label, "to": LinkStatus(to).label if to in LinkStatus.values else to})
    if to in LINK_STATUSES_NEEDING_REASON and not reason.strip():
        raise RuleError(_("거절·중단 사유를 적어 주세요."))
    on = on or _today()
    previous = link.status
    link.status = to
    if reason:
        link.status_reason = reason.strip()
    if to == LinkStatus.IN_SERVICE and link.start_on is None:
        link.start_on = on
    if to == LinkStatus.COMPLETED:
        link.completed_on = on
        link.end_on = link.end_on or on
    link.save()
    log_action(link, "households.servicelink.transitioned", user=by, changes={"from": previous, "to": to})
    return link


# Work-list bulk actions --------------------------------------------------------------------------------------
