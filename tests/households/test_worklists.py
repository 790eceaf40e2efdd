"""My caseload, the team lead's view and their bulk actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households import selectors, services
from households.models import Case, FollowUp, Household
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from welfare.models import AccessLog, Role

from .factories_worklists import CaseFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

CASELOAD = reverse("households:caseload")
TEAM = reverse("households:team")


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


@pytest.fixture
def colleague(dong):
    return staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="colleague")


def cared(dong, official, *, next_in=5, risk="medium", status="under_care", last_ago=3, **extra):
    household = HouseholdFactory(dong=dong, assigned_official=official, status=status, risk_level=risk,
                                 next_contact_on=None if next_in is None else days(next_in),
                                 last_contact_on=None if last_ago is None else days(-last_ago), **extra)
    ResidentFactory(household=household, relation="head")
    return household


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- My caseload ----------------------------------------------------------------------------------------------


def test_caseload_lists_overdue_first_then_by_next_contact(client_for, official, dong):
    # Given my households: two overdue, two upcoming, one with no date
    later = cared(dong, official, next_in=10)
    no_date = cared(dong, official, next_in=None)
    long_overdue = cared(dong, official, next_in=-9)
    soon = cared(dong, official, next_in=1)
    overdue = cared(dong, official, next_in=-2)

    # When I open my caseload
    response = client_for(official).get(CASELOAD)

    # Then overdue come first (oldest first), then by next contact date, undated last; overdue days shown
    rows = list(response.context["page"].object_list)
    assert [h.pk for h in rows] == [long_overdue.pk, overdue.pk, soon.pk, later.pk, no_date.pk]
    assert [h.days_overdue for h in rows] == [9, 2, 0, 0, 0]
    assert "9일 경과" in response.content.decode()


def test_caseload_holds_only_my_households_under_care_or_monitoring(client_for, official, colleague, dong):
    mine = cared(dong, official)
    watched = cared(dong, official, status="monitoring")
    cared(dong, official, status="not_under_care")
    cared(dong, colleague)

    response = client_for(official).get(CASELOAD)

    assert {h.pk for h in response.context["page"].object_list} == {mine.pk, watched.pk}


def test_caseload_filters_by_risk_and_case_stage(client_for, official, dong):
    # Given a high-risk household with a case in assessment, and two medium-risk ones, one at intake
    high = cared(dong, official, risk="high")
    CaseFactory(household=high, stage="assessment")
    intake = cared(dong, official)
    CaseFactory(household=intake)
    without = cared(dong, official)
    client = client_for(official)

    def listed(**params):
        return {h.pk for h in client.get(CASELOAD, params).context["page"].object_list}

    # Then each filter narrows the list
    assert listed(risk_level="high") == {high.pk}
    assert listed(stage="intake") == {intake.pk}
    assert listed(stage="none") == {without.pk}
    assert listed(risk_level="medium", stage="assessment") == set()


def test_caseload_flags_cases_past_their_time_limits(client_for, official, dong):
    # Given a case opened 40 days ago and still in assessment: past both the 10-day and the 30-day limit
    household = cared(dong, official)
    opened = days(-40)
    CaseFactory(household=household, stage="assessment", opened_on=opened)

    response = client_for(official).get(CASELOAD)

    row = response.context["page"].object_list[0]
    assert row.open_case_stage == "assessment"
    assert row.open_case_assessment_overdue and row.open_case_plan_overdue
    html = response.content.decode()
    assert "조사 기한 경과" in html and "계획 기한 경과" in html


def test_caseload_query_count_is_constant(client_for, official, dong):
    client = client_for(official)

    def make(n):
        for i in range(n):
            CaseFactory(household=cared(dong, official, next_in=i - 5), stage="planning", opened_on=days(-40))

    make(3)
    client.get(CASELOAD)  # warm-up
    few = count_queries(client, CASELOAD)
    make(30)
    many = count_queries(client, CASELOAD)
    filtered = count_queries(client, CASELOAD, {"risk_level": "medium", "stage": "planning"})

    # session, user, membership, visible dong ids, count, page (open case, its deadline flags and the head's
    # name all by subquery), the saved filters and the dongs to share them with (issue 15), the bell's
    # unread-notification COUNT (base.html), the access-log INSERT (one entry per page view, issue 11): 10.
    # An official gets no reassign choices, so no query for them.
    assert few == many == filtered == 10


def test_caseload_empty_state(client_for, official):
    response = client_for(official).get(CASELOAD)

    assert "담당하는 관리 중·모니터링 세대가 없습니다." in response.content.decode()


def test_planner_may_not_open_caseload(client_for, planner):
    assert client_for(planner).get(CASELOAD).status_code == 403


# --- Bulk reschedule -------------------------------------------------------------------------------------------


def test_bulk_reschedule_moves_next_contact_and_the_cadence_follow_up(client_for, official, dong):
    # Given two of my households, one with an open cadence follow-up and one without
    a, b = cared(dong, official, next_in=-3), cared(dong, official, next_in=-1)
    follow_up = FollowUpFactory(household=a, due_on=days(-3), assigned_to=official)
    target = days(4)

    # When I reschedule both
    response = client_for(official).post(CASELOAD, {"action": "reschedule", "ids": [a.pk, b.pk], "on": target},
                                         follow=True)

    # Then both move, the follow-up moves with them (one is opened where none was), and each is logged
    assert set(Household.objects.filter(pk__in=[a.pk, b.pk]).values_list("next_contact_on", flat=True)) == {target}
    follow_up.refresh_from_db()
    assert follow_up.due_on == target
    assert FollowUp.objects.get(household=b, status="open", reason="cadence").due_on == target
    assert AccessLog.objects.filter(verb="households.household.rescheduled").count() == 2
    assert "2세대의 다음 접촉일을" in response.content.decode()


def test_bulk_reschedule_skips_an_other_dong_id_smuggled_into_the_post(client_for, official, dong,
                                                                       other_household):
    # Given one of my households and another dong's household with its own date
    mine = cared(dong, official, next_in=-3)
    other_household.next_contact_on = days(-5)
    other_household.save()
    target = days(7)

    # When its id is smuggled into my reschedule
    response = client_for(official).post(
        CASELOAD, {"action": "reschedule", "ids": [mine.pk, other_household.pk], "on": target}, follow=True)

    # Then mine moves, the other is untouched, and the message says one was skipped
    mine.refresh_from_db()
    other_household.refresh_from_db()
    assert mine.next_contact_on == target
    assert other_household.next_contact_on == days(-5)
    assert not AccessLog.objects.filter(verb="households.household.rescheduled",
                                        household_id=other_household.pk).exists()
    assert "권한이 없는 1세대는 건너뛰었습니다" in response.content.decode()


def test_bulk_reschedule_to_a_past_day_is_refused_and_keeps_the_ticks(client_for, official, dong):
    household = cared(dong, official, next_in=-3)

    response = client_for(official).post(CASELOAD, {"action": "reschedule", "ids": [household.pk], "on": days(-1)})

    household.refresh_from_db()
    assert household.next_contact_on == days(-3)
    html = response.content.decode()
    assert "오늘이나 그 이후여야" in html
    assert f'value="{household.pk}" id="pick-{household.pk}" checked' in html


def test_bulk_action_without_rows_or_date_shows_errors(client_for, official, dong):
    cared(dong, official)

    response = client_for(official).post(CASELOAD, {"action": "reschedule"})

    html = response.content.decode()
    assert "세대를 하나 이상 고르세요." in html and "새 다음 접촉일을 고르세요." in html


# --- Bulk reassign -----------------------------------------------------------------------------------------------


def test_lead_reassigns_households_with_their_follow_ups_and_open_case(client_for, lead, official, colleague, dong):
    # Given two of the official's households, one with an open case and an open follow-up
    a, b = cared(dong, official, next_in=-3), cared(dong, official)
    case = CaseFactory(household=a, assigned_official=official)
    follow_up = FollowUpFactory(household=a, assigned_to=official)

    # When the lead hands them to a colleague from the team page
    response = client_for(lead).post(TEAM, {"action": "reassign", "ids": [a.pk, b.pk], "to_user": colleague.pk},
                                     follow=True)

    # Then the households, the follow-up and the case move; the case's version moves too; all are logged
    assert set(Household.objects.filter(pk__in=[a.pk, b.pk]).values_list("assigned_official", flat=True)) == {
        colleague.pk}
    follow_up.refresh_from_db()
    assert follow_up.assigned_to == colleague
    refreshed = Case.objects.get(pk=case.pk)
    assert refreshed.assigned_official == colleague and refreshed.version == case.version + 1
    assert AccessLog.objects.filter(verb="households.household.reassigned").count() == 2
    assert AccessLog.objects.filter(verb="households.case.reassigned", object_id=str(case.pk)).exists()
    assert "2세대의 담당자를" in response.content.decode()


def test_an_official_cannot_reassign(client_for, official, colleague, dong):
    household = cared(dong, official)

    response = client_for(official).post(CASELOAD, {"action": "reassign", "ids": [household.pk],
                                                    "to_user": colleague.pk})

    household.refresh_from_db()
    assert household.assigned_official == official
    assert "팀장과 구 관리자만" in response.content.decode()
    assert not AccessLog.objects.filter(verb="households.household.reassigned").exists()


def test_reassign_skips_households_outside_the_new_officials_dongs(district_admin, official, other_dong_official,
                                                                   dong, other_household):
    # Given a household in each dong, and a target who works in the second dong only
    mine = cared(dong, official)

    # When the district admin reassigns both to that official
    result = services.households_reassign(households=[mine.pk, other_household.pk], by=district_admin,
                                          to_user=other_dong_official)

    # Then only the second dong's household moves
    mine.refresh_from_db()
    other_household.refresh_from_db()
    assert (result.done, result.skipped, result.not_in_dong) == (1, 0, 1)
    assert mine.assigned_official == official
    assert other_household.assigned_official == other_dong_official


def test_lead_cannot_reassign_another_dongs_household(lead, colleague, other_household, other_dong_official):
    other_household.assigned_official = other_dong_official
    other_household.save()

    result = services.households_reassign(households=[other_household.pk], by=lead, to_user=colleague)

    other_household.refresh_from_db()
    assert (result.done, result.skipped) == (0, 1)
    assert other_household.assigned_official == other_dong_official


# --- Team page ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["planner", "official", "other_dong_official"])
def test_team_page_is_for_leads_and_district_admins_only(request, client_for, actor):
    user = request.getfixturevalue(actor)

    assert client_for(user).get(TEAM).status_code == 403


@pytest.mark.parametrize("actor", ["lead", "district_admin"])
def test_team_page_opens_for_leads_and_district_admins(request, client_for, actor):
    assert client_for(request.getfixturevalue(actor)).get(TEAM).status_code == 200


def test_team_load_counts_households_open_cases_and_overdue_per_official(client_for, lead, official, colleague,
                                                                         dong, other_household):
    # Given the official: 3 households (2 overdue), one open case and one closed case on the same household;
    # the colleague: 1 household; one household without an official; and another dong's household
    a = cared(dong, official, next_in=-1)
    CaseFactory(household=a, stage="closed")
    CaseFactory(household=a, stage="in_service")
    cared(dong, official, next_in=-4)
    cared(dong, official, next_in=3)
    cared(dong, official, status="not_under_care", next_in=-10)
    cared(dong, colleague, next_in=2)
    cared(dong, None, next_in=-1)
    other_household.status, other_household.next_contact_on = "under_care", days(-30)
    other_household.save()

    # When the lead opens the team page
    loads = client_for(lead).get(TEAM).context["loads"]

    # Then one row per official (the unassigned last), counting only the lead's dongs
    rows = [(row.user_id, row.households, row.open_cases, row.overdue) for row in loads]
    assert rows == [(official.pk, 3, 1, 2), (colleague.pk, 1, 0, 0), (None, 1, 0, 1)]


def test_team_load_counts_the_households_without_joining_their_cases(official, dong):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.selectors import team_load

    cared(dong, official, next_in=-1)
    with CaptureQueriesContext(connection) as ctx:
        team_load([dong.pk])

    # The team's households are counted from their own table (the (dong, status) index covers it), never joined
    # to their cases and counted DISTINCT, which sorted every household of the team.
    households = [q["sql"] for q in ctx.captured_queries if 'FROM "households_household"' in q["sql"]]
    assert len(households) == 1
    assert '"households_case"' not in households[0] and "DISTINCT" not in households[0]


def test_team_lists_overdue_contacts_and_cases_without_contact_for_30_days(client_for, lead, official, dong,
                                                                           other_household):
    # Given an overdue household, a case whose household was last seen 45 days ago, one never contacted,
    # one seen last week, and another dong's silent case
    overdue = cared(dong, official, next_in=-6)
    cared(dong, official, next_in=4)
    quiet = CaseFactory(household=cared(dong, official, last_ago=45), stage="in_service")
    never = CaseFactory(household=cared(dong, official, last_ago=None))
    longer = CaseFactory(household=cared(dong, official, last_ago=60), stage="planning")
    CaseFactory(household=cared(dong, official, last_ago=7))
    CaseFactory(household=other_household)

    # When the lead opens the team page
    response = client_for(lead).get(TEAM)

    # Then the lists hold exactly those, never contacted first, then the longest silent
    assert [h.pk for h in response.context["overdue_page"].object_list] == [overdue.pk]
    assert [c.pk for c in response.context["silent_page"].object_list] == [never.pk, longer.pk, quiet.pk]
    # sorted by a COALESCE, not the bare column: PostgreSQL then starts from the few open cases, not from the
    # households' last-contact index (131 → 3 ms at 100,000 households)
    assert "COALESCE" in str(selectors.silent_cases([dong.pk]).query).upper()
    assert "접촉 기록 없음" in response.content.decode()


def test_team_page_query_count_is_constant(client_for, lead, official, colleague, dong):
    client = client_for(lead)

    def make(n):
        for i in range(n):
            who = official if i % 2 else colleague
            CaseFactory(household=cared(dong, who, next_in=-1 - i, last_ago=40), stage="in_service")

    make(3)
    client.get(TEAM)  # warm-up
    few = count_queries(client, TEAM)
    make(30)
    many = count_queries(client, TEAM)

    # session, user, membership, visible dong ids (cached on the user for the rest), the lead's dongs (the dong
    # filter), load per official (households, open cases, the officials' names: three small grouped queries),
    # overdue count + page, silent cases count + page, officials for the reassign choices, the saved filters and
    # the dongs to share them with (issue 15), the bell's unread-notification COUNT (base.html), the access-log
    # INSERT (issue 11): 17
    assert few == many == 17


def test_team_page_empty_states(client_for, lead):
    html = client_for(lead).get(TEAM).content.decode()

    assert "접촉 기한이 지난 세대가 없습니다." in html
    assert "30일 넘게 접촉이 없는 진행 중 사례가 없습니다." in html


def test_checked_rows_or_a_dong_that_name_nothing_change_nothing_and_never_fail(client_for, official, lead,
                                                                                 household):
    before = household.next_contact_on
    for ids in (["9" * 5000], ["9" * 20], ["abc", "", "-1"]):
        response = client_for(official).post(CASELOAD, {"action": "reschedule", "ids": ids, "on": days(7)})
        assert response.status_code in (200, 302)
        response = client_for(lead).post(TEAM, {"action": "reschedule", "ids": ids, "on": days(7)})
        assert response.status_code in (200, 302)
    for dong in ("9" * 5000, "9" * 20, "abc"):
        assert client_for(lead).get(TEAM, {"dong": dong}).status_code == 200
    household.refresh_from_db()
    assert household.next_contact_on == before
