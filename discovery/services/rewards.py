"""Informant rewards (신고포상금): eligibility by the district's rules, the yearly cap, the ledger.

A report earns its informant a reward when the reported household is actually selected: its case chosen at the
case conference (사례회의: conference → planning), or the public benefit it was linked to decided and provided
(the link in service or completed). DOMAIN §3: Yongsan pays when the household becomes 수급자/차상위/한부모 (a
한부모가족 benefit, not the household's 한부모 characteristic); Asan 20,000 KRW per selected report, 200,000 KRW a
year. Every evaluated report gets exactly one decision, written down with its reason so the ledger explains
itself:

- when the report is resolved ("case opened", "linkage only"), what can be decided at once is decided (an
  anonymous, mandatory or excluded informant, a private resource, a household already on benefits: not eligible);
  otherwise the decision is **pending** (선정 대기), shown to the team leads;
- when the case's conference decides or the link moves (households' :mod:`households.selection` announces it),
  the pending decision is settled: eligible (within the informant's yearly cap) or not selected.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import BenefitStatus, CaseStage, CaseStageChange, LinkStatus
from households.selection import Selection
from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import District
from welfare.permissions import can

from ..models import (
    REWARD_EXCLUDED_ROLES,
    CrisisReport,
    DiscoveryPolicy,
    ReporterIdentity,
    ReporterKind,
    ReportOutcome,
    RewardDecision,
)
from .reward_review import announce_decided, announce_for_approval

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REWARDABLE_OUTCOMES = frozenset({ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY})
PUBLIC = "public"
# A public benefit is decided and provided: the household is selected.
LINK_SELECTED = frozenset({LinkStatus.IN_SERVICE, LinkStatus.COMPLETED})
# The link ended before any benefit was provided: the household was not selected through it.
LINK_NOT_SELECTED = frozenset({LinkStatus.DECLINED, LinkStatus.STOPPED})
SELECTED, NOT_SELECTED, WAITING = "selected", "not_selected", "waiting"


def _informant(report: CrisisReport, identity: ReporterIdentity | None) -> tuple[str, str]:
    """The key that groups one informant's reports over the year, and the label the ledger shows."""
    member = report.network_member
    if member is not None:
        return f"member:{member.pk}", member.name
    if identity is not None and identity.phone_hash:
        phone = identity.phone or ""
        tail = phone[-4:] if len(phone) >= 4 else ""
        label = identity.name or (_("연락처 신고자 (…%(tail)s)") % {"tail": tail} if tail else _("연락처 신고자"))
        return f"phone:{identity.phone_hash}", label[:100]
    return f"report:{report.pk}", _("익명")


def _exclusion(report: CrisisReport, identity: ReporterIdentity | None, key: str) -> str:
    """Why this informant earns nothing for this report; "" when nothing excludes them."""
    if key.startswith("report:"):
        if report.reporter_kind == ReporterKind.ANONYMOUS:
            return _("익명 신고: 지급 불가")
        return _("신고자 연락처 없음: 지급 불가")
    if report.reporter_kind == ReporterKind.MANDATORY:
        return _("신고의무자의 신고: 지급 제외")
    if identity is not None and identity.is_official:
        return _("공무원의 신고: 지급 제외")
    member = report.network_member
    if member is not None and member.reward_excluded:
        who = member.get_role_display() if member.role in REWARD_EXCLUDED_ROLES else member.get_occupation_display()
        return _("%(who)s의 신고: 지급 제외") % {"who": who}
    if identity is not None and identity.is_relative:
        return _("친족의 신고: 지급 제외")
    return ""


def _not_new(report: CrisisReport) -> str:
    """Why the report cannot select the household anew, known when it is resolved; "" when it may."""
    received_on = timezone.localdate(report.received_at)
    if report.outcome == ReportOutcome.CASE_OPENED:
        case = report.case
        if case is None:
            return _("사례가 열리지 않음: 지급 대상 아님")
        if case.opened_on < received_on:
            return _("제보 전부터 진행 중인 사례: 새로 선정된 세대가 아님")
        return ""
    link = report.service_link
    if link is None:
        return _("서비스 연계가 이루어지지 않음: 지급 대상 아님")
    if link.resource.sector != PUBLIC:
        return _("민간 자원 연계: 공공 급여 선정이 아니어서 지급 대상 아님")
    if link.requested_on < received_on:
        return _("제보 전에 연계된 서비스: 새로 선정된 세대가 아님")
    return ""


