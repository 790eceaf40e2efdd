"""A difficult case's transfer to the district team (희망복지지원단) and back (issue 15 item 4): the request, the
team's answer (accept or return with a comment), the take-over without a request, the hand-back, notifications
both ways, the history on the case and in the access log, and the team's scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import services
from households.models import Case, CaseStage, CaseTransfer, Household, TransferStatus
from tests.discovery.factories_network import report
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from tests.households.factories_cases import household_with_client, make_case
from welfare.errors import RuleError, StaleVersion
from welfare.models import AccessLog, Notification, NotificationKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def difficult(dong, official):
    """An open difficult case of the official's dong, held by the official."""
    household = household_with_client(dong)
    household.assigned_official = official
    household.save()
    return make_case(household, stage=CaseStage.IN_SERVICE, by=official, case_class="difficult")


def transfer_notes(user) -> list[str]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.CASE_TRANSFER)
                .order_by("id").values_list("title", flat=True))


def verbs(case) -> list[str]:
    return list(AccessLog.objects.filter(object_id=str(case.pk), verb__startswith="households.case.transfer")
                .order_by("id").values_list("verb", flat=True))


# --- The round trip -----------------------------------------------------------------------------------------------


def test_a_request_goes_to_the_team_and_an_accepted_case_comes_back_to_the_dong(difficult, official, case_team):
    # Given a difficult case the team does not see yet through a transfer (it sees it as a difficult case)
    version = difficult.version

    # When the official asks the team to take it over
    transfer = services.transfer_request(case=difficult, by=official, reason="자살 위험과 채무가 겹친 고난도 사례")

    # Then the team is told, and the request is on the case
    assert transfer.status == TransferStatus.REQUESTED and transfer.previous_official == official
    assert transfer_notes(case_team) == [f"사례 #{difficult.pk} 이관 요청: {difficult.household.dong.name}"]
    assert Notification.objects.get(user=case_team).url == reverse(
        "households:case_detail", args=[difficult.household_id, difficult.pk])

    # When a team member accepts it
    services.transfer_accept(transfer=transfer, by=case_team, note="지원단이 맡겠습니다")

    # Then the case is the team member's (a form opened before is stale), and the official is told
    difficult.refresh_from_db()
    assert difficult.assigned_official == case_team and difficult.version == version + 1
    assert transfer_notes(official) == [f"사례 #{difficult.pk}: 희망복지지원단이 인수했습니다"]
    with pytest.raises(StaleVersion):
        services.case_update(case=Case.objects.get(pk=difficult.pk), by=official, expected_version=version,
                             data={"summary": "오래된 화면"})

    # When the team is done and hands it back
    services.transfer_hand_back(transfer=transfer, by=case_team, note="위기 해소, 동에서 사후관리 바랍니다")

    # Then the official holds it again and is told; the whole story is kept on the case and in the access log
    difficult.refresh_from_db()
    transfer.refresh_from_db()
    assert difficult.assigned_official == official
    assert transfer.status == TransferStatus.HANDED_BACK and transfer.handback_note == "위기 해소, 동에서 사후관리 바랍니다"
    assert transfer.decided_by == case_team and transfer.handed_back_by == case_team
    assert transfer_notes(official)[-1] == f"사례 #{difficult.pk}: 희망복지지원단에서 동으로 돌아왔습니다"
    assert verbs(difficult) == ["households.case.transfer_requested", "households.case.transfer_accepted",
                                "households.case.transfer_handed_back"]


def test_the_team_returns_a_request_with_a_comment_and_the_case_stays_with_the_dong(difficult, official, case_team):
    transfer = services.transfer_request(case=difficult, by=official, reason="고난도 사례회의 결과")

    with pytest.raises(RuleError) as refused:
        services.transfer_return(transfer=transfer, by=case_team, note="  ")
    assert refused.value.message_dict == {"note": ["반려 사유를 적어 주세요."]}

    services.transfer_return(transfer=transfer, by=case_team, note="동 통합사례관리로 충분합니다. 사례회의 후 다시 요청하세요.")

    difficult.refresh_from_db()
    transfer.refresh_from_db()
    assert difficult.assigned_official == official
    assert transfer.status == TransferStatus.RETURNED
    assert transfer.decision_note == "동 통합사례관리로 충분합니다. 사례회의 후 다시 요청하세요."
    assert transfer_notes(official) == [f"사례 #{difficult.pk} 이관 요청이 반려되었습니다"]
    assert verbs(difficult) == ["households.case.transfer_requested", "households.case.transfer_returned"]
    # A returned request ends it: the dong may ask again later
    again = services.transfer_request(case=difficult, by=official, reason="상황 악화로 재요청")
    assert again.status == TransferStatus.REQUESTED and difficult.transfers.count() == 2


