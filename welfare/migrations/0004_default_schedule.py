"""The default schedule in django-celery-beat's tables (editable in the admin under Periodic tasks).

Times are Asia/Seoul. Each entry calls the one task ``welfare.run_job`` with the job's name.
"""

import json

from django.db import migrations

SCHEDULE = [
    # name, minute, hour, description
    ("schedule_followups", "0", "5", "매일 05:00 정기 접촉 예정 생성"),
    ("universal_visits", "30", "5", "매일 05:30 보편 방문(만 65세·출생) 예정 생성"),
    ("mark_overdue", "5", "*", "매시 05분 기한 경과 표시와 알림"),
    ("silence_watch", "15", "*", "매시 15분 무응답 경보"),
    ("plan_figures", "0", "2", "매일 02:00 기본계획 실적 집계"),
    ("retention", "0", "3", "매일 03:00 보존기간 지난 사례 익명화"),
    ("email_digest", "0", "8", "매일 08:00 알림 메일 요약"),
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
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__startswith="welfare: ").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0003_jobrun_notification"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
