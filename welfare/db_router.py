"""Read replicas for a whole city (issue 19 item 5): which reads may leave the primary, and the settings around it.

Off unless ``DATABASE_REPLICA_URL`` names one replica or a comma list of them (``settings.py`` adds them as the
aliases ``replica_1``, ``replica_2``… and turns on :class:`ReplicaRouter` and :class:`ReplicaReadsMiddleware`).

The rule, chosen to be easy to check rather than clever: **a read goes to a replica only inside a request that
the middleware marked** — a GET or HEAD of one of the list and dashboard views named in ``REPLICA_VIEW_NAMES``
(``settings.DATABASE_REPLICA_VIEWS`` replaces the list) — and even there it stays on the primary when

- its model is one of ``PRIMARY_ONLY`` (sessions, API tokens, the login lockout, second-factor devices, account
  security, the access log, the scheduler's tables): who may act is never read from a copy that may lag;
- a transaction is open on the primary (what it reads must see what it wrote);
- the request has already written anything but its access-log row (read-your-writes for the rest of it).

Every write, and the access log always, goes to the primary; migrations run on the primary only (the replicas
copy it). Anything not marked (forms, POSTs, the household page, exports, tasks, management commands) reads the
primary. A replica lags its primary by a moment: a list may show a change a second late, never a wrong scope
written by someone else's request in a way the primary would not also show a moment later.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS_PREFIX = "replica_"

# GET/HEAD of these views (URL names) may read from a replica: the lists and dashboards.
REPLICA_VIEW_NAMES: frozenset[str] = frozenset({
    "home", "dong_status", "today",
    "households:list", "households:caseload", "households:team", "households:dong_queue",
    "plans:plan_list", "plans:plan_dashboard",
    "discovery:queue", "discovery:dashboard", "discovery:round_list",
    # The API's lists.
    "households-list", "cases-list", "visits-list", "crisis-reports-list",
})

# Models (app_label.ModelName, or an app label alone) that are always read from the primary.
PRIMARY_ONLY: frozenset[str] = frozenset({
    "sessions", "axes", "otp_totp", "otp_static", "django_celery_beat",
    "welfare.AccessLog", "welfare.ApiToken", "welfare.AccountSecurity", "welfare.JobRun",
})
# Writes that do not make the rest of a request read the primary: the access-log row every view appends.
LOG_ONLY_WRITES: frozenset[str] = frozenset({"welfare.AccessLog"})

_replica_reads: ContextVar[bool] = ContextVar("welfare_replica_reads", default=False)
_wrote: ContextVar[bool] = ContextVar("welfare_replica_wrote", default=False)


def replica_aliases(databases: dict | None = None) -> list[str]:
    """The configured replica aliases, in order."""
    databases = settings.DATABASES if databases is None else databases
    return sorted(alias for alias in databases if alias.startswith(REPLICA_ALIAS_PREFIX))


def replica_databases(urls: list[str], primary: dict, parse: Callable[[str], dict]) -> dict[str, dict]:
    """``{"replica_1": {...}, …}`` for the replica URLs: each keeps the primary's connection settings it does not
    name (CONN_MAX_AGE, OPTIONS…) and, in tests, mirrors the primary (Django's ``TEST: {"MIRROR": "default"}``:
    no test database of its own, its reads see the primary's data)."""
    replicas = {}
    for number, url in enumerate((u.strip() for u in urls if u.strip()), start=1):
        config = {**primary, **parse(url)}
        config["OPTIONS"] = {**primary.get("OPTIONS", {}), **config.get("OPTIONS", {})}
        config["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        replicas[f"{REPLICA_ALIAS_PREFIX}{number}"] = config
    return replicas


def pooler_options(engine: str, *, pgbouncer: bool) -> tuple[dict, bool]:
    """(extra ``OPTIONS``, ``DISABLE_SERVER_SIDE_CURSORS``) for a connection pooler in transaction mode
    (PgBouncer ``pool_mode = transaction``): no server-side cursors (``.iterator()`` would open one that the next
    transaction, on another server connection, cannot find) and no prepared statements (psycopg 3 prepares a
    query after five runs; a prepared statement lives on one server connection)."""
    if not pgbouncer or "postgresql" not in engine:
        return {}, False
    return {"prepare_threshold": None}, True


def jit_options(engine: str, *, jit: bool, pgbouncer: bool) -> dict:
    """Extra ``OPTIONS`` that turn PostgreSQL's JIT compiler off for the product's connections (``DATABASE_JIT``,
    off by default). JIT pays off on queries that run for seconds; the product's are milliseconds, and a plan whose
    estimate crosses ``jit_above_cost`` (100,000) by a misestimate spends 20 ms or more compiling: the areas page
    took 52 ms instead of 31. A pooler in transaction mode does not pass start-up options on (PgBouncer refuses
    them): there, set it on the role, ``ALTER ROLE … SET jit = off`` (README)."""
    if jit or pgbouncer or "postgresql" not in engine:
        return {}
    return {"options": "-c jit=off"}


def apply_connection_options(databases: dict, *, pgbouncer: bool, jit: bool) -> None:
    """Give every alias what the pooler and the JIT choice ask of its connection (settings calls this once)."""
    for db in databases.values():
        options, no_cursors = pooler_options(db["ENGINE"], pgbouncer=pgbouncer)
        if no_cursors:
            db["DISABLE_SERVER_SIDE_CURSORS"] = True
        options = {**options, **jit_options(db["ENGINE"], jit=jit, pgbouncer=pgbouncer)}
        if options:
            db.setdefault("OPTIONS", {}).update(options)


def _label(model) -> tuple[str, str]:
    meta = model._meta
    return meta.app_label, f"{meta.app_label}.{meta.object_name}"


def _primary_only(model) -> bool:
    app_label, label = _label(model)
    return app_label in PRIMARY_ONLY or label in PRIMARY_ONLY


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside: reads of models not in ``PRIMARY_ONLY`` may go to a replica, until the first write."""
    token, wrote = _replica_reads.set(True), _wrote.set(False)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _replica_reads.reset(token)


def replica_reads_on() -> bool:
    return _replica_reads.get() and not _wrote.get()


class ReplicaRouter:
    """Reads to a replica only where :func:`replica_reads` is on (see the module's rule); writes and migrations
    to the primary."""

    def __init__(self, aliases: list[str] | None = None, choose: Callable[[list[str]], str] = random.choice):
        self._aliases = aliases
        self._choose = choose

    @property
    def aliases(self) -> list[str]:
        return replica_aliases() if self._aliases is None else self._aliases

    def db_for_read(self, model, **hints):
        if not replica_reads_on() or not self.aliases or _primary_only(model):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return self._choose(self.aliases)

    def db_for_write(self, model, **hints):
        if _replica_reads.get() and _label(model)[1] not in LOG_ONLY_WRITES:
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas are copies of the primary: an object read from one relates to any

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def replica_view_names() -> frozenset[str]:
    names = getattr(settings, "DATABASE_REPLICA_VIEWS", None)
    return REPLICA_VIEW_NAMES if names is None else frozenset(names)


class ReplicaReadsMiddleware:
    """Turns :func:`replica_reads` on for a GET or HEAD of a view in ``replica_view_names()``, for that view
    only (its template renders inside it; the middleware after it, e.g. the session save, runs outside)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.names = replica_view_names()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if request.method not in ("GET", "HEAD") or match is None or match.view_name not in self.names:
            return None
        with replica_reads():
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response = response.render()  # a TemplateResponse (DRF's Response) renders its rows here
            return response