def test_the_team_takes_over_a_difficult_case_without_a_request(difficult, official, case_team):
    transfer = services.transfer_take(case=difficult, by=case_team, reason="구 사례회의에서 지원단 사례로 선정")

    difficult.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and transfer.requested_by == case_team
    assert difficult.assigned_official == case_team
    assert transfer_notes(official) == [f"사례 #{difficult.pk}: 희망복지지원단이 인수했습니다"]
    assert verbs(difficult) == ["households.case.transfer_taken"]


# --- The rules ----------------------------------------------------------------------------------------------------


def test_only_an_open_difficult_case_without_a_transfer_in_progress_can_be_asked_for(dong, official, difficult):
    general = make_case(household_with_client(dong), by=official)
    closed = make_case(household_with_client(dong), stage=CaseStage.CLOSED, by=official, case_class="difficult")

    with pytest.raises(RuleError, match="고난도 사례만"):
        services.transfer_request(case=general, by=official, reason="요청")
    with pytest.raises(RuleError, match="종결된 사례"):
        services.transfer_request(case=closed, by=official, reason="요청")
    with pytest.raises(RuleError) as no_reason:
        services.transfer_request(case=difficult, by=official, reason="")
    assert no_reason.value.message_dict == {"reason": ["이관을 요청하는 사유를 적어 주세요."]}

    services.transfer_request(case=difficult, by=official, reason="첫 요청")
    with pytest.raises(RuleError, match="이미 이관 요청 중"):
        services.transfer_request(case=difficult, by=official, reason="두 번째 요청")
    assert CaseTransfer.objects.count() == 1


def test_who_may_ask_and_who_may_answer(difficult, official, lead, nurse, case_team, other_dong_official,
                                        district_admin, yeongdeungpo):
    for outsider in (nurse, case_team, district_admin):
        with pytest.raises(RuleError):
            services.transfer_request(case=difficult, by=outsider, reason="요청")
    with pytest.raises(RuleError, match="담당 동의 사례만"):
        services.transfer_request(case=difficult, by=other_dong_official, reason="요청")
    transfer = services.transfer_request(case=difficult, by=lead, reason="팀장 요청")
    other_team = staff_user(Role.CASE_TEAM, district=yeongdeungpo, username="ydp-team")

    for not_team in (official, lead, district_admin):
        with pytest.raises(RuleError, match="희망복지지원단만"):
            services.transfer_accept(transfer=transfer, by=not_team)
    with pytest.raises(RuleError, match="다른 구의 사례"):
        services.transfer_accept(transfer=transfer, by=other_team)
    assert CaseTransfer.objects.get().status == TransferStatus.REQUESTED


def test_a_second_answer_to_the_same_request_changes_nothing(difficult, official, case_team, seongdong):
    colleague = staff_user(Role.CASE_TEAM, district=seongdong, username="hope2")
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    stale = CaseTransfer.objects.get(pk=transfer.pk)
    services.transfer_accept(transfer=transfer, by=case_team)

    with pytest.raises(RuleError, match="이미 처리된 이관"):
        services.transfer_accept(transfer=stale, by=colleague)
    with pytest.raises(RuleError, match="이미 처리된 이관"):
        services.transfer_return(transfer=CaseTransfer.objects.get(pk=transfer.pk), by=colleague, note="반려")
    assert Case.objects.get(pk=difficult.pk).assigned_official == case_team


def test_while_the_team_holds_a_case_the_dong_cannot_reassign_it(difficult, official, lead, case_team):
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    services.transfer_accept(transfer=transfer, by=case_team)
    case = Case.objects.get(pk=difficult.pk)

    with pytest.raises(RuleError) as refused:
        services.case_update(case=case, by=lead, expected_version=case.version, data={"assigned_official": official})

    assert "희망복지지원단이 맡고 있는 사례" in refused.value.message_dict["assigned_official"][0]
    # The summary (the owner unchanged) is still the dong's to edit
    services.case_update(case=case, by=official, expected_version=case.version,
                         data={"summary": "지원단과 함께 관리", "assigned_official": case_team})
    assert Case.objects.get(pk=difficult.pk).summary == "지원단과 함께 관리"


