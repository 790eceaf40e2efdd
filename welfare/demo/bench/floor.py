"""Bench scenario ``orm_floor``: what the ORM alone adds to small statements the pages send, beside the same
statements replayed raw. It is the floor under the pages' "≤ 3× their statements replayed" ratios: a page whose
every statement costs more than 3× its replay through the ORM alone cannot reach 3× with a view and a template on
top. Each statement is the product's own queryset, run as the page runs it (model instances, converters), and its
SQL is captured once from that run (nothing is written twice); the two are timed with their runs interleaved.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection

from households import selectors
from households.models import Household
from welfare.models import Notification, StaffMembership

from .core import Bench, CaptureQueries, Row


def _captured(fn: Callable[[], object]) -> list[str]:
    """The SQL ``fn`` sends, as the database received it (parameters inlined by the driver)."""
    with CaptureQueries(connection) as captured:
        fn()
    return [query["sql"] for query in captured.captured_queries]


def _replay(statements: list[str]) -> Callable[[], int]:
    def replay() -> int:
        fetched = 0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                fetched += len(cursor.fetchall())
        return fetched

    return replay


def orm_floor(bench: Bench) -> list[Row]:
    """Four small statements through the ORM and raw: the bell's count and the signed-in user's membership (every
    signed-in page), a household by id with its dong and official (the household page's first read) and the
    household list's scoped count. The pages now read the first two compiled once (welfare/common/prepared.py);
    here they are built as any queryset is, standing for the small statements the pages still build anew."""
    user = get_user_model().objects.get(username="official")
    household = selectors.caseload(user).order_by("pk").first()
    if household is None:
        raise CommandError("The demo official has no household in their caseload.")
    statements: list[tuple[str, Callable[[], object]]] = [
        ("the bell's unread count", lambda: Notification.objects.filter(user=user).unread().count()),
        ("the user's staff membership", lambda: StaffMembership.objects.get(user=user)),
        ("a household by id, scoped, with its dong and official",
         lambda: Household.objects.visible_to(user).select_related("dong__district", "assigned_official")
         .get(pk=household.pk)),
        ("the household list's scoped count", lambda: Household.objects.visible_to(user).count()),
    ]
    rows: list[Row] = []
    orm_total = orm_p95 = raw_total = 0.0
    for label, through_orm in statements:
        sql = _captured(through_orm)
        if len(sql) != 1:
            raise CommandError(f"{label}: {len(sql)} statements, expected one")
        (median, p95), (raw_median, raw_p95) = bench.time_side_by_side(through_orm, _replay(sql))
        orm_total, orm_p95, raw_total = orm_total + median, orm_p95 + p95, raw_total + raw_median
        rows.append(Row("orm_floor", f"{label}: ORM", median, p95, 1, median / raw_median if raw_median else None))
        rows.append(Row("orm_floor", f"{label}: raw replay", raw_median, raw_p95, 1))
    ratio = orm_total / raw_total if raw_total else None
    rows.append(Row("orm_floor", "the four together: ORM ÷ raw", orm_total, orm_p95, len(statements), ratio,
                    note="no view, no template: the floor under a page's ratio to its statements replayed"))
    return rows
