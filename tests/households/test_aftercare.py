"""After-care (사후관리, DOMAIN §2 rows 12–13, §6): closing schedules contacts at the district's +1 and +3 calendar
months; the outcome of the last one archives the case; a relapse goes back to reassessment or opens a new case."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from households import services
from households.models import (
    CadencePolicy,
    Case,
    CaseStage,
    CaseStageChange,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
)
from households.selectors import STAGE_CHOICES
from households.services.case_schedule import aftercare_schedule
from welfare.models import AccessLog

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


def at_seoul(day: dt.date, hour: int = 10):
    """Freeze the clock on a Seoul day (the product's days are Seoul days)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL), tick=False)


def close(case: Case, lead) -> Case:
    services.case_transition(case=case, to=CaseStage.CLOSED, by=lead, expected_version=case.version)
    case.refresh_from_db()
    return case


def aftercare_of(case: Case) -> list[tuple[str, dt.date, str]]:
    return list(FollowUp.objects.filter(case=case).order_by("due_on").values_list("reason", "due_on", "status"))


def closing_case(dong, lead) -> Case:
    return make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="goals_met", by=lead,
                     opened_on=dt.date(2025, 6, 2))


# Scheduling ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("closed_on", "first", "last"), [
    (dt.date(2026, 3, 10), dt.date(2026, 4, 10), dt.date(2026, 6, 10)),
    # month ends: clamped to the shorter month's last day, never spilling into the next month
    (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 4, 30)),
    (dt.date(2027, 12, 31), dt.date(2028, 1, 31), dt.date(2028, 3, 31)),
    (dt.date(2027, 11, 30), dt.date(2027, 12, 30), dt.date(2028, 2, 29)),
])
def test_closing_schedules_two_aftercare_contacts_at_one_and_three_calendar_months(dong, lead, closed_on, first,
                                                                                      last):
    case = closing_case(dong, lead)

    # 00:30 in Seoul is still the previous day in UTC: the Seoul day counts
    with at_seoul(closed_on, hour=0):
        case = close(case, lead)

    assert case.closed_on == closed_on
    assert aftercare_of(case) == [(FollowUpReason.AFTERCARE_FIRST, first, "open"),
                                  (FollowUpReason.AFTERCARE_LAST, last, "open")]
    assert set(FollowUp.objects.filter(case=case).values_list("assigned_to", flat=True)) == {lead.pk}
    # the old single 30-day cadence check is gone
    assert not FollowUp.objects.filter(household=case.household, reason=FollowUpReason.CADENCE).exists()


def test_the_districts_offsets_are_used(dong, lead, district_admin):
    with at_seoul(dt.date(2026, 5, 4)):
        services.policy.cadence_policy_save(district=dong.district, by=district_admin, data={
            **{name: getattr(CadencePolicy(), name) for name in CadencePolicy.DAY_FIELDS},
            "aftercare_first_months": 2, "aftercare_last_months": 6, "reassessment_months": 6})
        case = close(closing_case(dong, lead), lead)

    assert [due for _r, due, _s in aftercare_of(case)] == [dt.date(2026, 7, 4), dt.date(2026, 11, 4)]


def test_scheduling_twice_creates_nothing_twice(dong, lead):
    with at_seoul(dt.date(2026, 3, 10)):
        case = close(closing_case(dong, lead), lead)
        # a retry, and a retry after the first contact was made
        assert aftercare_schedule(case=case, closed_on=case.closed_on) == 0
        FollowUp.objects.filter(case=case, reason=FollowUpReason.AFTERCARE_FIRST).update(status=FollowUpStatus.DONE)
        assert aftercare_schedule(case=case, closed_on=case.closed_on) == 0

    assert len(aftercare_of(case)) == 2


