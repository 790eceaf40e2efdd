"""Bench scenarios of the households app: the household list (beside its raw query), the household page with a
long timeline (issue 3), my caseload and the team page.
"""

from __future__ import annotations

import math
import re

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import selectors, timeline
from households.models import CaseStage, Household, RiskLevel

from ..busy import seed_busy_household
from .core import Bench, Row, compiled, fetch_raw, get_ok, page_row, rolled_back

LIST_PAGE = 25
# The columns the list page shows.
LIST_COLUMNS = ("pk", "road_address", "address_detail", "is_demo", "dong__name", "housing_type", "risk_level",
                "status", "assigned_official__first_name", "assigned_official__last_name",
                "assigned_official__username", "next_contact_on", "head_name")


def listed_households(user, risk_level: str | None) -> QuerySet:
    """The households the list page shows the user, filtered as its ``?risk_level=`` does (product querysets)."""
    households = Household.objects.visible_to(user)
    return households.filter(risk_level=risk_level) if risk_level else households


def household_list_rows(user, risk_level: str | None, ordering: tuple) -> QuerySet:
    """The list page's rows: the order with the view's ``-id`` tie-breaker and the head's name, as plain values
    of the columns it shows: the database's share of the page."""
    return (listed_households(user, risk_level).order_by(*ordering).with_head_name()
            .values_list(*LIST_COLUMNS)[:LIST_PAGE])


def household_list(bench: Bench) -> list[Row]:
    """The household list page beside a raw baseline: the same query (compiled from the product's queryset, no
    SQL copied here) and its COUNT run on a bare cursor, to show what the view, the ORM and the template add."""
    user = get_user_model().objects.get(username="official")
    client = bench.login("official")
    url = reverse("households:list")
    link = re.compile(r'href="' + re.escape(url) + r'(\d+)/"')
    cases = [
        ("household_list", url, None, ("-updated_at", "-id")),
        ("household_list ?risk_level=high&sort=next_contact", f"{url}?risk_level=high&sort=next_contact",
         RiskLevel.HIGH, (F("next_contact_on").asc(nulls_last=True), "-id")),
    ]
    rows = []
    try:
        for label, path, risk, ordering in cases:
            page_sql, page_params = compiled(household_list_rows(user, risk, ordering))
            # The paginator's COUNT over the same rows: the only SQL written here wraps the product's query.
            inner_sql, count_params = compiled(listed_households(user, risk).order_by().values("pk"))
            count_sql = f"SELECT COUNT(*) FROM ({inner_sql}) AS listed"

            def raw(page_sql=page_sql, page_params=page_params, count_sql=count_sql, count_params=count_params):
                _names, found = fetch_raw(page_sql, page_params)
                _names, total = fetch_raw(count_sql, count_params)
                return found, total[0][0]

            page_median, page_p95 = bench.time(lambda path=path: get_ok(client, path))
            with CaptureQueriesContext(connection) as page_queries:
                response = get_ok(client, path)
            raw_median, raw_p95 = bench.time(raw)
            with CaptureQueriesContext(connection) as raw_queries:
                found, total = raw()

            shown = [int(pk) for pk in dict.fromkeys(link.findall(response.content.decode()))]
            same = shown == [row[0] for row in found]
            note = f"{len(found)} of {total} rows; same ids as page: {'yes' if same else 'NO'}"
            rows.append(Row(label, "page (view + template)", page_median, page_p95, len(page_queries),
                            page_median / raw_median if raw_median else None))
            rows.append(Row(label, "raw SQL (page + count)", raw_median, raw_p95, len(raw_queries), note=note))
    finally:
        client.logout()
    return rows


BUSY_EVENTS = 200
TIMELINE_ITEM = re.compile(r'<li class="tl-item ')
PICKED_ROW = re.compile(r'<input type="checkbox" name="ids"')


def busy_household(user) -> Household:
    """A demo household of the user's caseload with no case in progress (the seeding opens its own)."""
    household = (selectors.caseload(user).filter(is_demo=True, open_case_id__isnull=True).order_by("pk").first())
    if household is None:
        raise CommandError(f"No demo household assigned to {user.username} without an open case.")
    return household


def household_page(bench: Bench) -> list[Row]:
    """The household page with 200 timeline events, first and last page of the timeline.

    The events are seeded inside a transaction that is rolled back at the end, so a re-run finds the demo
    data as seed_demo left it and seeds again (a second or so of bulk inserts).
    """
    user = get_user_model().objects.get(username="official")
    client = bench.login("official")
    rows = []
    try:
        with rolled_back():
            household = busy_household(user)
            already = timeline.household_timeline_rows(household).count()
            seed_busy_household(household, events=max(0, BUSY_EVENTS - already), by=user)
            total = timeline.household_timeline_rows(household).count()
            url = reverse("households:detail", args=[household.pk])
            last = math.ceil(total / timeline.TIMELINE_PER_PAGE)
            for variant, path in (("timeline page 1", url), (f"timeline page {last} (?tpage={last})",
                                                              f"{url}?tpage={last}")):
                shown = len(TIMELINE_ITEM.findall(get_ok(client, path).content.decode()))
                rows.append(page_row(bench, client, "household_page", variant, path,
                                     note=f"household #{household.pk}: {total} events, {shown} shown"))
            median, p95 = bench.time(lambda: list(timeline.household_timeline(household, page=1)))
            with CaptureQueriesContext(connection) as queries:
                list(timeline.household_timeline(household, page=1))
            rows.append(Row("household_page", "timeline selector alone (page 1)", median, p95, len(queries),
                            note="the UNION ALL count + page + one query per kind"))
    finally:
        client.logout()
    return rows


def caseload(bench: Bench) -> list[Row]:
    """My caseload for the demo official (all, high risk, in service) and the team page for the demo lead; the
    counts in the notes come from the pages' own selectors."""
    official = get_user_model().objects.get(username="official")
    mine = selectors.caseload(official)
    url = reverse("households:caseload")
    cases = [
        ("caseload", url, mine.count()),
        ("caseload ?risk_level=high", f"{url}?risk_level=high", mine.filter(risk_level=RiskLevel.HIGH).count()),
        ("caseload ?stage=in_service", f"{url}?stage=in_service",
         mine.filter(open_case_stage=CaseStage.IN_SERVICE).count()),
    ]
    rows = []
    with rolled_back():  # the pages write nothing today; this keeps it so if they ever log views
        client = bench.login("official")
        try:
            for label, path, count in cases:
                shown = len(PICKED_ROW.findall(get_ok(client, path).content.decode()))
                rows.append(page_row(bench, client, label, "page 1 (official)", path,
                                     note=f"{shown} of {count} households"))
        finally:
            client.logout()
        lead = get_user_model().objects.get(username="lead")
        dong_ids = selectors.team_dong_ids(lead)
        overdue = selectors.overdue_contacts(dong_ids).count()
        silent = selectors.silent_cases(dong_ids).count()
        client = bench.login("lead")
        try:
            rows.append(page_row(bench, client, "team", "page (lead)", reverse("households:team"),
                                 note=f"{overdue} overdue contacts, {silent} quiet cases"))
        finally:
            client.logout()
    return rows
