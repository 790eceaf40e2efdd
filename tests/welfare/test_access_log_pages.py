"""Issue 11 items 7 and 10: personal-data list pages write one access-log entry per view (the query and the count
shown), and the district admin reads the access log, dongs and risk indicators in product pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discovery.models import RiskIndicator
from tests.discovery.factories_imports import make_round
from tests.factories import HouseholdFactory
from welfare.models import AccessLog, Dong

pytestmark = pytest.mark.django_db


def _only(verb: str) -> AccessLog:
    entries = list(AccessLog.objects.filter(verb=verb))
    assert len(entries) == 1, [e.verb for e in AccessLog.objects.all()]
    return entries[0]


# --- item 7: list pages ----------------------------------------------------------------------------------------

def test_the_household_list_and_search_log_the_query_and_the_count_shown(client_for, official, household):
    HouseholdFactory(dong=household.dong)

    client_for(official).get("/households/", {"q": "왕십리로", "page": "1"})

    entry = _only("households.household.listed")
    assert (entry.user, entry.action) == (official, "view")
    assert entry.changes["filters"] == {"q": "왕십리로"}
    assert entry.changes["count"] == entry.changes["total"]
    assert entry.household_id is None


def test_the_caseload_and_team_pages_log_one_entry_each(client_for, lead, dong):
    HouseholdFactory(dong=dong, assigned_official=lead, status="under_care")
    client = client_for(lead)

    client.get(reverse("households:caseload"), {"risk_level": "high"})
    client.get(reverse("households:team"))

    caseload = _only("households.caseload.listed")
    assert caseload.changes["filters"] == {"risk_level": "high"}
    team = _only("households.team.listed")
    assert team.action == "view" and "count" in team.changes


def test_the_triage_queue_logs_one_entry(client_for, official):
    client_for(official).get(reverse("discovery:queue"))

    entry = _only("discovery.report.listed")
    assert entry.action == "view" and entry.changes["count"] == 0


def test_the_round_page_logs_one_entry_naming_the_round(client_for, official, dong):
    round_ = make_round(dong.district)

    client_for(official).get(reverse("discovery:round_detail", args=[round_.pk]), {"dong": dong.pk})

    entry = _only("discovery.bigdataround.viewed")
    assert (entry.object_id, entry.changes["filters"]) == (str(round_.pk), {"dong": str(dong.pk)})


# --- item 10: the district admin's pages -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/district/access/", "/district/dongs/", "/discovery/indicators/"])
def test_a_district_admin_opens_the_access_log_dongs_and_risk_indicators(client_for, district_admin, url):
    assert not district_admin.is_superuser

    response = client_for(district_admin).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/district/access/", "/district/dongs/", "/district/reference/indicators/"])
def test_dong_staff_and_planners_are_refused(client_for, official, planner, url):
    assert client_for(official).get(url).status_code == 403
    assert client_for(planner).get(url).status_code == 403


def test_the_dongs_page_lists_the_districts_dongs_only(client_for, district_admin, dong, other_district_dong):
    body = client_for(district_admin).get("/district/dongs/").content.decode()

    assert dong.name in body and other_district_dong.name not in body


def test_the_admin_edits_a_dong_and_the_change_is_logged(client_for, district_admin, dong):
    response = client_for(district_admin).post(f"/district/dongs/{dong.pk}/",
                                               {"name": dong.name, "admin_code": "1120054000", "is_high_risk": "on"})

    assert response.status_code == 302
    dong.refresh_from_db()
    assert (dong.admin_code, dong.is_high_risk) == ("1120054000", True)
    entry = _only("welfare.dong.updated")
    assert entry.user == district_admin and "admin_code" in entry.changes


def test_a_wrong_dong_code_is_refused_on_its_field(client_for, district_admin, dong):
    response = client_for(district_admin).post(f"/district/dongs/{dong.pk}/", {"name": dong.name, "admin_code": "12"})

    assert response.status_code == 200
    assert "숫자 10자리" in response.content.decode()
    assert Dong.objects.get(pk=dong.pk).admin_code == ""


def test_another_districts_dong_is_404(client_for, district_admin, other_district_dong):
    assert client_for(district_admin).get(f"/district/dongs/{other_district_dong.pk}/").status_code == 404


def test_the_admin_edits_a_risk_indicator_and_the_change_is_logged(client_for, district_admin):
    indicator = RiskIndicator.objects.order_by("code").first()
    client = client_for(district_admin)
    assert indicator.name_ko in client.get("/district/reference/indicators/", follow=True).content.decode()

    response = client.post(f"/district/reference/indicators/{indicator.pk}/",
                           {"name_ko": "단전 위기", "name_en": indicator.name_en, "signal": indicator.signal})

    assert response.status_code == 302
    assert RiskIndicator.objects.get(pk=indicator.pk).name_ko == "단전 위기"
    assert _only("discovery.riskindicator.updated").user == district_admin


def test_an_unknown_reference_table_is_404(client_for, district_admin):
    assert client_for(district_admin).get("/district/reference/nothing/").status_code == 404
