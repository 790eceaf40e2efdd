"""Uploaded lists are stored encrypted and deleted once their import ends; error rows lose any
registration-number-shaped value (issue 11, item 8).

The data step encrypts the bytes of unfinished batches, empties those of finished or failed ones (marking when),
and masks the stored error rows. Reversing it decrypts what it encrypted (masked numbers stay masked)."""

from django.db import migrations, models
from django.utils import timezone

from welfare.common import crypto
from welfare.common.masking import has_rrn, mask_rrns

CHUNK = 2_000


def forwards(apps, schema_editor):
    ImportBatch = apps.get_model("discovery", "ImportBatch")
    ImportRowError = apps.get_model("discovery", "ImportRowError")
    now = timezone.now()
    ImportBatch.objects.filter(status__in=["done", "failed"]).update(content=b"", upload_deleted_at=now)
    for batch in ImportBatch.objects.exclude(status__in=["done", "failed"]).only("pk", "content").iterator():
        content = bytes(batch.content or b"")
        if not content:
            ImportBatch.objects.filter(pk=batch.pk).update(upload_deleted_at=now)
        elif not crypto.is_encrypted(content):
            ImportBatch.objects.filter(pk=batch.pk).update(content=crypto.encrypt_bytes(content))
    last = 0
    while True:
        rows = list(ImportRowError.objects.filter(pk__gt=last).order_by("pk").only("pk", "raw", "reason")[:CHUNK])
        if not rows:
            break
        last = rows[-1].pk
        changed = [row for row in rows if has_rrn(row.raw) or has_rrn(row.reason)]
        for row in changed:
            row.raw, row.reason = mask_rrns(row.raw), mask_rrns(row.reason)
        ImportRowError.objects.bulk_update(changed, ["raw", "reason"], batch_size=CHUNK)


def backwards(apps, schema_editor):
    ImportBatch = apps.get_model("discovery", "ImportBatch")
    for batch in ImportBatch.objects.filter(upload_deleted_at__isnull=True).only("pk", "content").iterator():
        content = bytes(batch.content or b"")
        if content and crypto.is_encrypted(content):
            ImportBatch.objects.filter(pk=batch.pk).update(content=crypto.decrypt_bytes(content))


class Migration(migrations.Migration):

    dependencies = [
        ("discovery", "0004_import_resume"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="upload_deleted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="원본 파일 삭제 일시"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="content",
            field=models.BinaryField(help_text="the uploaded bytes, encrypted, kept until the import ends"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
