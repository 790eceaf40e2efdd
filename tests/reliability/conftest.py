"""A real Celery worker (a subprocess) on a private Redis, against the test database.

The worker is another process, so the test database must be one it can reach (PostgreSQL: pytest-django's
``test_<name>``) and the tests commit their rows (``django_db(transaction=True)``). Redis is a private
``redis-server`` this session starts on a free port (nothing persisted, its files in a temporary folder) and
stops at the end: the machine's Redis, which other programs use, is never touched, stopped or restarted (the
Redis-restart test restarts the private one). These tests never skip: without PostgreSQL or ``redis-server``
they fail and say why (``make test`` leaves them out when ``REDIS_URL`` is unset, and says so).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST = "127.0.0.1"
# The worker's limits: short, so a run orphaned by a killed worker is stale (welfare.jobs._claim) and its
# message visible again (Redis visibility timeout) within seconds instead of half an hour.
TASK_TIME_LIMIT = 8
VISIBILITY_TIMEOUT = 10


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    queue: str


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture(scope="session")
def services(django_db_setup, django_db_blocker, private_redis) -> Iterator[Services]:
    """The database and the private Redis the worker will use; fails (never skips) with the reason when the
    database is not one a second process can reach."""
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
    yield Services(database_url=_database_url(settings_dict), redis_url=private_redis.url,
                   queue=f"reliability-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def real_broker(services: Services) -> Iterator[None]:
    """Tasks go to the broker in these tests (the session conftest makes the others eager), and the session's
    queue is empty before and after each test."""
    from welfare.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    # Whatever this process sends goes to the private Redis, never to the machine's.
    app.conf.task_always_eager, app.conf.broker_url = False, services.redis_url
    purge(services)
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
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
    """``welfare.run_job`` on the session's queue (see :func:`enqueue_task`)."""
    from welfare.tasks import run_job

    return enqueue_task(services, run_job, name, **kwargs)


def enqueue_task(services: Services, task, *args, **kwargs):
    """``task`` on the session's queue, through a fresh connection to the private Redis (a new connection also
    declares the queue again, as a web process would after Redis restarted)."""
    from welfare.celery import app

    with app.connection_for_write(services.redis_url) as connection:
        return task.apply_async(args=list(args), kwargs=kwargs, queue=services.queue, connection=connection,
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


# --- The private Redis -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((REDIS_HOST, 0))
        return probe.getsockname()[1]


@dataclass
class PrivateRedis:
    """A ``redis-server`` of this test session only: a free port, nothing persisted (``--save "" --appendonly
    no``), its working folder a temporary one. Started and stopped by its own process, never by ``shutdown``
    sent to some other server."""

    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("The Celery reliability tests start a private redis-server: install it (apt-get install "
                        "redis-server); it is not found on PATH.", pytrace=False)
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [binary, "--bind", REDIS_HOST, "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--daemonize", "no"],
            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for(self.answers, timeout=15, what=f"the private Redis on port {self.port} to answer PING")

    def answers(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        import redis

        try:
            return bool(redis.Redis(host=REDIS_HOST, port=self.port, socket_connect_timeout=1).ping())
        except Exception:  # noqa: BLE001 - not up (yet)
            return False

    def stop(self) -> None:
        """Stops this server only (its own process), losing everything it held."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


_PRIVATE: list[PrivateRedis] = []


@pytest.fixture(scope="session")
def private_redis() -> Iterator[PrivateRedis]:
    folder = Path(tempfile.mkdtemp(prefix="welfare-reliability-redis-"))
    server = PrivateRedis(port=_free_port(), folder=folder)
    _PRIVATE.append(server)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        _PRIVATE.remove(server)
        shutil.rmtree(folder, ignore_errors=True)


def _private() -> PrivateRedis:
    if not _PRIVATE:
        pytest.fail("No private Redis is running (the private_redis fixture starts it).", pytrace=False)
    return _PRIVATE[-1]


def restart_redis() -> None:
    """Restarts the session's private Redis (nothing persisted, so it comes back empty)."""
    server = _private()
    server.stop()
    wait_for(lambda: not server.answers(), timeout=15, what="the private Redis to stop")
    server.start()


def ensure_redis() -> None:
    """Whatever a test did, the private Redis is running afterwards."""
    server = _private()
    if not server.answers():
        server.start()
