"""A household carries its dong's district, kept by the database, leading an address index for district scope.

Addresses cluster by district ("서울특별시 성동구 …"): at 1,000,000 households in two districts, the last page of
one district's list sorted by address walked the (road_address, id, dong) index from its far end through the
other district's 526,781 households (2.5× the first page). Sorted by address, the district admin's list also says
``district = …`` (``HouseholdQuerySet.within_district_of``), and (district, road_address, id, dong) serves both
directions of that sort and its COUNT (the dong checked in the index).

As with ``FollowUp.dong`` (0024), the column is never written by the code: triggers set it on insert and on a
change of dong (a dong's district never changes); existing rows are filled by one UPDATE.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from welfare.common.vendor_sql import VendorSQL

followup_dong = import_module("households.migrations.0024_followup_dong")

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION households_household_set_district() RETURNS trigger AS $$
BEGIN
    NEW.district_id := (SELECT district_id FROM welfare_dong WHERE id = NEW.dong_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_household_district
    BEFORE INSERT OR UPDATE OF dong_id, district_id ON households_household
    FOR EACH ROW EXECUTE FUNCTION households_household_set_district();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS households_household_district ON households_household;
DROP FUNCTION IF EXISTS households_household_set_district();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER households_household_district_insert AFTER INSERT ON households_household
       BEGIN UPDATE households_household SET district_id = (SELECT district_id FROM welfare_dong WHERE id = NEW.dong_id)
             WHERE id = NEW.id; END""",
    """CREATE TRIGGER households_household_district_update AFTER UPDATE OF dong_id, district_id ON households_household
       BEGIN UPDATE households_household SET district_id = (SELECT district_id FROM welfare_dong WHERE id = NEW.dong_id)
             WHERE id = NEW.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS households_household_district_update",
    "DROP TRIGGER IF EXISTS households_household_district_insert",
]

FORWARD = VendorSQL("Household.district's triggers", POSTGRES_FORWARD, SQLITE_FORWARD)
BACKWARD = VendorSQL("Household.district's triggers", POSTGRES_BACKWARD, SQLITE_BACKWARD)


def forward(apps, schema_editor):
    Household, Dong = apps.get_model("households", "Household"), apps.get_model("welfare", "Dong")
    Household.objects.update(district_id=Subquery(Dong.objects.filter(pk=OuterRef("dong_id")).values("district_id")[:1]))
    FORWARD.run(schema_editor)


def backward(apps, schema_editor):
    BACKWARD.run(schema_editor)
    # Removing the column remakes households_household on SQLite, and SQLite refuses to rename the new table
    # into place while another table's trigger names it: 0024's follow-up triggers step aside until it is done.
    if schema_editor.connection.vendor == "sqlite":
        for statement in followup_dong.SQLITE_BACKWARD:
            schema_editor.execute(statement)


def restore_followup_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in followup_dong.SQLITE_FORWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0024_followup_dong"),
        ("welfare", "0013_access_log_partitions_schedule"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_followup_triggers, elidable=False),
        migrations.AddField(
            model_name="household",
            name="district",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True,
                                    on_delete=models.deletion.DO_NOTHING, related_name="+", to="welfare.district",
                                    verbose_name="구"),
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["district", "road_address", "id", "dong"], name="household_district_address_idx"),
        ),
    ]
