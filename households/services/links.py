"""Households services: service links (a household linked to a resource, usually within a case).

The rules of a link — the resource, the consent a private provider needs, the dates and the terms, the status
moves and their reasons — live here; the forms and the API only build the typed input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Resource
from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
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
from ..selection import Selection, announce
from .cases import require_casework
from .rules import has_active_consent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclasses.dataclass(frozen=True)
class LinkTerms:
    """What the official records of a link: its dates and its terms (an amount in won, or a frequency)."""

    requested_on: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    amount_krw: int | None = None
    frequency: str = ""
    funding_source: str = ""
    note: str = ""


LINK_FIELDS = tuple(f.name for f in dataclasses.fields(LinkTerms))


def terms_problems(terms: LinkTerms) -> dict[str, list[str]]:
    """Implausible terms: dates before EARLIEST_RECORD_DATE, a request or start beyond NEXT_CONTACT_MAX_DAYS,
    an end beyond PLAUSIBLE_FUTURE_YEARS, an amount above MAX_AMOUNT_KRW, texts longer than their columns."""
    checks = bounds.Checks()
    checks.day("requested_on", terms.requested_on, latest=bounds.within_next_contact())
    checks.day("start_on", terms.start_on, latest=bounds.within_next_contact())
    checks.day("end_on", terms.end_on, latest=bounds.within_years())
    checks.amount("amount_krw", terms.amount_krw, bounds.max_amount_krw())
    for name in ("frequency", "funding_source", "note"):
        checks.text(name, getattr(terms, name), bounds.max_length(ServiceLink, name))
    return checks.errors


def _check_terms(terms: LinkTerms, *, within_case: bool) -> None:
    errors: dict[str, object] = dict(terms_problems(terms))
    if "end_on" not in errors and terms.start_on and terms.end_on and terms.end_on < terms.start_on:
        errors["end_on"] = _("종료일은 시작일 이후여야 합니다.")
    # A link made within a case records what is provided; a "linkage only" report records the resource alone.
    if "amount_krw" not in errors and within_case and terms.amount_krw is None and not terms.frequency.strip():
        errors["amount_krw"] = _("금액 또는 횟수·주기 가운데 하나는 적어 주세요.")
    if errors:
        raise RuleError(errors)


@transaction.atomic
def service_link_create(*, household: Household, resource: Resource, by: User, case: Case | None = None,
                        need: CaseNeed | None = None, terms: LinkTerms | None = None,
                        data: Mapping[str, Any] | None = None) -> ServiceLink:
    """Link the household to ``resource``. ``data`` (a mapping of ``LINK_FIELDS``) is the older spelling of
    ``terms``, still used by the crisis-report resolution."""
    require_casework(by)
    if terms is None:
        terms = LinkTerms(**{k: v for k, v in (data or {}).items() if k in LINK_FIELDS})
    if case is not None and case.household_id != household.pk:
        raise RuleError(_("다른 세대의 사례입니다."))
    if need is not None and (case is None or need.case_id != case.pk):
        raise RuleError({"need": _("이 사례의 욕구가 아닙니다.")})
    if not resource.is_active:
        raise RuleError(_("사용이 중지된 자원입니다."))
    _check_terms(terms, within_case=case is not None)
    if resource.sector == "private":
        person = case.client if case is not None else household.residents.current().filter(relation=Relation.HEAD).first()
        if person is None or not has_active_consent(person, ConsentScope.THIRD_PARTY):
            raise RuleError(_("민간 기관에 연계하려면 대상자의 제3자 제공 동의가 필요합니다."))
    values = {k: v for k, v in dataclasses.asdict(terms).items() if v is not None}
    values["funding_source"] = terms.funding_source or resource.funding_source  # blank: the resource's
    link = ServiceLink.objects.create(household=household, case=case, need=need, resource=resource, created_by=by,
                                      **values)
    log_action(link, "households.servicelink.created", user=by, changes={"resource": resource.name})
    return link


def next_link_statuses(link: ServiceLink) -> list[str]:
    return [s for s in LinkStatus.values if link.can_move_to(s)]


@transaction.atomic
def service_link_transition(*, link: ServiceLink, to: str, by: User, reason: str = "",
                            on: dt.date | None = None) -> ServiceLink:
    require_casework(by)
    link = ServiceLink.objects.select_for_update().get(pk=link.pk)
    if not link.can_move_to(to):
        raise RuleError(_("%(frm)s 상태에서 %(to)s 상태로 바꿀 수 없습니다.") % {
            "frm": LinkStatus(link.status).label, "to": LinkStatus(to).label if to in LinkStatus.values else to})
    reason = reason.strip()
    if to in LINK_STATUSES_NEEDING_REASON and not reason:
        raise RuleError({"reason": _("거절·중단 사유를 적어 주세요.")})
    on = on or seoul_today()
    checks = bounds.Checks().text("reason", reason, bounds.max_length(ServiceLink, "status_reason"))
    # A service starts within NEXT_CONTACT_MAX_DAYS; a completion is a day that has come.
    checks.day("on", on, latest=seoul_today() if to == LinkStatus.COMPLETED else bounds.within_next_contact())
    checks.done()
    _check_move_date(link, to, on)
    previous = link.status
    link.status = to
    if reason:
        link.status_reason = reason
    if to == LinkStatus.IN_SERVICE and link.start_on is None:
        link.start_on = on
    if to == LinkStatus.COMPLETED:
        link.completed_on = on
        link.end_on = link.end_on or on
    link.save()
    log_action(link, "households.servicelink.transitioned", user=by, changes={"from": previous, "to": to})
    announce(Selection(by=by, link=link))
    return link


def _check_move_date(link: ServiceLink, to: str, on: dt.date) -> None:
    """The date of a move kept within the link's period (the database refuses an end before the start): starting
    after a recorded end, or completing before the recorded start, is refused on ``on`` with both dates named."""
    if to == LinkStatus.IN_SERVICE and link.start_on is None and link.end_on and on > link.end_on:
        raise RuleError({"on": _("시작일(%(on)s)이 이 연계의 종료일(%(end)s)보다 늦을 수 없습니다.")
                         % {"on": on.isoformat(), "end": link.end_on.isoformat()}})
    if to == LinkStatus.COMPLETED and link.end_on is None and link.start_on and on < link.start_on:
        raise RuleError({"on": _("완료일(%(on)s)이 이 연계의 시작일(%(start)s)보다 앞설 수 없습니다. "
                                 "시작일이 잘못되었으면 연계를 중단하고 다시 등록하세요.")
                         % {"on": on.isoformat(), "start": link.start_on.isoformat()}})
