"""The header's search (welfare.search) over crisis reports on PostgreSQL: trigram GIN indexes on the receipt
code, the subject's name, address and phone, and the subject name's start and end for 2-syllable names
(see welfare.common.pg_indexes: nothing happens on SQLite, and the model state does not change)."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Reverse

from welfare.common.pg_indexes import TrigramExtensionKept, postgres_only_indexes

REPORT_SEARCH = [
    GinIndex(fields=["receipt_code"], opclasses=["gin_trgm_ops"], name="report_code_trgm"),
    GinIndex(fields=["subject_name"], opclasses=["gin_trgm_ops"], name="report_name_trgm"),
    GinIndex(fields=["subject_address"], opclasses=["gin_trgm_ops"], name="report_address_trgm"),
    GinIndex(fields=["subject_phone"], opclasses=["gin_trgm_ops"], name="report_phone_trgm"),
    models.Index(fields=["subject_name"], opclasses=["varchar_pattern_ops"], name="report_name_prefix"),
    models.Index(OpClass(Reverse("subject_name"), name="text_pattern_ops"), name="report_name_suffix"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("discovery", "0007_lists_catalogue_rewards"),
    ]

    operations = [
        TrigramExtensionKept(),
        postgres_only_indexes("discovery", "crisisreport", REPORT_SEARCH),
    ]
