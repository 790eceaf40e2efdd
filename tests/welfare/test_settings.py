"""Settings come from the environment; production refuses to start without its secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


FIELD_KEY = "S2V5LWZvci1kZXZlbG9wbWVudC1vbmx5LTAwMDAwMDA="
# Variables a developer's shell or CI may hold that would change what these tests check.
SETTINGS_VARIABLES = {"SECRET_KEY", "DEBUG", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
                      "TRUSTED_PROXY_COUNT", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                      "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "CSP_REPORT_URI",
                      # set by tests/browser/conftest.py for Playwright; check --deploy rightly refuses it
                      "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_check(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_without_secret_key_refuses_to_start():
    result = run_check(DEBUG="False", FIELD_ENCRYPTION_KEY=FIELD_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_encryption_key_refuses_to_start():
    result = run_check(DEBUG="False", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_production_with_its_secrets_starts():
    result = run_check(DEBUG="False", SECRET_KEY="x" * 50, ALLOWED_HOSTS="welfare.example",
                       FIELD_ENCRYPTION_KEY=FIELD_KEY)

    assert result.returncode == 0, result.stderr


def test_without_debug_given_the_settings_are_production_and_want_their_secrets():
    result = run_check(FIELD_ENCRYPTION_KEY=FIELD_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_deploy_check_passes_with_the_production_variables_of_the_readme():
    # DEBUG=False SECRET_KEY=… FIELD_ENCRYPTION_KEY=… ALLOWED_HOSTS=… python manage.py check --deploy
    result = run_check("--deploy", "--fail-level", "WARNING", DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50),
                       FIELD_ENCRYPTION_KEY=FIELD_KEY, ALLOWED_HOSTS="welfare.example")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_warns_about_debug_and_the_development_key():
    result = run_check("--deploy", "--fail-level", "WARNING", DEBUG="True")

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_production_defaults_are_https_only_with_hsts_and_secure_cookies():
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, "
            "s.SECURE_REFERRER_POLICY, s.ALLOWED_HOSTS, s.SECURE_PROXY_SSL_HEADER)")
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(SECRET_KEY=secrets.token_urlsafe(50), FIELD_ENCRYPTION_KEY=FIELD_KEY,
                 DJANGO_SETTINGS_MODULE="welfare.settings")
    run = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=clean,
                         capture_output=True, text=True, timeout=120)

    assert run.stdout.split() == ["False", "True", "31536000", "True", "True", "True", "True", "DENY",
                                  "same-origin", "[]", "None"], run.stderr
    # Behind one TLS proxy the proxy's X-Forwarded-Proto is believed too.
    clean["TRUSTED_PROXY_COUNT"] = "1"
    behind = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                             "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"],
                            cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr


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


def test_the_embedded_default_checks_its_database_without_warnings(tmp_path):
    # SQLite builds the covering indexes without their INCLUDE columns (PostgreSQL's): make run's migrate and every
    # command said so in two warnings.
    result = run_check("--database", "default", DEBUG="True", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 0, result.stderr
    assert "W040" not in result.stdout + result.stderr
    assert "no issues" in result.stdout
