"""The schedule of outbound messages in django-celery-beat's table (editable in the admin under Periodic tasks):
the hourly sweep of held messages, the public door's progress messages, and the evening visit reminders."""

import json

from django.db import migrations

SCHEDULE = [
    # name, minute, hour, description
    ("release_messages", "1", "*", "매시 01분 야간 보류·지연 메시지 발송"),
    ("notify_public_requests", "20", "*", "매시 20분 주민 신청·신고 진행 알림"),
    ("visit_reminders", "0", "18", "매일 18:00 내일 방문·연락 예정 문자 알림"),
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
        ("welfare", "0010_outbound_messages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
