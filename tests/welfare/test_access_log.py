"""The access log is append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from welfare.audit import log_action
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted_through_the_orm(household, official):
    entry = log_action(household, "households.household.viewed", user=official)

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()


def test_postgresql_refuses_update_at_the_database(household, official):
    entry = log_action(household, "households.household.viewed", user=official)
    if connection.vendor != "postgresql":
        # SQLite has no trigger; the ORM guard above is what protects it there.
        assert AccessLog.objects.filter(pk=entry.pk).exists()
        return
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE welfare_accesslog SET reason = 'x' WHERE id = %s", [entry.pk])


def test_entry_records_user_ip_and_subject(client_for, official, household):
    client = client_for(official)
    client.get(f"/households/{household.pk}/", REMOTE_ADDR="10.1.2.3")

    entry = AccessLog.objects.get(verb="households.household.viewed")
    assert (entry.username, entry.ip, entry.household_id, entry.action) == ("official", "10.1.2.3", household.pk, "view")


def test_deleting_a_user_keeps_their_log_entries(household, official):
    log_action(household, "households.household.viewed", user=official)

    official.delete()

    assert AccessLog.objects.get().username == "official"
