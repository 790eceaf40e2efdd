"""A real Celery worker (a subprocess) on Redis, against the test database.

The worker is another process, so the test database must be one it can reach (PostgreSQL: pytest-django's
``test_<name>``) and the tests commit their rows (``django_db(transaction=True)``). Redis is the one of
``REDIS_URL`` with a dedicated database number (15), and every session uses its own queue, so a running
deployment or another test run on the same Redis is not disturbed. These tests never skip: without the
services they fail and say why (``make test`` leaves them out when ``REDIS_URL`` is unset, and says so).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
TEST_REDIS_DB = 15
# The worker's limits: short, so a run orphaned by a killed worker is stale (welfare.jobs._claim) and its
# message visible again (Redis visibility timeout) within seconds instead of half an hour.
TASK_TIME_LIMIT = 8
VISIBILITY_TIMEOUT = 10


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    queue: str


def _redis_url_for_tests(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{TEST_REDIS_DB}", parts.query, ""))


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture(scope="session")
def services(django_db_setup, django_db_blocker) -> Iterator[Services]:
    """The database and Redis the worker will use; fails (never skips) with the reason when one is missing."""
    from django.db import connection

    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings_dict = dict(connection.settings_dict)
    if vendor != "postgresql":
        pytest.fail(
            f"The Celery reliability tests need a database a second process (the worker) can reach, but this run "
            f"uses {vendor}. Run them with DATABASE_URL=postgres://… (CI does), e.g. "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare REDIS_URL=redis://127.0.0.1:6379/0 "
            f".venv/bin/python -m pytest tests/reliability",
            pytrace=False,
        )
    if not settings.REDIS_URL:
        pytest.fail(
            "The Celery reliability tests need Redis: set REDIS_URL=redis://127.0.0.1:6379/0 (CI does). "
            "`make test` without REDIS_URL leaves them out (-m 'not reliability') and says so.",
            pytrace=False,
        )
    redis_url = _redis_url_for_tests(settings.REDIS_URL)
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis at {redis_url} does not answer: {exc}", pytrace=False)
    found = Services(database_url=_database_url(settings_dict), redis_url=redis_url,
                     queue=f"reliability-{uuid.uuid4().hex[:10]}")
    yield found
    # The session's queue is gone with the session: drop the bindings kombu keeps for it.
    ensure_redis()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{found.queue}*"):
        client.delete(key)


@pytest.fixture
def real_broker(services: Services) -> Iterator[None]:
    """Tasks go to the broker in these tests (the session conftest makes the others eager), and the session's
    queue is empty before and after each test."""
    from welfare.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    purge(services)
    try:
        yield
    finally:
        app.conf.task_always_eager = saved
        ensure_redis()
        purge(services)


def purge(services: Services) -> None:
    """Empty the session's queue, and drop its messages that a killed worker left unacknowledged (kombu keeps
    those in one hash per Redis database, which any later worker would restore)."""
    import redis

    from welfare.celery import app

    with app.connection_for_write(services.redis_url) as connection:
        connection.default_channel.queue_purge(services.queue)
    client = redis.Redis.from_url(services.redis_url)
    for tag, payload in client.hscan_iter("unacked"):
        try:
            _message, _exchange, routing_key = json.loads(payload)
        except ValueError:
            continue
        if routing_key == services.queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def enqueue(services: Services, name: str, **kwargs):
    """``welfare.run_job`` on the session's queue, through a fresh connection to the test Redis database (a new
    connection also declares the queue again, as a web process would after Redis restarted)."""
    from welfare.celery import app
    from welfare.tasks import run_job

    with app.connection_for_write(services.redis_url) as connection:
        return run_job.apply_async(args=[name], kwargs=kwargs, queue=services.queue, connection=connection,
                                   ignore_result=True)


@dataclass
class Worker:
    services: Services
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self) -> Worker:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WELFARE_TEST_")},
            "DJANGO_SETTINGS_MODULE": "welfare.settings",
            "DATABASE_URL": self.services.database_url,
            "REDIS_URL": self.services.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "welfare", "worker", "--pool", "prefork", "--concurrency", "1",
            "--loglevel", "INFO", "-Q", self.services.queue, "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--hostname", f"{self.services.queue}-{uuid.uuid4().hex[:6]}@%h",
        ]
        with self.log_path.open("ab") as log:
            # Its own session (process group): the test can SIGKILL the main process and its pool child at once.
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.wait_for_log("ready.", timeout=45)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, timeout: float, count: int = 1) -> None:
        wait_for(lambda: self.log().count(text) >= count, timeout=timeout, what=f"{text!r} in the worker log",
                 workers=[self])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child): nothing is acknowledged or restored."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, workers=()) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- worker log {w.log_path.name} (last 3000 chars) ---\n{w.log()[-3000:]}"
                             for w in workers)
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}\n{logs}")
        time.sleep(0.2)


@pytest.fixture
def start_worker(services: Services, real_broker, transactional_db, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Starts workers on the session's queue; every one is killed at the end, whatever happened."""
    started: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        worker = Worker(services=services, log_path=tmp_path / f"worker-{len(started) + 1}.log", extra_env=extra_env)
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()


# --- Redis ---------------------------------------------------------------------------------------------------


def _redis_address() -> tuple[str, str]:
    parts = urlsplit(settings.REDIS_URL)
    return parts.hostname or "127.0.0.1", str(parts.port or 6379)


def redis_answers() -> bool:
    host, port = _redis_address()
    result = subprocess.run(["redis-cli", "-h", host, "-p", port, "ping"], capture_output=True, text=True, timeout=5)
    return result.stdout.strip() == "PONG"


def start_redis() -> None:
    # The command .ci/run uses: nothing persisted, so a restart loses everything Redis held.
    host, port = _redis_address()
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", host, "--port", port, "--save", "",
                    "--appendonly", "no"], check=True, cwd="/tmp", capture_output=True, timeout=10)
    wait_for(redis_answers, timeout=15, what="Redis to answer PING after starting")


def restart_redis() -> None:
    host, port = _redis_address()
    if host not in ("127.0.0.1", "localhost"):
        pytest.fail(f"The Redis restart test restarts a local redis-server; REDIS_URL points at {host}.",
                    pytrace=False)
    subprocess.run(["redis-cli", "-h", host, "-p", port, "shutdown", "nosave"], capture_output=True, timeout=10)
    wait_for(lambda: not redis_answers(), timeout=15, what="Redis to stop")
    start_redis()


def ensure_redis() -> None:
    """Whatever a test did, Redis is running afterwards."""
    if not redis_answers():
        start_redis()
