"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_without_secret_key_refuses_to_start():
    result = run_check(DEBUG="False", FIELD_ENCRYPTION_KEY="S2V5LWZvci1kZXZlbG9wbWVudC1vbmx5LTAwMDAwMDA=")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_encryption_key_refuses_to_start():
    result = run_check(DEBUG="False", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_production_with_its_secrets_starts():
    result = run_check(DEBUG="False", SECRET_KEY="x" * 50, ALLOWED_HOSTS="welfare.example",
                       FIELD_ENCRYPTION_KEY="S2V5LWZvci1kZXZlbG9wbWVudC1vbmx5LTAwMDAwMDA=")

    assert result.returncode == 0, result.stderr


def test_korean_is_the_default_language_in_seoul_time():
    assert settings.LANGUAGE_CODE == "ko"
    assert settings.TIME_ZONE == "Asia/Seoul"
    assert "en" in dict(settings.LANGUAGES)


def test_celery_follows_redis_url_or_needs_no_server():
    from welfare.celery import app

    if settings.REDIS_URL:
        import redis

        assert app.conf.broker_url == settings.REDIS_URL
        assert redis.Redis.from_url(settings.REDIS_URL).ping()
        assert app.conf.broker_transport_options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    else:
        assert app.conf.broker_url == "filesystem://"
        assert Path(app.conf.broker_transport_options["data_folder_in"]).is_dir()
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
