"""``manage.py load`` (``make load``): the product under load on this machine, localhost only, bounded in time.

1. The data: the bench's demo data (``welfare.demo.seeding``, topped up to ``households``; an existing seed is
   reused) on the PostgreSQL database of ``DATABASE_URL`` (``make load`` creates ``welfare_load``), and one dong
   official per Locust user (``load_01``…: a random password for the run, an API token, the households of its
   dong, search terms drawn from them).
2. The server: gunicorn (``workers`` sync workers) with the **production settings** (DEBUG off, the run's own
   SECRET_KEY, the database's field keys, HTTPS-only cookies, HSTS), bound to 127.0.0.1 on a free port, Redis for
   the cache and Celery (``REDIS_URL``). The client stands in for the TLS proxy (``X-Forwarded-Proto: https``
   with ``TRUSTED_PROXY_COUNT=1``: see :mod:`welfare.demo.loadtest.client`). The second factor is asked of district
   admins only; the load accounts are dong officials (``OTP_REQUIRED=False`` is set all the same).
3. The sign-in: every account signs in once through the login page (a real session), before the timing.
4. Locust, headless: (a) ``users`` officials with a think time of 1–5 s for ``seconds``; (b) saturation, no think
   time: the same mix for ``saturation_seconds``, then the household list alone and the trivial page alone,
   alternating, ``ratio_rounds`` runs of each of ``ratio_seconds`` (the ratio of their mean rates). Alternated, a
   slow spell of the shared machine slows both sides; one run after the other, the trivial page's own rate moved
   by a third between two runs of the same code.
5. The figures per request kind (RPS, p50/p95/p99, errors) and PASS/FAIL against issue 19's targets.

gunicorn and Locust are child processes in their own process groups, ended on the way out (also on Ctrl-C or
SIGTERM); each Locust run has a hard time limit.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from . import mix

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BASE_DIR = Path(settings.BASE_DIR)
ACCOUNT_PREFIX = "load_"
ACCOUNT_EMAIL_DOMAIN = "load.invalid"
HOUSEHOLDS_PER_ACCOUNT = 100


class LoadError(Exception):
    """The run cannot go on (a busy port, a server that does not start, a database that is not PostgreSQL)."""


@dataclass
class Options:
    households: int = 20_000
    users: int = 50
    seconds: int = 60
    saturation_users: int = 30
    saturation_seconds: int = 30
    ratio_rounds: int = 3
    ratio_seconds: int = 15
    workers: int = 3
    port: int = 0
    host: str = "127.0.0.1"
    redis_url: str = "redis://127.0.0.1:6379/5"
    seed: int = 2026
    out_dir: Path = field(default_factory=lambda: Path(settings.VAR_DIR) / "load")

    def check(self) -> None:
        for name in ("households", "users", "seconds", "saturation_users", "saturation_seconds", "ratio_rounds",
                     "ratio_seconds", "workers"):
            if getattr(self, name) < 1:
                raise LoadError(f"{name} must be at least 1.")
        loopback_only(self.host)
        if not 0 <= self.port <= 65535:
            raise LoadError(f"port {self.port} is not a TCP port (0 picks a free one).")


def loopback_only(host: str) -> str:
    """The load test sends traffic to this machine only."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadError(f"{host} is not a loopback address: the load test runs on this machine only.")
    return host


def pick_port(port: int = 0, host: str = "127.0.0.1") -> int:
    """``port`` if it is free on ``host``, or a free one when ``port`` is 0."""
    loopback_only(host)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise LoadError(f"port {port} on {host} is in use ({exc.strerror}); give another or 0 for a free one.") \
                from exc
        return probe.getsockname()[1]


# --- 1. the data ---------------------------------------------------------------------------------------------

