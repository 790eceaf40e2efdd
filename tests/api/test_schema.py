"""Schemathesis against the running schema: every operation of /api/schema/ called through the WSGI app with a dong
official's token, on a dong with data. No response may be a 5xx, every response must be one the operation
documents (status code) and match its documented body.

Deterministic for CI: a fixed seed, ``deterministic`` generation (Hypothesis derandomized, no example database)
and a fixed budget of 50 generated cases per operation in each of the two phases, examples (the schema's own) and
fuzzing, positive and negative inputs alike (about 45 s here; 20 cases took 40 s, 100 take 60 s). Checked: no 5xx,
documented status codes, content types and headers, bodies matching the schema, required headers enforced,
undocumented methods refused. The coverage phase (every boundary value the schema implies) runs on demand:
``SCHEMATHESIS_COVERAGE=1`` (about twice the time); ``SCHEMATHESIS_SEED`` and ``SCHEMATHESIS_EXAMPLES`` change the
seed and the budget for an exploratory run. Not checked: ``negative_data_rejection`` (an empty filter value or an
unknown ``ordering`` term is ignored by design, not refused).

Excluded: only the operations in KNOWN_ISSUES, each with the bug it still finds; delete the entry with the fix.

A path ``id`` that Hypothesis draws as an integer is mapped onto a record of the world (the official's own, or one
of the other dong's), so detail endpoints and actions answer 200 and 404 and not only 404.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from households.models import ServiceLink
from tests.discovery.factories_network import member, report
from tests.factories import UserFactory
from tests.households.factories_attachments import attach
from tests.households.factories_cases import ResourceFactory, household_with_client, make_case
from tests.households.factories_plans import draft_plan, figure
from tests.households.factories_visits import CheckInFactory, FollowUpFactory, VisitFactory
from welfare.models import ApiToken
from welfare.wsgi import application

SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20260107"))
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
CONFIG = {
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {
        "examples": {"enabled": True},
        "fuzzing": {"enabled": True},
        "coverage": {"enabled": os.environ.get("SCHEMATHESIS_COVERAGE") == "1"},
        "stateful": {"enabled": False},
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "missing_required_header": {"enabled": True},
        "unsupported_method": {"enabled": True},
    },
}


@pytest.fixture
def world(db, dong, second_dong, official, planner):
    """A household of each dong with a case, a visit, a follow-up, a service link and a check-in; reports,
    network members, a plan with figures: (prefix → ids), own dong first."""
    ids: dict[str, list[int]] = {}
    uploader = UserFactory(username="schema-uploader", is_superuser=True)

    def add(prefix: str, pk: int) -> None:
        ids.setdefault(prefix, []).append(pk)

    for where in (dong, second_dong):
        household = household_with_client(where, consents=("collect_use", "third_party"))
        resource = ResourceFactory(district=where.district, dongs=[where])
        add("households", household.pk)
        add("cases", make_case(household, by=official).pk)
        add("visits", VisitFactory(household=household).pk)
        add("follow-ups", FollowUpFactory(household=household).pk)
        add("service-links", ServiceLink.objects.create(household=household, resource=resource).pk)
        add("check-ins", CheckInFactory(household=household).pk)
        add("crisis-reports", report(where).pk)
        add("network-members", member(where).pk)
        add("resources", resource.pk)
        add("attachments", attach(household, uploader).pk)
        figure(where, dt.date(2026, 3, 1), "cases_opened", 3)
    add("plans", draft_plan(district=dong.district, by=planner, year=2026, dongs=[dong, second_dong]).pk)
    return ids


@pytest.fixture
def same_connection():
    """Calls go to the WSGI handler itself, which closes the database connection at the start and end of each
    request when it is "obsolete" (in a transaction, it always is): on PostgreSQL that would end the test's
    transaction. Django's test client unhooks these two receivers for the same reason; so does this."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(official):
    return {"Authorization": f"Bearer {ApiToken.issue(user=official, name='schemathesis')[1]}"}


KNOWN_ISSUES: dict[str, str] = {}

# Loaded from the app while the tests are collected (the schema view reads no database). Not through
# schemathesis.pytest.from_fixture: its lazy loader sets ``node._nodeid``, which pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=schemathesis.Config.from_dict(CONFIG))
schema = schema.exclude(name=list(KNOWN_ISSUES)) if KNOWN_ISSUES else schema


# The world is built once for all the generated cases of the test (on purpose: they read it; what a case writes,
# a visit or a report, stays for the next, as it would on a server).
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_conforms_to_the_schema(case, world, bearer, same_connection):
    prefix = case.path.removeprefix("/api/v1/").split("/")[0]
    drawn = case.path_parameters.get("id") if case.path_parameters else None
    if isinstance(drawn, int) and prefix in world:
        known = world[prefix]
        case.path_parameters["id"] = known[abs(drawn) % len(known)]

    case.call_and_validate(headers=bearer)
