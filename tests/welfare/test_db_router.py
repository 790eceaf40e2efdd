"""The read-replica router (issue 19 item 5): reads go to a replica only inside a marked list/dashboard request,
never for the primary-only models, inside a transaction, or after a write; writes and migrations never."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import resolve

from households.models import Household, Visit
from welfare.db_router import (
    REPLICA_VIEW_NAMES,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    jit_options,
    pooler_options,
    replica_databases,
    replica_reads,
)
from welfare.models import AccessLog, ApiToken

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def router():
    return ReplicaRouter(aliases=["replica_1", "replica_2"], choose=lambda aliases: aliases[-1])


def test_reads_stay_on_the_primary_unless_marked(router):
    assert router.db_for_read(Household) == "default"
    assert router.db_for_write(Household) == "default"


def test_marked_reads_go_to_a_replica_but_never_the_primary_only_models(router):
    with replica_reads():
        assert router.db_for_read(Household) == "replica_2"
        assert router.db_for_read(Visit) == "replica_2"
        for model in (AccessLog, ApiToken, Session):
            assert router.db_for_read(model) == "default"
    assert router.db_for_read(Household) == "default"  # off again on leaving


def test_a_write_sends_the_rest_of_the_request_to_the_primary_but_the_access_log_does_not(router):
    with replica_reads():
        assert router.db_for_write(AccessLog) == "default"
        assert router.db_for_read(Household) == "replica_2"  # the log row is no reason to leave the replica
        assert router.db_for_write(Visit) == "default"
        assert router.db_for_read(Household) == "default"  # read-your-writes
    with replica_reads():
        assert router.db_for_read(Household) == "replica_2"  # the next request starts afresh


def test_reads_inside_a_transaction_stay_on_the_primary(router, monkeypatch):
    from django.db import connections

    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    with replica_reads():
        assert router.db_for_read(Household) == "default"


def test_without_replicas_everything_is_the_primary():
    with replica_reads():
        assert ReplicaRouter(aliases=[]).db_for_read(Household) == "default"


def test_migrations_run_on_the_primary_only(router):
    assert router.allow_migrate("default", "households")
    assert not router.allow_migrate("replica_1", "households")
    assert router.allow_relation(object(), object())


def test_the_middleware_marks_only_gets_of_the_listed_views(router):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Household))
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = ReplicaReadsMiddleware(lambda request: None)
    factory = RequestFactory()
    cases = (("get", "/households/", "replica_2"), ("head", "/households/", "replica_2"),
             ("post", "/households/", "default"), ("get", "/households/1/", "default"))
    for method, path, _expected in cases:
        request = getattr(factory, method)(path)
        request.resolver_match = resolve(path)
        response = middleware.process_view(request, view, (), {})
        if response is None:  # not marked: the handler calls the view itself
            view(request)
    assert seen == [expected for _method, _path, expected in cases]


def test_every_listed_view_exists():
    from django.urls import get_resolver

    names = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver())
    assert names >= REPLICA_VIEW_NAMES


def test_replica_urls_become_mirrored_aliases_with_the_primarys_settings():
    primary = {"ENGINE": "django.db.backends.postgresql", "NAME": "welfare", "CONN_MAX_AGE": 60,
               "OPTIONS": {"sslmode": "require"}}
    replicas = replica_databases(["postgres://u@replica-a:5432/welfare", " postgres://u@replica-b/welfare ", ""],
                                 primary, environ.Env.db_url_config)
    assert list(replicas) == ["replica_1", "replica_2"]
    assert replicas["replica_1"]["HOST"] == "replica-a" and replicas["replica_2"]["HOST"] == "replica-b"
    assert replicas["replica_1"]["CONN_MAX_AGE"] == 60
    assert replicas["replica_1"]["OPTIONS"] == {"sslmode": "require"}
    assert replicas["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert replica_databases([], primary, environ.Env.db_url_config) == {}


def test_pgbouncer_turns_off_server_side_cursors_and_prepared_statements():
    assert pooler_options("django.db.backends.postgresql", pgbouncer=True) == ({"prepare_threshold": None}, True)
    assert pooler_options("django.db.backends.postgresql", pgbouncer=False) == ({}, False)
    assert pooler_options("django.db.backends.sqlite3", pgbouncer=True) == ({}, False)


def test_jit_is_off_on_direct_postgresql_connections_unless_asked():
    assert jit_options("django.db.backends.postgresql", jit=False, pgbouncer=False) == {"options": "-c jit=off"}
    assert jit_options("django.db.backends.postgresql", jit=True, pgbouncer=False) == {}
    assert jit_options("django.db.backends.postgresql", jit=False, pgbouncer=True) == {}  # the role's setting
    assert jit_options("django.db.backends.sqlite3", jit=False, pgbouncer=False) == {}


@pytest.mark.django_db
def test_the_suites_own_connection_runs_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":  # the embedded default has no JIT to turn off
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _settings_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLER", "DEBUG")}
    clean.update(DEBUG="True", DJANGO_SETTINGS_MODULE="welfare.settings", **env)
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
            "'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS, 'last': s.MIDDLEWARE[-1], "
            "'cursors': [d.get('DISABLE_SERVER_SIDE_CURSORS', False) for d in s.DATABASES.values()], "
            "'prepare': [d.get('OPTIONS', {}).get('prepare_threshold', 'unset') for d in s.DATABASES.values()], "
            "'options': [d.get('OPTIONS', {}).get('options', '') for d in s.DATABASES.values()], "
            "'mirror': [d.get('TEST', {}).get('MIRROR') for d in s.DATABASES.values()]}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_the_environment_switches_the_replicas_and_the_pooler_on():
    on = _settings_with(DATABASE_URL="postgres://u@primary:5432/welfare", DATABASE_POOLER="pgbouncer",
                        DATABASE_REPLICA_URL="postgres://u@replica-a:5432/welfare,postgres://u@replica-b/welfare")
    assert on.returncode == 0, on.stderr[-2000:]
    found = json.loads(on.stdout.strip().splitlines()[-1])
    assert found["aliases"] == ["default", "replica_1", "replica_2"]
    assert found["routers"] == ["welfare.db_router.ReplicaRouter"]
    assert found["last"] == "welfare.db_router.ReplicaReadsMiddleware"
    assert found["cursors"] == [True, True, True] and found["prepare"] == [None, None, None]
    assert found["options"] == ["", "", ""]  # PgBouncer passes no start-up options: jit is the role's setting
    assert found["mirror"] == [None, "default", "default"]

    off = _settings_with(DATABASE_URL="postgres://u@primary:5432/welfare")
    found = json.loads(off.stdout.strip().splitlines()[-1])
    assert found["aliases"] == ["default"] and found["routers"] == []
    assert found["last"] != "welfare.db_router.ReplicaReadsMiddleware"
    assert found["cursors"] == [False] and found["prepare"] == ["unset"]
    assert found["options"] == ["-c jit=off"]

    wrong = _settings_with(DATABASE_POOLER="pgpool")
    assert wrong.returncode != 0 and "DATABASE_POOLER" in wrong.stderr