def test_a_hand_back_goes_to_the_households_official_when_the_previous_one_has_left(dong, difficult, official,
                                                                                    case_team):
    colleague = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="colleague")
    Household.objects.filter(pk=difficult.household_id).update(assigned_official=colleague)
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    services.transfer_accept(transfer=transfer, by=case_team)
    official.is_active = False
    official.save()

    services.transfer_hand_back(transfer=CaseTransfer.objects.get(pk=transfer.pk), by=case_team, note="복귀")

    assert Case.objects.get(pk=difficult.pk).assigned_official == colleague
    assert transfer_notes(colleague) == [f"사례 #{difficult.pk}: 희망복지지원단에서 동으로 돌아왔습니다"]


# --- The team's scope ---------------------------------------------------------------------------------------------


def test_the_team_sees_the_districts_difficult_cases_and_nothing_else_personal(
        dong, second_dong, other_district_dong, official, case_team, difficult):
    other_dong_difficult = make_case(household_with_client(second_dong), case_class="difficult")
    general = make_case(household_with_client(dong))
    closed_difficult = make_case(household_with_client(dong), stage=CaseStage.CLOSED, case_class="difficult")
    far = make_case(household_with_client(other_district_dong), case_class="difficult")
    plain = HouseholdFactory(dong=dong)
    ResidentFactory(household=plain)
    report(dong)

    households = set(Household.objects.visible_to(case_team).values_list("pk", flat=True))
    cases = set(Case.objects.visible_to(case_team).values_list("pk", flat=True))

    assert households == {difficult.household_id, other_dong_difficult.household_id}
    assert cases == {difficult.pk, other_dong_difficult.pk}
    assert general.pk not in cases and closed_difficult.pk not in cases and far.pk not in cases
    from discovery.models import CrisisReport, NetworkMember
    assert not CrisisReport.objects.visible_to(case_team).exists()
    assert not NetworkMember.objects.visible_to(case_team).exists()
    # The residents and visits of a visible household follow it
    from households.models import Resident
    assert set(Resident.objects.visible_to(case_team).values_list("household_id", flat=True)) == households


def test_a_case_the_team_holds_stays_visible_after_its_class_changes(difficult, official, case_team):
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    services.transfer_accept(transfer=transfer, by=case_team)
    Case.objects.filter(pk=difficult.pk).update(case_class="general")

    assert Case.objects.visible_to(case_team).filter(pk=difficult.pk).exists()


# --- The pages ----------------------------------------------------------------------------------------------------


def case_url(case) -> str:
    return reverse("households:case_detail", args=[case.household_id, case.pk])


def test_the_case_page_offers_the_request_and_keeps_the_reason_when_refused(client_for, difficult, official):
    client = client_for(official)
    page = client.get(case_url(difficult)).content.decode()
    request_url = reverse("households:transfer_request", args=[difficult.household_id, difficult.pk])
    assert "희망복지지원단 이관" in page and request_url in page

    too_long = client.post(request_url, {"text": "가" * 2001})
    assert too_long.status_code == 400
    assert "2,000자 이내로 적어 주세요." in too_long.content.decode()
    assert CaseTransfer.objects.count() == 0

    done = client.post(request_url, {"text": "정신건강 위기"})
    assert done.status_code == 302 and done["Location"] == case_url(difficult)
    page = client.get(case_url(difficult)).content.decode()
    assert "정신건강 위기" in page and "희망복지지원단의 수락 또는 반려를 기다립니다." in page
    assert request_url not in page


