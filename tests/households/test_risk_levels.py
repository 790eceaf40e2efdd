"""Risk levels 긴급 and 일반 (issue 16 item 4): the checklist's score 0 is 일반 (a yearly check, no regular
follow-ups); 긴급 is set by an official (due today, then every 1–3 days) and cleared back to the checklist's level."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from households import services
from households.jobs import schedule_followups, silence_watch
from households.models import ISOLATION_ITEMS, CadencePolicy, FollowUp, isolation_risk
from tests.factories import HouseholdFactory
from welfare.errors import RuleError
from welfare.models import AccessLog

from .factories_jobs import cared_household, seoul

pytestmark = pytest.mark.django_db

KEYS = [key for key, _label in ISOLATION_ITEMS]
MAR_4 = seoul(2024, 3, 4, 10)
TODAY = dt.date(2024, 3, 4)


def open_cadence(household) -> FollowUp:
    return FollowUp.objects.get(household=household, reason="cadence", status="open")


@pytest.mark.parametrize(("score", "risk"), [(0, "general"), (1, "low"), (3, "low"), (4, "medium"), (9, "high")])
def test_score_zero_is_general_and_one_to_three_stay_low(score, risk):
    assert isolation_risk(score) == risk


def test_a_screening_scored_zero_applies_general(official, household):
    screening = services.isolation_screening_record(household=household, resident=household.residents.get(),
                                                    by=official, answers={}, apply_risk=True)

    household.refresh_from_db()
    assert (screening.proposed_risk, str(screening.band), household.risk_level) == ("general", "일반", "general")


def test_emergency_is_due_today_then_every_emergency_days_and_clears_to_the_latest_score(dong, official):
    CadencePolicy.objects.create(district=dong.district, emergency_days=3)
    household = cared_household(dong, risk="medium", last_contact=dt.date(2024, 3, 1), official=official)
    with time_machine.travel(MAR_4, tick=False):
        schedule_followups(MAR_4)
        assert open_cadence(household).due_on == dt.date(2024, 3, 15)

        # when an official marks it 긴급
        services.household_set_emergency(household=household, by=official, reason="단전 후 연락 두절")

        # then its next contact is today, and the sweep keeps it there
        household.refresh_from_db()
        assert (household.risk_level, household.next_contact_on, open_cadence(household).due_on) == (
            "emergency", TODAY, TODAY)
        schedule_followups(MAR_4)
        assert open_cadence(household).due_on == TODAY
        log = AccessLog.objects.get(verb="households.household.emergency_set")
        assert log.reason == "단전 후 연락 두절"

        # and after today's visit, the next one is emergency_days later
        services.visit_record(household=household, by=official,
                              data=services.VisitData(kind="home", contact_result="met", risk_level="emergency"))
        assert open_cadence(household).due_on == TODAY + dt.timedelta(days=3)

        # cleared: back to the level of the latest checklist score
        services.isolation_screening_record(household=household, resident=household.residents.get(), by=official,
                                            answers={k: True for k in KEYS[:2]}, apply_risk=True)
        household.refresh_from_db()
        assert household.risk_level == "emergency"  # a checklist does not end 긴급
        services.household_clear_emergency(household=household, by=official, reason="안정")
    household.refresh_from_db()
    assert household.risk_level == "low"
    assert AccessLog.objects.filter(verb="households.household.emergency_cleared").count() == 1


def test_emergency_needs_a_reason_and_takes_a_household_under_care(dong, official):
    household = cared_household(dong, risk="general", status="not_under_care")
    with pytest.raises(RuleError):
        services.household_set_emergency(household=household, by=official, reason=" ")
    with time_machine.travel(MAR_4, tick=False):
        services.household_set_emergency(household=household, by=official, reason="긴급 신고")
    household.refresh_from_db()
    assert (household.status, open_cadence(household).due_on) == ("under_care", TODAY)
    # without any checklist, clearing watches it as 고위험
    assert services.household_clear_emergency(household=household, by=official).risk_level == "high"


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (3, True), (4, False)])
def test_emergency_days_are_one_to_three(days, ok):
    data = {name: getattr(CadencePolicy(), name) for name in CadencePolicy.DAY_FIELDS}
    data["emergency_days"] = days
    if ok:
        assert services.policy.cadence_policy_check(data)["emergency_days"] == days
    else:
        with pytest.raises(RuleError) as error:
            services.policy.cadence_policy_check(data)
        assert "emergency_days" in error.value.args[0]


def test_general_gets_only_a_yearly_check_and_no_silence_alert(dong, official):
    general = cared_household(dong, risk="general", last_contact=dt.date(2023, 9, 1), official=official)
    low = cared_household(dong, risk="low", last_contact=dt.date(2023, 9, 1), official=official)

    schedule_followups(MAR_4)
    silence_watch(MAR_4)

    assert open_cadence(general).due_on == dt.date(2024, 8, 31)  # last contact + 365 days
    assert FollowUp.objects.filter(household=general).count() == 1
    assert FollowUp.objects.filter(household=low, reason="silence").exists()


def test_the_dong_status_page_counts_both_new_levels_in_constant_queries(client_for, planner, dong,
                                                                           django_assert_max_num_queries):
    HouseholdFactory(dong=dong, risk_level="emergency")
    HouseholdFactory.create_batch(2, dong=dong, risk_level="general")
    client = client_for(planner)
    client.get(reverse("home"))
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("home"))
    HouseholdFactory.create_batch(3, dong=dong, risk_level="general")
    with django_assert_max_num_queries(len(captured)):
        client.get(reverse("home"))

    row = dict(response.context["rows"])[dong]
    assert (row["emergency"], row["general"]) == (1, 2)
    assert "긴급" in response.content.decode()


def test_the_api_shows_and_filters_the_new_levels(client_for, official, dong):
    emergency = HouseholdFactory(dong=dong, risk_level="emergency")
    general = HouseholdFactory(dong=dong, risk_level="general")
    client = client_for(official)

    rows = client.get("/api/v1/households/", {"risk_level": "emergency"}, HTTP_ACCEPT="application/json").json()
    assert [(r["id"], r["risk_level_display"]) for r in rows["results"]] == [(emergency.pk, "긴급")]
    rows = client.get("/api/v1/households/", {"risk_level": "general"}, HTTP_ACCEPT="application/json").json()
    assert [(r["id"], r["risk_level_display"]) for r in rows["results"]] == [(general.pk, "일반")]


def test_the_household_page_sets_and_clears_emergency(client_for, official, household):
    client = client_for(official)
    url = reverse("households:emergency", args=[household.pk])

    assert client.post(url, {"reason": ""}).status_code == 302
    household.refresh_from_db()
    assert household.risk_level != "emergency"  # refused without a reason

    client.post(url, {"reason": "이웃 신고: 며칠째 인기척 없음"})
    household.refresh_from_db()
    assert household.risk_level == "emergency"
    assert "긴급 해제" in client.get(reverse("households:detail", args=[household.pk])).content.decode()

    client.post(url, {})
    household.refresh_from_db()
    assert household.risk_level == "high"  # no checklist yet


def test_an_emergency_reason_with_a_nul_is_refused_with_a_message(client_for, official, household):
    """PostgreSQL cannot store a NUL in text: the page once answered 500 there (SQLite stored it)."""
    response = client_for(official).post(reverse("households:emergency", args=[household.pk]),
                                         {"reason": "이웃 신고\x00 인기척 없음"}, follow=True)
    assert response.status_code == 200
    assert "제어 문자(NUL)" in response.content.decode()
    household.refresh_from_db()
    assert household.risk_level != "emergency"
