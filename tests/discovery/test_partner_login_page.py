"""Issue 20 item 5, the page the partners' door lacked: a network keeper creates a network member's own login from
the member's page (a plain account with no staff role, a validated password), the member then signs in and sees
/report/mine/; the keeper takes it away again (the account is deactivated, kept for the logs). Refusals save
nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from discovery.models import NetworkMember

pytestmark = pytest.mark.django_db

GOOD = "Dongbu-partner-2026!"


@pytest.fixture
def member(dong):
    member = NetworkMember.objects.create(district=dong.district, name="명예 김씨", role="honorary",
                                          phone="010-7777-1111")
    member.dongs.set([dong])
    return member


def login_url(member) -> str:
    return reverse("discovery:network_login", args=[member.pk])


def test_a_keeper_creates_the_members_login_and_the_member_sees_their_reports(client, client_for, official, member):
    keeper = client_for(official)
    assert 'id="partner-login"' in keeper.get(reverse("discovery:network_edit", args=[member.pk])).content.decode()

    keeper.post(login_url(member), {"username": "kim-partner", "password": GOOD})

    member.refresh_from_db()
    assert member.user is not None and member.user.username == "kim-partner"
    assert not hasattr(member.user, "staff") or getattr(member.user, "staff", None) is None
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "kim-partner", "password": GOOD})
    assert signed_in.status_code == 302  # the login page accepted the new account
    assert client.get(reverse("report:mine")).status_code == 200


@pytest.mark.parametrize(("data", "why"), [
    ({"username": "official", "password": GOOD}, "taken"),  # the official's own username
    ({"username": "kim partner!", "password": GOOD}, "bad characters"),
    ({"username": "kim-partner", "password": "1234"}, "weak password"),
])
def test_a_refused_login_creates_no_account(client_for, official, member, data, why):
    before = get_user_model().objects.count()
    client_for(official).post(login_url(member), data)
    member.refresh_from_db()
    assert member.user is None and get_user_model().objects.count() == before, why


def test_the_keeper_takes_the_login_away(client, client_for, official, member):
    keeper = client_for(official)
    keeper.post(login_url(member), {"username": "kim-partner", "password": GOOD})
    keeper.post(login_url(member), {"action": "unlink"})

    member.refresh_from_db()
    assert member.user is None
    user = get_user_model().objects.get(username="kim-partner")
    assert not user.is_active


def test_a_nurse_and_another_dongs_official_may_not(client_for, nurse, other_dong_official, member):
    assert client_for(nurse).post(login_url(member), {"username": "x-partner", "password": GOOD}).status_code == 403
    assert client_for(other_dong_official).post(
        login_url(member), {"username": "y-partner", "password": GOOD}).status_code == 404
    member.refresh_from_db()
    assert member.user is None
