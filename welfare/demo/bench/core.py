"""What every bench scenario shares: a row of figures, the timer, logins, rolled-back runs and query counts."""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext


class CaptureQueries(CaptureQueriesContext):
    """Django's CaptureQueriesContext, counted from an empty log and kept on leaving. A request through the test
    client empties the connection's log as it starts (``reset_queries`` on ``request_started``), and Django's
    context reads its statements back from that log when asked: a count begun on a log that already held entries,
    or read after a later request, came out wrong (0 for a page of 9 statements)."""

    kept: list[dict] | None = None

    def __enter__(self):
        self.connection.queries_log.clear()
        self.kept = None
        return super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        super().__exit__(exc_type, exc_value, traceback)
        self.kept = list(super().captured_queries)

    @property
    def captured_queries(self) -> list[dict]:
        return self.kept if self.kept is not None else super().captured_queries


@dataclass
class Row:
    scenario: str
    variant: str
    median_ms: float
    p95_ms: float
    queries: int | None = None
    ratio: float | None = None  # page / raw, on the page row
    note: str = ""


@dataclass
class Target:
    """One target of the issues beside the figure it judges: printed as PASS or FAIL, never asserted."""

    what: str
    figure: str
    target: str
    ok: bool


@dataclass
class Bench:
    runs: int
    warmup: int
    write: Callable[[str], None]
    targets: list[Target] = field(default_factory=list)

    def judge(self, what: str, figure: str, target: str, ok: bool) -> None:
        self.targets.append(Target(what, figure, target, ok))

    def time(self, fn: Callable[[], object]) -> tuple[float, float]:
        """Median and p95 (nearest rank) in ms over ``runs`` calls after ``warmup`` untimed ones."""
        for _ in range(self.warmup):
            fn()
        samples = []
        for _ in range(self.runs):
            began = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - began) * 1000)
        return _median_p95(samples)

    def time_side_by_side(self, *fns: Callable[[], object]) -> list[tuple[float, float]]:
        """Median and p95 of each function, their runs interleaved (a, b, b, a, a, b...): a page and its baseline
        see the same machine, so a shared machine's slow spell moves both and their ratio stays honest. Timing
        one then the other gave ratios that moved by a third between runs on a busy machine."""
        for _ in range(self.warmup):
            for fn in fns:
                fn()
        samples: list[list[float]] = [[] for _ in fns]
        order = list(range(len(fns)))
        for _ in range(self.runs):
            for index in order:
                began = time.perf_counter()
                fns[index]()
                samples[index].append((time.perf_counter() - began) * 1000)
            order.reverse()
        return [_median_p95(each) for each in samples]

    def login(self, username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client


def _median_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, math.ceil(0.95 * len(samples)) - 1)]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything written inside (seeded events, access-log rows of the timed views) is undone on leaving."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def committed(cleanup: Callable[[], object] | None = None) -> Iterator[None]:
    """The timed requests run as in production: each commits its own writes (autocommit, no outer transaction
    that would hide the commit's cost). The access-log rows they write are kept: the log is append-only (a trigger
    refuses deletes), and they are what the product writes. ``cleanup`` removes anything else on leaving."""
    try:
        yield
    finally:
        if cleanup is not None:
            cleanup()


def get_ok(client: Client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code}: {response.content[:200]!r}")
    return response


def page_row(bench: Bench, client: Client, label: str, variant: str, path: str, note: str = "") -> Row:
    median, p95 = bench.time(lambda: get_ok(client, path))
    with CaptureQueries(connection) as queries:
        get_ok(client, path)
    return Row(label, variant, median, p95, len(queries), note=note)


def compiled(queryset: QuerySet) -> tuple[str, tuple]:
    """The SQL and parameters the product's own queryset sends, for a raw-cursor baseline that copies no SQL."""
    return queryset.query.sql_with_params()


def fetch_raw(sql: str, params) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` through a bare DB-API cursor: no model instances, no ORM."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [col[0] for col in cursor.description], cursor.fetchall()


@contextmanager
def counted_queries() -> Iterator[list[int]]:
    """Count statements without keeping them (CaptureQueriesContext keeps only the last 9,000)."""
    box = [0]

    def count(execute, sql, params, many, context):
        box[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield box


def timed(fn: Callable[[], object]) -> tuple[float, int, object]:
    """One run of ``fn``: milliseconds, statements, and what it returned."""
    with counted_queries() as queries:
        began = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - began) * 1000
    return elapsed, queries[0], result


# psycopg writes "… CURSOR WITH HOLD FOR" in autocommit and "… CURSOR FOR" inside a transaction.
SERVER_CURSOR = re.compile(r'^DECLARE "[^"]+" (?:NO )?(?:SCROLL )?CURSOR (?:WITH(?:OUT)? HOLD )?FOR ', re.IGNORECASE)


def replayed(client: Client, path: str) -> tuple[Callable[[], int], int]:
    """An equal-work raw baseline of a GET page: the very statements the page sent (its scoping, its rows, its
    access-log INSERT) captured once and replayed on a bare cursor, each fetched in full. It leaves out what the
    view, the ORM and the template add: model instances, labels, HTML. Returns the replay and its statements."""
    with CaptureQueries(connection) as captured:
        get_ok(client, path)
    # A server-side cursor (a ModelChoiceField's choices) is replayed as its SELECT, fetched in full: the page
    # fetched every row of it too, and a replayed DECLARE would collide with the cursor of the same name.
    statements = [SERVER_CURSOR.sub("", q["sql"]) for q in captured.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))]

    def replay() -> int:
        fetched = 0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    fetched += len(cursor.fetchall())
        return fetched

    return replay, len(statements)