def test_the_team_answers_from_the_case_page(client_for, difficult, official, case_team):
    transfer = services.transfer_request(case=difficult, by=official, reason="요청 사유")
    client = client_for(case_team)
    page = client.get(case_url(difficult)).content.decode()
    accept = reverse("households:transfer_accept", args=[difficult.household_id, difficult.pk, transfer.pk])
    back = reverse("households:transfer_return", args=[difficult.household_id, difficult.pk, transfer.pk])
    assert accept in page and back in page

    refused = client.post(back, {"text": ""})
    assert refused.status_code == 400 and "반려 사유를 적어 주세요." in refused.content.decode()
    assert client.post(accept, {"text": ""}).status_code == 302

    assert Case.objects.get(pk=difficult.pk).assigned_official == case_team
    hand_back = reverse("households:transfer_hand_back", args=[difficult.household_id, difficult.pk, transfer.pk])
    assert hand_back in client.get(case_url(difficult)).content.decode()


def test_a_dong_user_cannot_answer_and_another_districts_team_gets_404(client_for, difficult, official,
                                                                       yeongdeungpo):
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    accept = reverse("households:transfer_accept", args=[difficult.household_id, difficult.pk, transfer.pk])
    other_team = staff_user(Role.CASE_TEAM, district=yeongdeungpo, username="ydp-team")

    assert client_for(official).post(accept, {"text": ""}).status_code == 403
    assert client_for(other_team).post(accept, {"text": ""}).status_code == 404
    assert client_for(other_team).get(case_url(difficult)).status_code == 404


def test_the_transfer_list_runs_a_constant_number_of_queries(client_for, dong, official, case_team):
    def make(n):
        for _ in range(n):
            case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official,
                             case_class="difficult")
            transfer = services.transfer_request(case=case, by=official, reason="요청")
            if _ % 2:
                services.transfer_accept(transfer=transfer, by=case_team)

    url = reverse("households:transfers")
    client = client_for(case_team)
    make(2)
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    make(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    # session, user, membership, district dongs, waiting count + page, held count + page, the bell's COUNT,
    # the access-log INSERT: the same whatever the number of transfers
    assert len(few.captured_queries) == len(many.captured_queries)
    assert response.status_code == 200 and "처리를 기다리는 요청" in response.content.decode()
    entry = AccessLog.objects.filter(verb="households.casetransfer.listed").latest("id")
    assert entry.user == case_team and entry.changes["count"] == entry.changes["total"] == 10


def test_the_dong_sees_its_requests_and_others_may_not_open_the_list(client_for, difficult, official, planner,
                                                                     nurse):
    services.transfer_request(case=difficult, by=official, reason="우리 동 요청")
    url = reverse("households:transfers")

    assert "우리 동 요청" in client_for(official).get(url).content.decode()
    assert client_for(planner).get(url).status_code == 403
    assert client_for(nurse).get(url).status_code == 403


def test_the_household_timeline_shows_the_transfer(client_for, difficult, official, case_team):
    transfer = services.transfer_request(case=difficult, by=official, reason="요청")
    services.transfer_return(transfer=transfer, by=case_team, note="동에서 계속 관리")

    page = client_for(official).get(reverse("households:detail", args=[difficult.household_id])).content.decode()

    assert "희망복지지원단 이관 요청 · 반려 · 동에서 계속 관리" in page


# --- What the team sees, and how it is asked (issue 19) -------------------------------------------------------


def test_the_team_sees_difficult_cases_and_transfers_in_progress_through_two_small_look_ups(
        difficult, official, case_team, dong, other_district_dong):
    general = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official)
    asked = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official)
    CaseTransfer.objects.create(case=asked, household=asked.household, district=dong.district, reason="고난도 의심",
                                requested_by=official)
    returned = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official)
    CaseTransfer.objects.create(case=returned, household=returned.household, district=dong.district, reason="-",
                                requested_by=official, status=TransferStatus.RETURNED)
    elsewhere = make_case(household_with_client(other_district_dong), stage=CaseStage.IN_SERVICE, by=official,
                          case_class="difficult")

    seen = set(Household.objects.visible_to(case_team).values_list("pk", flat=True))

    assert seen == {difficult.household_id, asked.household_id}
    assert not {general.household_id, returned.household_id, elsewhere.household_id} & seen
    with CaptureQueriesContext(connection) as ctx:
        list(Household.objects.visible_to(case_team).values_list("pk", flat=True))
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    # Each part starts from its own cases: no OR over a LEFT JOIN of the transfers, which matched every case of
    # the database to every household of the district (109 ms at 1,000,000 households).
    assert "UNION" in sql and "LEFT OUTER JOIN" not in sql
