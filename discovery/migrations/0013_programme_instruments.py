"""Load the two default outcome instruments of the social-network programmes (discovery.instrument_defaults)."""

from django.db import migrations

from discovery.instrument_defaults import DEFAULTS, ensure


def load(apps, schema_editor):
    ensure(apps.get_model("discovery", "Instrument"), apps.get_model("discovery", "InstrumentItem"))


def unload(apps, schema_editor):
    apps.get_model("discovery", "Instrument").objects.filter(
        district=None, code__in=[d["code"] for d in DEFAULTS], measurements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("discovery", "0012_social_network_programmes")]
    operations = [migrations.RunPython(load, unload)]
