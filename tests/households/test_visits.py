"""Logging a visit from the household page: needs, risk, cadence, idempotency, death or move."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import (
    CadencePolicy,
    CareStatus,
    CaseStage,
    CaseStageChange,
    FollowUp,
    FollowUpStatus,
    MemberEvent,
    Visit,
)
from tests.factories import ResidentFactory
from welfare.models import AccessLog

from .factories_visits import FollowUpFactory, VisitFactory, open_case

pytestmark = pytest.mark.django_db


def visit_post(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "home",
        "contact_result": "met",
        "risk_level": "low",
        "observations": "",
        "next_contact_on": "",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_logging_a_visit_saves_needs_updates_the_household_and_moves_the_cadence(client_for, official, household):
    # given a low-risk household whose cadence contact is overdue
    today = timezone.localdate()
    old = FollowUpFactory(household=household, reason="cadence", due_on=today - dt.timedelta(days=2))

    # when the official logs a visit that found health and income needs and raised the risk to high
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        risk_level="high", observations="냉장고가 비어 있음",
        need_health="high", need_health_note="당뇨 관리 어려움", need_income="medium",
    ))

    # then one visit holds the needs, the household follows the policy (high: 7 days) and the cadence moves on
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert "방문을 기록했습니다." in messages_of(response)
    visit = Visit.objects.get(household=household)
    assert {(n.domain, n.severity, n.note) for n in visit.needs.all()} == {
        ("health", "high", "당뇨 관리 어려움"), ("income", "medium", "")}
    assert visit.observations == "냉장고가 비어 있음"
    assert visit.recorded_by == official
    household.refresh_from_db()
    assert household.risk_level == "high"
    assert household.last_contact_on == today
    assert household.next_contact_on == today + dt.timedelta(days=7)
    old.refresh_from_db()
    assert (old.status, old.visit) == (FollowUpStatus.DONE, visit)
    new = FollowUp.objects.get(household=household, status="open")
    assert (new.reason, new.due_on) == ("cadence", today + dt.timedelta(days=7))


def test_an_edited_next_contact_date_wins_over_the_proposal(client_for, official, household):
    chosen = timezone.localdate() + dt.timedelta(days=3)

    client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                              visit_post(risk_level="medium", next_contact_on=chosen.isoformat()))

    household.refresh_from_db()
    assert household.next_contact_on == chosen
    assert FollowUp.objects.get(household=household, status="open").due_on == chosen


def test_a_second_open_cadence_follow_up_is_refused_by_the_database(household):
    # given an open cadence follow-up
    FollowUp.objects.create(household=household, due_on=timezone.localdate(), reason="cadence")

    # when another is created directly, then the partial unique constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(household=household, due_on=timezone.localdate(), reason="cadence")


def test_submitting_the_same_form_twice_creates_one_visit(client_for, official, household):
    client = client_for(official)
    data = visit_post(risk_level="medium", need_safety="low")
    url = reverse("households:visit_add", args=[household.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    assert Visit.objects.filter(household=household).count() == 1
    assert first["Location"] == second["Location"] == reverse("households:detail", args=[household.pk])
    assert messages_of(second)[-1] == "이미 저장된 방문입니다."


def test_the_service_returns_the_first_visit_for_a_repeated_token(official, household):
    token = uuid.uuid4()
    data = services.VisitData(kind="phone", contact_result="met", risk_level="low")

    first, created = services.visit_record(household=household, by=official, data=data, token=token)
    again, created_again = services.visit_record(household=household, by=official, data=data, token=token)

    assert (created, created_again) == (True, False)
    assert first == again


def test_a_form_with_errors_keeps_everything_typed(client_for, official, household):
    # given a form where the result is "deceased" but the end-of-care question is unanswered
    data = visit_post(contact_result="deceased", risk_level="high", observations="이웃 제보로 확인",
                      need_health="high", need_health_note="지병", need_legal_note="상속 문의")

    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), data)

    # then nothing is saved and the form comes back with the input and the errors beside the fields
    assert response.status_code == 200
    assert not Visit.objects.exists()
    form = response.context["form"]
    assert form.errors["end_care"] == ["사망·전출이면 세대 관리를 종료할지 골라 주세요."]
    assert form.errors["need_legal"] == ["법률 및 권익보장: 내용을 적었으면 정도를 고르세요."]
    assert form["need_health"].value() == "high"
    assert form["need_health_note"].value() == "지병"
    assert str(form["submission_token"].value()) == data["submission_token"]
    html = response.content.decode()
    assert "이웃 제보로 확인" in html
    assert '<option value="high" selected>상</option>' in html
    assert data["submission_token"] in html


def test_the_form_proposes_the_next_contact_from_the_policy(client_for, official, household):
    household.risk_level = "high"
    household.save()

    response = client_for(official).get(reverse("households:visit_add", args=[household.pk]))

    expected = timezone.localdate() + dt.timedelta(days=7)
    form = response.context["form"]
    assert form.initial["next_contact_on"] == expected
    assert form.initial["risk_level"] == "high"
    assert f"정책 제안: {expected.isoformat()} (고위험 7일)" in response.content.decode()
    assert 'data-days-medium="14"' in response.content.decode()


def test_a_form_back_with_errors_proposes_for_the_risk_and_day_typed(client_for, official, household):
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        visited_at="2025-01-31T10:00", risk_level="medium", contact_result="deceased"))

    assert response.status_code == 200
    assert "정책 제안: 2025-02-14 (중위험 14일)" in response.content.decode()


def test_staff_present_offers_only_staff_of_the_households_dong(client_for, official, lead, other_dong_official,
                                                                household):
    response = client_for(official).get(reverse("households:visit_add", args=[household.pk]))

    choices = set(response.context["form"].fields["staff_present"].queryset)
    assert choices == {official, lead}


def test_staff_present_are_saved_with_the_visit(client_for, official, lead, household):
    client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                              visit_post(staff_present=[lead.pk]))

    assert list(Visit.objects.get().staff_present.all()) == [lead]


def test_staff_of_another_dong_cannot_be_named_present(client_for, official, other_dong_official, household):
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(staff_present=[other_dong_official.pk]))

    assert response.status_code == 200
    assert "staff_present" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_a_death_ends_care_removes_the_resident_cancels_follow_ups_and_proposes_closing(
        client_for, official, household):
    # given a one-person household with a case in service and two open follow-ups
    head = household.residents.get()
    case = open_case(household, official, stage=CaseStage.IN_SERVICE)
    FollowUpFactory(household=household, reason="cadence")
    FollowUpFactory(household=household, reason="manual")

    # when the official records that the person died, ends care and asks to close the case
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        contact_result="deceased", risk_level="high", end_care="yes", resident=head.pk, propose_case_closing="on",
    ))

    # then the resident left (deceased), care ended, nothing stays planned and the case awaits closing approval
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.left_on, head.left_reason) == (timezone.localdate(), "deceased")
    assert MemberEvent.objects.filter(resident=head, kind="left", reason="deceased").exists()
    household.refresh_from_db()
    assert household.status == CareStatus.NOT_UNDER_CARE
    assert household.next_contact_on is None
    assert not FollowUp.objects.filter(household=household, status="open").exists()
    # the cadence contact was met by this visit; the rest were cancelled
    assert set(FollowUp.objects.filter(household=household).values_list("reason", "status")) == {
        ("cadence", "done"), ("manual", "cancelled")}
    case.refresh_from_db()
    assert (case.stage, case.closing_reason) == (CaseStage.CLOSING, "deceased")


def test_a_death_does_not_move_a_case_out_of_conference(client_for, official, household):
    # given a case waiting for its conference: only the conference record moves it on (selected or not)
    head = household.residents.get()
    case = open_case(household, official, stage=CaseStage.CONFERENCE)
    version = case.version

    # when the official records the death and asks to close the case
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        contact_result="deceased", risk_level="high", end_care="yes", resident=head.pk, propose_case_closing="on",
    ))

    # then the visit is saved and care ended, but the case stays in conference and the page says why
    assert response.status_code == 302
    assert Visit.objects.filter(household=household, contact_result="deceased").exists()
    head.refresh_from_db()
    assert head.left_reason == "deceased"
    case.refresh_from_db()
    assert (case.stage, case.version, case.closing_reason) == (CaseStage.CONFERENCE, version, "")
    assert not CaseStageChange.objects.filter(case=case, from_stage=CaseStage.CONFERENCE).exists()
    assert "'사례회의' 단계라 종결 검토로 옮기지 못했습니다" in " ".join(messages_of(response))


def test_resubmitting_a_death_visit_still_answers_already_saved(client_for, official, household):
    # the resident named in the form has left after the first submission, so the form alone would not validate
    client = client_for(official)
    data = visit_post(contact_result="deceased", end_care="yes", resident=household.residents.get().pk)
    url = reverse("households:visit_add", args=[household.pk])

    client.post(url, data)
    second = client.post(url, data)

    assert Visit.objects.count() == 1
    assert second.status_code == 302
    assert messages_of(second)[-1] == "이미 저장된 방문입니다."


def test_a_move_without_ending_care_keeps_the_household_under_care(client_for, official, household):
    # given a two-person household where the spouse moved away
    spouse = ResidentFactory(household=household, relation="spouse")
    household.status = CareStatus.UNDER_CARE
    household.save()

    client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        contact_result="moved_away", end_care="no", resident=spouse.pk, risk_level="medium"))

    spouse.refresh_from_db()
    assert spouse.left_reason == "moved_out"
    household.refresh_from_db()
    assert household.status == CareStatus.UNDER_CARE
    assert household.next_contact_on == timezone.localdate() + dt.timedelta(days=14)


def test_death_questions_are_ignored_for_other_results(client_for, official, household):
    head = household.residents.get()

    client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                              visit_post(contact_result="met", end_care="yes", resident=head.pk))

    head.refresh_from_db()
    assert head.left_on is None


def test_asking_to_close_a_case_that_cannot_move_yet_warns(client_for, official, household):
    open_case(household, official)  # at intake: closing is not a move from there

    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]), visit_post(
        contact_result="deceased", end_care="yes", propose_case_closing="on"))

    assert any("종결 검토로 옮기지 못했습니다" in m for m in messages_of(response))


@pytest.mark.parametrize(("risk", "days"), [("high", 7), ("medium", 14), ("low", 30)])
def test_default_cadence_per_risk_level(household, risk, days):
    after = dt.date(2025, 5, 1)

    assert services.propose_next_contact(household=household, risk_level=risk, after=after) == after + dt.timedelta(
        days=days)


@pytest.mark.parametrize(("risk", "days"), [("high", 3), ("medium", 10), ("low", 60)])
def test_a_districts_own_cadence_policy_is_used(household, risk, days):
    CadencePolicy.objects.create(district=household.dong.district, high_days=3, medium_days=10, low_days=60)
    after = dt.date(2025, 5, 1)

    assert services.propose_next_contact(household=household, risk_level=risk, after=after) == after + dt.timedelta(
        days=days)


@pytest.mark.parametrize(("risk", "days"), [("high", 3), ("medium", 10), ("low", 30)])
def test_a_case_in_service_is_contacted_at_least_monthly(official, household, risk, days):
    # given a policy slower than monthly for low risk, and a case in service
    CadencePolicy.objects.create(district=household.dong.district, high_days=3, medium_days=10, low_days=60)
    open_case(household, official, stage=CaseStage.IN_SERVICE)
    after = dt.date(2025, 5, 1)

    # then the proposal is the smaller of the risk's days and 30
    assert services.propose_next_contact(household=household, risk_level=risk, after=after) == after + dt.timedelta(
        days=days)


def test_the_visit_form_shows_the_in_service_proposal(client_for, official, household):
    CadencePolicy.objects.create(district=household.dong.district, low_days=60)
    open_case(household, official, stage=CaseStage.IN_SERVICE)

    response = client_for(official).get(reverse("households:visit_add", args=[household.pk]))

    expected = timezone.localdate() + dt.timedelta(days=30)
    assert f"정책 제안: {expected.isoformat()} (저위험 30일)" in response.content.decode()


def test_thirty_days_after_january_31_is_march_2(client_for, official, household):
    # when a low-risk visit on 31 January is logged without a date of its own
    client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                              visit_post(visited_at="2025-01-31T10:00", risk_level="low"))

    # then the next contact is 30 calendar days later, across February's end
    household.refresh_from_db()
    assert household.next_contact_on == dt.date(2025, 3, 2)
    assert services.propose_next_contact(household=household, risk_level="low", after=dt.date(2024, 1, 31)) == \
        dt.date(2024, 3, 1)  # a leap year


def test_a_visit_in_the_future_is_refused(client_for, official, household):
    later = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(visited_at=later))

    assert response.context["form"].errors["visited_at"] == ["방문 일시가 미래입니다."]


def test_the_visit_time_is_read_in_seoul_time(client_for, official, household):
    client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                              visit_post(visited_at="2025-03-01T08:30"))

    visited = timezone.localtime(Visit.objects.get().visited_at)
    assert (str(visited.tzinfo), visited.hour, visited.minute) == ("Asia/Seoul", 8, 30)


def test_the_visit_page_shows_every_field(client_for, official, lead, household):
    # given a visit with needs and a colleague present
    visit = VisitFactory(household=household, observations="난방이 되지 않음", recorded_by=official,
                         contact_result="met", risk_level="medium", next_contact_on=dt.date(2025, 6, 1))
    visit.staff_present.set([lead])
    visit.needs.create(domain="housing", severity="high", note="보일러 고장")
    lead.first_name, lead.last_name = "민지", "이"
    lead.save()

    response = client_for(official).get(reverse("households:visit_detail", args=[household.pk, visit.pk]))

    html = response.content.decode()
    for text in ("난방이 되지 않음", "생활환경", "보일러 고장", "만남", "중위험", "2025-06-01", lead.get_full_name()):
        assert text in html
    assert AccessLog.objects.filter(verb="households.visit.viewed", object_id=str(visit.pk)).exists()


def test_the_household_page_lists_visits_with_links(client_for, official, household):
    visit = VisitFactory(household=household)

    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    assert reverse("households:visit_detail", args=[household.pk, visit.pk]) in response.content.decode()
    assert reverse("households:visit_add", args=[household.pk]) in response.content.decode()
