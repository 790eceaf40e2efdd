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


def test_postgresql_refuses_truncate_by_the_application_role(household, official):
    """Issue 11 item 5: TRUNCATE fires no row trigger; a statement-level one refuses it. The application's role
    (here a fresh non-superuser role, granted even TRUNCATE) cannot empty the log; superusers can drop triggers
    anyway, and the test runner's flush runs as one."""
    import importlib
    import uuid

    migration = importlib.import_module("welfare.migrations.0006_access_log_review")
    entry = log_action(household, "households.household.viewed", user=official)
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE and no trigger: the migration's guard does nothing there.
        executed = []
        editor = type("Editor", (), {"connection": connection, "execute": lambda self, sql: executed.append(sql)})()
        migration.truncate_guard(None, editor)
        assert executed == []
        assert "BEFORE TRUNCATE" in migration.TRUNCATE_FORWARD and "FOR EACH STATEMENT" in migration.TRUNCATE_FORWARD
        assert AccessLog.objects.filter(pk=entry.pk).exists()
        return
    role = f"welfare_app_{uuid.uuid4().hex[:12]}"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, TRUNCATE ON welfare_accesslog TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("TRUNCATE welfare_accesslog")
    assert AccessLog.objects.filter(pk=entry.pk).exists()
