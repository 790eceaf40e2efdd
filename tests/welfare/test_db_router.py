"""The read-replica router (issue 19 item 5): reads go to a replica only inside a marked list/dashboard request,
never for the primary-only models, inside a transaction, or after a write; writes and migrations never."""

from __future__ import annotations

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
    pooler_options,
    replica_databases,
    replica_reads,
)
from welfare.models import AccessLog, ApiToken


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