def prepare_accounts(count: int, households: int, seed: int, write: Callable[[str], None]) -> list[dict]:
    """Seeds the demo data up to ``households`` and makes ``count`` dong officials for the run (their password and
    API token new each run); returns what the Locust users need of each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Count

    from households.models import CareStatus, Household, Resident
    from welfare.demo import seeding
    from welfare.models import ApiToken, Dong, Role, StaffMembership

    if connection.vendor != "postgresql":
        raise LoadError("The load test runs on PostgreSQL: set DATABASE_URL (make load uses welfare_load).")
    present = Household.objects.filter(is_demo=True).count()
    if present < households:
        write(f"{present} demo households present; seeding up to {households} (the bench's data) …")
        began = time.monotonic()
        seeding.seed(households=households, seed=seed, progress=write)
        write(f"Seeded in {time.monotonic() - began:.0f} s.")
    else:
        write(f"Reusing the {present} demo households of the database.")

    rng = random.Random(seed)
    dongs = list(Dong.objects.annotate(n=Count("households")).filter(n__gt=0).order_by("pk")
                 .select_related("district"))
    if not dongs:
        raise LoadError("No dong has households.")
    password = secrets.token_urlsafe(18)
    hashed = make_password(password)  # once: every load account shares the run's password
    User = get_user_model()
    made = []
    with transaction.atomic():
        for number in range(1, count + 1):
            dong = dongs[(number - 1) % len(dongs)]
            username = f"{ACCOUNT_PREFIX}{number:02d}"
            user, _created = User.objects.update_or_create(username=username, defaults={
                "email": f"{username}@{ACCOUNT_EMAIL_DOMAIN}", "first_name": f"부하{number:02d}", "last_name": "",
                "is_active": True, "is_staff": False, "is_superuser": False, "password": hashed})
            membership, _ = StaffMembership.objects.update_or_create(
                user=user, defaults={"role": Role.DONG_OFFICIAL, "district": dong.district})
            membership.dongs.set([dong])
            ApiToken.objects.filter(user=user).delete()
            _token, key = ApiToken.issue(user=user, name="load test")
            visible = (Household.objects.visible_to(user)
                       .filter(is_demo=True, anonymised_at__isnull=True,
                               status__in=[CareStatus.UNDER_CARE, CareStatus.MONITORING])
                       .values("id", "risk_level", "road_address"))
            picked = list(visible.order_by("?")[:HOUSEHOLDS_PER_ACCOUNT]) or \
                list(Household.objects.visible_to(user).values("id", "risk_level", "road_address")[:10])
            names = list(Resident.objects.filter(household_id__in=[h["id"] for h in picked], name__regex=r"^.{3}$")
                         .values_list("name", flat=True)[:20])
            roads = [" ".join(h["road_address"].split()[-2:]) for h in picked[:5] if h["road_address"]]
            terms = [*names[:8], *[n[:2] for n in names[8:12]], *roads] or ["김"]
            made.append({"username": username, "password": password, "token": key, "dong_id": dong.pk,
                         "households": [{"id": h["id"], "risk_level": h["risk_level"]} for h in picked],
                         "terms": terms})
    rng.shuffle(made)
    return made


# --- 2. the server -------------------------------------------------------------------------------------------

def server_env(options: Options, port: int) -> dict[str, str]:
    """The environment of the production server: DEBUG off and its secrets for the run only; the field keys are
    the database's (what encrypted its personal fields); no DEBUG inherited."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEY),
        "RRN_HASH_KEY": settings.RRN_HASH_KEY,
        "ALLOWED_HOSTS": f"{options.host},localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "OTP_REQUIRED": "False",
        "REDIS_URL": options.redis_url,
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "welfare.settings",
    })
    return env


def gunicorn_command(options: Options, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "welfare.wsgi:application",
            "--bind", f"{options.host}:{port}", "--workers", str(options.workers),
            "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
            "--error-logfile", str(options.out_dir / "gunicorn.log")]


def static_stale() -> bool:
    """True unless the collected files' manifest (which the production settings' storage needs) is newer than
    every static source file: collecting and compressing them takes minutes on a busy machine."""
    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise LoadError(f"Redis does not answer at {url} ({exc}): start it (redis-server) or give --redis-url.") \
            from exc


