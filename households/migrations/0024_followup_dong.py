"""A follow-up carries its household's dong, kept by the database.

The dong queue (the today page's 미배정 block and 통·대기열) lists a dong's open follow-ups that nobody is assigned
to. Through the household it had to join every open unassigned follow-up of the district to its household to
keep the dong's: 1.1 s at 1,000,000 households. ``FollowUp.dong`` with a partial index (dong, due_on, id) over the
open unassigned ones reads the dong's alone.

The column is never written by the code. Triggers set it on every insert and on every change of household (a
merge moves follow-ups; ``bulk_create`` and raw SQL included), and move it when a household moves to another dong;
existing rows are filled by one set-based UPDATE. PostgreSQL and SQLite each get their own dialect.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from welfare.common.vendor_sql import VendorSQL

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION households_followup_set_dong() RETURNS trigger AS $$
BEGIN
    NEW.dong_id := (SELECT dong_id FROM households_household WHERE id = NEW.household_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_followup_dong
    BEFORE INSERT OR UPDATE OF household_id, dong_id ON households_followup
    FOR EACH ROW EXECUTE FUNCTION households_followup_set_dong();

CREATE OR REPLACE FUNCTION households_household_move_followups() RETURNS trigger AS $$
BEGIN
    UPDATE households_followup SET dong_id = NEW.dong_id WHERE household_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_household_followups_dong
    AFTER UPDATE OF dong_id ON households_household
    FOR EACH ROW WHEN (OLD.dong_id IS DISTINCT FROM NEW.dong_id)
    EXECUTE FUNCTION households_household_move_followups();

-- Which dongs have open follow-ups nobody is assigned to: without it the planner multiplies the three conditions'
-- chances, expects thousands of a staffed dong's follow-ups in the queue, and walks every open follow-up in due
-- order instead of reading the queue's index (0.2 s against 0.2 ms at 1,000,000 households).
CREATE STATISTICS IF NOT EXISTS households_followup_queue_stats (mcv)
    ON dong_id, status, assigned_to_id FROM households_followup;
ANALYZE households_followup;
"""
POSTGRES_BACKWARD = """
DROP STATISTICS IF EXISTS households_followup_queue_stats;
DROP TRIGGER IF EXISTS households_household_followups_dong ON households_household;
DROP FUNCTION IF EXISTS households_household_move_followups();
DROP TRIGGER IF EXISTS households_followup_dong ON households_followup;
DROP FUNCTION IF EXISTS households_followup_set_dong();
"""

# SQLite has no BEFORE trigger that may change NEW: the row is corrected just after it is written (recursive
# triggers are off by default, so these UPDATEs fire nothing again).
SQLITE_FORWARD = [
    """CREATE TRIGGER households_followup_dong_insert AFTER INSERT ON households_followup
       BEGIN UPDATE households_followup
             SET dong_id = (SELECT dong_id FROM households_household WHERE id = NEW.household_id)
             WHERE id = NEW.id; END""",
    """CREATE TRIGGER households_followup_dong_update AFTER UPDATE OF household_id, dong_id ON households_followup
       BEGIN UPDATE households_followup
             SET dong_id = (SELECT dong_id FROM households_household WHERE id = NEW.household_id)
             WHERE id = NEW.id; END""",
    """CREATE TRIGGER households_household_followups_dong AFTER UPDATE OF dong_id ON households_household
       WHEN OLD.dong_id IS NOT NEW.dong_id
       BEGIN UPDATE households_followup SET dong_id = NEW.dong_id WHERE household_id = NEW.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS households_household_followups_dong",
    "DROP TRIGGER IF EXISTS households_followup_dong_update",
    "DROP TRIGGER IF EXISTS households_followup_dong_insert",
]

FORWARD = VendorSQL("FollowUp.dong's triggers", POSTGRES_FORWARD, SQLITE_FORWARD)
BACKWARD = VendorSQL("FollowUp.dong's triggers", POSTGRES_BACKWARD, SQLITE_BACKWARD)


def forward(apps, schema_editor):
    # The rows there are first (one UPDATE, before the triggers that would recompute each row), then the triggers.
    FollowUp, Household = apps.get_model("households", "FollowUp"), apps.get_model("households", "Household")
    FollowUp.objects.update(dong_id=Subquery(Household.objects.filter(pk=OuterRef("household_id"))
                                             .values("dong_id")[:1]))
    FORWARD.run(schema_editor)


def backward(apps, schema_editor):
    BACKWARD.run(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0023_household_updated_at_one_index"),
        ("welfare", "0013_access_log_partitions_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="dong",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True,
                                    on_delete=models.deletion.DO_NOTHING, related_name="+", to="welfare.dong",
                                    verbose_name="행정동"),
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(condition=models.Q(("assigned_to__isnull", True), ("status", "open")),
                               fields=["dong", "due_on", "id"], name="followup_dong_queue_idx"),
        ),
    ]
