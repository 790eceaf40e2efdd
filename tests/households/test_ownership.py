"""Areas (통) and ownership (issue 15 item 1): a 통 from the address; every path that creates work without an owner —
big-data and lonely-death list rows, universal-visit lists, public tip-offs, cadence, silence and check-in alerts,
follow-ups scheduled by the services — gives it to the household's official, else the 통's official (else its
deputy), else leaves it in the dong's queue, where the lead sees it and assigns it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from discovery.models import CrisisReport, ImportKind
from households.jobs.cadence import schedule_followups
from households.jobs.silence import raise_checkin_alert, silence_watch
from households.models import Area, CareStatus, CheckIn, FollowUp, FollowUpReason, FollowUpStatus, Household
from households.ownership import AreaMatcher, owner_id, road_and_number, street_lines_problems
from households.services.areas import AreaInput, area_save, areas_from_addresses, households_set_area
from households.services.followups import followup_schedule
from households.services.households import household_create
from households.services.worklists import queue_assign
from tests.discovery.factories_imports import (
    CRISIS_HEADER,
    UNIVERSAL_HEADER,
    crisis_row,
    csv_bytes,
    make_batch,
    make_round,
    run,
)
from tests.discovery.factories_reports import new_report
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from welfare.errors import RuleError
from welfare.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(dong, official, lead):
    """1통: 왕십리로 1-150 and the whole of 마조로, answered for by the official (the lead deputises)."""
    return area_save(by=lead, data=AreaInput(dong=dong, number=1, official=official, deputy=lead,
                                             streets="왕십리로 1-150\n마조로"))


def test_an_address_is_read_into_road_and_building_number():
    assert road_and_number("서울특별시 성동구 왕십리로 222, 101동 1203호") == ("왕십리로", 222)
    assert road_and_number("성동구 무학로2길 15-3 (행당동)") == ("무학로2길", 15)
    assert road_and_number("행당동 산 1") is None


def test_the_most_precise_street_line_decides(dong, lead, official, area):
    corner = area_save(by=lead, data=AreaInput(dong=dong, number=2, official=lead, streets="왕십리로 100"))
    matcher = AreaMatcher([dong.pk])

    assert matcher.area_id(dong.pk, "서울 성동구 왕십리로 100") == corner.pk
    assert matcher.area_id(dong.pk, "서울 성동구 왕십리로 99") == area.pk
    assert matcher.area_id(dong.pk, "서울 성동구 마조로 7") == area.pk
    assert matcher.area_id(dong.pk, "서울 성동구 왕십리로 151") is None
    assert matcher.owner_id(dong.pk, "서울 성동구 왕십리로 100") == lead.pk


def test_a_bad_street_line_and_a_stranger_are_refused_beside_their_fields(dong, lead, other_dong_official):
    assert street_lines_problems("왕십리로\n아무말\n왕십리로 50-10") == ["아무말", "왕십리로 50-10"]
    with pytest.raises(RuleError) as refused:
        area_save(by=lead, data=AreaInput(dong=dong, number=3, official=other_dong_official, streets="아무말"))
    assert set(refused.value.message_dict) == {"official", "streets"}
    assert not Area.objects.exists()


def test_a_number_twice_in_a_dong_is_refused(dong, lead, area):
    with pytest.raises(RuleError) as refused:
        area_save(by=lead, data=AreaInput(dong=dong, number=1))
    assert "number" in refused.value.message_dict


def test_an_official_may_not_manage_areas(dong, official):
    with pytest.raises(RuleError):
        area_save(by=official, data=AreaInput(dong=dong, number=5))


def test_a_new_household_takes_its_area_from_the_address(dong, official, area):
    household = household_create(by=official, data={"dong": dong, "road_address": "서울특별시 성동구 왕십리로 12",
                                                    "housing_type": "apartment"})
    assert household.area == area


def test_a_whole_dong_gets_its_areas_from_addresses_and_by_hand(dong, lead, area):
    inside = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 왕십리로 20")
    outside = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 고산자로 3")

    assert areas_from_addresses(dong=dong, by=lead) == 1
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.area, outside.area) == (area, None)

    result = households_set_area(households=[outside.pk], area=area, by=lead, ban=4)
    outside.refresh_from_db()
    assert result.done == 1 and (outside.area, outside.ban) == (area, 4)


# --- Every path that creates work -----------------------------------------------------------------------------


def _nobodys(dong, road: str, **extra) -> Household:
    """A household under care with no official of its own."""
    household = HouseholdFactory(dong=dong, road_address=road, status=CareStatus.UNDER_CARE,
                                 **{"assigned_official": None, **extra})
    ResidentFactory(household=household, relation="head")
    return household


def test_owner_is_the_households_official_then_the_areas_then_its_deputy(dong, official, lead, area):
    other = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="other-official")
    own = _nobodys(dong, "서울 성동구 왕십리로 5", assigned_official=other, area=area)
    in_area = _nobodys(dong, "서울 성동구 왕십리로 6", area=area)
    assert (owner_id(own), owner_id(in_area)) == (other.pk, official.pk)
    Area.objects.filter(pk=area.pk).update(official=None)
    in_area.refresh_from_db()
    assert owner_id(in_area) == lead.pk


def test_a_scheduled_follow_up_goes_to_the_areas_official(dong, official, area):
    household = _nobodys(dong, "서울 성동구 왕십리로 7", area=area)
    follow_up = followup_schedule(household=household, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    assert follow_up.assigned_to == official


def test_the_cadence_job_gives_new_follow_ups_to_the_areas_official_else_the_queue(dong, official, area):
    in_area = _nobodys(dong, "서울 성동구 왕십리로 8", area=area)
    nowhere = _nobodys(dong, "서울 성동구 고산자로 8")

    schedule_followups(timezone.now())

    assert FollowUp.objects.get(household=in_area, reason=FollowUpReason.CADENCE).assigned_to == official
    queued = FollowUp.objects.get(household=nowhere, reason=FollowUpReason.CADENCE)
    assert queued.assigned_to is None and queued.household.dong == dong  # the dong's queue


def test_silence_and_check_in_alerts_go_to_the_areas_official(dong, official, area):
    silent = _nobodys(dong, "서울 성동구 왕십리로 9", area=area, risk_level="high")
    Household.objects.filter(pk=silent.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    alarmed = _nobodys(dong, "서울 성동구 마조로 10", area=area)

    silence_watch(timezone.now())
    check_in = CheckIn.objects.create(household=alarmed, source="iot", is_alert=True, at=timezone.now())
    raise_checkin_alert(check_in=check_in)

    assert FollowUp.objects.get(household=silent, reason=FollowUpReason.SILENCE).assigned_to == official
    assert FollowUp.objects.get(household=alarmed, reason=FollowUpReason.SILENCE).assigned_to == official


def test_a_public_tip_off_goes_to_the_areas_official_else_the_dongs_queue(dong, official, area):
    inside = new_report(dong, channel="web", subject_address="서울 성동구 왕십리로 30, 2층")
    outside = new_report(dong, channel="web", subject_address="서울 성동구 고산자로 30")
    district = new_report(None, district=dong.district, channel="web", subject_address="왕십리로 30")

    assert inside.assigned_official == official
    assert outside.assigned_official is None and outside.dong == dong  # the dong's queue
    assert district.assigned_official is None and district.dong is None  # the district's queue


@pytest.mark.parametrize("kind", [ImportKind.CRISIS_LIST, ImportKind.LONELY_DEATH_LIST])
def test_imported_list_rows_go_to_the_households_owner_else_the_areas_official(dong, official, lead, area, kind):
    known = _nobodys(dong, "서울특별시 성동구 왕십리로 2", assigned_official=lead, address_detail="2호")
    ResidentFactory(household=known, name="김민002", relation="spouse")
    round_ = make_round(dong.district)
    if kind == ImportKind.LONELY_DEATH_LIST:
        round_.system = "lonely_death"
        round_.save()
    rows = [crisis_row(2), crisis_row(3), crisis_row(200)]  # 왕십리로 2 (known), 3 (in the 통), 200 (no 통)
    run(make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows), kind=kind, round=round_))

    owners = dict(CrisisReport.objects.values_list("subject_name", "assigned_official"))
    assert owners["김민003"] == official.pk
    assert owners["김민200"] is None  # the dong's queue
    assert owners["김민002"] == lead.pk  # matched to the known household: its owner, not the 통's


def test_a_universal_list_household_gets_its_area_and_the_follow_up_its_official(dong, official, area):
    born = dt.date(timezone.localdate().year - 65, 11, 3)
    row = ["박순자", f"{born:%Y%m%d}", "서울특별시 성동구 마조로 7", "", "왕십리도선동", "010-0123-4567", "여"]
    run(make_batch(dong.district, csv_bytes(UNIVERSAL_HEADER, [row]), kind=ImportKind.TURNING_65, file_name="u.csv"))

    household = Household.objects.get()
    assert household.area == area
    assert FollowUp.objects.get(household=household, reason=FollowUpReason.UNIVERSAL).assigned_to == official


def test_nothing_is_ever_without_an_owner_or_a_queue(client_for, dong, official, lead, area):
    """Every open follow-up and report either has an official or shows in the lead's dong queue (follow-ups) or
    the triage queue's unassigned filter (reports)."""
    _nobodys(dong, "서울 성동구 고산자로 41")
    _nobodys(dong, "서울 성동구 왕십리로 41", area=area)
    schedule_followups(timezone.now())
    new_report(dong, channel="web", subject_address="서울 성동구 고산자로 41")
    new_report(dong, channel="web", subject_address="서울 성동구 왕십리로 41")
    client = client_for(lead)

    queue_page = client.get("/households/queue/").content.decode()
    reports_page = client.get("/discovery/reports/?unassigned=on").content.decode()
    for follow_up in FollowUp.objects.filter(status=FollowUpStatus.OPEN).select_related("household"):
        assert follow_up.assigned_to_id or follow_up.household.road_address in queue_page
    for report in CrisisReport.objects.open():
        assert report.assigned_official_id or report.receipt_code in reports_page
    assert FollowUp.objects.filter(assigned_to__isnull=True).exists()  # the queue is not empty by accident


