"""/api/v1/crisis-reports/: scoped reads without the reporter's identity, filters, and intake through the
officials' form and discovery.services.report_create."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery.models import CrisisReport, DiscoveryPolicy, ReporterIdentity
from tests.api.conftest import error_of, walk
from tests.discovery.factories_network import identity, member, report
from welfare.models import AccessLog, Role

from ..factories import staff_user

REPORTS = "/api/v1/crisis-reports/"


def body(**extra) -> dict:
    return {"channel": "phone", "subject_name": "홍길동", "subject_address": "왕십리로 12, 3층", **extra}


# Reading -------------------------------------------------------------------------------------------------------


def test_official_lists_only_their_dongs_reports(api_client_for, official, dong, second_dong):
    # given a report in each dong and one in the district queue
    mine = report(dong, subject_name="김순자")
    report(second_dong, subject_name="박영철")
    report(None, district=dong.district, subject_name="구 접수함")

    # when the official lists reports
    rows = walk(api_client_for(official), REPORTS)

    # then only their dong's report is there
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["dong"] == {"id": dong.pk, "name": dong.name}


def test_lead_also_sees_the_district_queue(api_client_for, lead, dong):
    queued = report(None, district=dong.district)

    rows = walk(api_client_for(lead), REPORTS, {"district_queue": "true"})

    assert [(r["id"], r["dong"]) for r in rows] == [(queued.pk, None)]


def test_other_dong_report_is_404(api_client_for, official, second_dong):
    theirs = report(second_dong)

    response = api_client_for(official).get(f"{REPORTS}{theirs.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_reporter_identity_never_leaves_through_the_api(api_client_for, lead, dong):
    # given a report by a network member with a named reporter on record
    informant = member(dong, name="이제보")
    made = report(dong, reporter_kind="network_member", network_member=informant, assigned_official=lead)
    identity(made, name="최신고", phone="01099998888", profession="요양보호사", relation="이웃")
    client = api_client_for(lead)  # a lead may read the identity on the page: the API still never gives it

    # when the report is listed and opened
    listed = client.get(REPORTS).content.decode()
    opened = client.get(f"{REPORTS}{made.pk}/")

    # then only the kind of reporter is there
    assert opened.json()["reporter_kind"] == "network_member"
    for text in (listed, opened.content.decode()):
        for secret in ("최신고", "01099998888", "요양보호사", "이제보", f'"network_member":{informant.pk}'):
            assert secret not in text
    assert "reporter" not in opened.json()
    assert "network_member" not in opened.json()


def test_opening_a_report_is_written_to_the_access_log(api_client_for, official, dong):
    made = report(dong)

    api_client_for(official).get(f"{REPORTS}{made.pk}/")

    assert AccessLog.objects.filter(verb="discovery.crisisreport.viewed", object_id=str(made.pk),
                                    user=official).count() == 1


def test_report_filters(api_client_for, official, dong):
    now = timezone.now()
    late = report(dong, received_at=now - dt.timedelta(days=10), urgency="urgent", channel="kakao",
                  first_contact_due_at=now - dt.timedelta(days=9))
    contacted = report(dong, received_at=now - dt.timedelta(days=10), first_contact_due_at=now - dt.timedelta(days=9),
                       first_contacted_at=now - dt.timedelta(days=9, hours=1), status="screening",
                       assigned_official=official)
    fresh = report(dong, received_at=now - dt.timedelta(hours=1), subject_address="마장로 99",
                   first_contact_due_at=now + dt.timedelta(days=6))
    closed = report(dong, received_at=now - dt.timedelta(days=20), status="resolved", outcome="no_need",
                    outcome_reason="욕구 없음", first_contact_due_at=now - dt.timedelta(days=19))
    client = api_client_for(official)

    def ids(**params) -> set[int]:
        return {r["id"] for r in walk(client, REPORTS, params)}

    assert ids(overdue="true") == {late.pk}
    assert ids(overdue="false") == {contacted.pk, fresh.pk, closed.pk}
    assert ids(status="resolved") == {closed.pk}
    assert ids(status=["received", "screening"]) == {late.pk, contacted.pk, fresh.pk}
    assert ids(outcome="no_need") == {closed.pk}
    assert ids(channel="kakao") == {late.pk}
    assert ids(urgency="urgent") == {late.pk}
    assert ids(assigned_official=official.pk) == {contacted.pk}
    assert ids(dong=dong.pk) == {late.pk, contacted.pk, fresh.pk, closed.pk}
    assert ids(received_after=(now - dt.timedelta(days=2)).isoformat()) == {fresh.pk}
    assert ids(received_before=(now - dt.timedelta(days=15)).isoformat()) == {closed.pk}
    assert ids(search="마장로") == {fresh.pk}
    assert ids(search=late.receipt_code) == {late.pk}


def test_updated_since_gives_what_changed_after_the_last_sync(api_client_for, official, dong):
    old = report(dong)
    changed = report(dong)
    CrisisReport.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = timezone.now() - dt.timedelta(days=1)

    rows = walk(api_client_for(official), REPORTS, {"updated_since": since.isoformat(), "ordering": "updated_at"})

    assert [r["id"] for r in rows] == [changed.pk]


def test_bad_filter_value_is_400_in_the_error_shape(api_client_for, official):
    response = api_client_for(official).get(REPORTS, {"status": "lost", "dong": "x"})

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"status", "dong"}


@pytest.mark.parametrize("page_size", [1, 20])
def test_report_list_runs_a_constant_number_of_queries(api_client_for, official, dong, page_size):
    # given 20 reports, some assigned
    for n in range(20):
        report(dong, assigned_official=official if n % 2 else None)
    client = api_client_for(official)

    # when a page of 1 or of 20 is read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORTS, {"page_size": page_size})

    # then the same queries whatever the page size (dong and official joined into the page: no query per row)
    assert len(response.json()["results"]) == page_size
    assert len(queries) == EXPECTED_LIST_QUERIES, [q["sql"][:80] for q in queries.captured_queries]


# The token (with its user and membership), its last_used_at (at most once a minute, and this is the token's
# first use), the user's dongs, the page, and the one access-log row of the list.
EXPECTED_LIST_QUERIES = 5


# Intake ----------------------------------------------------------------------------------------------------------


def test_official_reports_a_household_by_phone(api_client_for, official, dong):
    # given the district answers a normal report within 7 days
    received = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)

    # when the official posts a report with a reporter
    response = api_client_for(official).post(REPORTS, body(
        dong=dong.pk, received_at=received.isoformat(), risk_signals=["no_food", "utility_arrears", "no_food"],
        subject_phone="010-1234-5678", details="월세가 석 달 밀림",
        reporter={"name": "이웃주민", "phone": "010-2222-3333", "relation": "이웃"}), format="json")

    # then it is created as on the page: deadline by policy, signals in catalogue order, reporter kept apart
    assert response.status_code == 201, response.content
    created = CrisisReport.objects.get()
    data = response.json()
    assert data["id"] == created.pk and data["receipt_code"] == created.receipt_code
    assert (data["channel"], data["status"], data["reporter_kind"]) == ("phone", "received", "named")
    assert data["risk_signals"] == ["utility_arrears", "no_food"]
    assert data["subject_phone"] == "01012345678"
    assert created.first_contact_due_at == received + dt.timedelta(
        days=DiscoveryPolicy.for_district(dong.district_id).normal_first_contact_days)
    who = ReporterIdentity.objects.get(report=created)
    assert (who.name, who.phone, who.relation) == ("이웃주민", "01022223333", "이웃")
    assert "이웃주민" not in response.content.decode()
    assert AccessLog.objects.filter(verb="discovery.crisisreport.created", object_id=str(created.pk)).exists()


def test_urgent_report_gets_the_hours_deadline(api_client_for, official, dong):
    response = api_client_for(official).post(REPORTS, body(dong=dong.pk, urgency="urgent"), format="json")

    created = CrisisReport.objects.get()
    assert response.status_code == 201
    assert created.first_contact_due_at == created.received_at + dt.timedelta(hours=24)


def test_report_without_anything_about_the_person_is_refused_with_the_forms_sentence(api_client_for, official, dong):
    response = api_client_for(official).post(REPORTS, {"channel": "phone", "dong": dong.pk}, format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "non_field_errors": ["도움이 필요한 분의 이름, 주소, 연락처, 특징 가운데 하나는 적어 주세요."]}
    assert not CrisisReport.objects.exists()


@pytest.mark.parametrize("channel", ["web", "bigdata", "fax"])
def test_channels_of_the_public_form_and_imports_are_refused(api_client_for, official, dong, channel):
    response = api_client_for(official).post(REPORTS, body(dong=dong.pk, channel=channel), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"channel"}


def test_official_must_name_one_of_their_dongs(api_client_for, official, second_dong):
    client = api_client_for(official)

    without = client.post(REPORTS, body(), format="json")
    elsewhere = client.post(REPORTS, body(dong=second_dong.pk), format="json")

    assert (without.status_code, elsewhere.status_code) == (400, 400)
    assert set(error_of(without)["fields"]) == {"dong"}
    assert set(error_of(elsewhere)["fields"]) == {"dong"}
    assert not CrisisReport.objects.exists()


def test_lead_may_file_into_the_district_queue(api_client_for, lead, dong):
    response = api_client_for(lead).post(REPORTS, body(), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["dong"] is None
    assert CrisisReport.objects.get().district == dong.district


def test_network_member_and_mandatory_reporters_need_their_details(api_client_for, official, dong):
    client = api_client_for(official)
    informant = member(dong)

    no_member = client.post(REPORTS, body(dong=dong.pk, reporter_kind="network_member"), format="json")
    no_profession = client.post(REPORTS, body(dong=dong.pk, reporter_kind="mandatory"), format="json")
    by_member = client.post(REPORTS, body(dong=dong.pk, reporter_kind="network_member",
                                          network_member=informant.pk), format="json")

    assert set(error_of(no_member)["fields"]) == {"network_member"}
    assert set(error_of(no_profession)["fields"]) == {"reporter.profession"}
    assert by_member.status_code == 201, by_member.content
    assert CrisisReport.objects.get().network_member == informant
    assert "network_member" not in by_member.json()  # who reported stays on the pages


def test_reporter_phone_and_lengths_are_checked_by_the_service_rules(api_client_for, official, dong):
    response = api_client_for(official).post(REPORTS, body(dong=dong.pk, subject_phone="12", details="가" * 2001,
                                                           reporter={"phone": "1"}), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"subject_phone", "details", "reporter.phone"}


def test_received_in_the_future_is_refused_by_the_service(api_client_for, official, dong):
    later = timezone.now() + dt.timedelta(hours=3)

    response = api_client_for(official).post(REPORTS, body(dong=dong.pk, received_at=later.isoformat()),
                                             format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"received_at": ["접수 일시가 미래입니다."]}


def test_planner_may_not_report(api_client_for, planner, dong):
    response = api_client_for(planner).post(REPORTS, body(dong=dong.pk), format="json")

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_user_without_membership_may_not_report(api_client_for, dong):
    nobody = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="x")
    nobody.staff.delete()
    nobody = type(nobody).objects.get(pk=nobody.pk)

    response = api_client_for(nobody).post(REPORTS, body(dong=dong.pk), format="json")

    assert response.status_code == 403


def test_malformed_json_is_400(api_client_for, official):
    response = api_client_for(official).post(REPORTS, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"
    assert json.loads(response.content)["error"]["message"]


def test_a_nested_field_error_is_named_by_its_path(api_client_for, official, dong):
    response = api_client_for(official).post(REPORTS, body(dong=dong.pk, reporter={"name": "\x00", "is_official": 3}),
                                             format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"reporter.name", "reporter.is_official"}


def test_values_the_database_cannot_hold_are_400_not_500(api_client_for, official, dong):
    client = api_client_for(official)

    too_big = client.get(REPORTS, {"dong": 2**70})
    far_offset = client.get(REPORTS, {"received_before": "2100-05-04T21:32:23-17:55"})
    nul = client.get(REPORTS, {"search": "김\x00"})
    big_body = client.post(REPORTS, body(dong=2**70, network_member=-1), format="json")

    assert (too_big.status_code, nul.status_code, big_body.status_code) == (400, 400, 400)
    assert far_offset.status_code == 200  # a real instant: compared in UTC
    assert set(error_of(big_body)["fields"]) == {"dong", "network_member"}
