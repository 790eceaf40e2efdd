"""Pages of a long list without deep-OFFSET annotations: the page's ids first, the decorated rows second."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class IdsFirstPaginator(Paginator):
    """Counts and pages the bare queryset (scoping, filters and ordering only); ``decorate`` adds the joins and
    per-row subqueries to the page's rows alone.

    The page is one query: ``decorate(model.filter(pk__in=<the page's ids, ORDER BY/OFFSET/LIMIT>))`` in the same
    order, so OFFSET skips bare index entries instead of running a head-name subquery for every skipped row; a page
    in the second half is found in the reversed order, so OFFSET never skips more than half the rows. The order
    must be total (a unique tie-breaker, as the household list's ``-id``) for the two directions to agree.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, decorate: Callable[[QuerySet], QuerySet],
                 ids_from: Callable[[QuerySet], QuerySet] | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.decorate = decorate
        # The same rows said so that the page's ids are read through another index (the household list sorted by
        # address at district scope); the COUNT reads ``object_list`` as it is.
        self.ids_from = ids_from

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        bare = cast(QuerySet, self.object_list)
        if self.ids_from is not None:
            bare = self.ids_from(bare)
        if bottom > self.count - top and bare.query.order_by:
            # Past the middle, the page is counted from the end: the reversed order (each direction and NULLS
            # placement flipped, the same index read backwards) skips count - top entries instead of bottom, so
            # the last page costs what the first does. The rows are put back in order below.
            ids = bare.reverse().values("pk")[self.count - top:self.count - bottom]
        else:
            ids = bare.values("pk")[bottom:top]
        rows = self.decorate(bare.model._default_manager.filter(pk__in=ids)).order_by(*bare.query.order_by)
        return Page(rows, number, self)


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