def test_the_lead_assigns_from_the_dong_queue(client_for, dong, official, lead):
    waiting = _nobodys(dong, "서울 성동구 고산자로 50")
    follow_up = followup_schedule(household=waiting, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    assert follow_up.assigned_to is None

    response = client_for(lead).post("/households/queue/", {"ids": [follow_up.pk], "to_user": official.pk})

    assert response.status_code == 302
    follow_up.refresh_from_db()
    waiting.refresh_from_db()
    assert follow_up.assigned_to == official and waiting.assigned_official == official


def test_an_official_may_not_assign_from_the_queue_and_another_dongs_item_is_skipped(dong, official, lead,
                                                                                     other_household):
    foreign = followup_schedule(household=other_household, due_on=timezone.localdate(),
                                reason=FollowUpReason.CADENCE)
    with pytest.raises(RuleError):
        queue_assign(follow_ups=[foreign.pk], by=official, to_user=official)
    result = queue_assign(follow_ups=[foreign.pk], by=lead, to_user=official)
    assert result.done == 0 and result.skipped == 1
    foreign.refresh_from_db()
    assert foreign.assigned_to is None


def test_the_queue_page_runs_a_constant_number_of_queries(client_for, dong, lead, django_assert_max_num_queries):
    client = client_for(lead)
    for n in range(3):
        household = _nobodys(dong, f"서울 성동구 고산자로 {60 + n}")
        followup_schedule(household=household, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    client.get("/households/queue/")
    with django_assert_max_num_queries(20) as few:
        client.get("/households/queue/")
    for n in range(10):
        household = _nobodys(dong, f"서울 성동구 고산자로 {70 + n}")
        followup_schedule(household=household, due_on=timezone.localdate(), reason=FollowUpReason.CADENCE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/households/queue/")
