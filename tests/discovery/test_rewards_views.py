"""The reward ledger page: who may read and act, filters, totals, KRW amounts, and constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery.models import RewardDecision
from discovery.services.rewards import reward_approve, reward_evaluate
from tests.factories import staff_user
from welfare.models import Role

from .factories_network import identity, member, reading, resolved_case_report, select

pytestmark = pytest.mark.django_db

LEDGER = reverse("discovery:reward_list")


def decide(dong, by, *, phone="01001234567", selected=True, **extra) -> RewardDecision:
    """A named informant's report that opened a case, selected at its conference unless ``selected`` is False."""
    r = resolved_case_report(dong, by=by, reporter_kind="named", **extra)
    identity(r, phone=phone, name="제보자")
    reward_evaluate(report=r, by=by)
    if selected:
        select(r, by=by)
    return RewardDecision.objects.get(report=r)


def test_a_planner_may_not_read_the_ledger(client_for, planner):
    assert client_for(planner).get(LEDGER).status_code == 403


def test_an_official_reads_their_dongs_decisions_without_action_buttons(client_for, official, dong, second_dong):
    mine = decide(dong, official)
    other_official = staff_user(Role.DONG_OFFICIAL, district=second_dong.district, dongs=[second_dong],
                                username="o2")
    decide(second_dong, other_official, phone="01005556666")

    response = client_for(official).get(LEDGER)

    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [mine.pk]
    html = response.content.decode()
    assert "20,000원" in html
    assert reverse("discovery:reward_approve", args=[mine.pk]) not in html


def test_a_lead_approves_and_records_payment_from_the_ledger(client_for, official, lead, dong):
    decision = decide(dong, official)
    client = client_for(lead)

    response = client.get(LEDGER)
    assert reverse("discovery:reward_approve", args=[decision.pk]) in response.content.decode()

    response = client.post(reverse("discovery:reward_approve", args=[decision.pk]), {"back": "eligible=yes"})
    assert response.status_code == 302 and response["Location"] == f"{LEDGER}?eligible=yes"
    response = client.post(reverse("discovery:reward_paid", args=[decision.pk]),
                           {"on": f"{timezone.localdate():%Y-%m-%d}", "back": ""})
    assert response.status_code == 302

    decision.refresh_from_db()
    assert decision.approved_by == lead and decision.paid_on == timezone.localdate()


def test_the_back_parameter_cannot_send_the_user_elsewhere(client_for, official, lead, dong):
    decision = decide(dong, official)

    response = client_for(lead).post(reverse("discovery:reward_approve", args=[decision.pk]),
                                     {"back": "//evil.example/"})

    assert response["Location"].startswith(LEDGER)


def test_an_official_may_not_approve(client_for, official, dong):
    decision = decide(dong, official)

    response = client_for(official).post(reverse("discovery:reward_approve", args=[decision.pk]))

    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.approved_by is None


def test_another_dongs_decision_is_404_for_a_lead(client_for, official, dong, second_dong):
    decision = decide(dong, official)
    other_lead = staff_user(Role.DONG_LEAD, district=second_dong.district, dongs=[second_dong], username="l2")

    response = client_for(other_lead).post(reverse("discovery:reward_approve", args=[decision.pk]))

    assert response.status_code == 404


def test_paying_before_approval_shows_the_rule(client_for, official, lead, dong):
    decision = decide(dong, official)

    response = client_for(lead).post(reverse("discovery:reward_paid", args=[decision.pk]),
                                     {"on": f"{timezone.localdate():%Y-%m-%d}"}, follow=True)

    assert "승인 전에는 지급 처리할 수 없습니다." in response.content.decode()
    decision.refresh_from_db()
    assert decision.paid_on is None


def test_filters_and_totals_per_informant(client_for, official, lead, district_admin, dong):
    # Given two rewards for one informant, one for another, and an ineligible anonymous report
    first = decide(dong, official)
    decide(dong, official)
    decide(dong, official, phone="01007778888")
    reward_evaluate(report=resolved_case_report(dong, by=official, reporter_kind="anonymous"), by=official)
    reward_approve(decision=first, by=lead)
    client = client_for(district_admin)

    # When the ledger is filtered
    eligible = client.get(LEDGER, {"eligible": "yes"}).context["page"].paginator.count
    ineligible = client.get(LEDGER, {"eligible": "no"}).context["page"].object_list
    response = client.get(LEDGER)

    # Then the filters select, and the totals add up per informant
    assert eligible == 3
    assert [d.reason for d in ineligible] == ["익명 신고: 지급 불가"]
    totals = response.context["totals"]
    assert [(t["total"], t["count"]) for t in totals] == [(40_000, 2), (20_000, 1)]
    assert response.context["summary"]["amount"] == 60_000
    assert response.context["summary"]["approved"] == 20_000
    assert client.get(LEDGER, {"year": timezone.localdate().year - 1}).context["page"].paginator.count == 0


def test_the_ledger_query_count_is_constant(client_for, official, lead, dong):
    client = client_for(lead)
    reward_approve(decision=decide(dong, official), by=lead)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LEDGER).status_code == 200

    for i in range(8):
        d = decide(dong, official, phone=f"0100000{i:04d}")
        if i % 2:
            reward_approve(decision=d, by=lead)
    gas = member(dong)
    reward_evaluate(report=resolved_case_report(dong, by=official, reporter_kind="network_member",
                                                network_member=gas), by=official)
    for i in range(3):
        decide(dong, official, phone=f"0100001{i:04d}", selected=False)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LEDGER).status_code == 200

    # The same number whatever the number of rows. Of them, the ledger's own reads are six: the waiting ones
    # (report, dong, case, link and resource joined) and their count, the page count, the page (report, dong,
    # approver, decider joined), the year's summary and the totals per informant.
    assert len(few.captured_queries) == len(many.captured_queries)
    assert reading(many, "discovery_rewarddecision") == 6


def test_leads_see_the_rewards_waiting_for_the_selection(client_for, official, lead, dong):
    # Given a report whose case waits for its conference, and one already selected
    waiting = decide(dong, official, selected=False)
    chosen = decide(dong, official, phone="01002223333")

    response = client_for(lead).get(LEDGER)

    # Then the waiting one is listed apart, with what it waits for and no approve button; the decided one below
    html = response.content.decode()
    assert [d.pk for d in response.context["pending"]] == [waiting.pk] and response.context["pending_count"] == 1
    assert "선정 대기" in html and "사례회의 결과를 기다립니다" in html
    assert reverse("discovery:reward_approve", args=[waiting.pk]) not in html
    assert [d.pk for d in response.context["page"].object_list] == [chosen.pk]
