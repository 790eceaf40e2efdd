"""The triage queue's text search (issue 12, item 7): subject name, phone (however written), address and receipt
code; scoped and filtered as the queue is, in the same number of queries whatever the number of reports."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories_network import report

pytestmark = pytest.mark.django_db
QUEUE = reverse("discovery:queue")


def codes(client, **params) -> set[str]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return {r.receipt_code for r in response.context["page"].object_list}


@pytest.fixture
def reports(dong):
    return {
        "kim": report(dong, subject_name="김순자", subject_phone="01023456789", subject_address="왕십리로 222"),
        "lee": report(dong, subject_name="이영호", subject_phone="0222901234", subject_address="마장로 31 2층"),
        "park": report(dong, subject_name="박말순", subject_address="왕십리로 15, 101동 1203호"),
    }


@pytest.mark.parametrize("text, expected", [
    ("김순자", {"kim"}),
    ("순자", {"kim"}),
    ("  이영호 ", {"lee"}),
    ("010-2345-6789", {"kim"}),
    ("010 2345 6789", {"kim"}),
    ("+82 10-2345-6789", {"kim"}),
    ("6789", {"kim"}),
    ("02-2290-1234", {"lee"}),
    ("왕십리로", {"kim", "park"}),
    ("왕십리로  222", {"kim"}),  # spaces collapsed
    ("마장로 31", {"lee"}),
    ("101동", {"park"}),
    ("없는사람", set()),
])
def test_search_by_name_phone_and_address(client_for, official, reports, text, expected):
    assert codes(client_for(official), q=text) == {reports[k].receipt_code for k in expected}


def test_an_address_number_does_not_match_phones(client_for, official, reports, dong):
    # "222" is in 김순자's address; 이영호's phone holds "229" and 김순자's "234": an address with letters is no number.
    assert codes(client_for(official), q="왕십리로 222") == {reports["kim"].receipt_code}


def test_search_by_receipt_code_whole_or_in_part_any_case(client_for, official, reports):
    code = reports["lee"].receipt_code
    client = client_for(official)

    assert codes(client, q=code) == {code}
    assert codes(client, q=code.lower()) == {code}
    assert codes(client, q=code[:5]) >= {code}


def test_search_combines_with_the_other_filters(client_for, official, reports):
    client = client_for(official)
    reports["kim"].urgency = "urgent"
    reports["kim"].save()

    assert codes(client, q="왕십리로", urgency="urgent") == {reports["kim"].receipt_code}
    reports["park"].status, reports["park"].outcome = "resolved", "no_need"
    reports["park"].save()
    assert codes(client, q="박말순") == set()  # the queue shows open reports unless a status is chosen
    assert codes(client, q="박말순", status="resolved") == {reports["park"].receipt_code}


def test_search_never_reaches_another_dongs_reports(client_for, official, reports, second_dong):
    theirs = report(second_dong, subject_name="김순자", subject_phone="01023456789")

    found = codes(client_for(official), q="김순자")

    assert theirs.receipt_code not in found and found == {reports["kim"].receipt_code}


def test_the_search_box_is_on_the_page_and_keeps_its_text(client_for, official, reports):
    html = client_for(official).get(QUEUE, {"q": "김순자"}).content.decode()

    assert 'name="q"' in html and 'value="김순자"' in html and 'type="search"' in html


def test_an_overlong_search_is_refused_not_run(client_for, official, reports):
    response = client_for(official).get(QUEUE, {"q": "가" * 101})

    assert response.status_code == 200
    assert response.context["form"].errors["q"]


def test_search_costs_the_same_number_of_queries_whatever_the_number_of_reports(client_for, official, dong):
    client = client_for(official)
    report(dong, subject_name="김순자", subject_phone="01023456789")
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE, {"q": "김순자"})
    for n in range(40):
        report(dong, subject_name=f"김순자{n}", subject_phone=f"0102345{n:04d}", subject_address=f"왕십리로 {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE, {"q": "010-2345"})
    with CaptureQueriesContext(connection) as unfiltered:
        client.get(QUEUE)

    assert len(response.context["page"].object_list) == 25
    assert len(few.captured_queries) == len(many.captured_queries) == len(unfiltered.captured_queries)
