"""Ids-first paging (welfare/common/paging.py): every page, whichever direction finds it, holds exactly the rows a
plain OFFSET paginator gives, for every sort the household list offers (NULLS LAST both ways included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from households.filters import with_tie_breaker
from households.models import Household
from households.selectors import list_rows_by_ids
from tests.factories import HouseholdFactory
from welfare.common.paging import IdsFirstPaginator

pytestmark = pytest.mark.django_db

ORDERINGS = [
    ("-updated_at", "-id"),
    tuple(with_tie_breaker([F("next_contact_on").asc(nulls_last=True)])),
    tuple(with_tie_breaker([F("next_contact_on").desc(nulls_last=True)])),
    tuple(with_tie_breaker([F("road_address").asc()])),
    tuple(with_tie_breaker([F("road_address").desc()])),
]


@pytest.fixture
def households(dong):
    # 23 rows: ties on the address and the date, and nulls, so only the tie-breaker makes the order total.
    for i in range(23):
        HouseholdFactory(dong=dong, road_address=f"성동구 왕십리로 {i % 4}",
                         next_contact_on=None if i % 5 == 0 else dt.date(2026, 12, 1 + i % 3))
    return Household.objects.filter(dong=dong)


@pytest.mark.parametrize("ordering", ORDERINGS, ids=lambda o: str(o[0]))
@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (4, 2), (23, 0), (30, 0)])
def test_every_page_equals_plain_offset(households, ordering, per_page, orphans):
    ordered = households.order_by(*ordering)
    plain = Paginator(ordered, per_page, orphans=orphans)
    ours = IdsFirstPaginator(ordered, per_page, orphans=orphans, decorate=lambda rows: rows.with_head_name())
    assert ours.num_pages == plain.num_pages
    seen = []
    for number in plain.page_range:
        expected = [h.pk for h in plain.page(number).object_list]
        got = [h.pk for h in ours.page(number).object_list]
        assert got == expected, (number, ordering)
        seen += got
    assert sorted(seen) == sorted(households.values_list("pk", flat=True))  # every row once


@pytest.mark.parametrize("ordering", ORDERINGS, ids=lambda o: str(o[0]))
@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (4, 2), (30, 0)])
def test_rows_read_by_the_pages_ids_equal_plain_offset_in_its_order(households, ordering, per_page, orphans):
    ordered = households.order_by(*ordering)
    plain = Paginator(ordered, per_page, orphans=orphans)
    ours = IdsFirstPaginator(ordered, per_page, orphans=orphans, rows_by_ids=list_rows_by_ids)
    for number in plain.page_range:
        assert [row.pk for row in ours.page(number).object_list] == [
            h.pk for h in plain.page(number).object_list], (number, ordering)


@pytest.mark.parametrize(("per_page", "orphans"), [(25, 0), (20, 3), (22, 0), (10, 2)])
@pytest.mark.parametrize("number", [None, "", "1", 1, "x", "1.5"])
def test_a_list_that_fits_on_its_first_page_is_counted_by_its_length(households, per_page, orphans, number):
    """23 rows: on a page of 25, or of 20 with 3 orphans, the first page's ids (one more asked) are all there
    is, and no COUNT is sent; on a page of 22 or 10 the COUNT follows, as before. Either way the page, its count
    and its page range are plain OFFSET's."""
    ordered = households.order_by("-updated_at", "-id")
    plain = Paginator(ordered, per_page, orphans=orphans).get_page(number)
    ours = IdsFirstPaginator(ordered, per_page, orphans=orphans, rows_by_ids=list_rows_by_ids)
    with CaptureQueriesContext(connection) as ctx:
        page = ours.get_page(number)
        shown = [row.pk for row in page.object_list]
        count, pages = ours.count, list(ours.page_range)
    statements = [q["sql"] for q in ctx.captured_queries]
    assert shown == [h.pk for h in plain.object_list] and page.number == plain.number == 1
    assert (count, pages, page.has_next()) == (23, list(plain.paginator.page_range), plain.has_next())
    fits = per_page + orphans >= 23
    assert sum(sql.startswith("SELECT COUNT(*)") for sql in statements) == (0 if fits else 1)
    assert len(statements) == (2 if fits else 3)  # the ids, the rows by those ids (and the COUNT)


def test_an_empty_list_and_a_later_page_are_paged_as_before(households, dong):
    empty = IdsFirstPaginator(households.filter(dong_id=-1).order_by("-id"), 25, rows_by_ids=list_rows_by_ids)
    page = empty.get_page(None)
    assert list(page.object_list) == [] and empty.count == 0 and list(empty.page_range) == [1]
    ordered = households.order_by("-id")
    ours = IdsFirstPaginator(ordered, 10, rows_by_ids=list_rows_by_ids)
    plain = Paginator(ordered, 10)
    for number in ("2", 3, "99", "0"):  # past the end: the last page, as Django's get_page gives
        assert [r.pk for r in ours.get_page(number).object_list] == [
            h.pk for h in plain.get_page(number).object_list], number


