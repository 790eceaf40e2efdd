"""Fills the review's columns (welfare 0014) on the access-log entries written before them, from the accounts and
households as they are now: what the review computed for every entry on every page until then, computed once.

From this migration on the entries carry these columns from the moment they are written
(``welfare.access_review.subjects``). This app fills them, office hours included (one pass over the log, not two),
because only it knows where a household is.

The log is append-only: on PostgreSQL its row trigger refuses any UPDATE. This migration turns that trigger off for
its one UPDATE and on again, in the same transaction (PostgreSQL's DDL is transactional: if anything fails, the
trigger was never off). It runs as the migration's role, the table's owner; the application's role cannot do the
same (README, Security). On a large log the UPDATE rewrites every row once: see the README's upgrade note.
"""

from django.db import migrations

TRIGGER = "welfare_accesslog_no_update_delete"
DONG_ROLES = "('dong_official', 'dong_lead', 'visiting_nurse')"  # welfare.models.DONG_ROLES on 2026-12-06

# Off hours: before 07:00 or from 21:00 Seoul time, or a Saturday or Sunday (welfare.access_review.subjects).
OFF_HOURS = {
    "postgresql": "(EXTRACT(hour FROM at AT TIME ZONE 'Asia/Seoul') < 7"
                  " OR EXTRACT(hour FROM at AT TIME ZONE 'Asia/Seoul') >= 21"
                  " OR EXTRACT(isodow FROM at AT TIME ZONE 'Asia/Seoul') >= 6)",
    # SQLite keeps UTC text: Seoul is UTC+9 all year (no daylight saving since 1988); %w is 0 on Sunday.
    "sqlite": "(CAST(strftime('%H', at, '+9 hours') AS INTEGER) < 7"
              " OR CAST(strftime('%H', at, '+9 hours') AS INTEGER) >= 21"
              " OR strftime('%w', at, '+9 hours') IN ('0', '6'))",
}

BACKFILL = """
UPDATE welfare_accesslog SET
    off_hours = {off_hours},
    actor_district_id = (SELECT s.district_id FROM welfare_staffmembership s
                         WHERE s.user_id = welfare_accesslog.user_id),
    subject_dong_id = (SELECT h.dong_id FROM households_household h WHERE h.id = welfare_accesslog.household_id),
    subject_district_id = (SELECT d.district_id FROM households_household h JOIN welfare_dong d ON d.id = h.dong_id
                           WHERE h.id = welfare_accesslog.household_id),
    outside_assignment = COALESCE((
        SELECT CASE WHEN s.role IN {dong_roles}
                    THEN NOT EXISTS (SELECT 1 FROM welfare_staffmembership_dongs t
                                     WHERE t.staffmembership_id = s.id AND t.dong_id = h.dong_id)
                    ELSE d.district_id <> s.district_id END
        FROM welfare_staffmembership s, households_household h JOIN welfare_dong d ON d.id = h.dong_id
        WHERE s.user_id = welfare_accesslog.user_id AND h.id = welfare_accesslog.household_id), FALSE)
"""


def backfill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE welfare_accesslog DISABLE TRIGGER {TRIGGER}")
    schema_editor.execute(BACKFILL.format(off_hours=OFF_HOURS[vendor], dong_roles=DONG_ROLES))
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE welfare_accesslog ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    atomic = True
    dependencies = [
        ("households", "0026_household_filter_covering_indexes"),
        ("welfare", "0014_accesslog_review_columns"),
    ]
    # Backwards: the columns go with welfare 0014's reversal; nothing to undo here.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
