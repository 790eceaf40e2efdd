"""Who may use the visit-work pages: editors write; planners get 403; another dong's objects are 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import CheckIn, FollowUp, IsolationScreening, MemberEvent, Visit

from .factories_visits import FollowUpFactory, VisitFactory

pytestmark = pytest.mark.django_db

# (url name, extra object the url names, methods); "visit" and "follow_up" and "resident" are made per household.
WRITE_URLS = [
    ("visit_add", None, ("get", "post")),
    ("followup_add", None, ("get", "post")),
    ("followup_cancel", "follow_up", ("post",)),
    ("checkin_add", None, ("get", "post")),
    ("isolation_add", None, ("get", "post")),
    ("member_join", None, ("get", "post")),
    ("member_leave", "resident", ("get", "post")),
    ("head_change", None, ("get", "post")),
]
ALL_URLS = [*WRITE_URLS, ("visit_detail", "visit", ("get",))]


def url_for(name: str, extra: str | None, household) -> str:
    args = [household.pk]
    if extra == "visit":
        args.append(VisitFactory(household=household).pk)
    elif extra == "follow_up":
        args.append(FollowUpFactory(household=household, reason="manual").pk)
    elif extra == "resident":
        args.append(household.residents.get(relation="head").pk)
    return reverse(f"households:{name}", args=args)


def post_data() -> dict:
    today = timezone.localdate().isoformat()
    # A minute ago, whatever the hour: a fixed 10:00 is in the future before ten in the morning in Seoul.
    earlier = (timezone.localtime() - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": "home", "contact_result": "met", "risk_level": "high", "visited_at": earlier,
            "followup-due_on": today, "checkin-at": earlier, "checkin-source": "iot",
            "checkin-is_alert": "0", "screened_on": today, "on": today, "reason": "moved_out", "name": "외부인",
            "relation": "child", "moved_in_on": today}


def nothing_written() -> bool:
    return not (Visit.objects.exclude(observations="").exists() or Visit.objects.filter(risk_level="high").exists()
                or CheckIn.objects.exists() or IsolationScreening.objects.exists() or MemberEvent.objects.exists()
                or FollowUp.objects.filter(status="cancelled").exists())


@pytest.mark.parametrize(("name", "extra", "methods"), ALL_URLS)
def test_another_dongs_household_is_404_on_every_page(client_for, official, other_household, name, extra, methods):
    url = url_for(name, extra, other_household)
    client = client_for(official)

    for method in methods:
        response = getattr(client, method)(url, post_data() if method == "post" else None)
        assert response.status_code == 404, (name, method)
    assert nothing_written()


@pytest.mark.parametrize(("name", "extra", "methods"), WRITE_URLS)
def test_a_planner_gets_403_on_every_write(client_for, planner, household, name, extra, methods):
    url = url_for(name, extra, household)
    client = client_for(planner)

    for method in methods:
        response = getattr(client, method)(url, post_data() if method == "post" else None)
        assert response.status_code == 403, (name, method)
    assert nothing_written()


def test_a_planner_without_personal_access_cannot_open_a_visit(client_for, planner, household):
    # reading is not a write: the planner is refused as for any personal record, by scope (404)
    url = url_for("visit_detail", "visit", household)

    assert client_for(planner).get(url).status_code == 404


@pytest.mark.parametrize(("name", "extra"), [("visit_detail", "visit"), ("followup_cancel", "follow_up"),
                                             ("member_leave", "resident")])
def test_another_households_object_through_ones_own_household_is_404(client_for, official, household,
                                                                     other_household, name, extra):
    # given a URL with the official's household but an object of a household of another dong
    foreign = url_for(name, extra, other_household)
    url = foreign.replace(f"/{other_household.pk}/", f"/{household.pk}/", 1)
    client = client_for(official)

    response = client.post(url) if name == "followup_cancel" else client.get(url)

    assert response.status_code == 404
    assert not FollowUp.objects.filter(status="cancelled").exists()


@pytest.mark.parametrize("actor", ["official", "lead", "district_admin"])
def test_every_editor_may_log_a_visit(client_for, request, household, actor):
    user = request.getfixturevalue(actor)

    response = client_for(user).post(reverse("households:visit_add", args=[household.pk]), post_data())

    assert response.status_code == 302
    assert Visit.objects.get(household=household).recorded_by == user


def test_someone_logged_out_is_sent_to_the_login_page(client, household):
    response = client.get(reverse("households:visit_add", args=[household.pk]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_planner_sees_no_edit_actions_on_a_household_he_may_read(client_for, planner, household):
    planner.staff.personal_access = True
    planner.staff.save()

    response = client_for(planner).get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200
    assert reverse("households:visit_add", args=[household.pk]) not in response.content.decode()
