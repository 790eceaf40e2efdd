"""A handful of demo reward decisions (DOMAIN.md §9) on reports that led to a case or a public link: decided when
the household was selected (the case's conference, the benefit provided), pending until then."""

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
    CaseStage,
    CaseStageChange,
    Household,
    LinkStatus,
    ServiceLink,
)
from welfare.models import District
from welfare.permissions import roles_with

from .reports_draw import Draft


def seed_rewards(rng: random.Random, district: District, drafts: list[Draft], policy: DiscoveryPolicy,
                  wanted: int = 8) -> int:
    """A handful of decisions on reports by members or named informants that led to a case or a public link.

    The same rules as ``rewards.reward_evaluate`` and ``reward_settle``: exclusions first, then the benefit
    status, then the selection (pending while the conference or the benefit decision is to come), then the cap
    of the year of the selection.
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
    links = {pk: (sector, status, start_on) for pk, sector, status, start_on in ServiceLink.objects.filter(
        pk__in=[d.report.service_link_id for d in chosen if d.report.service_link_id]).values_list(
        "pk", "resource__sector", "status", "start_on")}
    link_sector = {pk: sector for pk, (sector, _status, _start) in links.items()}
    conferences: dict[int, tuple[str, dt.date]] = {}
    for case_id, to_stage, at in (CaseStageChange.objects.filter(
            case_id__in=[d.report.case_id for d in chosen if d.report.case_id], from_stage=CaseStage.CONFERENCE)
            .order_by("-at").values_list("case_id", "to_stage", "at")):
        conferences[case_id] = (to_stage, timezone.localdate(at))
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
        resolved_on = timezone.localdate(r.resolved_at)
        decided_on: dt.date | None = resolved_on
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
            state, decided_on, why = _selection(r, conferences, links)
            if state == "waiting" or state == "not_selected":
                reason = why
            else:
                assert decided_on is not None
                room = policy.reward_yearly_cap_krw - given[(key, decided_on.year)]
                amount = max(0, min(policy.reward_amount_krw, room))
                reason = f"지급 대상: {why}" if amount else f"연간 한도 초과 ({why})"
                given[(key, decided_on.year)] += amount
        pending = decided_on is None
        approved = amount > 0 and approvers and rng.random() < 0.7
        paid = approved and rng.random() < 0.6
        decisions.append(RewardDecision(
            report=r, informant_key=key, informant_label=label[:100] or "신고자",
            eligible=None if pending else amount > 0, reason=reason[:300], amount_krw=amount,
            pending_since=resolved_on, decided_on=decided_on, decided_by_id=r.assigned_official_id,
            approved_by_id=rng.choice(approvers) if approved else None,
            paid_on=min(decided_on + dt.timedelta(days=rng.randint(7, 30)), today)
            if paid and decided_on is not None else None,
        ))
    return len(RewardDecision.objects.bulk_create(decisions))


def _selection(report, conferences: dict[int, tuple[str, dt.date]],
               links: dict[int, tuple[str, str, dt.date | None]]) -> tuple[str, dt.date | None, str]:
    """("selected" | "not_selected" | "waiting", the day it was decided, why), as rewards._selection says."""
    resolved_on = timezone.localdate(report.resolved_at)
    if report.outcome == ReportOutcome.CASE_OPENED:
        decided = conferences.get(report.case_id)
        if decided is None:
            return "waiting", None, "선정 대기: 사례회의 결과를 기다립니다"
        to_stage, on = decided
        on = max(on, resolved_on)
        if to_stage == CaseStage.PLANNING:
            return "selected", on, "사례회의에서 통합사례관리 대상으로 선정"
        return "not_selected", on, "사례회의에서 선정되지 않음: 지급 대상 아님"
    _sector, status, start_on = links[report.service_link_id]
    if status in (LinkStatus.IN_SERVICE, LinkStatus.COMPLETED) and start_on is not None:
        return "selected", max(start_on, resolved_on), "공공 급여 결정·제공"
    if status in (LinkStatus.DECLINED, LinkStatus.STOPPED) and start_on is None:
        return "not_selected", resolved_on, f"공공 급여 연계가 {LinkStatus(status).label}됨: 지급 대상 아님"
    return "waiting", None, f"선정 대기: 공공 급여 결정을 기다립니다 (연계 {LinkStatus(status).label})"
