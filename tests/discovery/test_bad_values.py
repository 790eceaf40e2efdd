"""Values a client may send to discovery's and the household pages' forms: anything gets a clear answer (a 404,
the form's error, the default page), never 500. Each case below once answered 500 (found by sending such values
to every form of the demo)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discovery.models import NetworkMember

from .factories_reports import new_report

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "", "-1", "1900-01-01", "<script>", "\x00", "9" * 29]


@pytest.mark.parametrize("back", ["abc", "0", "1900-01-01", "<script>", "https://evil.example/", "//evil.example/"])
def test_a_queue_action_with_a_strange_return_address_goes_back_to_the_queue(client_for, dong, official, lead,
                                                                             back):
    report = new_report(dong, by=official)
    queue = reverse("discovery:queue")

    assign = client_for(lead).post(reverse("discovery:queue_assign"),
                                   {"ids": [report.pk], "to_user": official.pk, "next": back})
    resolve = client_for(official).post(reverse("discovery:report_quick_resolve", args=[report.pk]),
                                        {"outcome": "no_need", "reason": "확인 결과 필요 없음", "next": back})

    assert (assign.status_code, assign["Location"]) == (302, queue)
    assert (resolve.status_code, resolve["Location"]) == (302, queue)
    report.refresh_from_db()
    assert report.status == "resolved"


def test_a_queue_action_goes_back_to_the_page_it_came_from(client_for, dong, official):
    report = new_report(dong, by=official)
    back = reverse("discovery:queue") + "?urgency=urgent&page=2"
    response = client_for(official).post(reverse("discovery:report_quick_resolve", args=[report.pk]),
                                         {"outcome": "no_need", "reason": "확인", "next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("value", NOT_IDS)
def test_linking_a_report_to_a_household_that_is_not_a_number_is_404(client_for, dong, official, value):
    report = new_report(dong, by=official)
    response = client_for(official).post(reverse("discovery:report_link", args=[report.pk]), {"household": value})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.household_id is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_areas_from_addresses_for_a_dong_that_is_not_a_number_is_404(client_for, lead, value):
    response = client_for(lead).post(reverse("households:areas"), {"action": "from_addresses", "dong": value})
    assert response.status_code == 404


def test_a_round_page_for_a_dong_that_is_not_a_number_is_404(client_for, dong, official):
    from .factories_imports import crisis_row
    from .test_rounds import detail, imported_round

    round_ = imported_round(dong.district, [crisis_row(1)])
    assert client_for(official).get(detail(round_, dong=dong.pk)).status_code == 200
    for value in ("abc", "9" * 29, "-1"):
        assert client_for(official).get(detail(round_, dong=value)).status_code == 404


def test_a_member_for_a_dong_id_too_large_for_the_column_is_refused_on_the_form(client_for, dong, official):
    from .test_network import member_post

    data = member_post([dong])
    data["dongs"] = [str(2**70)]
    response = client_for(official).post(reverse("discovery:network_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["dongs"]
    assert not NetworkMember.objects.exists()


@pytest.mark.parametrize("owner", ["household:abc", "household:", "household:" + "9" * 5000, "nothing:1", ":"])
def test_an_attachment_for_an_owner_that_names_nothing_is_404(client_for, official, owner):
    response = client_for(official).get(reverse("households:attachment_add"), {"owner": owner})
    assert response.status_code == 404
