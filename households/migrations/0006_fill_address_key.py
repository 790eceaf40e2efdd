from django.db import migrations


def fill(apps, schema_editor):
    from welfare.common.addresses import address_key

    Household = apps.get_model("households", "Household")
    batch = []
    for pk, road, detail in Household.objects.values_list("pk", "road_address", "address_detail").iterator(2000):
        batch.append(Household(pk=pk, address_key=address_key(road, detail)))
        if len(batch) >= 2000:
            Household.objects.bulk_update(batch, ["address_key"])
            batch = []
    if batch:
        Household.objects.bulk_update(batch, ["address_key"])


class Migration(migrations.Migration):
    dependencies = [("households", "0005_household_address_key_household_benefit_status")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
