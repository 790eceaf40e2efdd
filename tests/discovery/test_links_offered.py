"""A page offers only links the reader may open: each link below once answered 403 or 404 to the person it was
shown to (found by following every link of the demo as each demo account)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from discovery import services
from households import timeline
from households.models import CaseStage
from tests.factories import UserFactory
from tests.households.factories_cases import household_with_client, make_case

from .factories_imports import crisis_row
from .factories_reports import household_at, new_report
from .test_rounds import detail as round_url
from .test_rounds import imported_round

pytestmark = pytest.mark.django_db


def hrefs(html: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="([^"#]+)"', html)}


@pytest.fixture
def root():
    """A superuser without a district (``createsuperuser``): the district's own pages refuse it."""
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_timeline_report_line_links_only_for_those_who_may_open_the_report(dong, official, other_dong_official):
    household = household_at(dong, "왕십리로 5")
    report = new_report(dong, by=official, channel="kakao")
    services.report_link_household(report=report, household=household, by=official)
    link = reverse("discovery:report_detail", args=[report.pk])

    def report_line(user):
        return next(e for e in timeline.household_timeline(household, user=user).object_list if e.kind == "report")

    assert report_line(official).url == link
    # Another dong's official may not open the report: the line stays, its link goes.
    hidden = report_line(other_dong_official)
    assert hidden.url is None and report.receipt_code in hidden.summary
    assert report_line(None).url is None


def test_the_household_page_shows_a_report_without_a_link_to_whoever_may_not_open_it(
        client_for, dong, official, case_team):
    # The district's case team sees a household with an open difficult case, not the dong's crisis reports.
    household = household_with_client(dong)
    make_case(household, stage=CaseStage.IN_SERVICE, by=official, case_class="difficult")
    report = new_report(dong, by=official, channel="kakao")
    services.report_link_household(report=report, household=household, by=official)
    link = reverse("discovery:report_detail", args=[report.pk])
    page = reverse("households:detail", args=[household.pk])

    assert link in hrefs(client_for(official).get(page).content.decode())
    response = client_for(case_team).get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert report.receipt_code in html and link not in hrefs(html)
    assert client_for(case_team).get(link).status_code == 404


def test_the_network_page_links_the_reporting_places_only_for_who_keeps_them(client_for, official, planner, root):
    sources = reverse("discovery:source_list")
    network = reverse("discovery:network_list")

    assert sources in hrefs(client_for(official).get(network).content.decode())
    assert client_for(official).get(sources).status_code == 200
    for user in (planner, root):
        assert sources not in hrefs(client_for(user).get(network).content.decode())
        assert client_for(user).get(sources).status_code == 403


def test_the_resource_directory_offers_the_guide_and_a_new_resource_only_within_a_district(client_for, planner,
                                                                                           root):
    directory = reverse("plans:resource_list")
    guide, create = reverse("plans:welfare_guide"), reverse("plans:resource_create")

    links = hrefs(client_for(planner).get(directory).content.decode())
    assert {guide, create} <= links
    assert client_for(planner).get(guide).status_code == 200
    assert client_for(planner).get(create).status_code == 200
    links = hrefs(client_for(root).get(directory).content.decode())
    assert not {guide, create} & links
    assert client_for(root).get(guide).status_code == 403
    assert client_for(root).get(create).status_code == 403


def test_the_import_list_offers_an_upload_only_to_who_may_upload_here(client_for, district_admin, root):
    imports, upload = reverse("discovery:import_list"), reverse("discovery:import_create")

    assert upload in hrefs(client_for(district_admin).get(imports).content.decode())
    assert client_for(district_admin).get(upload).status_code == 200
    assert upload not in hrefs(client_for(root).get(imports).content.decode())
    assert client_for(root).get(upload).status_code == 403


def test_a_round_links_the_target_lists_of_the_readers_own_dongs_only(client_for, dong, second_dong, official,
                                                                      planner):
    round_ = imported_round(dong.district, [crisis_row(1), crisis_row(2, "마장동")])
    own, other = round_url(round_, dong=dong.pk), round_url(round_, dong=second_dong.pk)

    links = hrefs(client_for(official).get(round_url(round_)).content.decode())
    assert own.removeprefix(round_url(round_)) in links and other.removeprefix(round_url(round_)) not in links
    assert client_for(official).get(own).status_code == 200
    assert client_for(official).get(other).status_code == 404
    # A planner sees every dong's progress, by name, and no target list (aggregates only).
    response = client_for(planner).get(round_url(round_))
    assert "마장동" in response.content.decode()
    assert not any(link.startswith("?dong=") for link in hrefs(response.content.decode()))
    assert client_for(planner).get(own).status_code == 404
