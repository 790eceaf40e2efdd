"""Informant rewards (신고포상금): eligibility by the district's rules, the yearly cap, the ledger.

A report earns its informant a reward when the reported household is newly selected for case management or
newly linked to a public benefit (DOMAIN §3: Yongsan pays when the household becomes 수급자/차상위; Asan 20,000
KRW per selected report, 200,000 KRW a year). Every evaluated report gets exactly one decision, eligible or
not, with the reason written down, so the ledger explains itself.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import BenefitStatus, LinkStatus
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

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REWARDABLE_OUTCOMES = frozenset({ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY})
PUBLIC = "public"


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


def _selection(report: CrisisReport) -> str:
    """Why the report did not select the household anew; "" when it did (a new case or a new public link)."""
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
    if link.status == LinkStatus.DECLINED:
        return _("연계가 거절됨: 지급 대상 아님")
    if link.requested_on < received_on:
        return _("제보 전에 연계된 서비스: 새로 선정된 세대가 아님")
    return ""


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


@transaction.atomic
def reward_evaluate(*, report: CrisisReport, by: User) -> RewardDecision | None:
    """Decide once whether the report's informant earns a reward; later calls return that decision.

    Called when a report is resolved as "case opened" or "linkage only"; other outcomes decide nothing
    (None). The household's benefit status is read as it stands now, that is before any benefit this report
    leads to is recorded on it: a household already receiving a benefit was not found by the informant.
    """
    # The district row is the lock: two evaluations for the same informant (or twice the same report) run one
    # after the other, so the second sees the first's amount against the cap. SQLite serialises writers anyway.
    District.objects.select_for_update().filter(pk=report.district_id).first()
    existing = RewardDecision.objects.filter(report_id=report.pk).first()
    if existing is not None:
        return existing
    report = (CrisisReport.objects.select_related("network_member", "household", "case__household",
                                                  "service_link__resource", "service_link__household")
              .get(pk=report.pk))
    if report.outcome not in REWARDABLE_OUTCOMES:
        return None
    identity = ReporterIdentity.objects.filter(report=report).first()
    key, label = _informant(report, identity)
    policy = DiscoveryPolicy.for_district(report.district_id)
    today = timezone.localdate()
    reason = _exclusion(report, identity, key) or _selection(report)
    household = _household(report)
    if not reason and household is not None and household.benefit_status != BenefitStatus.NONE:
        reason = _("이미 급여를 받는 세대(%(status)s, 판단 시점 기준): 지급 제외") % {
            "status": household.get_benefit_status_display()}
    amount = 0
    if not reason:
        room = policy.reward_yearly_cap_krw - year_total(key, today.year)
        amount = max(0, min(policy.reward_amount_krw, room))
        if amount == 0:
            reason = _("연간 한도 초과")
        elif amount < policy.reward_amount_krw:
            reason = _("지급 대상 (연간 한도까지 %(amount)s원만 지급)") % {"amount": f"{amount:,}"}
        else:
            reason = _("지급 대상: %(why)s") % {
                "why": _("통합사례관리 선정") if report.outcome == ReportOutcome.CASE_OPENED
                else _("공공 급여 연계")}
    decision = RewardDecision.objects.create(
        report=report, informant_key=key, informant_label=label, eligible=amount > 0, reason=reason[:300],
        amount_krw=amount, decided_on=today, decided_by=by if getattr(by, "is_authenticated", False) else None,
    )
    log_action(decision, "discovery.rewarddecision.created", user=by,
               household_id=household.pk if household is not None else None,
               changes={"eligible": decision.eligible, "amount_krw": amount, "reason": decision.reason})
    return decision


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
    if not decision.eligible:
        raise RuleError(_("지급 대상이 아닌 결정은 승인할 수 없습니다."))
    if decision.approved_by_id is not None:
        return decision
    decision.approved_by = by
    decision.save(update_fields=["approved_by"])
    log_action(decision, "discovery.rewarddecision.approved", user=by, changes={"amount_krw": decision.amount_krw})
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
    if on < decision.decided_on:
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


def informant_totals(decisions, *, limit: int = 50) -> list[dict]:
    """Eligible amount and count per informant over ``decisions``, largest first: one grouped query."""
    return list(
        decisions.filter(eligible=True).order_by().values("informant_key")
        .annotate(label=Max("informant_label"), total=Sum("amount_krw"), count=Count("pk"),
                  paid=Sum("amount_krw", filter=Q(paid_on__isnull=False)))
        .order_by("-total", "informant_key")[:limit]
    )