def _selection(report: CrisisReport) -> tuple[str, str]:
    """Whether the household is selected yet: ``(SELECTED | NOT_SELECTED | WAITING, what it means)``."""
    if report.outcome == ReportOutcome.CASE_OPENED:
        case = report.case
        if case is None:  # removed since (a merge): nothing left to select
            return NOT_SELECTED, _("사례가 열리지 않음: 지급 대상 아님")
        decided = (CaseStageChange.objects.filter(case=case, from_stage=CaseStage.CONFERENCE)
                   .order_by("at", "pk").values_list("to_stage", flat=True).first())
        if decided == CaseStage.PLANNING:
            return SELECTED, _("사례회의에서 통합사례관리 대상으로 선정")
        if decided is not None:
            return NOT_SELECTED, _("사례회의에서 선정되지 않음: 지급 대상 아님")
        return WAITING, _("선정 대기: 사례회의 결과를 기다립니다")
    link = report.service_link
    if link is None:
        return NOT_SELECTED, _("서비스 연계가 이루어지지 않음: 지급 대상 아님")
    if link.status in LINK_SELECTED:
        return SELECTED, _("공공 급여 결정·제공 (%(resource)s)") % {"resource": link.resource.name}
    if link.status in LINK_NOT_SELECTED and link.start_on is None:
        return NOT_SELECTED, _("공공 급여 연계가 %(status)s됨: 지급 대상 아님") % {
            "status": LinkStatus(link.status).label}
    return WAITING, _("선정 대기: 공공 급여 결정을 기다립니다 (연계 %(status)s)") % {
        "status": LinkStatus(link.status).label}


def _household(report: CrisisReport):
    if report.household is not None:
        return report.household
    if report.case is not None:
        return report.case.household
    if report.service_link is not None:
        return report.service_link.household
    return None


def year_total(informant_key: str, year: int, *, exclude_pk: int | None = None) -> int:
    qs = RewardDecision.objects.filter(informant_key=informant_key, eligible=True, decided_on__year=year)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("amount_krw"))["total"] or 0


def _load(report_pk: int) -> CrisisReport:
    return (CrisisReport.objects.select_related("network_member", "household", "case__household",
                                                "service_link__resource", "service_link__household")
            .get(pk=report_pk))


def _lock_district(district_id: int) -> None:
    # The district row is the lock: two decisions for the same informant (or twice the same report) run one
    # after the other, so the second sees the first's amount against the cap. SQLite serialises writers anyway.
    District.objects.select_for_update().filter(pk=district_id).first()


def _user(by) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def reward_evaluate(*, report: CrisisReport, by: User) -> RewardDecision | None:
    """Decide once what can be decided about the report's informant; later calls return that decision (settled
    if the selection has happened since).

    Called when a report is resolved as "case opened" or "linkage only"; other outcomes decide nothing
    (None). Exclusions are decided at once, as is a household already receiving a benefit: its benefit status
    is read now, before any benefit this report leads to is recorded on it. Otherwise the decision waits for the
    selection (:func:`reward_settle`), or is settled at once when the selection has already happened.
    """
    _lock_district(report.district_id)
    existing = RewardDecision.objects.filter(report_id=report.pk).first()
    if existing is not None:
        return reward_settle(decision=existing, by=by) if existing.is_pending else existing
    report = _load(report.pk)
    if report.outcome not in REWARDABLE_OUTCOMES:
        return None
    identity = ReporterIdentity.objects.filter(report=report).first()
    key, label = _informant(report, identity)
    reason = _exclusion(report, identity, key) or _not_new(report)
    household = _household(report)
    if not reason and household is not None and household.benefit_status != BenefitStatus.NONE:
        reason = _("이미 급여를 받는 세대(%(status)s, 판단 시점 기준): 지급 제외") % {
            "status": household.get_benefit_status_display()}
    today = timezone.localdate()
    if reason:
        decision = RewardDecision.objects.create(
            report=report, informant_key=key, informant_label=label, eligible=False, reason=reason[:300],
            amount_krw=0, decided_on=today, decided_by=_user(by))
    else:
        decision = RewardDecision.objects.create(
            report=report, informant_key=key, informant_label=label, eligible=None,
            reason=_selection(report)[1][:300], amount_krw=0, pending_since=today, decided_on=None,
            decided_by=_user(by))
    log_action(decision, "discovery.rewarddecision.created", user=by,
               household_id=household.pk if household is not None else None,
               changes={"eligible": decision.eligible, "amount_krw": 0, "reason": decision.reason})
    if decision.is_pending:
        return reward_settle(decision=decision, by=by)
    return decision


