"""The offline field app's server side (issue 13): the field pack (what a tablet keeps, never a registration
number, each download logged, constant queries), and the sync of queued items — idempotent by client id, in the
page's rules, and saying what happened when the server's state moved (merged household, care ended, a later
visit, another official's visit, a moved case stage); refused items answer their errors and record nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from discovery.models import ContactAttempt, HouseholdMerge
from households.models import CareStatus, CheckIn, FollowUp, FollowUpStatus, Household, Visit
from tests.discovery.factories_reports import new_report
from tests.factories import HouseholdFactory, ResidentFactory
from tests.households.factories_cases import household_with_client, make_case
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db

PACK = "/api/v1/field/pack/"
SYNC = "/api/v1/field/sync/"


@pytest.fixture
def field(official):
    client = APIClient()
    client.force_login(official)
    return client


def mine(dong, official, n: int = 1, **extra) -> list[Household]:
    made = []
    for _ in range(n):
        household = HouseholdFactory(dong=dong, assigned_official=official, status=CareStatus.UNDER_CARE,
                                     next_contact_on=timezone.localdate() + dt.timedelta(days=2), **extra)
        ResidentFactory(household=household, relation="head", rrn="8001011234567", birth_date=dt.date(1980, 1, 1))
        made.append(household)
    return made


def visit_item(target, **extra) -> dict:
    return {"kind": "visit", "pack_generated_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), "item": {
        "client_id": str(uuid.uuid4()), "household": target.pk, "kind": "home", "contact_result": "met",
        "risk_level": "medium", "observations": "현관에서 만나 안부를 확인함", "next_contact_on": "",
        "visited_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(),
        "needs": [["health", "medium", "혈압약 복용 확인"]], "based_on": {"status": "under_care"}, **extra}}


# --- The pack -------------------------------------------------------------------------------------------------


def test_the_pack_carries_the_officials_households_without_registration_numbers_and_is_logged(field, official, dong,
                                                                                               household):
    own = mine(dong, official, 2)
    report = new_report(dong, by=official)
    report.assigned_official = official
    report.save()

    response = field.get(PACK, {"opened": str(household.pk)})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    pack = response.json()
    assert [h["id"] for h in pack["households"]] == [own[0].pk, own[1].pk, household.pk]
    first = pack["households"][0]
    assert first["residents"][0]["age"] == timezone.localdate().year - 1980  # born on 1 January
    text = response.content.decode()
    assert "8001011234567" not in text and "800101" not in text and "rrn" not in text
    assert pack["policy"] == {"high": 7, "medium": 14, "low": 30, "emergency": 2, "general": 365, "in_service": 30}
    assert "home" in [value for value, _label in pack["choices"]["kind"]]
    assert [r["receipt_code"] for r in pack["reports"]["items"]] == [report.receipt_code]
    entry = AccessLog.objects.get(verb="households.fieldpack.downloaded")
    assert (entry.user_id, entry.action, entry.changes["households"]) == (official.pk, "export", 3)


def test_the_pack_is_capped_and_never_holds_another_dongs_household(field, official, dong, other_household,
                                                                     settings):
    settings.OFFLINE_PACK_MAX_HOUSEHOLDS = 3
    mine(dong, official, 5)
    pack = field.get(PACK, {"opened": str(other_household.pk)}).json()
    assert len(pack["households"]) == 3 and other_household.pk not in [h["id"] for h in pack["households"]]


def test_the_pack_runs_a_constant_number_of_queries(field, official, dong, django_assert_max_num_queries):
    for household in mine(dong, official, 3):
        make_case(household_with_client(dong), by=official)
        Visit.objects.create(household=household, contact_result="met", risk_level="low", recorded_by=official)
    with django_assert_max_num_queries(40) as few:
        field.get(PACK)
    small = len(few.captured_queries)
    mine(dong, official, 12)
    with django_assert_max_num_queries(small):
        field.get(PACK)


def test_only_officials_who_record_casework_get_a_pack(client_for, planner):
    client = APIClient()
    client.force_login(planner)
    assert client.get(PACK).status_code == 403


def test_the_session_check_says_401_when_signed_out_and_gives_a_token_when_signed_in(field):
    assert APIClient().get("/api/v1/field/session/").status_code == 401
    body = field.get("/api/v1/field/session/").json()
    assert body["can_record"] is True and len(body["csrf"]) >= 32


# --- Sync: visits ---------------------------------------------------------------------------------------------


def test_a_queued_visit_is_recorded_once_and_moves_the_follow_up(field, official, dong):
    [household] = mine(dong, official)
    body = visit_item(household)

    first = field.post(SYNC, body, format="json")
    again = field.post(SYNC, body, format="json")

    assert first.status_code == 201 and first.json()["status"] == "sent"
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    visit = Visit.objects.get(household=household)
    household.refresh_from_db()
    # The cadence counts from the day of the visit (Seoul time): typed half an hour ago, which is yesterday just
    # after midnight.
    assert household.next_contact_on == timezone.localtime(visit.visited_at).date() + dt.timedelta(days=14)
    assert FollowUp.objects.get(household=household, status=FollowUpStatus.OPEN).due_on == household.next_contact_on
    assert list(visit.needs.values_list("domain", "severity")) == [("health", "medium")]


def test_a_refused_item_records_nothing_and_says_why_by_field(field, official, dong):
    [household] = mine(dong, official)
    response = field.post(SYNC, visit_item(household, risk_level="extreme", needs=[["health", "", "메모만"]]),
                          format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"risk_level", "needs"}
    assert not Visit.objects.exists()


def test_care_ended_meanwhile_the_visit_is_kept_without_a_next_contact(field, official, dong):
    [household] = mine(dong, official)
    Household.objects.filter(pk=household.pk).update(status=CareStatus.NOT_UNDER_CARE, next_contact_on=None)
    FollowUp.objects.filter(household=household).delete()

    body = field.post(SYNC, visit_item(household), format="json").json()

    assert body["status"] == "conflict" and "관리가 종료" in body["notes"][0]
    visit = Visit.objects.get(household=household)
    assert visit.next_contact_on is None
    assert not FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN).exists()


def test_a_merged_household_takes_the_visit(field, official, dong):
    [survivor] = mine(dong, official)
    duplicate_id = survivor.pk + 1000
    HouseholdMerge.objects.create(survivor=survivor, duplicate_id=duplicate_id, duplicate_address="옛 주소",
                                  reason="같은 세대", by=official)
    body = field.post(SYNC, visit_item(survivor, household=duplicate_id), format="json").json()
    assert body["status"] == "conflict" and f"#{survivor.pk}" in body["notes"][0]
    assert Visit.objects.get().household_id == survivor.pk


def test_a_later_visit_on_record_keeps_deciding_the_next_contact(field, official, lead, dong):
    [household] = mine(dong, official)
    later = timezone.now() - dt.timedelta(minutes=5)
    later_next = timezone.localdate() + dt.timedelta(days=3)
    Visit.objects.create(household=household, visited_at=later, contact_result="met", risk_level="high",
                         next_contact_on=later_next, recorded_by=lead)
    Household.objects.filter(pk=household.pk).update(risk_level="high", next_contact_on=later_next)

    body = field.post(SYNC, visit_item(household, risk_level="low"), format="json").json()

    assert body["status"] == "conflict" and "더 늦은 방문" in body["notes"][0]
    household.refresh_from_db()
    assert (household.risk_level, household.next_contact_on) == ("high", later_next)
    assert Visit.objects.filter(household=household).count() == 2


def test_another_officials_visit_since_the_pack_and_a_moved_case_stage_are_said(field, official, lead, dong):
    household = household_with_client(dong)
    Household.objects.filter(pk=household.pk).update(assigned_official=official, status=CareStatus.UNDER_CARE)
    make_case(household, by=official)
    Visit.objects.create(household=household, visited_at=timezone.now() - dt.timedelta(hours=2),
                         contact_result="met", risk_level="low", recorded_by=lead)

    body = field.post(SYNC, visit_item(household, based_on={"status": "under_care", "case_stage": "assessment"}),
                      format="json").json()

    assert body["status"] == "conflict"
    assert any("두 방문을 모두 남겼습니다" in n for n in body["notes"])
    assert any("사례 단계가 그사이 바뀌었습니다" in n for n in body["notes"])
    assert Visit.objects.filter(household=household).count() == 2


def test_another_dongs_household_is_refused(field, other_household):
    response = field.post(SYNC, visit_item(other_household), format="json")
    assert response.status_code == 400 and "household" in response.json()["error"]["fields"]
    assert not Visit.objects.exists()


# --- Sync: check-ins and contact attempts ---------------------------------------------------------------------


def test_a_queued_check_in_is_recorded_once(field, official, dong):
    [household] = mine(dong, official)
    body = {"kind": "check_in", "item": {"client_id": "field-1", "household": household.pk, "source": "care_team",
                                         "note": "전화로 안부 확인", "at": timezone.now().isoformat()}}
    assert field.post(SYNC, body, format="json").status_code == 201
    assert field.post(SYNC, body, format="json").status_code == 200
    assert CheckIn.objects.filter(household=household).count() == 1


def test_a_queued_contact_attempt_is_recorded_once_and_a_resolved_report_refuses_a_new_one(field, official, dong):
    report = new_report(dong, by=official)
    body = {"kind": "contact_attempt", "item": {"client_id": "field-a1", "report": report.pk, "method": "visit",
                                                "reached": False, "note": "부재, 메모 남김"}}
    assert field.post(SYNC, body, format="json").status_code == 201
    assert field.post(SYNC, body, format="json").status_code == 200
    assert ContactAttempt.objects.filter(report=report).count() == 1

    report.status, report.outcome = "resolved", "no_need"
    report.save(update_fields=["status", "outcome"])
    body["item"]["client_id"] = "field-a2"
    refused = field.post(SYNC, body, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["fields"]


def test_an_unknown_kind_is_400(field):
    assert field.post(SYNC, {"kind": "payment", "item": {}}, format="json").status_code == 400


def test_a_resent_item_gets_its_first_answer_again_notes_included(field, official, dong):
    """The first answer was lost with the connection: the resend must still say what the server did."""
    [household] = mine(dong, official)
    Household.objects.filter(pk=household.pk).update(status=CareStatus.NOT_UNDER_CARE, next_contact_on=None)
    body = visit_item(household)

    first = field.post(SYNC, body, format="json").json()
    Household.objects.filter(pk=household.pk).update(status=CareStatus.UNDER_CARE)  # whatever happens later
    again = field.post(SYNC, body, format="json")

    assert first["status"] == "conflict"
    assert again.status_code == 200 and again.json() == {**first, "created": False}
    assert Visit.objects.filter(household=household).count() == 1


def test_the_pack_merges_the_caseload_and_the_follow_ups_due_in_next_contact_order(official, dong, second_dong):
    """Two capped look-ups merged (issue 19): a household found both ways is there once, a follow-up due later
    than the coming days or assigned to someone else brings nothing, and no next contact sorts last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.field_pack import pack_household_ids

    today = timezone.localdate()

    def household(next_in: int | None, **extra) -> Household:
        return HouseholdFactory(dong=dong, next_contact_on=None if next_in is None else today + dt.timedelta(next_in),
                                **extra)

    def due(target: Household, days: int, to=official) -> None:
        FollowUp.objects.create(household=target, due_on=today + dt.timedelta(days), reason="cadence",
                                assigned_to=to)

    own_late = household(9, assigned_official=official, status=CareStatus.UNDER_CARE)
    own_undated = household(None, assigned_official=official, status=CareStatus.MONITORING)
    both = household(1, assigned_official=official, status=CareStatus.UNDER_CARE)
    due(both, 1)
    due_only = household(4)
    due(due_only, 3)
    later = household(2)
    due(later, 30)  # beyond the coming days
    others = household(0)
    due(others, 1, to=None)
    household(0, assigned_official=official, status=CareStatus.NOT_UNDER_CARE)  # not under care

    with CaptureQueriesContext(connection) as ctx:
        ids = pack_household_ids(official, today=today)

    assert ids == [both.pk, due_only.pk, own_late.pk, own_undated.pk]
    households = [q["sql"] for q in ctx.captured_queries if 'FROM "households_household"' in q["sql"]]
    assert len(households) == 2 and not any("EXISTS" in sql or " OR " in sql for sql in households)
