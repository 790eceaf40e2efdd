"""Pages of a long list without deep-OFFSET annotations: the page's ids first, the decorated rows second."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


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
