"""The nightly upkeep of the access log's partitions in django-celery-beat's table (editable in the admin)."""

import json

from django.db import migrations

NAME = "access_log_partitions"


def forward(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(minute="40", hour="2", day_of_week="*", day_of_month="*",
                                               month_of_year="*", timezone="Asia/Seoul")
    PeriodicTask.objects.update_or_create(
        name=f"welfare: {NAME}",
        defaults={"task": "welfare.run_job", "crontab": crontab, "args": json.dumps([NAME]),
                  "description": "매일 02:40 접근 기록 월별 파티션 만들기·보존기간 지난 달 삭제", "enabled": True},
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=f"welfare: {NAME}").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0012_accesslog_partitioned"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