def _stop(process: subprocess.Popen | None, grace: float = 10) -> None:
    """Ends a child started in its own process group (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


@contextlib.contextmanager
def server(options: Options, port: int, write: Callable[[str], None]) -> Iterator[str]:
    """gunicorn with the production settings on ``host:port``; yields its base URL; always stopped on leaving."""
    import requests

    env = server_env(options, port)
    if static_stale():
        write("Collecting static files for the production settings (hashed names, compressed; once) …")
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR,
                       env=env, check=True, timeout=600)
    base = f"http://{options.host}:{port}"
    process = subprocess.Popen(gunicorn_command(options, port), cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise LoadError(f"gunicorn exited ({process.returncode}); see {options.out_dir / 'gunicorn.log'}")
            try:
                answer = requests.get(f"{base}/login/", headers={"X-Forwarded-Proto": "https"}, timeout=5)
                if answer.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise LoadError(f"gunicorn did not answer on {base} within 60 s")
            time.sleep(0.5)
        write(f"gunicorn: {options.workers} workers on {base} (pid {process.pid}), production settings.")
        yield base
    finally:
        _stop(process)


# --- 3. the sign-in ------------------------------------------------------------------------------------------

def sign_in(accounts: list[dict], base: str, workers: int) -> None:
    """Each account signs in through the login page; its cookies go into the accounts file for Locust."""
    import requests

    from .client import login, proxied

    def one(account: dict) -> None:
        with requests.Session() as session:
            proxied(session, base)
            if not login(session, base, account["username"], account["password"], timeout=60):
                raise LoadError(f"{account['username']} could not sign in")
            account["cookies"] = {cookie.name: cookie.value for cookie in session.cookies}

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, accounts))


# --- 4. Locust -----------------------------------------------------------------------------------------------

def locust_command(user_class: str, users: int, seconds: int, base: str, prefix: Path) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "--users", str(users), "--spawn-rate", str(max(1, min(users, 25))), "--run-time", f"{seconds}s",
            "--stop-timeout", "5", "--host", base, "--csv", str(prefix), "--loglevel", "WARNING",
            "--exit-code-on-error", "0", user_class]


def run_locust(user_class: str, users: int, seconds: int, base: str, accounts_file: Path, prefix: Path,
               children: list) -> tuple[list[mix.KindFigures], mix.KindFigures | None]:
    env = {**os.environ, "LOAD_ACCOUNTS_FILE": str(accounts_file), "PYTHONPATH": str(BASE_DIR)}
    env.pop("DEBUG", None)
    for stale in prefix.parent.glob(f"{prefix.name}_*.csv"):  # a failed run must not report the last one's figures
        stale.unlink()
    log = open(f"{prefix}.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below, after the child)
    process = subprocess.Popen(locust_command(user_class, users, seconds, base, prefix), cwd=BASE_DIR, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    children.append(process)
    try:
        process.wait(seconds + 60)
    except subprocess.TimeoutExpired as exc:
        raise LoadError(f"Locust ({user_class}) did not stop within {seconds + 60} s") from exc
    finally:
        _stop(process)
        children.remove(process)
        log.close()
    stats = Path(f"{prefix}_stats.csv")
    if process.returncode not in (0, None) or not stats.exists():
        raise LoadError(f"Locust ({user_class}) failed ({process.returncode}); see {prefix}.log")
    return mix.read_stats(stats)


# --- 5. the run ----------------------------------------------------------------------------------------------

def run(options: Options, write: Callable[[str], None]) -> list[mix.Verdict]:
    options.check()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    port = pick_port(options.port, options.host)
    check_redis(options.redis_url)
    accounts = prepare_accounts(max(options.users, options.saturation_users), options.households, options.seed,
                                write)
    accounts_file = options.out_dir / "accounts.json"
    children: list[subprocess.Popen] = []

    def terminate(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, a kill or a closed terminal end the run through the ``finally`` below (children stopped), even where
    # the shell started this process with SIGINT ignored (a background job).
    previous = {signum: signal.signal(signum, terminate) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    began, load_before = time.monotonic(), os.getloadavg()
    try:
        with server(options, port, write) as base:
            write(f"Signing in {len(accounts)} officials through the login page …")
            sign_in(accounts, base, options.workers)
            accounts_file.write_text(json.dumps({"base_url": base, "accounts": accounts}, ensure_ascii=False),
                                     encoding="utf-8")
            accounts_file.chmod(0o600)
            sections = []
            write(f"(a) {options.users} officials, think time 1–5 s, {options.seconds} s …")
            think = run_locust("OfficialUser", options.users, options.seconds, base, accounts_file,
                               options.out_dir / "think", children)
            sections.append((f"(a) {options.users} users, think time 1–5 s, {options.seconds} s", think))
            write(f"(b) saturation, mix: {options.saturation_users} users, no think time, "
                  f"{options.saturation_seconds} s …")
            busy = run_locust("BusyOfficialUser", options.saturation_users, options.saturation_seconds, base,
                              accounts_file, options.out_dir / "saturation_mix", children)
            sections.append((f"(b) saturation: the mix, {options.saturation_users} users, no think time, "
                             f"{options.saturation_seconds} s", busy))
            rounds: dict[str, list] = {"list": [], "trivial": []}
            for number in range(1, options.ratio_rounds + 1):
                for label, user_class in (("list", "ListUser"), ("trivial", "TrivialUser")):
                    write(f"(b) saturation, {label} alone, round {number} of {options.ratio_rounds}: "
                          f"{options.saturation_users} users, no think time, {options.ratio_seconds} s …")
                    rounds[label].append(run_locust(
                        user_class, options.saturation_users, options.ratio_seconds, base, accounts_file,
                        options.out_dir / f"saturation_{label}_{number}", children))
    finally:
        for child in list(children):
            _stop(child)
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    write("")
    write(f"load test on {socket.gethostname()}: {os.cpu_count()} cores, gunicorn {options.workers} sync workers, "
          f"production settings, PostgreSQL + Redis; Locust on the same machine; {len(accounts)} officials; "
          f"{time.monotonic() - began:.0f} s")
    write(f"machine load average (1 min) before the run {load_before[0]:.1f}, after it {os.getloadavg()[0]:.1f} "
          f"(on {os.cpu_count()} cores: above that, other work shared the machine)")
    listed, trivial = mix.combine(rounds["list"], mix.LIST), mix.combine(rounds["trivial"], mix.TRIVIAL)
    sections.append((f"(b) saturation: the household list alone and the trivial page alone (/login/ signed out), "
                     f"alternating, {options.ratio_rounds} runs of {options.ratio_seconds} s each (RPS their mean; "
                     f"percentiles their median)", ([listed, trivial], None)))
    for title, (rows, total) in sections:
        write("")
        write(title)
        for line in mix.table(rows, total):
            write(line)
    each = [mix.ratio(mix.rps(a, mix.LIST), mix.rps(b, mix.TRIVIAL))
            for a, b in zip(rounds["list"], rounds["trivial"], strict=True)]
    write("ratio of each round (list ÷ trivial): " + ", ".join(f"{r:.2f}" for r in each))
    verdicts = [*mix.judge_think_time(*think, users=options.users), mix.judge_ratio(listed.rps, trivial.rps)]
    write("")
    write("Targets (issue 19):")
    for line in mix.verdict_lines(verdicts):
        write(line)
    return verdicts
