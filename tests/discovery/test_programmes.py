"""Social-network programmes (issue 17 item 1): enrolment under consent, attendance, before/after measures, the
outcome figures (set-based), the pages and their scoping."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from discovery import programme_outcomes as outcomes
from discovery.instrument_defaults import ensure
from discovery.models import Attendance, Instrument, InstrumentItem, Measurement, Participant, Programme
from discovery.services import programmes as services
from plans.models import AnnualPlan
from tests.factories import ConsentFactory, HouseholdFactory, ResidentFactory
from welfare.errors import RuleError
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def default_instruments(db):
    """The migration loads them; a transactional test elsewhere may have flushed them."""
    ensure(Instrument, InstrumentItem)


@pytest.fixture
def lsns():
    return Instrument.objects.get(district=None, code="lsns6")


@pytest.fixture
def ucla():
    return Instrument.objects.get(district=None, code="ucla3")


def make_programme(by, dong, *instruments, title="파크골프 교실", plan=None):
    return services.programme_save(by=by, data=services.ProgrammeInput(
        dong=dong, title=title, place="살곶이 파크골프장", starts_on=START, ends_on=START + dt.timedelta(days=90),
        instruments=list(instruments), partners="성동구 파크골프협회", budget_krw=3_000_000, plan=plan))


def consenting_resident(dong, name="이말순"):
    resident = ResidentFactory(household=HouseholdFactory(dong=dong), name=name)
    ConsentFactory(resident=resident, granted_on=START - dt.timedelta(days=30))
    return resident


def measure(by, participant, instrument, phase, answers):
    return services.measurement_record(by=by, participant=participant, instrument=instrument, phase=phase,
                                       measured_on=START + dt.timedelta(days=1 if phase == "before" else 89),
                                       answers=answers)


def test_default_instruments_are_loaded_as_data(lsns, ucla):
    assert [i.order for i in lsns.items.all()] == [1, 2, 3, 4, 5, 6]
    assert (lsns.min_value, lsns.max_value, lsns.higher_is_better) == (0, 5, True)
    assert ucla.items.count() == 3 and (ucla.min_value, ucla.max_value, ucla.higher_is_better) == (1, 3, False)
    assert "함께 어울릴 사람" in ucla.items.first().text


def test_enrolment_needs_an_active_consent_and_enrols_once(official, dong, lsns):
    programme = make_programme(official, dong, lsns)
    without = ResidentFactory(household=HouseholdFactory(dong=dong))
    with pytest.raises(RuleError) as refused:
        services.participant_enrol(by=official, programme=programme, resident=without, enrolled_on=START)
    assert "동의" in str(refused.value.message_dict["resident"])
    resident = consenting_resident(dong)
    first = services.participant_enrol(by=official, programme=programme, resident=resident, enrolled_on=START)
    again = services.participant_enrol(by=official, programme=programme, resident=resident, enrolled_on=START)
    assert first.pk == again.pk and Participant.objects.count() == 1


def test_residents_of_another_dong_and_officials_of_another_dong_are_refused(official, other_dong_official, dong,
                                                                           second_dong, lsns):
    programme = make_programme(official, dong, lsns)
    elsewhere = consenting_resident(second_dong)
    with pytest.raises(RuleError):
        services.participant_enrol(by=official, programme=programme, resident=elsewhere, enrolled_on=START)
    with pytest.raises(RuleError):
        services.session_add(by=other_dong_official, programme=programme, held_on=START)


def test_planner_cannot_run_programmes(planner, official, dong, lsns):
    with pytest.raises(RuleError):
        make_programme(planner, dong, lsns)


def test_attendance_is_set_not_added(official, dong, lsns):
    programme = make_programme(official, dong, lsns)
    session = services.session_add(by=official, programme=programme, held_on=START + dt.timedelta(days=7))
    a, b = (services.participant_enrol(by=official, programme=programme, resident=consenting_resident(dong, n),
                                       enrolled_on=START) for n in ("가", "나"))
    services.attendance_set(by=official, session=session, present=[a.pk, b.pk])
    services.attendance_set(by=official, session=session, present=[a.pk, b.pk])
    assert Attendance.objects.filter(session=session).count() == 2
    services.attendance_set(by=official, session=session, present=[b.pk])
    assert list(Attendance.objects.values_list("participant_id", flat=True)) == [b.pk]
    with pytest.raises(RuleError):
        services.session_add(by=official, programme=programme, held_on=START - dt.timedelta(days=1))


def test_measure_scores_with_reverse_items_and_replaces_on_resubmit(official, dong, ucla):
    programme = make_programme(official, dong, ucla)
    p = services.participant_enrol(by=official, programme=programme, resident=consenting_resident(dong),
                                   enrolled_on=START)
    assert measure(official, p, ucla, "before", [3, 3, 2]).score == Decimal(8)
    assert measure(official, p, ucla, "before", [3, 2, 2]).score == Decimal(7)
    assert Measurement.objects.count() == 1
    item = ucla.items.get(order=1)
    item.reverse = True
    item.save()
    assert measure(official, p, ucla, "after", [3, 1, 1]).score == Decimal(1 + 1 + 1)
    with pytest.raises(RuleError) as wrong:
        measure(official, p, ucla, "after", [4, 1, 1])
    assert "answers" in wrong.value.message_dict
    with pytest.raises(RuleError):
        measure(official, p, ucla, "after", [1, 1])


def test_outcomes_are_paired_means_per_programme_and_per_dong_in_one_query(official, lead, dong, lsns, ucla,
                                                                         django_assert_num_queries):
    park = make_programme(official, dong, lsns, ucla)
    garden = make_programme(official, dong, lsns, title="원예 치유")
    people = [services.participant_enrol(by=official, programme=park, resident=consenting_resident(dong, str(i)),
                                         enrolled_on=START) for i in range(3)]
    # LSNS: 6 → 12 and 10 → 14 (mean 8 → 13, +5); the third is measured before only and is not counted.
    measure(official, people[0], lsns, "before", [1, 1, 1, 1, 1, 1])
    measure(official, people[0], lsns, "after", [2, 2, 2, 2, 2, 2])
    measure(official, people[1], lsns, "before", [2, 2, 2, 2, 1, 1])
    measure(official, people[1], lsns, "after", [3, 3, 2, 2, 2, 2])
    measure(official, people[2], lsns, "before", [0, 0, 0, 0, 0, 0])
    # UCLA: 9 → 5 (−4)
    measure(official, people[0], ucla, "before", [3, 3, 3])
    measure(official, people[0], ucla, "after", [2, 2, 1])
    g = services.participant_enrol(by=official, programme=garden, resident=consenting_resident(dong, "정"),
                                   enrolled_on=START)
    measure(official, g, lsns, "before", [0, 0, 0, 0, 0, 0])
    measure(official, g, lsns, "after", [1, 1, 1, 1, 1, 1])

    with django_assert_num_queries(1):
        found = outcomes.by_programme([park.pk, garden.pk])
    park_lsns = next(o for o in found[park.pk] if o.instrument_id == lsns.pk)
    assert (park_lsns.measured, park_lsns.mean_before, park_lsns.mean_after, park_lsns.mean_change) == (
        2, Decimal("8.0"), Decimal("13.0"), Decimal("5.0"))
    park_ucla = next(o for o in found[park.pk] if o.instrument_id == ucla.pk)
    assert (park_ucla.measured, park_ucla.mean_change) == (1, Decimal("-4.0"))
    assert park_ucla.improved(ucla) and park_lsns.improved(lsns)
    with django_assert_num_queries(1):
        per_dong = outcomes.by_dong([dong.pk], year=START.year)
    dong_lsns = next(o for o in per_dong[dong.pk] if o.instrument_id == lsns.pk)
    # (6→12, 10→14, 0→6): mean 16/3 → 32/3, +16/3
    assert (dong_lsns.measured, dong_lsns.mean_before, dong_lsns.mean_after, dong_lsns.mean_change) == (
        3, Decimal("5.3"), Decimal("10.7"), Decimal("5.3"))
    assert outcomes.by_dong([dong.pk], year=START.year + 1) == {}


# --- pages ----------------------------------------------------------------------------------------------------


def queries_of(client, url) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def filled_programme(by, dong, lsns, ucla, n: int, title="반찬 만들기"):
    programme = make_programme(by, dong, lsns, ucla, title=title)
    session = services.session_add(by=by, programme=programme, held_on=START + dt.timedelta(days=7))
    people = []
    for i in range(n):
        p = services.participant_enrol(by=by, programme=programme, resident=consenting_resident(dong, f"{title}{i}"),
                                       enrolled_on=START)
        measure(by, p, lsns, "before", [1] * 6)
        measure(by, p, lsns, "after", [2] * 6)
        measure(by, p, ucla, "before", [3, 3, 3])
        measure(by, p, ucla, "after", [2, 2, 2])
        people.append(p)
    services.attendance_set(by=by, session=session, present=[p.pk for p in people])
    return programme


def test_programme_page_shows_outcomes_chart_and_participants_and_logs_the_read(client_for, official, dong, lsns,
                                                                              ucla):
    programme = filled_programme(official, dong, lsns, ucla, 2)
    response = client_for(official).get(reverse("discovery:programme_detail", args=[programme.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="before-after"' in html and "사회관계망 지수" in html and "+6.0" in html and "-3.0" in html
    assert "반찬 만들기0" in html and "참여자 등록" in html
    assert AccessLog.objects.filter(verb="discovery.programme.participants_viewed",
                                    object_id=str(programme.pk), changes__count=2).exists()


def test_planner_sees_the_figures_but_no_participant(client_for, planner, official, dong, lsns, ucla):
    programme = filled_programme(official, dong, lsns, ucla, 2)
    html = client_for(planner).get(reverse("discovery:programme_detail", args=[programme.pk])).content.decode()
    assert "+6.0" in html and "반찬 만들기0" not in html and "참여자 등록" not in html


def test_another_districts_programme_answers_404(client_for, official, dong, other_district_dong, lsns):
    from tests.factories import staff_user
    from welfare.models import Role

    stranger = staff_user(Role.DONG_OFFICIAL, district=other_district_dong.district, dongs=[other_district_dong],
                          username="ydp_official")
    programme = make_programme(official, dong, lsns)
    client = client_for(stranger)
    assert client.get(reverse("discovery:programme_detail", args=[programme.pk])).status_code == 404
    measure_url = reverse("discovery:programme_measure", args=[programme.pk, 1, lsns.pk])
    assert client.get(measure_url).status_code == 404


def test_programme_page_and_list_run_a_constant_number_of_queries(client_for, official, dong, lsns, ucla):
    client = client_for(official)
    small = filled_programme(official, dong, lsns, ucla, 1, title="작은")
    big = filled_programme(official, dong, lsns, ucla, 5, title="큰")
    small_n, _ = queries_of(client, reverse("discovery:programme_detail", args=[small.pk]))
    big_n, _ = queries_of(client, reverse("discovery:programme_detail", args=[big.pk]))
    assert small_n == big_n
    list_before, _ = queries_of(client, reverse("discovery:programme_list"))
    for i in range(4):
        filled_programme(official, dong, lsns, ucla, 1, title=f"더{i}")
    list_after, response = queries_of(client, reverse("discovery:programme_list"))
    assert list_before == list_after and response.content.decode().count("사회관계망 지수 +6.0") == 6


def test_enrol_and_measure_through_the_pages(client_for, official, dong, lsns):
    programme = make_programme(official, dong, lsns)
    resident = consenting_resident(dong)
    client = client_for(official)
    url = reverse("discovery:programme_enrol", args=[programme.pk])
    for _ in range(2):  # a double submit enrols once
        client.post(url, {"resident": resident.pk, "enrolled_on": "2026-03-02"})
    participant = Participant.objects.get(programme=programme, resident=resident)
    measure_url = reverse("discovery:programme_measure", args=[programme.pk, participant.pk, lsns.pk])
    response = client.post(measure_url, {"phase": "before", "measured_on": "2026-03-03",
                                         **{f"item_{i}": "2" for i in range(1, 7)}})
    assert response.status_code == 302
    assert Measurement.objects.get(participant=participant).score == Decimal(12)
    response = client.post(measure_url, {"phase": "after", "measured_on": "2026-03-03", "item_1": "9"})
    assert response.status_code == 200 and Measurement.objects.count() == 1


def test_plan_dashboard_shows_programme_outcomes_per_dong_in_constant_queries(client_for, planner, official, lead,
                                                                            dong, second_dong, lsns, ucla):
    from tests.factories import staff_user
    from welfare.models import Role

    plan = AnnualPlan.objects.create(district=dong.district, year=START.year, title="2026 찾동 기본계획")
    client = client_for(planner)
    url = reverse("plans:plan_dashboard", args=[plan.pk])
    filled_programme(official, dong, lsns, ucla, 1)
    first, _ = queries_of(client, url)
    other = staff_user(Role.DONG_OFFICIAL, district=second_dong.district, dongs=[second_dong], username="majang")
    filled_programme(other, second_dong, lsns, ucla, 3, title="원예")
    filled_programme(official, dong, lsns, ucla, 2, title="파크골프")
    again, response = queries_of(client, url)
    html = response.content.decode()
    assert first == again
    assert "사회관계망 프로그램 성과" in html and "마장동" in html and "왕십리도선동" in html
    assert html.count('class="before-after"') == 2
    assert Programme.objects.count() == 3


def test_enrolment_finds_residents_by_name_and_never_lists_the_whole_dong(client_for, official, dong, second_dong,
                                                                          lsns):
    # Given a programme, residents of its dong (one already enrolled) and one of another dong
    programme = make_programme(official, dong, lsns)
    wanted, namesake = consenting_resident(dong, "김복순"), consenting_resident(dong, "김복남")
    enrolled = consenting_resident(dong, "김복자")
    services.participant_enrol(by=official, programme=programme, resident=enrolled, enrolled_on=START)
    elsewhere = consenting_resident(second_dong, "김복희")
    client = client_for(official)
    url = reverse("discovery:programme_detail", args=[programme.pk])

    # The page alone names no resident who is not a participant: there is no list of the dong to pick from
    html = client.get(url).content.decode()
    assert 'name="find"' in html
    assert "김복순" not in html and "김복남" not in html and 'name="resident"' not in html

    # A search offers the matching residents who may join, not the enrolled one nor another dong's
    html = client.get(url, {"find": "김복"}).content.decode()
    offered = set(re.findall(r'name="resident" value="(\d+)"', html))
    assert offered == {str(wanted.pk), str(namesake.pk)}
    assert str(enrolled.pk) not in offered and str(elsewhere.pk) not in offered
    assert AccessLog.objects.filter(verb="discovery.programme.candidates_searched", changes__count=2).exists()

    # Picking one enrols them; they are no longer offered
    response = client.post(reverse("discovery:programme_enrol", args=[programme.pk]),
                           {"resident": wanted.pk, "enrolled_on": f"{START:%Y-%m-%d}"})
    assert response.status_code == 302
    assert Participant.objects.filter(programme=programme, resident=wanted).exists()
    html = client.get(url, {"find": "김복"}).content.decode()
    assert set(re.findall(r'name="resident" value="(\d+)"', html)) == {str(namesake.pk)}
    assert "찾은, 등록할 수 있는 주민이 없습니다" in client.get(url, {"find": "없는이름"}).content.decode()
    html = client.get(url, {"find": "김"}).content.decode()  # one syllable: a fifth of the dong
    assert "두 글자 이상" in html and 'name="resident"' not in html


def test_enrolment_search_shows_a_bounded_list_in_constant_queries(client_for, official, dong, lsns):
    from discovery.views.programmes import ENROL_SHOWN

    programme = make_programme(official, dong, lsns)
    url = reverse("discovery:programme_detail", args=[programme.pk]) + "?find=박민"
    consenting_resident(dong, "박민수")
    client = client_for(official)
    few, _ = queries_of(client, url)
    for i in range(ENROL_SHOWN + 3):
        consenting_resident(dong, f"박민{i:02d}")
    many, response = queries_of(client, url)
    html = response.content.decode()
    assert len(re.findall(r'name="resident" value="\d+"', html)) == ENROL_SHOWN
    assert "명까지만 보입니다" in html and few == many
