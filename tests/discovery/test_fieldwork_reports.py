"""The field pack's crisis reports (discovery.fieldwork.open_reports): the official's own open reports and those
about a household of the pack, by first-contact deadline, capped; never a resolved one, another official's report
about a household outside the pack, or another dong's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery import fieldwork, services
from discovery.models import CrisisReport
from tests.factories import HouseholdFactory

from .factories_reports import new_report

pytestmark = pytest.mark.django_db


def report(dong, by, *, days_ago: float, to=None, household=None):
    made = new_report(dong, by=by, received_at=timezone.now() - dt.timedelta(days=days_ago))
    CrisisReport.objects.filter(pk=made.pk).update(assigned_official=to, household=household)
    return CrisisReport.objects.get(pk=made.pk)


def test_own_reports_and_those_about_the_packs_households_by_deadline(dong, second_dong, official, lead,
                                                                      other_dong_official):
    in_pack, elsewhere = HouseholdFactory(dong=dong), HouseholdFactory(dong=dong)
    mine_late = report(dong, official, days_ago=1, to=official)
    about_pack = report(dong, official, days_ago=3, to=lead, household=in_pack)  # another official's, in the pack
    mine_early = report(dong, official, days_ago=5, to=official)
    report(dong, official, days_ago=4, to=lead, household=elsewhere)  # another official's, not in the pack
    resolved = report(dong, official, days_ago=6, to=official)
    services.report_resolve(report=resolved, by=official, outcome="no_need", reason="욕구 없음")
    report(second_dong, other_dong_official, days_ago=7, to=official)  # assigned, but of a dong not hers

    with CaptureQueriesContext(connection) as queries:
        items = fieldwork.open_reports(official, [in_pack.pk])["items"]

    assert [i["id"] for i in items] == [mine_early.pk, about_pack.pk, mine_late.pk]
    assert items[1]["household"] == in_pack.pk and not items[1]["contacted"]
    reads = [q["sql"] for q in queries.captured_queries if "discovery_crisisreport" in q["sql"]]
    assert len(reads) == 1 and " UNION " in reads[0]


def test_the_cap_keeps_the_earliest_deadlines_of_both_kinds(dong, official, monkeypatch):
    monkeypatch.setattr(fieldwork, "PACK_REPORTS", 3)
    in_pack = HouseholdFactory(dong=dong)
    own = [report(dong, official, days_ago=10 - i, to=official) for i in range(5)]
    about = report(dong, official, days_ago=20, household=in_pack)  # the earliest deadline of all

    items = fieldwork.open_reports(official, [in_pack.pk])["items"]

    assert [i["id"] for i in items] == [about.pk, own[0].pk, own[1].pk]
