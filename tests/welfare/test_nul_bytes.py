"""A NUL in what a page is asked for answers like any other odd value.

PostgreSQL refuses a NUL in any text parameter: the header search answered 500 to ``김\x00순자`` (a NUL alone was
too short to be searched, so the crawl's NUL never reached the database). These run on PostgreSQL in CI.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from discovery.models import BigDataRound
from households.models import Household
from tests.discovery.factories_network import member

pytestmark = pytest.mark.django_db


def test_pages_that_read_a_raw_value_answer_instead_of_failing(client_for, official, dong):
    member(dong, name="김가스")
    client = client_for(official)

    # the header search: tests/welfare/test_search.py
    assert client.get(reverse("discovery:network_list"), {"q": "김\x00가스"}).status_code == 200
    assert client.get(reverse("discovery:round_list"), {"system": "x\x00"}).status_code == 200
    response = client.get(reverse("households:list"), {"q": "김\x00가스", "sort": "name\x00"})
    assert response.status_code == 200
    assert not BigDataRound.objects.exists() and not Household.objects.exists()
