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
from welfare.context_processors import unread_of
from welfare.models import Notification, StaffMembership
from welfare.scoping import membership_of

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
    household list's scoped count. The pages read the first two compiled once (welfare/common/prepared.py): those
    are timed a third way, as the pages read them; the ORM rows stand for the statements still built anew."""
    user = get_user_model().objects.get(username="official")
    household = selectors.caseload(user).order_by("pk").first()
    if household is None:
        raise CommandError("The demo official has no household in their caseload.")
    # The pages read the first two compiled once: timed that way too, beside the queryset and the replay.
    compiled_once: dict[str, Callable[[], object]] = {
        "the bell's unread count": lambda: unread_of.count(user.pk),
        "the user's staff membership": lambda: membership_of.first(user.pk),
    }
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
        prepared = compiled_once.get(label)
        timed = [through_orm, _replay(sql)] + ([prepared] if prepared else [])
        (median, p95), (raw_median, raw_p95), *rest = bench.time_side_by_side(*timed)
        orm_total, orm_p95, raw_total = orm_total + median, orm_p95 + p95, raw_total + raw_median
        rows.append(Row("orm_floor", f"{label}: ORM", median, p95, 1, median / raw_median if raw_median else None))
        rows.append(Row("orm_floor", f"{label}: raw replay", raw_median, raw_p95, 1))
        for once_median, once_p95 in rest:
            rows.append(Row("orm_floor", f"{label}: compiled once (as the pages read it)", once_median, once_p95, 1,
                            once_median / raw_median if raw_median else None))
    ratio = orm_total / raw_total if raw_total else None
    rows.append(Row("orm_floor", "the four together: ORM ÷ raw", orm_total, orm_p95, len(statements), ratio,
                    note="no view, no template: the floor under a page's ratio to its statements replayed"))
    return rows
