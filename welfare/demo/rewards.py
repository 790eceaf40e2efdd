"""A handful of demo reward decisions (DOMAIN.md §9) on reports that led to a case or a public link."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone

from discovery.models import (
    DiscoveryPolicy,
    NetworkMember,
    ReportOutcome,
    RewardDecision,
)
from households.models import (
    BenefitStatus,
    Household,
    ServiceLink,
)
from welfare.models import District
from welfare.permissions import roles_with

from .reports_draw import Draft


def seed_rewards(rng: random.Random, district: District, drafts: list[Draft], policy: DiscoveryPolicy,
                  wanted: int = 8) -> int:
    """A handful of decisions on reports by members or named informants that led to a case or a public link.

    The same rules as ``rewards.reward_evaluate``: exclusions first, then the benefit status, then the cap.
    """
    candidates = [d for d in drafts if d.report.outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY)
                  and (d.report.case_id or d.report.service_link_id)
                  and (d.report.network_member_id or (d.identity is not None and d.identity.phone_hash))]
    if not candidates:
        return 0
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    chosen.sort(key=lambda d: d.report.resolved_at)
    household_ids = {d.report.household_id for d in chosen}
    benefit = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "benefit_status"))
    link_sector = dict(ServiceLink.objects.filter(pk__in=[d.report.service_link_id for d in chosen
                                                          if d.report.service_link_id])
                       .values_list("pk", "resource__sector"))
    member_names = dict(NetworkMember.objects.filter(pk__in=[d.report.network_member_id for d in chosen
                                                             if d.report.network_member_id])
                        .values_list("pk", "name"))
    approvers = list(get_user_model().objects.filter(
        staff__district=district, staff__role__in=roles_with("approve_rewards")).values_list("pk", flat=True))
    given: dict[tuple[str, int], int] = defaultdict(int)
    today = timezone.localdate()
    decisions = []
    for draft in chosen:
        r = draft.report
        if r.network_member_id:
            key, label = f"member:{r.network_member_id}", member_names.get(r.network_member_id, "")
        else:
            key, label = f"phone:{draft.identity.phone_hash}", draft.identity.name
        decided_on = timezone.localdate(r.resolved_at)
        reason, amount = "", 0
        if draft.member_excluded:
            reason = f"{draft.member_excluded}의 신고: 지급 제외"
        elif draft.identity is not None and draft.identity.is_relative:
            reason = "친족의 신고: 지급 제외"
        elif r.service_link_id and link_sector.get(r.service_link_id) != "public":
            reason = "민간 자원 연계: 공공 급여 선정이 아니어서 지급 대상 아님"
        elif benefit.get(r.household_id, BenefitStatus.NONE) != BenefitStatus.NONE:
            reason = "이미 급여를 받는 세대(판단 시점 기준): 지급 제외"
        else:
            room = policy.reward_yearly_cap_krw - given[(key, decided_on.year)]
            amount = max(0, min(policy.reward_amount_krw, room))
            reason = ("지급 대상: 통합사례관리 선정" if r.outcome == ReportOutcome.CASE_OPENED
                      else "지급 대상: 공공 급여 연계") if amount else "연간 한도 초과"
            given[(key, decided_on.year)] += amount
        approved = amount > 0 and approvers and rng.random() < 0.7
        paid = approved and rng.random() < 0.6
        decisions.append(RewardDecision(
            report=r, informant_key=key, informant_label=label[:100] or "신고자", eligible=amount > 0,
            reason=reason, amount_krw=amount, decided_on=decided_on, decided_by_id=r.assigned_official_id,
            approved_by_id=rng.choice(approvers) if approved else None,
            paid_on=min(decided_on + dt.timedelta(days=rng.randint(7, 30)), today) if paid else None,
        ))
    return len(RewardDecision.objects.bulk_create(decisions))
