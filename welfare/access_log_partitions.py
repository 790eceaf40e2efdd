"""The nightly upkeep of the access log's monthly partitions (PostgreSQL; migration 0012): the coming months get
their partitions before their first row, and months past the legal period are dropped whole — never a DELETE of
rows, which the append-only triggers refuse. The database function never drops a month younger than 24 months,
whatever ``ACCESS_LOG_RETENTION_MONTHS`` says."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

from .jobs import register

MIN_RETENTION_MONTHS = 24


def maintain_partitions() -> dict[str, int]:
    """Create the months ahead and drop the expired ones; counts of each (SQLite: nothing to do, said so)."""
    if connection.vendor != "postgresql":
        return {"not_partitioned": 1}
    keep = max(settings.ACCESS_LOG_RETENTION_MONTHS, MIN_RETENTION_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT welfare_accesslog_partitions(%s, %s)", [settings.ACCESS_LOG_PARTITIONS_AHEAD, keep])
        (done,) = cursor.fetchone()
    done = done or []
    return {"created": sum(1 for d in done if d.startswith("created ")),
            "dropped": sum(1 for d in done if d.startswith("dropped ")),
            "kept_in_default": sum(1 for d in done if d.startswith("kept in default "))}


def partitions() -> list[tuple[str, str]]:
    """(partition, bounds) of the access log, oldest first (the review page and the tests read them)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'welfare_accesslog'::regclass ORDER BY c.relname""")
        return list(cursor.fetchall())


@register("access_log_partitions", label="접근 기록 월별 파티션 관리", window="day")
def access_log_partitions(now: dt.datetime) -> dict[str, int]:
    return maintain_partitions()
