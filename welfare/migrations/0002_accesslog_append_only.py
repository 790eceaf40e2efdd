"""On PostgreSQL the access log refuses UPDATE and DELETE at the database, not only in the ORM."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION welfare_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'welfare_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER welfare_accesslog_no_update_delete
    BEFORE UPDATE OR DELETE ON welfare_accesslog
    FOR EACH ROW EXECUTE FUNCTION welfare_accesslog_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS welfare_accesslog_no_update_delete ON welfare_accesslog;
DROP FUNCTION IF EXISTS welfare_accesslog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
