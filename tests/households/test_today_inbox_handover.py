"""The official's day (issue 15 items 1–3): the today page (my follow-ups, alerts, reports, case deadlines, items
sent back; the lead's team part), the approval inbox (case closings and reward decisions: approve or return with a
comment, notifications both ways) and the hand-over of a departing official's open work in one action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from discovery.models import CrisisReport, RewardDecision
from households.models import Area, CaseStage, FollowUp, FollowUpReason, FollowUpStatus, Household
from households.services.areas import AreaInput, area_save
from households.services.cases import case_transition
from households.services.followups import followup_schedule
from tests.discovery.factories_reports import new_report
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from tests.households.factories_cases import make_case
from welfare.models import Notification, NotificationKind, Role
from welfare.services.handover import work_hand_over

pytestmark = pytest.mark.django_db


def _mine(dong, official, road="서울 성동구 왕십리로 1") -> Household:
    household = HouseholdFactory(dong=dong, assigned_official=official, road_address=road, status="under_care")
    ResidentFactory(household=household, relation="head")
    return household


# --- The today page ---------------------------------------------------------------------------------------------


def test_the_home_of_an_official_is_the_today_page_with_each_rows_next_action(client_for, dong, official):
    household = _mine(dong, official)
    due = followup_schedule(household=household, due_on=timezone.localdate() - dt.timedelta(days=2),
                            reason=FollowUpReason.CADENCE)
    report = new_report(dong, channel="phone", subject_name="이웃제보")
    CrisisReport.objects.filter(pk=report.pk).update(assigned_official=official)

    page = client_for(official).get("/").content.decode()

    assert "오늘 할 일" in page
    assert household.road_address in page and f"/households/{household.pk}/visits/new/" in page
    assert "기한 지남" in page and due.get_reason_display() in page
    assert report.receipt_code in page and f"/discovery/reports/{report.pk}/" in page


def test_a_planner_keeps_the_dong_counts_as_home(client_for, planner):
    page = client_for(planner).get("/").content.decode()
    assert "동별 현황" in page and "오늘 할 일" not in page


def test_a_nurse_gets_the_today_page(client_for, dong, nurse):
    assert "오늘 할 일" in client_for(nurse).get("/").content.decode()


def test_the_leads_today_page_shows_the_queue_and_what_waits_for_approval(client_for, dong, official, lead):
    nobody = HouseholdFactory(dong=dong, assigned_official=None, road_address="서울 성동구 고산자로 9")
    followup_schedule(household=nobody, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    case = make_case(household=_mine(dong, official), by=official)
    _propose_closing(case, official)

    page = client_for(lead).get("/").content.decode()

    assert "동 대기열" in page and "고산자로 9" in page
    assert "내 승인 대기" in page and f"사례 #{case.pk} 종결" in page


def test_the_today_page_runs_a_constant_number_of_queries(client_for, dong, official, lead,
                                                          django_assert_max_num_queries):
    client = client_for(lead)

    def add(n: int) -> None:
        for i in range(n):
            household = _mine(dong, lead, road=f"서울 성동구 왕십리로 {100 + i + n}")
            followup_schedule(household=household, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
            nobody = HouseholdFactory(dong=dong, assigned_official=None)
            followup_schedule(household=nobody, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)

    add(12)  # more than a block shows: each block reads its first rows and counts the rest
    client.get("/")
    with django_assert_max_num_queries(60) as few:
        client.get("/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


# --- The approval inbox -----------------------------------------------------------------------------------------


def _propose_closing(case, official):
    """An in-service case proposed for closing by its official."""
    type(case).objects.filter(pk=case.pk).update(stage=CaseStage.IN_SERVICE)
    case.refresh_from_db()
    case_transition(case=case, to=CaseStage.CLOSING, by=official, expected_version=case.version,
                    closing_reason="goals_met")
    case.refresh_from_db()
    return case


def test_a_closing_proposal_tells_the_lead_and_the_inbox_approves_it_telling_the_official(client_for, dong,
                                                                                          official, lead):
    case = _propose_closing(make_case(household=_mine(dong, official), by=official), official)
    asked = Notification.objects.get(user=lead, kind=NotificationKind.APPROVAL)
    assert f"#{case.pk}" in asked.title and "종결 검토 요청" in asked.title

    client = client_for(lead)
    assert f"사례 #{case.pk} 종결" in client.get("/inbox/").content.decode()
    client.post(f"/inbox/closing/{case.pk}/", {"decision": "approve"})

    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED
    told = Notification.objects.get(user=official, kind=NotificationKind.APPROVAL)
    assert "종결 승인" in told.title
    assert f"사례 #{case.pk} 종결" not in client.get("/inbox/").content.decode()


def test_a_closing_returned_with_a_comment_goes_back_to_the_officials_today_page(client_for, dong, official,
                                                                                 lead):
    case = _propose_closing(make_case(household=_mine(dong, official), by=official), official)
    client = client_for(lead)

    client.post(f"/inbox/closing/{case.pk}/", {"decision": "return", "comment": "짧음"})  # too short: refused
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSING
    client.post(f"/inbox/closing/{case.pk}/", {"decision": "return", "comment": "주거 연계 결과를 확인한 뒤 다시 올려 주세요"})

    case.refresh_from_db()
    assert case.stage == CaseStage.IN_SERVICE
    told = Notification.objects.get(user=official, kind=NotificationKind.APPROVAL)
    assert "종결 반려" in told.title and "주거 연계 결과" in told.title
    page = client_for(official).get("/").content.decode()
    assert "돌려받은 종결 제안" in page and "주거 연계 결과" in page


def test_an_official_has_no_inbox_and_may_not_decide(client_for, dong, official, lead):
    case = _propose_closing(make_case(household=_mine(dong, official), by=official), official)
    client = client_for(official)
    assert client.get("/inbox/").status_code == 403
    assert client.post(f"/inbox/closing/{case.pk}/", {"decision": "approve"}).status_code == 403
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSING


def test_another_dongs_closing_is_not_in_the_inbox_and_answers_404(client_for, second_dong, dong, lead):
    stranger = staff_user(Role.DONG_OFFICIAL, district=second_dong.district, dongs=[second_dong], username="far")
    case = _propose_closing(make_case(household=_mine(second_dong, stranger), by=stranger), stranger)
    client = client_for(lead)
    assert f"사례 #{case.pk}" not in client.get("/inbox/").content.decode()
    assert client.post(f"/inbox/closing/{case.pk}/", {"decision": "approve"}).status_code == 404


def _eligible_reward(dong, official) -> RewardDecision:
    report = new_report(dong, channel="phone", subject_name="포상대상")
    return RewardDecision.objects.create(report=report, informant_key="phone:x", informant_label="이웃 주민",
                                         eligible=True, reason="지급 대상", amount_krw=100_000,
                                         decided_on=timezone.localdate(), decided_by=official)


def test_a_reward_is_approved_or_returned_and_resubmitted_from_the_inbox(client_for, dong, official, lead):
    decision = _eligible_reward(dong, official)
    lead_client = client_for(lead)
    assert "100,000원" in lead_client.get("/inbox/").content.decode()

    lead_client.post(f"/inbox/reward/{decision.pk}/", {"decision": "return", "comment": "신고자 연락처를 확인해 주세요"})
    decision.refresh_from_db()
    assert decision.returned_on is not None and decision.approved_by is None
    assert "판단 반려" in Notification.objects.get(user=official).title
    assert "100,000원" not in lead_client.get("/inbox/").content.decode()

    official_client = client_for(official)
    assert "돌려받은 신고포상금 판단" in official_client.get("/").content.decode()
    official_client.post(f"/discovery/rewards/{decision.pk}/resubmit/")
    decision.refresh_from_db()
    assert decision.returned_on is None
    assert Notification.objects.filter(user=lead, title__contains="승인 요청").exists()

    client_for(lead).post(f"/inbox/reward/{decision.pk}/", {"decision": "approve"})
    decision.refresh_from_db()
    assert decision.approved_by == lead
    assert Notification.objects.filter(user=official, title__contains="신고포상금 승인").exists()


# --- The hand-over ----------------------------------------------------------------------------------------------


@pytest.fixture
def departing(dong, second_dong, lead):
    """An official leaving the dong: two households, their follow-ups, an open case, a report and a 통."""
    who = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="leaving")
    homes = [_mine(dong, who, road=f"서울 성동구 왕십리로 {n}") for n in (1, 2)]
    for home in homes:
        followup_schedule(household=home, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    case = make_case(household=homes[0], by=who)
    report = new_report(dong, channel="phone")
    CrisisReport.objects.filter(pk=report.pk).update(assigned_official=who)
    area = area_save(by=lead, data=AreaInput(dong=dong, number=7, official=who))
    return who, homes, case, report, area


def test_a_departing_officials_work_is_handed_over_in_one_action(client_for, dong, official, lead, departing):
    who, homes, case, report, area = departing
    client = client_for(lead)

    counted = client.post("/households/hand-over/", {"from_user": who.pk, "to_user": official.pk})
    assert "7건 인계하기" in counted.content.decode()  # 2 households, 2 follow-ups, a case, a 통, a report
    assert Household.objects.filter(assigned_official=who).count() == 2  # counted only
    key = f"{who.pk}:{official.pk}"
    client.post("/households/hand-over/", {"from_user": who.pk, "to_user": official.pk, "confirm": key})

    assert not Household.objects.filter(assigned_official=who).exists()
    assert Household.objects.filter(assigned_official=official).count() == 2
    assert not FollowUp.objects.filter(assigned_to=who, status=FollowUpStatus.OPEN).exists()
    case.refresh_from_db()
    report.refresh_from_db()
    assert (case.assigned_official, report.assigned_official) == (official, official)
    assert Area.objects.get(pk=area.pk).official == official
    assert Notification.objects.filter(user=official, kind=NotificationKind.HAND_OVER).exists()


def test_handing_over_to_the_queue_and_to_someone_of_another_dong(dong, second_dong, lead, departing):
    who, homes, case, report, area = departing
    counts = work_hand_over(from_user=who, to_user=None, by=lead, dry_run=True)
    assert counts == {"households": 2, "follow_ups": 2, "cases": 1, "areas": 1, "reports": 1}

    work_hand_over(from_user=who, to_user=None, by=lead)

    assert not Household.objects.filter(assigned_official__isnull=False, pk__in=[h.pk for h in homes]).exists()
    assert FollowUp.objects.filter(household__in=homes, assigned_to__isnull=True).count() == 2  # the dong's queue
    report.refresh_from_db()
    assert report.assigned_official is None


def test_only_leads_hand_over_and_only_their_dongs_staff(dong, second_dong, official, lead, departing):
    from welfare.errors import RuleError

    who, *_rest = departing
    with pytest.raises(RuleError):
        work_hand_over(from_user=who, to_user=official, by=official)
    stranger = staff_user(Role.DONG_OFFICIAL, district=second_dong.district, dongs=[second_dong], username="far2")
    with pytest.raises(RuleError):
        work_hand_over(from_user=stranger, to_user=official, by=lead)
