"""The triage queue reads a page's ids first from the bare reports (issue 19): a Ministry round of 50,000 open
reports in two dongs took the official's queue 276 ms, a sort of every report's whole row with its joins, spilled
to disk; the ids are now the top 25 of a sort on narrow rows, read from a covering partial index, and the joins
run for those 25 rows only. The order is the one rule (urgent, overdue, oldest) on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.forms.triage import QueueFilterForm
from discovery.models import CrisisReport
from discovery.views.reports import triage_queryset
from tests.households.test_sort_indexes import POSTGRES

from .factories_reports import new_report

pytestmark = pytest.mark.django_db
QUEUE = reverse("discovery:queue")


@pytest.fixture
def reports(dong, official):
    """60 open reports of every kind the order tells apart (urgent or not, overdue or not, contacted or not), with
    ties on the received time; and two resolved ones, which the queue leaves out."""
    now = timezone.now()
    made = []
    for i in range(60):
        received = now - dt.timedelta(days=(i % 12) + (0.5 if i % 3 else 0))  # same instant for several reports
        report = new_report(dong, by=official, urgency="urgent" if i % 7 == 0 else "normal", received_at=received)
        if i % 5 == 0:
            services.contact_attempt_record(report=report, by=official, method="phone", reached=True)
        made.append(report)
    for report in made[:2]:
        services.report_resolve(report=report, by=official, outcome="no_need", reason="욕구 없음")
    return made


def expected_order() -> list[str]:
    """The rule, written out on loaded reports: urgent first, then overdue, then oldest, then by id."""
    open_reports = [r for r in CrisisReport.objects.all() if r.status != "resolved"]
    return [r.receipt_code for r in sorted(open_reports, key=lambda r: (
        r.urgency != "urgent", not r.is_overdue, r.received_at, r.pk))]


def test_every_page_is_the_rule_in_order_and_each_report_appears_once(client_for, official, reports):
    client = client_for(official)
    shown = []
    for number in (1, 2, 3):  # 58 open reports: 25 + 25 + 8; the third page is read from the end
        response = client.get(QUEUE, {"page": number})
        assert response.status_code == 200
        page = response.context["page"]
        shown += [r.receipt_code for r in page.object_list]
        assert all(r.dong and hasattr(r, "age") for r in page.object_list)
    assert shown == expected_order()
    assert len(shown) == len(set(shown)) == 58


def test_the_page_reads_its_25_ids_first_and_joins_for_those_rows_only(client_for, official, reports):
    client = client_for(official)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    rows = [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith('SELECT "discovery_crisisreport"."id"') and "JOIN" in q["sql"]]
    assert len(rows) == 1
    inner = rows[0].split(" IN (SELECT ", 1)[1]
    assert "LIMIT 25" in inner and "JOIN" not in inner.split("LIMIT 25")[0]


def test_the_count_and_the_ids_read_only_columns_of_the_open_queue_index(rf, official):
    """What lets PostgreSQL read the queue's count and its top 25 from the index alone: every column the bare
    query reads is a key or an included column of ``report_open_queue_idx``, and it asks for open reports, the
    index's condition."""
    index = next(i for i in CrisisReport._meta.indexes if i.name == "report_open_queue_idx")
    fields = {CrisisReport._meta.get_field(name).column for name in (*index.fields, *index.include)}
    request = rf.get(QUEUE)
    request.user = official
    form = QueueFilterForm(None, user=official)
    bare = triage_queryset(official, form, timezone.now())

    for queryset in (bare.values("pk"), bare.order_by().values("pk")):
        sql, _params = queryset.query.get_compiler(connection=POSTGRES).as_sql()
        read = set(re.findall(r'"discovery_crisisreport"\."(\w+)"', sql))
        assert read <= fields, read - fields
        assert 'NOT ("discovery_crisisreport"."status" = %s)' in sql
        assert "JOIN" not in sql