def test_the_paginator_takes_one_way_to_read_the_rows(households):
    with pytest.raises(TypeError):
        IdsFirstPaginator(households.order_by("-id"), 5)
    with pytest.raises(TypeError):
        IdsFirstPaginator(households.order_by("-id"), 5, decorate=lambda rows: rows, rows_by_ids=list_rows_by_ids)


def test_a_page_past_the_middle_is_read_backwards(households):
    ordered = households.order_by("-updated_at", "-id")
    paginator = IdsFirstPaginator(ordered, 5, decorate=lambda rows: rows)
    paginator.count  # noqa: B018  (the COUNT, before the page is captured)
    with CaptureQueriesContext(connection) as first:
        list(paginator.page(1).object_list)
    with CaptureQueriesContext(connection) as last:
        list(paginator.page(5).object_list)
    assert "OFFSET" not in first.captured_queries[0]["sql"].upper()
    # the last page (rows 21-23) skips nothing from the end: LIMIT 3, no OFFSET, ascending
    sql = last.captured_queries[0]["sql"]
    assert "OFFSET" not in sql.upper() and "ASC" in sql.upper()


@pytest.mark.django_db
def test_ids_from_narrows_the_page_read_and_not_the_count(dong):
    households = [HouseholdFactory(dong=dong) for _ in range(7)]
    ordered = Household.objects.filter(pk__in=[h.pk for h in households]).order_by("-id")
    paginator = IdsFirstPaginator(ordered, 3, decorate=lambda rows: rows,
                                  ids_from=lambda bare: bare.filter(dong=dong))

    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(1)
        shown = [h.pk for h in page.object_list]

    count_sql, page_sql = (q["sql"] for q in ctx.captured_queries)
    assert count_sql.startswith("SELECT COUNT(*)") and '"dong_id" =' not in count_sql
    assert '"dong_id" =' in page_sql
    assert shown == sorted((h.pk for h in households), reverse=True)[:3] and paginator.count == 7


def test_a_whole_large_table_is_counted_by_the_estimate_and_a_filtered_one_exactly(households, dong, monkeypatch):
    """The admin's paginator (welfare.common.paging.EstimatedCountPaginator): on PostgreSQL a whole table past
    ESTIMATE_FROM rows is counted by the planner's estimate (shown here by rows added after ANALYZE, which the
    estimate does not see); a filtered list, a small table and SQLite count exactly."""
    from welfare.common import paging
    from welfare.common.paging import EstimatedCountPaginator

    whole = Household.objects.order_by("pk")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE households_household")
    HouseholdFactory(dong=dong)  # after ANALYZE: counted exactly, unknown to the estimate
    exact = whole.count()
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 1)
    with CaptureQueriesContext(connection) as queries:
        counted = EstimatedCountPaginator(whole, 10).count
    if connection.vendor == "postgresql":
        assert counted == exact - 1 and len(queries) == 1 and "pg_class" in queries[0]["sql"]
    else:
        assert counted == exact
    assert EstimatedCountPaginator(whole.filter(dong=dong), 10).count == exact  # a filter: exact
    monkeypatch.setattr(paging, "ESTIMATE_FROM", exact + 100)
    assert EstimatedCountPaginator(whole, 10).count == exact  # a small table: exact


def test_the_admin_lists_of_casework_page_by_the_estimate(rf):
    from django.contrib import admin as django_admin

    from households.models import Visit
    from welfare.common.paging import EstimatedCountPaginator

    assert django_admin.site._registry[Visit].paginator is EstimatedCountPaginator


def test_the_access_log_is_estimated_from_its_partitions_with_the_empty_months_ahead(official):
    """The access log is partitioned by month on PostgreSQL: its estimate is the sum of its partitions', and a month
    made ahead and never analysed (PostgreSQL says -1 rows) counts as the empty file it is, not as unknown."""
    from welfare.audit import log_action
    from welfare.common.paging import table_estimate
    from welfare.models import AccessLog

    for _ in range(3):
        log_action(None, "households.household.listed", user=official)
    if connection.vendor != "postgresql":
        assert table_estimate(AccessLog.objects.all()) is None  # SQLite: counted exactly
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE welfare_accesslog")
        cursor.execute("CREATE TABLE welfare_accesslog_p209901 PARTITION OF welfare_accesslog "
                       "FOR VALUES FROM ('2099-01-01 00:00:00+09') TO ('2099-02-01 00:00:00+09')")
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'welfare_accesslog_p209901'")
        assert cursor.fetchone()[0] < 0  # never analysed
    assert table_estimate(AccessLog.objects.all()) == AccessLog.objects.count()
    assert table_estimate(AccessLog.objects.filter(verb="x")) is None  # a filter: counted exactly