@transaction.atomic
def reward_settle(*, decision: RewardDecision, by: User | None) -> RewardDecision:
    """A pending decision once the household's selection is known: eligible for the district's amount within
    the informant's yearly cap (the year of the selection), or not selected. Still waiting: unchanged (the
    reason says what it waits for). A decided one is returned as it is."""
    report = decision.report
    _lock_district(report.district_id)
    decision = RewardDecision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_pending:
        return decision
    report = _load(decision.report_id)
    state, why = _selection(report)
    if state == WAITING:
        if why[:300] != decision.reason:
            RewardDecision.objects.filter(pk=decision.pk).update(reason=why[:300])
            decision.reason = why[:300]
        return decision
    today = timezone.localdate()
    amount = 0
    if state == SELECTED:
        policy = DiscoveryPolicy.for_district(report.district_id)
        room = policy.reward_yearly_cap_krw - year_total(decision.informant_key, today.year)
        amount = max(0, min(policy.reward_amount_krw, room))
        if amount == 0:
            why = _("연간 한도 초과 (%(why)s)") % {"why": why}
        elif amount < policy.reward_amount_krw:
            why = _("지급 대상 (연간 한도까지 %(amount)s원만 지급): %(why)s") % {"amount": f"{amount:,}", "why": why}
        else:
            why = _("지급 대상: %(why)s") % {"why": why}
    decision.eligible, decision.amount_krw, decision.reason = amount > 0, amount, why[:300]
    decision.decided_on, decision.decided_by = today, _user(by)
    decision.save(update_fields=["eligible", "amount_krw", "reason", "decided_on", "decided_by"])
    household = _household(report)
    log_action(decision, "discovery.rewarddecision.decided", user=by,
               household_id=household.pk if household is not None else None,
               changes={"eligible": decision.eligible, "amount_krw": amount, "reason": decision.reason})
    announce_for_approval(decision, by=by)  # eligible: the dong's leads are asked to approve it
    return decision


def rewards_on_selection(selection: Selection) -> None:
    """Households announced a conference decision or a link's move: settle the decisions waiting on it."""
    waiting: QuerySet[RewardDecision] = RewardDecision.objects.filter(eligible__isnull=True)
    if selection.case is not None:
        waiting = waiting.filter(report__case=selection.case)
    elif selection.link is not None:
        waiting = waiting.filter(report__service_link=selection.link)
    else:
        return
    for decision in waiting.select_related("report"):
        reward_settle(decision=decision, by=selection.by)


def can_approve(user) -> bool:
    return can(user, "approve_rewards")


def _visible(decision: RewardDecision, by: User) -> None:
    if not can_approve(by):
        raise PermissionDenied
    if not CrisisReport.objects.visible_to(by).filter(pk=decision.report_id).exists():
        raise PermissionDenied


@transaction.atomic
def reward_approve(*, decision: RewardDecision, by: User) -> RewardDecision:
    """A dong lead or district admin approves an eligible reward; approving twice changes nothing."""
    _visible(decision, by)
    decision = RewardDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.is_pending:
        raise RuleError(_("선정 대기 중인 신고포상금은 아직 승인할 수 없습니다."))
    if not decision.eligible:
        raise RuleError(_("지급 대상이 아닌 결정은 승인할 수 없습니다."))
    if decision.approved_by_id is not None:
        return decision
    decision.approved_by = by
    decision.returned_on, decision.return_note = None, ""
    decision.save(update_fields=["approved_by", "returned_on", "return_note"])
    log_action(decision, "discovery.rewarddecision.approved", user=by, changes={"amount_krw": decision.amount_krw})
    announce_decided(decision, by=by, approved=True)
    return decision


@transaction.atomic
def reward_mark_paid(*, decision: RewardDecision, by: User, on: dt.date | None = None) -> RewardDecision:
    """Record the payment day of an approved reward; a second call keeps the first day."""
    _visible(decision, by)
    on = on or timezone.localdate()
    decision = RewardDecision.objects.select_for_update().get(pk=decision.pk)
    if not decision.eligible:
        raise RuleError(_("지급 대상이 아닌 결정은 지급 처리할 수 없습니다."))
    if decision.approved_by_id is None:
        raise RuleError(_("승인 전에는 지급 처리할 수 없습니다."))
    if on > timezone.localdate():
        raise RuleError(_("지급일은 오늘 이후일 수 없습니다."))
    if decision.decided_on is not None and on < decision.decided_on:
        raise RuleError(_("지급일은 판단일보다 빠를 수 없습니다."))
    if decision.paid_on is not None:
        return decision
    decision.paid_on = on
    decision.save(update_fields=["paid_on"])
    log_action(decision, "discovery.rewarddecision.paid", user=by,
               changes={"amount_krw": decision.amount_krw, "paid_on": f"{on:%Y-%m-%d}"})
    return decision


# --- Ledger reads -----------------------------------------------------------------------------------------------


def visible_decisions(user):
    return RewardDecision.objects.filter(report__in=CrisisReport.objects.visible_to(user).values("pk"))


def pending_decisions(user):
    """The decisions waiting for the household's selection, oldest first (the leads' list)."""
    return visible_decisions(user).filter(eligible__isnull=True).order_by("pending_since", "pk")


def informant_totals(decisions, *, limit: int = 50) -> list[dict]:
    """Eligible amount and count per informant over ``decisions``, largest first: one grouped query."""
    return list(
        decisions.filter(eligible=True).order_by().values("informant_key")
        .annotate(label=Max("informant_label"), total=Sum("amount_krw"), count=Count("pk"),
                  paid=Sum("amount_krw", filter=Q(paid_on__isnull=False)))
        .order_by("-total", "informant_key")[:limit]
    )