def test_a_visit_does_not_meet_an_aftercare_contact(dong, lead, official):
    with at_seoul(dt.date(2026, 3, 10)):
        case = close(closing_case(dong, lead), lead)
    with at_seoul(dt.date(2026, 4, 10)):
        services.visit_record(household=case.household, by=official, data=services.VisitData(
            kind="phone", contact_result="met", risk_level="low"), token=uuid.uuid4())

    assert [s for _r, _d, s in aftercare_of(case)] == ["open", "open"]


# The outcome ---------------------------------------------------------------------------------------------------


@pytest.fixture
def closed_case(dong, lead):
    with at_seoul(dt.date(2026, 1, 31)):
        return close(closing_case(dong, lead), lead)


def test_no_problem_at_the_first_contact_keeps_after_care(closed_case, official):
    with at_seoul(dt.date(2026, 2, 28)):
        result = services.aftercare_record(case=closed_case, by=official, outcome="no_problem",
                                           expected_version=closed_case.version, note="전화: 식사 잘 하심")

    closed_case.refresh_from_db()
    assert closed_case.stage == CaseStage.FOLLOW_UP and not result.last
    assert aftercare_of(closed_case) == [
        (FollowUpReason.AFTERCARE_FIRST, dt.date(2026, 2, 28), "done"),
        (FollowUpReason.AFTERCARE_LAST, dt.date(2026, 4, 30), "open")]
    assert FollowUp.objects.get(case=closed_case, reason=FollowUpReason.AFTERCARE_FIRST).note == "전화: 식사 잘 하심"


def test_no_problem_at_the_last_contact_archives_the_case(closed_case, official):
    with at_seoul(dt.date(2026, 2, 28)):
        services.aftercare_record(case=closed_case, by=official, outcome="no_problem",
                                  expected_version=closed_case.version)
    closed_case.refresh_from_db()
    with at_seoul(dt.date(2026, 4, 30)):
        result = services.aftercare_record(case=closed_case, by=official, outcome="no_problem",
                                           expected_version=closed_case.version)

    closed_case.refresh_from_db()
    assert result.last and closed_case.stage == CaseStage.ARCHIVED
    assert [s for _r, _d, s in aftercare_of(closed_case)] == ["done", "done"]
    moves = list(CaseStageChange.objects.filter(case=closed_case).order_by("at", "id")
                 .values_list("from_stage", "to_stage"))
    assert moves[-2:] == [("closed", "follow_up"), ("follow_up", "archived")]
    assert AccessLog.objects.filter(verb="households.case.aftercare_recorded", object_id=str(closed_case.pk)).count() == 2
    # archived: not in progress, not among the active list's stages
    assert not closed_case.is_open and not Case.objects.open().filter(pk=closed_case.pk).exists()
    assert "archived" not in dict(STAGE_CHOICES)


def test_relapse_back_to_reassessment_cancels_the_pending_contacts(closed_case, official):
    with at_seoul(dt.date(2026, 2, 20)):
        services.aftercare_record(case=closed_case, by=official, outcome="relapse", relapse_to="reassessment",
                                  expected_version=closed_case.version, note="다시 단전")

    closed_case.refresh_from_db()
    assert closed_case.stage == CaseStage.REASSESSMENT and closed_case.is_open
    assert closed_case.closed_on is None and closed_case.closing_reason == ""
    assert [s for _r, _d, s in aftercare_of(closed_case)] == ["done", "cancelled"]


def test_relapse_as_a_new_case_links_it_and_archives_the_old_one(closed_case, official):
    with at_seoul(dt.date(2026, 2, 20)):
        result = services.aftercare_record(case=closed_case, by=official, outcome="relapse", relapse_to="new_case",
                                           source="visit", expected_version=closed_case.version, note="다시 체납")

    closed_case.refresh_from_db()
    new = result.new_case
    assert new.previous_case == closed_case and new.stage == CaseStage.INTAKE and new.summary == "다시 체납"
    assert closed_case.stage == CaseStage.ARCHIVED
    assert [s for _r, _d, s in aftercare_of(closed_case)] == ["done", "cancelled"]


