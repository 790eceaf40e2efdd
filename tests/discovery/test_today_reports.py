"""The today page's crisis-report sections (an official's open reports; the open reports of a lead's dongs with no
official): the first ten by first-contact deadline and how many in all, the ten found by their ids first, so that
thousands of open reports (a Ministry round) are read from an index, not from the table (issue 19)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery import today as sections
from tests.discovery.factories_network import report

pytestmark = pytest.mark.django_db


def _reports(dong, n, **extra):
    now = timezone.now()
    return [report(dong, first_contact_due_at=now + dt.timedelta(hours=n - i), **extra) for i in range(n)]


def test_an_officials_open_reports_are_the_ten_nearest_deadlines_and_the_count(official, dong, other_district_dong):
    mine = _reports(dong, 12, assigned_official=official, status="received")
    _reports(dong, 2, assigned_official=official, status="resolved", outcome="연계 완료")
    _reports(dong, 3, status="received")  # nobody's
    _reports(other_district_dong, 2, assigned_official=official, status="received")  # not in the official's dongs

    with CaptureQueriesContext(connection) as ctx:
        block = sections.my_reports(official, timezone.localdate())

    nearest = sorted(mine, key=lambda r: (r.first_contact_due_at, r.pk))[:10]
    assert [row.url.rstrip("/").rsplit("/", 1)[-1] for row in block.rows] == [str(r.pk) for r in nearest]
    assert block.total == 12
    reports = [q["sql"] for q in ctx.captured_queries if '"discovery_crisisreport"' in q["sql"]]
    assert len(reports) == 2  # the rows, the count
    assert "LIMIT 11" in reports[0] and " IN (SELECT " in reports[0]  # the ids first, in the same statement


def test_a_leads_unassigned_reports_are_the_open_ones_of_its_dongs_with_no_official(lead, official, dong,
                                                                                     second_dong):
    waiting = _reports(dong, 11, status="received")
    _reports(dong, 2, assigned_official=official, status="received")
    _reports(dong, 1, status="resolved", outcome="연계 완료")
    _reports(second_dong, 2, status="received")  # a dong the lead does not lead

    block = sections.unassigned_reports(lead, timezone.localdate())

    nearest = sorted(waiting, key=lambda r: (r.first_contact_due_at, r.pk))[:10]
    assert [row.url.rstrip("/").rsplit("/", 1)[-1] for row in block.rows] == [str(r.pk) for r in nearest]
    assert block.total == 11


def test_few_reports_take_one_query(official, dong):
    _reports(dong, 3, assigned_official=official, status="received")

    with CaptureQueriesContext(connection) as ctx:
        block = sections.my_reports(official, timezone.localdate())

    reports = [q for q in ctx.captured_queries if '"discovery_crisisreport"' in q["sql"]]
    assert (len(block.rows), block.total, len(reports)) == (3, 3, 1)
