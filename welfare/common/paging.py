"""Pages of a long list without deep-OFFSET annotations: the page's ids first, the decorated rows second."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class IdsFirstPaginator(Paginator):
    """Counts and pages the bare queryset (scoping, filters and ordering only); ``decorate`` adds the joins and
    per-row subqueries to the page's rows alone, or ``rows_by_ids`` reads them by the page's ids.

    With ``decorate`` the page is one query: ``decorate(model.filter(pk__in=<the page's ids, ORDER BY/OFFSET/
    LIMIT>))`` in the same order. With ``rows_by_ids`` the page's ids are one query and its rows another. Either
    way OFFSET skips bare index entries instead of running a head-name subquery for every skipped row, and a page
    in the second half is found in the reversed order, so OFFSET never skips more than half the rows. The order
    must be total (a unique tie-breaker, as the household list's ``-id``) for the two directions to agree.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *,
                 decorate: Callable[[QuerySet], QuerySet] | None = None,
                 rows_by_ids: Callable[[list[int]], Iterable] | None = None,
                 ids_from: Callable[[QuerySet], QuerySet] | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if (decorate is None) == (rows_by_ids is None):
            raise TypeError("IdsFirstPaginator takes decorate or rows_by_ids")
        self.decorate = decorate
        # Rows read by the page's ids (a read compiled once, welfare/common/prepared.py): the ids are read first,
        # on their own, so the decorated rows' statement does not compile the scoped, filtered query a second
        # time (the COUNT compiled it once). The rows come back in any order and are put in the ids' order.
        self.rows_by_ids = rows_by_ids
        # The same rows said so that the page's ids are read through another index (the household list sorted by
        # address at district scope); the COUNT reads ``object_list`` as it is.
        self.ids_from = ids_from

    def get_page(self, number) -> Page:
        if self.rows_by_ids is not None and self.allow_empty_first_page and "count" not in self.__dict__ \
                and _first(number):
            return self._first_page()
        return super().get_page(number)

    def _first_page(self) -> Page:
        """The first page read before the count: its ids with one more. A list that fits on the page (a filtered
        list often does) is counted by its length, with no COUNT; a longer one is counted when asked, as before."""
        fits = self.per_page + self.orphans
        order = [row["pk"] for row in self._bare().values("pk")[:fits + 1]]
        if len(order) <= fits:
            self.__dict__["count"] = len(order)  # Paginator.count is a cached_property
        else:
            order = order[:self.per_page]
        return self._rows_page(order, 1)

    def _bare(self) -> QuerySet:
        bare = cast(QuerySet, self.object_list)
        return self.ids_from(bare) if self.ids_from is not None else bare

    def _rows_page(self, order: list[int], number: int) -> Page:
        assert self.rows_by_ids is not None
        found = {row.pk: row for row in self.rows_by_ids(order)}
        return Page([found[pk] for pk in order if pk in found], number, self)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        bare = self._bare()
        backwards = bottom > self.count - top and bool(bare.query.order_by)
        if backwards:
            # Past the middle, the page is counted from the end: the reversed order (each direction and NULLS
            # placement flipped, the same index read backwards) skips count - top entries instead of bottom, so
            # the last page costs what the first does. The rows are put back in order below.
            ids = bare.reverse().values("pk")[self.count - top:self.count - bottom]
        else:
            ids = bare.values("pk")[bottom:top]
        if self.rows_by_ids is not None:
            order = [row["pk"] for row in ids]
            if backwards:
                order.reverse()
            return self._rows_page(order, number)
        assert self.decorate is not None
        rows = self.decorate(bare.model._default_manager.filter(pk__in=ids)).order_by(*bare.query.order_by)
        return Page(rows, number, self)


def _first(number) -> bool:
    """Whether ``get_page(number)`` asks for the first page whatever the count: 1, or no number at all (Django's
    ``get_page`` gives the first page for anything that is not a whole number)."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


# A table of fewer rows than this is counted exactly (the estimate is only worth it where COUNT(*) is slow).
ESTIMATE_FROM = 100_000
# PostgreSQL's own row estimate of a table, kept by ANALYZE and autovacuum; a partitioned table (the access log)
# is the sum of its partitions'. -1: never analysed, which an empty file (the months made ahead) counts as 0.
TABLE_ESTIMATE = """
    SELECT SUM(CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE 0 END),
           COUNT(*) FILTER (WHERE c.reltuples < 0 AND pg_relation_size(c.oid) > 0)
    FROM pg_class c
    WHERE c.oid = to_regclass(%s) AND c.relkind = 'r'
       OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s))
"""


def table_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of the queryset's table, for an unfiltered queryset of a table it has
    analysed; ``None`` otherwise (a filter, another database, a table never analysed)."""
    query = queryset.query
    if query.where or query.distinct or query.combinator or query.is_sliced:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(TABLE_ESTIMATE, [table, table])
        rows, unanalysed = cursor.fetchone()
    return None if rows is None or unanalysed else int(rows)


class EstimatedCountPaginator(Paginator):
    """Counts a whole large table by PostgreSQL's estimate instead of ``COUNT(*)``: the Django admin's list of
    a million visits took 525 ms to count them, on every page. A filtered or searched list, a small table and
    SQLite are counted exactly. The last page of an estimate may be short or empty; the admin's lists are for
    superusers, and their search and filters count exactly."""

    @cached_property
    def count(self) -> int:
        estimate = table_estimate(cast(QuerySet, self.object_list))
        if estimate is not None and estimate >= ESTIMATE_FROM:
            return estimate
        return super().count
