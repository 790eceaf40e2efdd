"""Plausible values on the household pages (issue 12 item 4): dates neither before EARLIEST_RECORD_DATE nor absurdly
far ahead, amounts within their ceiling, texts within their length, each refused beside its field with nothing
saved. The API says the same sentences (tests/api/test_api_plausible.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import (
    CaseStage,
    CheckIn,
    Consent,
    FollowUp,
    IsolationScreening,
    LinkStatus,
    MemberEvent,
    ServiceLink,
    Visit,
)
from tests.factories import ResidentFactory
from welfare.errors import RuleError

from .factories_cases import ResourceFactory, household_with_client, make_case

pytestmark = pytest.mark.django_db

TOO_EARLY_DAY = "2000-01-01부터의 날짜만 적을 수 있습니다."
TOO_EARLY_TIME = "2000-01-01부터의 일시만 적을 수 있습니다."


def today() -> dt.date:
    return timezone.localdate()


def until(days: int) -> str:
    return f"{today() + dt.timedelta(days=days):%Y-%m-%d}까지의 날짜만 적을 수 있습니다."


def errors_of(response, form: str = "form") -> dict:
    assert response.status_code == 200, response.status_code
    return response.context[form].errors


def visit_post(**overrides) -> dict:
    return {"submission_token": str(uuid.uuid4()), "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home", "contact_result": "met", "risk_level": "low", "observations": "", "next_contact_on": "",
            **overrides}


# Visits ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["1900-01-01T10:00", "0201-03-04T10:00", "1999-12-31T23:59"])
def test_a_visit_dated_before_the_earliest_record_date_is_refused(client_for, official, household, when):
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(visited_at=when))

    assert errors_of(response)["visited_at"] == [TOO_EARLY_TIME]
    assert not Visit.objects.exists()


def test_a_visit_on_the_earliest_record_date_is_kept(client_for, official, household):
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(visited_at="2000-01-01T09:00", next_contact_on="2000-01-08"))

    assert response.status_code == 302
    assert Visit.objects.get().next_contact_on == dt.date(2000, 1, 8)


def test_a_visit_in_the_future_is_still_refused(client_for, official, household):
    later = (timezone.localtime() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(visited_at=later))

    assert errors_of(response)["visited_at"] == ["방문 일시가 미래입니다."]


def test_a_next_contact_of_9999_is_refused_and_a_year_ahead_is_kept(client_for, official, household):
    client = client_for(official)
    url = reverse("households:visit_add", args=[household.pk])

    response = client.post(url, visit_post(next_contact_on="9999-12-31"))
    last = today() + dt.timedelta(days=366)
    assert errors_of(response)["next_contact_on"] == [
        f"다음 접촉 예정일은 방문일부터 366일 이내({last:%Y-%m-%d}까지)여야 합니다."]
    assert not Visit.objects.exists()

    assert client.post(url, visit_post(next_contact_on=last.isoformat())).status_code == 302
    household.refresh_from_db()
    assert household.next_contact_on == last


def test_observations_longer_than_the_limit_are_refused_and_kept_in_the_form(client_for, official, household):
    text = "가" * 4001
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(observations=text))

    assert errors_of(response)["observations"] == ["4,000자 이내로 적어 주세요. (지금 4,001자)"]
    assert text in response.content.decode()
    assert not Visit.objects.exists()


def test_a_need_note_longer_than_its_column_is_refused_beside_its_row(client_for, official, household):
    response = client_for(official).post(reverse("households:visit_add", args=[household.pk]),
                                         visit_post(need_health="high", need_health_note="나" * 301))

    assert errors_of(response)["need_health"] == ["건강: 300자 이내로 적어 주세요. (지금 301자)"]


def test_the_visit_form_carries_the_limit_and_the_counter_script(client_for, official, household):
    html = client_for(official).get(reverse("households:visit_add", args=[household.pk])).content.decode()

    assert 'maxlength="4000"' in html and "data-counter" in html
    assert "js/counter.js" in html
    assert finders.find("js/counter.js") is not None


def test_a_long_word_wraps_on_the_visit_page(client_for, official, household):
    word = "ㅋ" * 10000
    visit, _created = services.visit_record(household=household, by=official, data=services.VisitData(
        kind="home", contact_result="met", risk_level="low", observations=word[:4000]))

    html = client_for(official).get(reverse("households:visit_detail", args=[household.pk, visit.pk])).content.decode()

    assert '<p class="visit-text">' in html
    with open(finders.find("css/visits.css"), encoding="utf-8") as css:
        rules = css.read()
    assert ".visit-text" in rules and "overflow-wrap: anywhere" in rules


# Follow-ups, check-ins, the household's next contact -------------------------------------------------------------


def test_a_follow_up_beyond_a_year_is_refused(client_for, official, household):
    response = client_for(official).post(reverse("households:followup_add", args=[household.pk]),
                                         {"followup-due_on": "9999-12-31", "followup-note": ""})

    last = today() + dt.timedelta(days=366)
    assert errors_of(response)["due_on"] == [f"예정일은 오늘부터 366일 이내({last:%Y-%m-%d}까지)여야 합니다."]
    assert not FollowUp.objects.exists()


def test_a_follow_up_note_longer_than_its_column_is_refused(client_for, official, household):
    response = client_for(official).post(reverse("households:followup_add", args=[household.pk]), {
        "followup-due_on": (today() + dt.timedelta(days=3)).isoformat(), "followup-note": "메" * 301})

    assert errors_of(response)["note"] == ["300자 이내로 적어 주세요. (지금 301자)"]


def test_a_check_in_before_the_earliest_record_date_is_refused(client_for, official, household):
    response = client_for(official).post(reverse("households:checkin_add", args=[household.pk]), {
        "checkin-at": "1999-12-31T10:00", "checkin-source": "care_team", "checkin-is_alert": "0",
        "checkin-note": ""})

    assert errors_of(response)["at"] == [TOO_EARLY_TIME]
    assert not CheckIn.objects.exists()


def test_the_household_next_contact_of_9999_is_refused_beside_the_field(client_for, official, household, dong):
    data = {"dong": dong.pk, "road_address": household.road_address, "housing_type": household.housing_type,
            "risk_level": "low", "status": household.status, "next_contact_on": "9999-12-31"}

    response = client_for(official).post(reverse("households:edit", args=[household.pk]), data)

    assert errors_of(response)["next_contact_on"] == [until(366)]
    household.refresh_from_db()
    assert household.next_contact_on != dt.date(9999, 12, 31)


def test_bulk_rescheduling_beyond_a_year_is_refused(official, household):
    with pytest.raises(RuleError) as refused:
        services.households_reschedule(households=[household], by=official, on=dt.date(9999, 12, 31))

    assert "366일 이내" in refused.value.messages[0]


# Isolation, composition, consent ---------------------------------------------------------------------------------


def test_an_isolation_screening_before_the_earliest_date_is_refused(client_for, official, household):
    head = household.residents.get()
    response = client_for(official).post(reverse("households:isolation_add", args=[household.pk]),
                                         {"resident": head.pk, "screened_on": "1999-12-31"})

    assert errors_of(response)["screened_on"] == [TOO_EARLY_DAY]
    assert not IsolationScreening.objects.exists()


def test_composition_dates_before_the_earliest_date_are_refused(client_for, official, household):
    head = household.residents.get()
    other = ResidentFactory(household=household, relation="child")
    client = client_for(official)

    leave = client.post(reverse("households:member_leave", args=[household.pk, other.pk]),
                        {"on": "1999-12-31", "reason": "moved_out", "note": ""})
    change = client.post(reverse("households:head_change", args=[household.pk]),
                         {"new_head": other.pk, "previous_head_relation": "spouse", "on": "1999-12-31"})
    join = client.post(reverse("households:member_join", args=[household.pk]),
                       {"name": "새가구원", "relation": "child", "sex": "F", "moved_in_on": "1999-12-31"})

    assert errors_of(leave)["on"] == [TOO_EARLY_DAY]
    assert errors_of(change)["on"] == [TOO_EARLY_DAY]
    assert errors_of(join)["moved_in_on"] == [TOO_EARLY_DAY]
    assert not MemberEvent.objects.exists()
    head.refresh_from_db()
    assert head.relation == "head"


def test_a_leave_note_longer_than_its_column_is_refused(client_for, official, household):
    other = ResidentFactory(household=household, relation="child")
    response = client_for(official).post(reverse("households:member_leave", args=[household.pk, other.pk]),
                                         {"on": today().isoformat(), "reason": "moved_out", "note": "가" * 201})

    assert errors_of(response)["note"] == ["200자 이내로 적어 주세요. (지금 201자)"]


def test_consent_dates_are_checked(client_for, official, household):
    head = household.residents.get()
    url = reverse("households:consent_add", args=[household.pk, head.pk])
    client = client_for(official)

    early = client.post(url, {"scope": "collect_use", "granted_on": "1999-12-31", "method": "written"})
    ahead = client.post(url, {"scope": "collect_use", "granted_on": (today() + dt.timedelta(days=1)).isoformat(),
                              "method": "written"})
    forever = client.post(url, {"scope": "collect_use", "granted_on": today().isoformat(), "method": "written",
                                "expires_on": "9999-12-31"})

    assert errors_of(early)["granted_on"] == [TOO_EARLY_DAY]
    assert errors_of(ahead)["granted_on"] == [until(0)]
    assert "까지의 날짜만 적을 수 있습니다." in errors_of(forever)["expires_on"][0]
    assert not Consent.objects.exists()


def test_sensitive_notes_have_a_limit(client_for, official, household):
    head = household.residents.get()
    response = client_for(official).post(reverse("households:sensitive_edit", args=[household.pk, head.pk]),
                                         {"physical_health": "가" * 2001})

    assert errors_of(response)["physical_health"] == ["2,000자 이내로 적어 주세요. (지금 2,001자)"]


# Cases ------------------------------------------------------------------------------------------------------------


def case_url(name, case, *extra):
    return reverse(f"households:{name}", args=[case.household_id, case.pk, *extra])


def test_a_case_opened_before_the_earliest_date_or_with_a_huge_summary_is_refused(client_for, official, dong):
    household = household_with_client(dong)
    client_resident = household.residents.get()
    url = reverse("households:case_open", args=[household.pk])
    data = {"client": client_resident.pk, "source": "report", "case_class": "general",
            "assigned_official": official.pk, "opened_on": "1999-12-31", "summary": ""}
    client = client_for(official)

    early = client.post(url, data)
    long = client.post(url, {**data, "opened_on": today().isoformat(), "summary": "가" * 4001})

    assert errors_of(early)["opened_on"] == [TOO_EARLY_DAY]
    assert errors_of(long)["summary"] == ["4,000자 이내로 적어 주세요. (지금 4,001자)"]
    assert not household.cases.exists()


def test_a_goal_target_beyond_five_years_is_refused(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.PLANNING)
    far = today().replace(year=today().year + 6)

    response = client_for(official).post(case_url("case_goal_add", case), {"text": "목표", "target_on": far.isoformat()})

    assert "까지의 날짜만 적을 수 있습니다." in errors_of(response)["target_on"][0]
    assert not case.goals.exists()


def test_the_case_edit_summary_and_transition_notes_have_limits(client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)
    client = client_for(official)

    edit = client.post(case_url("case_edit", case), {"case_class": "general", "assigned_official": official.pk,
                                                     "summary": "가" * 4001, "version": case.version})
    move = client.post(case_url("case_transition", case), {"to": CaseStage.ASSESSMENT, "version": case.version,
                                                           "note": "나" * 501})

    assert errors_of(edit)["summary"] == ["4,000자 이내로 적어 주세요. (지금 4,001자)"]
    assert errors_of(move)["note"] == ["500자 이내로 적어 주세요. (지금 501자)"]
    case.refresh_from_db()
    assert (case.stage, case.summary) == (CaseStage.INTAKE, "")


# Service links ----------------------------------------------------------------------------------------------------


@pytest.fixture
def in_service_case(dong):
    return make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)


@pytest.fixture
def resource(seongdong):
    return ResourceFactory(district=seongdong, name="긴급복지지원(생계)", provider="성동구청")


def link_post(resource, **overrides) -> dict:
    return {"resource": resource.pk, "requested_on": today().isoformat(), "start_on": "", "end_on": "",
            "amount_krw": "", "frequency": "", "funding_source": "", "note": "", **overrides}


def test_link_amount_dates_and_note_are_bounded(client_for, official, in_service_case, resource):
    client = client_for(official)
    url = case_url("link_add", in_service_case)

    amount = client.post(url, link_post(resource, amount_krw="999,999,999,999"))
    early = client.post(url, link_post(resource, amount_krw="500000", start_on="1999-12-31"))
    late = client.post(url, link_post(resource, amount_krw="500000", end_on="2099-01-01"))
    note = client.post(url, link_post(resource, amount_krw="500000", note="가" * 501))

    assert errors_of(amount)["amount_krw"] == ["금액은 100,000,000원 이하로 적어 주세요."]
    assert errors_of(early)["start_on"] == [TOO_EARLY_DAY]
    assert "까지의 날짜만 적을 수 있습니다." in errors_of(late)["end_on"][0]
    assert errors_of(note)["note"] == ["500자 이내로 적어 주세요. (지금 501자)"]
    assert not ServiceLink.objects.exists()
    assert client.post(url, link_post(resource, amount_krw="100,000,000")).status_code == 302


def test_completing_a_link_before_its_start_is_refused_not_a_500(client_for, official, in_service_case, resource):
    start = today() - dt.timedelta(days=10)
    link = ServiceLink.objects.create(household=in_service_case.household, case=in_service_case, resource=resource,
                                      status=LinkStatus.IN_SERVICE, start_on=start, amount_krw=1000)

    with pytest.raises(RuleError) as refused:
        services.service_link_transition(link=link, to=LinkStatus.COMPLETED, by=official,
                                         on=start - dt.timedelta(days=1))
    page = client_for(official).post(case_url("link_transition", in_service_case, link.pk),
                                     {"to": LinkStatus.STOPPED, "reason": "가" * 301})

    assert refused.value.message_dict["on"] == [f"완료일({start - dt.timedelta(days=1):%Y-%m-%d})이 이 연계의 시작일({start:%Y-%m-%d})보다 앞설 수 없습니다. "
                                               "시작일이 잘못되었으면 연계를 중단하고 다시 등록하세요."]
    assert errors_of(page)["reason"] == ["300자 이내로 적어 주세요. (지금 301자)"]
    link.refresh_from_db()
    assert link.status == LinkStatus.IN_SERVICE


@pytest.mark.parametrize("view, service, args", [
    ("households:edit", "household_update", ()),
    ("households:resident_add", "resident_add", ()),
])
def test_a_service_refusal_is_shown_on_the_form_never_a_500(client_for, official, household, monkeypatch, view,
                                                            service, args):
    """Whatever the service refuses (a rule the form does not know) is shown beside the field, the input kept."""
    def refuse(**kwargs):
        raise RuleError({"phone": ["서비스가 거절한 번호입니다."], "unknown_field": ["전체에 대한 사유입니다."]})

    monkeypatch.setattr(services, service, refuse)
    url = reverse(view, args=[household.pk, *args])
    page = client_for(official).get(url)
    form = page.context["form"]
    data = {name: "" for name in form.fields}
    data.update({k: v for k, v in form.initial.items() if isinstance(v, (str, int)) and v is not None})
    data.update({"name": "김하나", "birth_date": "1960-05-05", "relation": "head", "phone": "010-2345-6789",
                 "road_address": household.road_address, "dong": household.dong_id})
    response = client_for(official).post(url, data)

    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "서비스가 거절한 번호입니다." in html and "전체에 대한 사유입니다." in html
