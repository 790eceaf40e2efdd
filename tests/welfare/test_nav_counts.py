"""The header's counts of waiting work (/nav/counts/): in scope, only for the user's capabilities, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from tests.discovery.factories_network import report

pytestmark = pytest.mark.django_db


def test_counts_are_scoped_and_constant(
    client_for, official, dong, second_dong, household, django_assert_max_num_queries
):
    for _ in range(3):
        report(dong)
    report(second_dong)  # another dong's: not counted
    Household.objects.filter(pk=household.pk).update(
        assigned_official=official,
        status="under_care",
        next_contact_on=timezone.localdate() - dt.timedelta(days=1),
    )
    web = client_for(official)
    web.get(reverse("nav_counts"))  # warm the session and the membership
    with django_assert_max_num_queries(8):
        body = web.get(reverse("nav_counts")).json()
    assert body["counts"] == {"triage": 3, "caseload": 1}


def test_a_planner_gets_no_counts_of_work_he_does_not_do(client_for, planner, dong):
    report(dong)
    assert client_for(planner).get(reverse("nav_counts")).json()["counts"] == {}


def test_signed_out_the_counts_redirect_to_login(client):
    assert client.get(reverse("nav_counts")).status_code == 302
