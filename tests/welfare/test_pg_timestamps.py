"""Timestamps read through psycopg's compiled loader (welfare.common.pg_timestamps) are the values Django's own
loader gives: the same instants with the same time zone object, on every connection Django opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from households.models import Visit
from welfare.common import pg_timestamps

pytestmark = pytest.mark.django_db

LITERALS = [
    "2026-12-07 10:35:45.585967+09", "2026-01-01 00:00:00+00", "1999-12-31 23:59:59.5+00", "2000-02-29 12:00:00-08",
    "1901-12-13 20:45:52.000001+00", "2026-03-08 02:30:00-05", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59+00",
    "1987-06-10 09:00:00+05:30",
]
SELECT = "SELECT " + ", ".join(f"'{text}'::timestamptz" for text in LITERALS)


def test_every_connection_reads_timestamps_with_the_compiled_loader_and_gets_djangos_values():
    if connection.vendor != "postgresql":
        connection.ensure_connection()  # SQLite: nothing to register, and nothing breaks
        assert not hasattr(connection.connection, "adapters")
        return
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    fresh = connections.create_connection(DEFAULT_DB_ALIAS)  # a new connection, as a request's may be
    try:
        fresh.ensure_connection()
        registered = fresh.connection.adapters.get_loader(1184, Format.TEXT)  # 1184: timestamptz
        assert registered is pg_timestamps.tz_loader(fresh.timezone)
        assert registered.timezone == fresh.timezone  # so Django registers no loader of its own on each cursor
        with fresh.cursor() as cursor:
            assert cursor.cursor.adapters.get_loader(1184, Format.TEXT) is registered
            cursor.execute(SELECT)
            ours = cursor.fetchone()
        with fresh.cursor() as cursor:
            register_tzloader(fresh.timezone, cursor.cursor)  # Django's own loader, on this cursor alone
            assert cursor.cursor.adapters.get_loader(1184, Format.TEXT) is not registered
            cursor.execute(SELECT)
            djangos = cursor.fetchone()
    finally:
        fresh.close()
    assert ours == djangos
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in djangos] == [dt.UTC] * len(LITERALS)
    assert ours[0] == dt.datetime(2026, 12, 7, 1, 35, 45, 585967, tzinfo=dt.UTC)


def test_a_model_saved_and_read_back_keeps_its_instant(household, official):
    visited = timezone.make_aware(dt.datetime(2026, 3, 29, 2, 30, 15, 250))  # Asia/Seoul
    visit = Visit.objects.create(household=household, recorded_by=official, visited_at=visited,
                                 contact_result="met", risk_level="low")
    again = Visit.objects.get(pk=visit.pk)
    assert again.visited_at == visited
    assert timezone.localtime(again.visited_at).strftime("%Y-%m-%d %H:%M:%S.%f") == "2026-03-29 02:30:15.000250"
