"""The hourly sweep of held messages in django-celery-beat's table (editable in the admin under Periodic tasks)."""

import json

from django.db import migrations

NAME = "release_messages"


def forward(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="1", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Seoul"
    )
    PeriodicTask.objects.update_or_create(
        name=f"welfare: {NAME}",
        defaults={"task": "welfare.run_job", "crontab": crontab, "args": json.dumps([NAME]),
                  "description": "매시 01분 야간 보류·지연 메시지 발송", "enabled": True},
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=f"welfare: {NAME}").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0009_outbound_messages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
