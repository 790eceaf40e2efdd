"""Service-plan goals marked achieved: the service's rules, the button beside each open goal, scoping."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from households.models import CaseGoal, CaseStage
from households.services import case_goal_achieve
from welfare.errors import RuleError
from welfare.models import AccessLog

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def goal_for(case, text="기초생활보장 생계급여 수급", target_on=None) -> CaseGoal:
    return CaseGoal.objects.create(case=case, text=text, target_on=target_on or case.opened_on + dt.timedelta(days=60))


def achieve_url(goal) -> str:
    return reverse("households:case_goal_achieve", args=[goal.case.household_id, goal.case_id, goal.pk])


def detail_url(case) -> str:
    return reverse("households:case_detail", args=[case.household_id, case.pk])


@pytest.fixture
def case(dong, official):
    household = household_with_client(dong)
    return make_case(household, stage=CaseStage.IN_SERVICE, opened_on=TODAY - dt.timedelta(days=40), by=official)


# The service -----------------------------------------------------------------------------------------------------


def test_goal_achieved_on_a_day_is_recorded_and_audited(case, official):
    # given an open goal of a case in service
    goal = goal_for(case)
    day = TODAY - dt.timedelta(days=3)

    # when the official marks it achieved three days ago
    case_goal_achieve(goal=goal, by=official, on=day)

    # then the day is stored and the access log says who did it
    goal.refresh_from_db()
    assert goal.achieved_on == day
    entry = AccessLog.objects.get(verb="households.case.goal_achieved")
    assert (entry.user, entry.household_id, entry.object_id) == (official, case.household_id, str(case.pk))
    assert entry.changes["achieved_on"] == day.isoformat() and entry.changes["goal_id"] == goal.pk


def test_the_day_the_case_opened_is_accepted(case, official):
    goal = goal_for(case)

    case_goal_achieve(goal=goal, by=official, on=case.opened_on)

    goal.refresh_from_db()
    assert goal.achieved_on == case.opened_on


def test_a_day_before_the_case_opened_is_refused(case, official):
    # given an open goal
    goal = goal_for(case)

    # when it is marked achieved the day before the case opened
    with pytest.raises(RuleError) as refused:
        case_goal_achieve(goal=goal, by=official, on=case.opened_on - dt.timedelta(days=1))

    # then nothing is stored or logged, and the message names the opening day
    assert case.opened_on.strftime("%Y-%m-%d") in refused.value.messages[0]
    goal.refresh_from_db()
    assert goal.achieved_on is None
    assert not AccessLog.objects.filter(verb="households.case.goal_achieved").exists()


def test_a_day_in_the_future_is_refused(case, official):
    goal = goal_for(case)

    with pytest.raises(RuleError):
        case_goal_achieve(goal=goal, by=official, on=TODAY + dt.timedelta(days=1))

    goal.refresh_from_db()
    assert goal.achieved_on is None


def test_a_goal_already_achieved_keeps_its_first_day(case, official, lead):
    # given a goal achieved yesterday
    goal = goal_for(case)
    first = TODAY - dt.timedelta(days=1)
    case_goal_achieve(goal=goal, by=official, on=first)

    # when someone marks it again from a page opened before (the same stale object)
    stale = CaseGoal.objects.get(pk=goal.pk)
    stale.achieved_on = None
    with pytest.raises(RuleError):
        case_goal_achieve(goal=stale, by=lead, on=TODAY)

    # then the first day stays and only one entry was logged
    goal.refresh_from_db()
    assert goal.achieved_on == first
    assert AccessLog.objects.filter(verb="households.case.goal_achieved").count() == 1


def test_a_goal_of_a_closed_case_cannot_be_marked(dong, official):
    household = household_with_client(dong)
    closed = make_case(household, stage=CaseStage.CLOSED, opened_on=TODAY - dt.timedelta(days=90), by=official,
                       closed_on=TODAY - dt.timedelta(days=5), closing_reason="goals_met")
    goal = goal_for(closed)

    with pytest.raises(RuleError):
        case_goal_achieve(goal=goal, by=official, on=TODAY - dt.timedelta(days=10))

    goal.refresh_from_db()
    assert goal.achieved_on is None


# The case page and the view --------------------------------------------------------------------------------------


def test_official_marks_a_goal_achieved_with_the_button_beside_it(client_for, case, official):
    # given a case page with one open goal
    goal = goal_for(case)
    web = client_for(official)
    page = web.get(detail_url(case)).content.decode()
    assert f'action="{achieve_url(goal)}"' in page
    assert f'value="{TODAY:%Y-%m-%d}"' in page  # today is offered

    # when the official presses the button with today's date
    response = web.post(achieve_url(goal), {"on": TODAY.isoformat()})

    # then the case page comes back saying so, the goal shows its day, and its button is gone
    assert response.status_code == 302 and response.url == detail_url(case)
    assert any("달성으로 표시했습니다" in str(m) for m in get_messages(response.wsgi_request))
    page = web.get(detail_url(case)).content.decode()
    assert f"{TODAY:%Y-%m-%d} 달성" in page
    assert f'action="{achieve_url(goal)}"' not in page


def test_only_open_goals_get_a_button(client_for, case, official):
    achieved = goal_for(case, text="월세 체납 해소")
    achieved.achieved_on = TODAY - dt.timedelta(days=2)
    achieved.save()
    open_goal = goal_for(case, text="정신건강복지센터 상담 연계")

    page = client_for(official).get(detail_url(case)).content.decode()

    assert f'action="{achieve_url(open_goal)}"' in page
    assert f'action="{achieve_url(achieved)}"' not in page


def test_a_refused_day_shows_the_form_again_with_the_error_and_the_typed_day(client_for, case, official):
    # given an open goal
    goal = goal_for(case)
    too_early = case.opened_on - dt.timedelta(days=7)

    # when the official posts a day before the case opened
    response = client_for(official).post(achieve_url(goal), {"on": too_early.isoformat()})

    # then the form page shows the rule beside the date and keeps what was typed
    assert response.status_code == 200
    form = response.context["form"]
    assert "달성일은 사례 접수일" in form.errors["on"][0]
    assert form["on"].value() == too_early.isoformat()
    assert goal.text in response.content.decode()
    goal.refresh_from_db()
    assert goal.achieved_on is None


def test_a_date_that_is_not_a_date_is_shown_beside_the_field(client_for, case, official):
    goal = goal_for(case)

    response = client_for(official).post(achieve_url(goal), {"on": "어제"})

    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    goal.refresh_from_db()
    assert goal.achieved_on is None


def test_the_form_page_opens_on_get_with_today(client_for, case, official):
    goal = goal_for(case)

    response = client_for(official).get(achieve_url(goal))

    assert response.status_code == 200
    assert response.context["form"]["on"].value() == TODAY


def test_other_dong_official_gets_404(client_for, case, other_dong_official):
    goal = goal_for(case)

    response = client_for(other_dong_official).post(achieve_url(goal), {"on": TODAY.isoformat()})

    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.achieved_on is None


def test_a_goal_reached_through_another_case_is_404(client_for, case, official, dong):
    # given a goal of another case of the same dong
    other_case = make_case(household_with_client(dong), stage=CaseStage.PLANNING, by=official)
    other_goal = goal_for(other_case)

    # when it is posted under the first case's address
    url = reverse("households:case_goal_achieve", args=[case.household_id, case.pk, other_goal.pk])
    response = client_for(official).post(url, {"on": TODAY.isoformat()})

    # then it is not found and stays open
    assert response.status_code == 404
    other_goal.refresh_from_db()
    assert other_goal.achieved_on is None


def test_a_planner_may_not_mark_goals(client_for, case, planner):
    goal = goal_for(case)

    response = client_for(planner).post(achieve_url(goal), {"on": TODAY.isoformat()})

    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.achieved_on is None


def test_a_closed_case_shows_no_button(client_for, dong, official):
    household = household_with_client(dong)
    closed = make_case(household, stage=CaseStage.CLOSED, opened_on=TODAY - dt.timedelta(days=90), by=official,
                       closed_on=TODAY - dt.timedelta(days=5), closing_reason="goals_met")
    goal = goal_for(closed)

    page = client_for(official).get(detail_url(closed)).content.decode()

    assert goal.text in page
    assert f'action="{achieve_url(goal)}"' not in page
