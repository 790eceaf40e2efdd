"""Sensitive details are kept apart, shown only to case-running roles, and every view is logged."""

import pytest
from django.urls import reverse

from households.models import SensitiveProfile
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(household):
    return SensitiveProfile.objects.create(resident=household.residents.get(), mental_health="우울 증상 호소")


def test_official_sees_sensitive_details_and_the_view_is_logged(client_for, official, household, profile):
    body = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()

    assert "우울 증상 호소" in body
    entry = AccessLog.objects.get(verb="households.household.viewed")
    assert entry.user == official and entry.changes == {"sensitive": True}


def test_district_admin_does_not_see_sensitive_details(client_for, district_admin, household, profile):
    response = client_for(district_admin).get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200
    assert "우울 증상 호소" not in response.content.decode()
    assert client_for(district_admin).get(
        reverse("households:sensitive_edit", args=[household.pk, profile.resident_id])
    ).status_code == 403


def test_sensitive_text_is_encrypted_at_rest(profile):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT mental_health FROM households_sensitiveprofile WHERE id = %s", [profile.pk])
        (stored,) = cursor.fetchone()
    assert "우울" not in stored


def test_saving_logs_field_names_not_contents(client_for, official, household):
    resident = household.residents.get()

    client_for(official).post(
        reverse("households:sensitive_edit", args=[household.pk, resident.pk]),
        {"physical_health": "당뇨", "mental_health": "", "disability_type": "", "disability_severity": "",
         "addiction": ""},
    )

    entry = AccessLog.objects.get(verb="households.sensitiveprofile.created")
    assert "당뇨" not in str(entry.changes)
    assert resident.sensitive_profile.physical_health == "당뇨"
