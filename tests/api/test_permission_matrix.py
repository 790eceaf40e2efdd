"""The permission matrix: every endpoint × every role × own dong / other dong / other district.

One world is built once for the module (in a transaction rolled back at the end; each test runs in a savepoint
inside it, so a write in one test is gone before the next). Each test sends one request with a real token.

Who sees what (DESIGN §3):
- personal records (households, cases, visits, follow-ups, service links, check-ins, crisis reports, network
  members): dong officials and leads their own dong; district admins the whole district; planners without
  personal access and users without a membership nothing (404, never 403 with details); crisis reports of the
  district queue (no dong yet) for leads and admins.
- the directory and the plans (resources, plans, plan figures): the whole district for every staff role.
- the visit form's phrase templates: the user's own district, read-only, for every staff role (no dong scope).
- writes: dong officials, leads and district admins; planners and users without a membership 403; anonymous 401.
- visiting nurses (방문간호사) see their dong as officials do and write only visits; the district's case-management
  team (희망복지지원단) sees the households of the district's open difficult cases (here: the other dong's case)
  and nothing of the discovery app.
- writes: dong officials, leads, district admins and the case team (visits also nurses; crisis reports only the
  triage roles); planners and users without a membership 403; anonymous 401.
  A write naming another dong's record is 400 (a field that refers to nothing the user may see) when the record
  is in the body, 404 when it is in the URL.

The first test reads the router's registry at run time: a viewset or action added later without a row here fails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Measurement, PhraseTemplate, ServiceLink
from tests.api.conftest import bearer_client
from tests.discovery.factories_network import member, report
from tests.households.factories_attachments import attach, jpeg_with_gps, upload
from tests.households.factories_cases import ResourceFactory, household_with_client, make_case
from tests.households.factories_plans import draft_plan, figure
from tests.households.factories_visits import CheckInFactory, FollowUpFactory, VisitFactory
from welfare.api.router import build
from welfare.models import ApiToken, Role

from ..factories import DistrictFactory, DongFactory, UserFactory, staff_user

API = "/api/v1"
ROLES = ("official", "lead", "planner", "district_admin", "nurse", "case_team", "no_membership", "anonymous")
EDITORS = {"official", "lead", "district_admin", "case_team"}  # edit_casework: the writes' default
# Writes with their own capability: visits (record_visits: the visiting nurse too), reports (triage_reports).
# Health measurements (view_health_measurements): read and written by the roles that see health data only.
HEALTH = {"official", "lead", "nurse", "case_team"}
WRITERS = {("visits", "create"): EDITORS | {"nurse"},
           ("crisis-reports", "create"): {"official", "lead", "district_admin"},
           ("measurements", "create"): HEALTH}
SCOPES = ("own", "other_dong", "other_district")
PERSONAL = ("households", "cases", "visits", "follow-ups", "service-links", "check-ins", "crisis-reports",
            "network-members", "attachments")
DISTRICT_WIDE = ("resources", "plans", "phrase-templates")


CASE_SCOPED = ("households", "cases", "visits", "follow-ups", "service-links", "check-ins", "attachments",
               "measurements")


def can_see(role: str, prefix: str, scope: str) -> bool:
    """The rule of the module docstring, once."""
    if role in ("anonymous", "no_membership"):
        return False
    if prefix in DISTRICT_WIDE:
        return scope in ("own", "other_dong")
    if scope == "district_queue":
        return role in ("lead", "district_admin")
    if role in ("official", "lead", "nurse"):
        return scope == "own"
    if role == "case_team":  # the world's one open difficult case is the other dong's
        return prefix in CASE_SCOPED and scope == "other_dong"
    if role == "district_admin":
        return scope in ("own", "other_dong")
    return False  # planner without personal access


# The world ----------------------------------------------------------------------------------------------------


@dataclass
class World:
    keys: dict[str, str]  # role -> token key
    objects: dict[tuple[str, str], object]  # (prefix, scope) -> a record
    dongs: dict[str, object]  # scope -> dong
    cases: dict[str, object]
    links: dict[str, object]

    def client(self, role: str) -> APIClient:
        return APIClient() if role == "anonymous" else bearer_client(self.keys[role])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    seongdong = DistrictFactory(name="성동구")
    yeongdeungpo = DistrictFactory(name="영등포구")
    dongs = {"own": DongFactory(district=seongdong, name="왕십리도선동"),
             "other_dong": DongFactory(district=seongdong, name="마장동"),
             "other_district": DongFactory(district=yeongdeungpo, name="영등포동")}
    users = {
        "official": staff_user(Role.DONG_OFFICIAL, district=seongdong, dongs=[dongs["own"]], username="m-official"),
        "lead": staff_user(Role.DONG_LEAD, district=seongdong, dongs=[dongs["own"]], username="m-lead"),
        "planner": staff_user(Role.DISTRICT_PLANNER, district=seongdong, username="m-planner"),
        "district_admin": staff_user(Role.DISTRICT_ADMIN, district=seongdong, username="m-admin"),
        "nurse": staff_user(Role.VISITING_NURSE, district=seongdong, dongs=[dongs["own"]], username="m-nurse"),
        "case_team": staff_user(Role.CASE_TEAM, district=seongdong, username="m-team"),
        "no_membership": UserFactory(username="m-nobody"),
    }
    keys = {role: ApiToken.issue(user=user, name="matrix")[1] for role, user in users.items()}
    ydp_planner = staff_user(Role.DISTRICT_PLANNER, district=yeongdeungpo, username="m-ydp-planner")
    uploader = UserFactory(username="m-uploader", is_superuser=True)
    objects: dict[tuple[str, str], object] = {}
    cases, links = {}, {}
    for scope, dong in dongs.items():
        household = household_with_client(dong, consents=("collect_use", "third_party", "sensitive"))
        resource = ResourceFactory(district=dong.district, dongs=[dong])
        cases[scope] = make_case(household, case_class="difficult" if scope == "other_dong" else "general")
        links[scope] = ServiceLink.objects.create(household=household, resource=resource)
        objects.update({
            ("households", scope): household,
            ("cases", scope): cases[scope],
            ("visits", scope): VisitFactory(household=household),
            ("follow-ups", scope): FollowUpFactory(household=household),
            ("service-links", scope): links[scope],
            ("check-ins", scope): CheckInFactory(household=household),
            ("crisis-reports", scope): report(dong),
            ("network-members", scope): member(dong),
            ("resources", scope): resource,
            ("attachments", scope): attach(household, uploader),
            ("measurements", scope): Measurement.objects.create(
                household=household, kind="steps", value=4000, measured_at=timezone.now() - dt.timedelta(hours=1)),
        })
        for year in (2025, 2026):
            figure(dong, dt.date(year, 3, 1), "cases_opened", 4)
        # Stored phrases (not the defaults), so the list shows ids: two in 성동구, one in 영등포구.
        objects[("phrase-templates", scope)] = PhraseTemplate.objects.create(
            district=dong.district, domain="health", text=f"{scope} 문구")
    objects[("crisis-reports", "district_queue")] = report(None, district=seongdong)
    by = users["planner"]
    objects[("plans", "own")] = draft_plan(district=seongdong, by=by, year=2026, dongs=[dongs["own"]])
    objects[("plans", "other_dong")] = draft_plan(district=seongdong, by=by, year=2025, dongs=[dongs["other_dong"]])
    objects[("plans", "other_district")] = draft_plan(district=yeongdeungpo, by=ydp_planner, year=2026,
                                                      dongs=[dongs["other_district"]])
    return World(keys=keys, objects=objects, dongs=dongs, cases=cases, links=links)


# The matrix ---------------------------------------------------------------------------------------------------

# Every operation of every registered viewset: (prefix, operation). "write" is a POST to a read-only list.
OPERATIONS = {
    "households": ("list", "retrieve", "write"),
    "cases": ("list", "retrieve", "transition", "conference", "aftercare", "write"),
    "visits": ("list", "retrieve", "create"),
    "follow-ups": ("list", "retrieve", "write"),
    "service-links": ("list", "retrieve", "status", "write"),
    "check-ins": ("list", "retrieve", "create"),
    "crisis-reports": ("list", "retrieve", "create"),
    "network-members": ("list", "retrieve", "write"),
    "plans": ("list", "retrieve", "figures", "write"),
    "resources": ("list", "retrieve", "write"),
    "phrase-templates": ("list", "write"),
    "attachments": ("list", "retrieve", "download", "create"),
    "measurements": ("list", "retrieve", "create"),
}
DETAIL_ACTIONS = {("cases", "transition"), ("cases", "conference"), ("cases", "aftercare"), ("service-links", "status"), ("plans", "figures"),
                  ("attachments", "download")}


def scopes_of(prefix: str, operation: str) -> tuple[str, ...]:
    if operation in ("list", "write"):
        return ("-",)
    extra: tuple[str, ...] = ()
    if prefix == "crisis-reports" and operation in ("retrieve", "create"):
        extra += ("district_queue",)
    if operation in ("create", "transition", "status", "conference", "aftercare"):
        extra += ("invalid",)  # an intentionally incomplete body, on the user's own dong
    return SCOPES + extra


def expected(role: str, prefix: str, operation: str, scope: str) -> int:
    if role == "anonymous":
        return 401
    if prefix == "measurements" and role not in HEALTH:
        return 403  # sensitive data: reads need the capability too
    if operation == "list":
        return 200
    if operation in ("retrieve", "figures", "download"):
        return 200 if can_see(role, prefix, scope) else 404
    if role not in WRITERS.get((prefix, operation), EDITORS):
        return 403  # the permission is checked before the object is looked up
    if operation == "write":
        return 405
    if operation == "conference":  # the world's cases are not in conference: a visible one is refused by the rule
        return 400 if can_see(role, prefix, "own" if scope == "invalid" else scope) else 404
    if scope == "invalid":  # on the user's own dong: the object in the URL is found first
        return 400 if operation == "create" or can_see(role, prefix, "own") else 404
    if operation == "create" and prefix == "measurements":
        return 201 if can_see(role, prefix, scope) else 200  # bulk: the unknown household's row is reported
    if operation == "create":
        return 201 if can_see(role, prefix, scope) else 400  # the household or dong in the body is unknown
    if operation == "aftercare":  # the world's cases are at intake: the service refuses an after-care outcome
        return 400 if can_see(role, prefix, scope) else 404
    return 200 if can_see(role, prefix, scope) else 404  # transition, status: the object is in the URL


CASES = [
    pytest.param(role, prefix, operation, scope, id=f"{prefix}-{operation}-{scope}-{role}")
    for prefix, operations in OPERATIONS.items()
    for operation in operations
    for scope in scopes_of(prefix, operation)
    for role in ROLES
]


def test_the_matrix_covers_every_registered_endpoint_and_action():
    covered = {prefix: set(ops) for prefix, ops in OPERATIONS.items()}
    registered = {}
    for prefix, viewset, _basename in build().registry:
        ops = {name for name in ("list", "retrieve", "create", "update", "partial_update", "destroy")
               if hasattr(viewset, name)}
        ops |= {action.url_path for action in viewset.get_extra_actions()}
        if "create" not in ops:
            ops.add("write")
        registered[prefix] = ops

    assert registered == {**covered, **FIELD_APP}


# The field app's endpoints (no records of their own: a pack, a sync, a session check), by role.
FIELD_APP = {"field/pack": {"list", "write"}, "field/session": {"list", "write"}, "field/sync": {"create"}}
FIELD_EXPECTED = {
    # role: (GET pack, POST sync with an empty body, GET session)
    "official": (200, 400, 200), "lead": (200, 400, 200), "district_admin": (200, 400, 200),
    "nurse": (200, 400, 200), "case_team": (200, 400, 200),
    "planner": (403, 403, 200), "no_membership": (403, 403, 200), "anonymous": (401, 401, 401),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_field_app_endpoints_by_role(world, role):
    client = world.client(role)
    got = (client.get(f"{API}/field/pack/").status_code,
           client.post(f"{API}/field/sync/", {}, format="json").status_code,
           client.get(f"{API}/field/session/").status_code)
    assert got == FIELD_EXPECTED[role]


def _request(world: World, role: str, prefix: str, operation: str, scope: str):
    client = world.client(role)
    if operation == "list":
        return client.get(f"{API}/{prefix}/", {"page_size": 200})
    if operation == "write":
        return client.post(f"{API}/{prefix}/", {}, format="json")
    if operation == "create":
        return client.post(f"{API}/{prefix}/", _create_body(world, prefix, scope),
                           format="multipart" if prefix == "attachments" else "json")
    target = world.objects[(prefix, "own" if scope == "invalid" else scope)]
    url = f"{API}/{prefix}/{target.pk}/"
    if operation == "retrieve":
        return client.get(url)
    if operation == "figures":
        return client.get(f"{url}figures/")
    if operation == "download":
        return client.get(f"{url}download/")
    if operation == "transition":
        body = {} if scope == "invalid" else {"to": "assessment", "version": target.version}
        return client.post(f"{url}transition/", body, format="json")
    if operation == "conference":
        body = {} if scope == "invalid" else {"held_on": timezone.localdate().isoformat(), "kind": "general",
                                              "body": "internal", "decision": "not_selected", "reason": "중복"}
        return client.post(f"{url}conference/", body, format="json")
    if operation == "aftercare":
        body = {} if scope == "invalid" else {"outcome": "no_problem", "version": target.version}
        return client.post(f"{url}aftercare/", body, format="json")
    if operation == "status":
        body = {"to": "completed"} if scope == "invalid" else {"to": "accepted"}  # requested → completed: a rule
        return client.post(f"{url}status/", body, format="json")
    raise AssertionError(operation)


def _create_body(world: World, prefix: str, scope: str) -> dict:
    if scope == "invalid":
        return {}
    if prefix == "crisis-reports":
        dong = None if scope == "district_queue" else world.dongs[scope].pk
        return {"channel": "phone", "dong": dong, "subject_name": "홍길동"}
    household = world.objects[("households", scope)].pk
    if prefix == "visits":
        return {"submission_token": str(uuid.uuid4()), "household": household, "contact_result": "met",
                "risk_level": "medium"}
    if prefix == "attachments":
        return {"owner_kind": "household", "owner_id": household, "kind": "photo", "title": "현관 사진",
                "client_id": f"m-{uuid.uuid4()}", "file": upload("a.jpg", jpeg_with_gps())}
    if prefix == "measurements":
        return {"measurements": [{"household": household, "kind": "steps", "value": 4100,
                                  "measured_at": (timezone.now() - dt.timedelta(minutes=1)).isoformat()}]}
    if prefix == "check-ins":
        return {"client_id": f"gw-{uuid.uuid4()}", "household": household, "source": "iot",
                "at": (timezone.now() - dt.timedelta(minutes=1)).isoformat()}
    raise AssertionError(prefix)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "prefix", "operation", "scope"), CASES)
def test_permission(world, role, prefix, operation, scope):
    response = _request(world, role, prefix, operation, scope)

    assert response.status_code == expected(role, prefix, operation, scope), response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}  # the one error shape, whatever refused the request
    if operation == "list" and response.status_code == 200:
        # the list holds exactly the records the user may open one by one
        listed = {row["id"] for row in response.json()["results"]}
        for (kind, where), record in world.objects.items():
            if kind == prefix:
                assert (record.pk in listed) == can_see(role, prefix, where), (kind, where)
    if operation == "figures" and response.status_code == 200:
        # district roles (planner, admin, the case team) read the district's figures; dong roles their own dong's
        seen = {row["dong"] for row in response.json()}
        plan_district = world.objects[("plans", scope)].district_id
        allowed = {d.pk for s, d in world.dongs.items() if d.district_id == plan_district
                   and (role in ("planner", "district_admin", "case_team") or s == "own")}
        assert seen == allowed
