"""Issue 19 item 4: the access log partitioned by month on PostgreSQL — rows land in their month's partition, the
append-only guarantee holds on every partition, the nightly job makes the coming months and drops whole months past
the legal period (never under 24 months), and a list of a month reads only that month. On SQLite (the embedded
default) the table stays plain and the job says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from welfare.access_log_partitions import maintain_partitions, partitions
from welfare.audit import log_action
from welfare.jobs import jobs
from welfare.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def _month_name(day: dt.date) -> str:
    return f"welfare_accesslog_p{day:%Y%m}"


def _make_old_partition(month: dt.date) -> None:
    """A partition for a month long past, as an earlier year's nightly job would have made it (test setup)."""
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {_month_name(month)} PARTITION OF welfare_accesslog "
                       f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+09') TO ('{nxt:%Y-%m-%d} 00:00:00+09')")


def test_the_job_is_registered():
    assert "access_log_partitions" in jobs()


def test_a_row_lands_in_its_months_partition_and_stays_append_only():
    if not POSTGRES:
        assert maintain_partitions() == {"not_partitioned": 1}
        return
    entry = log_action(None, "test.thing.viewed", action=AccessAction.VIEW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM welfare_accesslog WHERE id = %s", [entry.pk])
        (where,) = cursor.fetchone()
    assert where == _month_name(timezone.localdate())
    for statement in ("UPDATE welfare_accesslog SET reason = 'x' WHERE id = %s",
                      "DELETE FROM welfare_accesslog WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    # the same guarantee on the partition itself
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {where} WHERE id = %s", [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_job_makes_the_coming_months_and_drops_whole_months_past_the_period(settings):
    if not POSTGRES:
        assert maintain_partitions() == {"not_partitioned": 1}
        return
    settings.ACCESS_LOG_RETENTION_MONTHS = 24
    settings.ACCESS_LOG_PARTITIONS_AHEAD = 5
    today = timezone.localdate().replace(day=1)
    expired = today.replace(year=today.year - 3)
    kept = today.replace(year=today.year - 1)
    for month in (expired, kept):
        _make_old_partition(month)
    with connection.cursor() as cursor:  # an old row in each old month (inserted as the app inserts: appended)
        for month in (expired, kept):
            cursor.execute("INSERT INTO welfare_accesslog (at, username, action, verb, object_id, object_repr, "
                           "reason, changes, token_prefix) VALUES (%s, 'old', 'view', 'test.old', '', '', '', "
                           "'{}', '')", [dt.datetime(month.year, month.month, 15, tzinfo=dt.UTC)])

    counts = maintain_partitions()

    names = [name for name, _bounds in partitions()]
    assert _month_name(expired) not in names and _month_name(kept) in names
    assert counts["dropped"] >= 1
    in_five = today
    for _ in range(5):
        in_five = (in_five.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert _month_name(in_five) in names
    assert AccessLog.objects.filter(username="old").count() == 1  # the kept month's row; the expired month is gone


def test_never_under_24_months_whatever_the_setting(settings):
    if not POSTGRES:
        assert maintain_partitions() == {"not_partitioned": 1}
        return
    settings.ACCESS_LOG_RETENTION_MONTHS = 1
    today = timezone.localdate().replace(day=1)
    recent = today.replace(year=today.year - 1)  # 12 months ago: inside the legal period
    _make_old_partition(recent)

    maintain_partitions()

    assert _month_name(recent) in [name for name, _bounds in partitions()]


def test_a_months_list_reads_only_that_month(district_admin):
    if not POSTGRES:
        assert maintain_partitions() == {"not_partitioned": 1}
        return
    today = timezone.localdate()
    start = dt.datetime(today.year, today.month, 1, 12, tzinfo=timezone.get_current_timezone())
    plan = AccessLog.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=20)).explain()
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert _month_name(today) in plan and _month_name(next_month) not in plan, plan