def test_a_relapse_must_say_which_way(closed_case, official):
    with pytest.raises(services.RuleError) as refused:
        services.aftercare_record(case=closed_case, by=official, outcome="relapse",
                                  expected_version=closed_case.version)

    assert "relapse_to" in refused.value.message_dict
    closed_case.refresh_from_db()
    assert closed_case.stage == CaseStage.CLOSED


def test_relapse_to_reassessment_is_refused_while_another_case_is_open(closed_case, official):
    closed_case.stage = CaseStage.FOLLOW_UP
    closed_case.save()
    make_case(closed_case.household, stage=CaseStage.INTAKE)

    with pytest.raises(services.RuleError, match="진행 중인 사례"):
        services.aftercare_record(case=closed_case, by=official, outcome="relapse", relapse_to="reassessment",
                                  expected_version=closed_case.version)


def test_an_open_case_has_no_aftercare_outcome(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    with pytest.raises(services.RuleError, match="사후관리"):
        services.aftercare_record(case=case, by=official, outcome="no_problem", expected_version=1)


def test_the_case_page_records_the_outcome(closed_case, official, client_for):
    client = client_for(official)
    url = reverse("households:case_detail", args=[closed_case.household_id, closed_case.pk])
    assert "사후관리 결과 기록" in client.get(url).content.decode()

    response = client.post(reverse("households:case_aftercare", args=[closed_case.household_id, closed_case.pk]),
                           {"outcome": "relapse", "relapse_to": "new_case", "source": "visit", "note": "",
                            "version": closed_case.version})

    new = Case.objects.get(previous_case=closed_case)
    assert response.status_code == 302
    assert response["Location"] == reverse("households:case_detail", args=[closed_case.household_id, new.pk])


def test_the_case_page_shows_a_refusal_on_the_form(closed_case, official, client_for):
    response = client_for(official).post(
        reverse("households:case_aftercare", args=[closed_case.household_id, closed_case.pk]),
        {"outcome": "relapse", "relapse_to": "", "version": closed_case.version})

    assert response.status_code == 200 and "재사정으로 돌릴지" in response.content.decode()


# The policy page -------------------------------------------------------------------------------------------------


def _policy(**months) -> dict:
    return {**{name: getattr(CadencePolicy(), name) for name in CadencePolicy.FIELDS}, **months}


@pytest.mark.parametrize(("months", "field"), [
    ({"aftercare_first_months": 3, "aftercare_last_months": 3}, "aftercare_last_months"),
    ({"aftercare_first_months": 0}, "aftercare_first_months"),
    ({"aftercare_last_months": 13}, "aftercare_last_months"),
    ({"reassessment_months": 25}, "reassessment_months"),
])
def test_the_policy_refuses_offsets_out_of_range_or_order(months, field):
    with pytest.raises(services.RuleError) as refused:
        services.policy.cadence_policy_check(_policy(**months))

    assert field in refused.value.message_dict


def test_the_policy_form_shows_and_saves_the_months(district_admin, client_for):
    client = client_for(district_admin)
    page = client.get(reverse("district:policies")).content.decode()
    assert "cadence-aftercare_last_months" in page and "cadence-reassessment_months" in page

    data = {f"cadence-{k}": v for k, v in _policy(aftercare_first_months=2, aftercare_last_months=4,
                                                   reassessment_months=3).items()}
    client.post(reverse("district:policies"), {"which": "cadence", **data})

    policy = CadencePolicy.objects.get(district=district_admin.staff.district_id)
    assert (policy.aftercare_first_months, policy.aftercare_last_months, policy.reassessment_months) == (2, 4, 3)


def test_the_today_page_sends_an_aftercare_contact_to_its_case(closed_case, lead):
    from households.today import my_follow_ups

    block = my_follow_ups(lead, dt.date(2026, 3, 2))

    row = next(r for r in block.rows if "사후관리 1차" in r.detail)
    assert row.action == "사후관리 결과 기록"
    assert row.action_url == reverse("households:case_detail", args=[closed_case.household_id, closed_case.pk]) \
        + "#aftercare"
