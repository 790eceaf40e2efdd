"""Informant rewards (신고포상금): who is eligible, why not, the yearly cap, idempotency, approval and payment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery.models import DiscoveryPolicy, ReportStatus, RewardDecision
from discovery.services.rewards import reward_approve, reward_evaluate, reward_mark_paid
from tests.factories import staff_user
from welfare.errors import RuleError
from welfare.models import AccessLog, Role

from .factories_network import (
    benefit_moves,
    conference_decides,
    identity,
    member,
    report,
    resolved_case_report,
    resolved_link_report,
    select,
)

pytestmark = pytest.mark.django_db

PHONE = "01001234567"


def named(report_, phone: str = PHONE, **extra):
    report_.reporter_kind = "named"
    report_.save(update_fields=["reporter_kind"])
    identity(report_, phone=phone, name="신고자", **extra)
    return report_


def decided(report_, by):
    """Evaluated when the report is resolved, then settled when the household is actually selected."""
    reward_evaluate(report=report_, by=by)
    select(report_, by=by)
    return RewardDecision.objects.get(report=report_)


# --- Eligible -------------------------------------------------------------------------------------------------


def test_a_named_informant_of_a_report_that_opened_a_case_is_eligible_for_the_policy_amount(dong, official):
    # Given a report by a named informant, resolved as "case opened" with a new case, selected at its conference
    r = named(resolved_case_report(dong, by=official))

    # When the reward is evaluated and the conference selects the case
    decision = decided(r, official)

    # Then the informant is eligible for the district's amount per report, keyed by their phone
    assert decision.eligible is True
    assert decision.amount_krw == 20_000
    assert decision.informant_key.startswith("phone:")
    assert "사례회의" in decision.reason and "통합사례관리" in decision.reason
    assert decision.decided_by == official and decision.decided_on == timezone.localdate()
    assert AccessLog.objects.filter(verb="discovery.rewarddecision.created", object_id=str(decision.pk)).exists()
    assert AccessLog.objects.filter(verb="discovery.rewarddecision.decided", object_id=str(decision.pk)).exists()


def test_a_report_linked_to_a_public_benefit_is_eligible(dong, official):
    # Given a report resolved as "linkage only" with a link to a public resource, decided and provided
    r = named(resolved_link_report(dong, sector="public", by=official))

    # When evaluated and the benefit is provided
    decision = decided(r, official)

    # Then the informant is eligible
    assert decision.eligible is True and decision.amount_krw == 20_000
    assert "공공 급여 결정" in decision.reason


def test_an_honorary_official_member_is_eligible_and_keyed_by_membership(dong, official):
    # Given a report made by an honorary official (a gas meter reader)
    gas = member(dong, name="김가스", role="honorary", occupation="gas_meter")
    r = resolved_case_report(dong, by=official, reporter_kind="network_member", network_member=gas)

    # When evaluated and selected
    decision = decided(r, official)

    # Then they are eligible, and the ledger names them
    assert decision.eligible is True
    assert decision.informant_key == f"member:{gas.pk}"
    assert decision.informant_label == "김가스"


# --- Not eligible, each with its reason ----------------------------------------------------------------------


def test_a_private_linkage_is_not_eligible(dong, official):
    r = named(resolved_link_report(dong, sector="private", by=official))

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and decision.amount_krw == 0
    assert "민간" in decision.reason


def test_an_anonymous_report_records_an_ineligible_decision_that_explains_why(dong, official):
    # Given an anonymous report with no contact that opened a case
    r = resolved_case_report(dong, by=official, reporter_kind="anonymous")

    # When evaluated
    decision = reward_evaluate(report=r, by=official)

    # Then the ledger says why nothing is paid
    assert decision.eligible is False
    assert decision.reason == "익명 신고: 지급 불가"
    assert decision.informant_label == "익명"


def test_a_mandatory_reporter_is_excluded(dong, official):
    r = resolved_case_report(dong, by=official, reporter_kind="mandatory")
    identity(r, phone=PHONE, profession="사회복지시설 종사자")

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and "신고의무자" in decision.reason


def test_an_official_is_excluded(dong, official):
    r = named(resolved_case_report(dong, by=official), is_official=True)

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and "공무원" in decision.reason


@pytest.mark.parametrize(("role", "occupation", "word"), [
    ("tongjang", "tongjang", "통장"),
    ("care_team", "resident", "돌봄단"),
    ("honorary", "care_worker", "돌봄 종사자"),
])
def test_tongjang_and_care_workers_are_excluded(dong, official, role, occupation, word):
    # Given a report by a network member whose role or work excludes rewards
    excluded = member(dong, role=role, occupation=occupation)
    r = resolved_case_report(dong, by=official, reporter_kind="network_member", network_member=excluded)

    # When evaluated
    decision = reward_evaluate(report=r, by=official)

    # Then nothing is paid, and the reason names the role or the work
    assert decision.eligible is False
    assert word in decision.reason


def test_a_relative_is_excluded(dong, official):
    r = named(resolved_case_report(dong, by=official), is_relative=True, relation="딸")

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and "친족" in decision.reason


def test_a_household_already_receiving_benefits_is_excluded(dong, official):
    # Given the reported household already receives basic livelihood benefits
    r = named(resolved_case_report(dong, by=official))
    r.household.benefit_status = "livelihood"
    r.household.save()

    # When evaluated
    decision = reward_evaluate(report=r, by=official)

    # Then nothing is paid, decided at once: the household was not newly found
    assert decision.eligible is False and decision.decided_on == timezone.localdate()
    assert "이미 급여를 받는 세대" in decision.reason and "생계급여 수급" in decision.reason


def test_a_case_outcome_without_a_case_is_not_eligible(dong, official):
    r = named(report(dong, status=ReportStatus.RESOLVED, outcome="case_opened", resolved_at=timezone.now()))

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and "사례가 열리지 않음" in decision.reason


def test_a_case_already_open_before_the_report_is_not_a_new_selection(dong, official):
    # Given the report points at a case opened a month before it was received
    r = named(resolved_case_report(dong, by=official, opened_on=timezone.localdate() - dt.timedelta(days=30)))

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and "제보 전부터" in decision.reason


def test_other_outcomes_decide_nothing(dong, official):
    r = named(report(dong, status=ReportStatus.RESOLVED, outcome="no_need", outcome_reason="욕구 없음",
                     resolved_at=timezone.now()))

    assert reward_evaluate(report=r, by=official) is None
    assert not RewardDecision.objects.exists()


# --- Yearly cap and idempotency -------------------------------------------------------------------------------


def test_the_yearly_cap_pays_two_full_rewards_then_the_rest_then_nothing(dong, official):
    # Given a district paying 20,000 per report up to 50,000 a year per informant
    DiscoveryPolicy.objects.create(district=dong.district, reward_amount_krw=20_000, reward_yearly_cap_krw=50_000)
    reports = [named(resolved_case_report(dong, by=official)) for _ in range(4)]

    # When four of the same informant's reports are selected one after the other
    decisions = [decided(r, official) for r in reports]

    # Then two full rewards, a partial one up to the cap, then nothing with the reason
    assert [d.amount_krw for d in decisions] == [20_000, 20_000, 10_000, 0]
    assert [d.eligible for d in decisions] == [True, True, True, False]
    assert decisions[3].reason.startswith("연간 한도 초과")
    assert len({d.informant_key for d in decisions}) == 1


def test_last_years_rewards_do_not_count_against_this_years_cap(dong, official):
    DiscoveryPolicy.objects.create(district=dong.district, reward_amount_krw=20_000, reward_yearly_cap_krw=20_000)
    old = decided(named(resolved_case_report(dong, by=official)), official)
    RewardDecision.objects.filter(pk=old.pk).update(decided_on=dt.date(timezone.localdate().year - 1, 12, 31))

    decision = decided(named(resolved_case_report(dong, by=official)), official)

    assert decision.amount_krw == 20_000


def test_a_different_informant_has_their_own_cap(dong, official):
    DiscoveryPolicy.objects.create(district=dong.district, reward_amount_krw=20_000, reward_yearly_cap_krw=20_000)
    decided(named(resolved_case_report(dong, by=official)), official)

    other = decided(named(resolved_case_report(dong, by=official), phone="01009998888"), official)

    assert other.amount_krw == 20_000


def test_evaluating_twice_returns_the_first_decision(dong, official, lead):
    # Given a decided report
    r = named(resolved_case_report(dong, by=official))
    first = reward_evaluate(report=r, by=official)

    # When evaluated again (a retried request, a second resolve)
    again = reward_evaluate(report=r, by=lead)

    # Then it is the same decision, recorded once
    assert again.pk == first.pk
    assert RewardDecision.objects.filter(report=r).count() == 1
    assert again.decided_by == official


# --- Approval and payment ----------------------------------------------------------------------------------


def eligible_decision(dong, official):
    return decided(named(resolved_case_report(dong, by=official)), official)


def test_a_lead_approves_then_marks_paid(dong, official, lead):
    decision = eligible_decision(dong, official)

    reward_approve(decision=decision, by=lead)
    reward_mark_paid(decision=decision, by=lead, on=timezone.localdate())

    decision.refresh_from_db()
    assert decision.approved_by == lead
    assert decision.paid_on == timezone.localdate()
    verbs = set(AccessLog.objects.filter(object_id=str(decision.pk)).values_list("verb", flat=True))
    assert {"discovery.rewarddecision.approved", "discovery.rewarddecision.paid"} <= verbs


def test_a_district_admin_may_approve(dong, official, district_admin):
    decision = eligible_decision(dong, official)

    reward_approve(decision=decision, by=district_admin)

    decision.refresh_from_db()
    assert decision.approved_by == district_admin


def test_an_official_may_not_approve_or_mark_paid(dong, official, lead):
    decision = eligible_decision(dong, official)

    with pytest.raises(PermissionDenied):
        reward_approve(decision=decision, by=official)
    reward_approve(decision=decision, by=lead)
    with pytest.raises(PermissionDenied):
        reward_mark_paid(decision=decision, by=official, on=timezone.localdate())


def test_a_lead_of_another_dong_may_not_approve(dong, second_dong, official):
    decision = eligible_decision(dong, official)
    other_lead = staff_user(Role.DONG_LEAD, district=second_dong.district, dongs=[second_dong], username="otherlead")

    with pytest.raises(PermissionDenied):
        reward_approve(decision=decision, by=other_lead)


def test_an_ineligible_decision_cannot_be_approved(dong, official, lead):
    decision = reward_evaluate(report=resolved_case_report(dong, by=official, reporter_kind="anonymous"), by=official)

    with pytest.raises(RuleError):
        reward_approve(decision=decision, by=lead)


def test_payment_needs_approval_first_and_no_future_day(dong, official, lead):
    decision = eligible_decision(dong, official)

    with pytest.raises(RuleError, match="승인 전"):
        reward_mark_paid(decision=decision, by=lead, on=timezone.localdate())
    reward_approve(decision=decision, by=lead)
    with pytest.raises(RuleError):
        reward_mark_paid(decision=decision, by=lead, on=timezone.localdate() + dt.timedelta(days=1))


def test_approving_and_paying_twice_keeps_the_first(dong, official, lead, district_admin):
    decision = eligible_decision(dong, official)
    today = timezone.localdate()
    reward_approve(decision=decision, by=lead)
    reward_mark_paid(decision=decision, by=lead, on=today)

    reward_approve(decision=decision, by=district_admin)
    reward_mark_paid(decision=decision, by=lead, on=today - dt.timedelta(days=0))

    decision.refresh_from_db()
    assert decision.approved_by == lead and decision.paid_on == today
    assert AccessLog.objects.filter(object_id=str(decision.pk), verb="discovery.rewarddecision.approved").count() == 1


def test_the_evaluation_locks_the_district_before_reading_the_informants_total(dong, official):
    # Given a report whose case the conference has selected
    r = named(resolved_case_report(dong, by=official))
    conference_decides(r.case, by=official)

    # When it is evaluated
    with CaptureQueriesContext(connection) as ctx:
        reward_evaluate(report=r, by=official)

    # Then the district row is read first, FOR UPDATE where the database has row locks (PostgreSQL), so a
    # concurrent evaluation waits and then sees this one's amount against the yearly cap
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert 'FROM "welfare_district"' in sql[0]
    assert ("FOR UPDATE" in sql[0]) == connection.features.has_select_for_update
    total = next(i for i, s in enumerate(sql) if 'SUM("discovery_rewarddecision"."amount_krw")' in s)
    assert total > 0


# --- Waiting for the benefit decision (issue 16 item 5) --------------------------------------------------------


def test_a_report_that_opened_a_case_waits_for_the_conference(dong, official):
    # Given a named informant's report resolved as "case opened" (the case is at intake)
    r = named(resolved_case_report(dong, by=official))

    # When the reward is evaluated
    decision = reward_evaluate(report=r, by=official)

    # Then nothing is decided yet: the decision waits for the case conference, with no amount and no day
    assert decision.is_pending and decision.eligible is None
    assert (decision.amount_krw, decision.decided_on, decision.pending_since) == (0, None, timezone.localdate())
    assert decision.reason.startswith("선정 대기") and "사례회의" in decision.reason


def test_a_public_link_still_requested_or_accepted_keeps_the_reward_pending(dong, official):
    # Given a report linked to a public benefit: the link is only requested
    r = named(resolved_link_report(dong, sector="public", by=official))
    decision = reward_evaluate(report=r, by=official)
    assert decision.is_pending and "연계 의뢰" in decision.reason

    # When the benefit office accepts the application
    benefit_moves(r.service_link, "accepted", by=official)

    # Then the reward still waits (the reason follows the link)
    decision.refresh_from_db()
    assert decision.is_pending and "연계 수락" in decision.reason

    # And when the benefit is provided, the informant is eligible on that day
    benefit_moves(r.service_link, "in_service", by=official)
    decision.refresh_from_db()
    assert (decision.eligible, decision.amount_krw, decision.decided_on) == (True, 20_000, timezone.localdate())


def test_a_completed_public_benefit_selects_the_household(dong, official):
    r = named(resolved_link_report(dong, sector="public", by=official))
    reward_evaluate(report=r, by=official)

    benefit_moves(r.service_link, "accepted", "in_service", "completed", by=official)

    assert RewardDecision.objects.get(report=r).eligible is True


def test_a_declined_benefit_ends_the_wait_without_a_reward(dong, official):
    r = named(resolved_link_report(dong, sector="public", by=official))
    reward_evaluate(report=r, by=official)

    benefit_moves(r.service_link, "declined", by=official, reason="소득 기준 초과")

    decision = RewardDecision.objects.get(report=r)
    assert decision.eligible is False and decision.amount_krw == 0 and "거절" in decision.reason
    assert decision.decided_on == timezone.localdate()


def test_a_case_the_conference_does_not_select_earns_nothing(dong, official):
    r = named(resolved_case_report(dong, by=official))
    reward_evaluate(report=r, by=official)

    conference_decides(r.case, by=official, selected=False)

    decision = RewardDecision.objects.get(report=r)
    assert decision.eligible is False and "선정되지 않음" in decision.reason


def test_exclusions_are_decided_at_once_without_waiting(dong, official):
    r = resolved_case_report(dong, by=official, reporter_kind="mandatory")
    identity(r, phone=PHONE, profession="사회복지시설 종사자")

    decision = reward_evaluate(report=r, by=official)

    assert decision.eligible is False and not decision.is_pending and decision.decided_on == timezone.localdate()


def test_a_pending_reward_cannot_be_approved(dong, official, lead):
    decision = reward_evaluate(report=named(resolved_case_report(dong, by=official)), by=official)

    with pytest.raises(RuleError, match="선정 대기"):
        reward_approve(decision=decision, by=lead)


def test_the_benefit_status_is_read_when_the_report_is_resolved_not_when_the_household_is_selected(dong, official):
    # Given a pending reward for a household receiving nothing when the report was resolved
    r = named(resolved_link_report(dong, sector="public", by=official))
    reward_evaluate(report=r, by=official)

    # When the benefit this report led to is recorded on the household, then provided
    r.service_link.household.benefit_status = "livelihood"
    r.service_link.household.save()
    benefit_moves(r.service_link, "accepted", "in_service", by=official)

    # Then the informant found it: eligible
    assert RewardDecision.objects.get(report=r).eligible is True


def test_the_cap_counts_the_year_of_the_selection(dong, official):
    import time_machine

    # Given a yearly cap of one reward, one reward already decided in 2027 for this informant
    DiscoveryPolicy.objects.create(district=dong.district, reward_amount_krw=20_000, reward_yearly_cap_krw=20_000)
    with time_machine.travel(dt.datetime(2026, 12, 28, 10, tzinfo=dt.UTC), tick=False):
        waiting = named(resolved_case_report(dong, by=official))
        reward_evaluate(report=waiting, by=official)
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC), tick=False):
        decided(named(resolved_case_report(dong, by=official)), official)

        # When the report resolved in December is selected in January
        conference_decides(waiting.case, by=official)

    # Then it is decided in 2027 and finds that year's cap used up
    decision = RewardDecision.objects.get(report=waiting)
    assert decision.decided_on == dt.date(2027, 1, 4) and decision.pending_since == dt.date(2026, 12, 28)
    assert (decision.eligible, decision.amount_krw) == (False, 0) and decision.reason.startswith("연간 한도 초과")
