"""The daily reassessment reminder (households.jobs.reassessment) in django-celery-beat's table, beside the other
sweeps (editable in the admin under Periodic tasks)."""

import json

from django.db import migrations

SCHEDULE = [
    # name, minute, hour, description
    ("reassessment_reminders", "30", "5", "매일 05:30 재사정 도래(7일 이내) 알림 접촉 예정 생성"),
]


def forward(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, minute, hour, description in SCHEDULE:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Seoul"
        )
        PeriodicTask.objects.update_or_create(
            name=f"welfare: {name}",
            defaults={"task": "welfare.run_job", "crontab": crontab, "args": json.dumps([name]),
                      "description": description, "enabled": True},
        )


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[f"welfare: {name}" for name, _m, _h, _d in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0021_aftercare_reassessment"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
