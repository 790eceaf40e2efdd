"""The household page's 건강 측정 section, its chart, and the plan dashboard's health figure (issue 17 item 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.dashboard_panels import health_measurements
from households.models import FollowUp, Measurement
from households.selectors_measurements import health_figures
from households.services import MeasurementInput, measurements_record
from tests.factories import ConsentFactory, HouseholdFactory, ResidentFactory
from welfare.common.linechart import Point, Series, line_chart_svg
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(household):
    resident = household.residents.get()
    ConsentFactory(resident=resident, scope="sensitive")
    return resident


def record(household, kind, value, value2=None, *, days_ago=0, resident=None):
    return measurements_record(by=None, rows=[MeasurementInput(
        household=household, kind=kind, value=Decimal(value), value2=Decimal(value2) if value2 else None,
        measured_at=timezone.now() - dt.timedelta(days=days_ago, minutes=5), resident=resident)])


def page(client, household):
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_nurse_sees_the_last_readings_with_the_out_of_range_one_highlighted_and_a_chart(client_for, nurse,
                                                                                          household, head):
    record(household, "blood_pressure", "128", "84", days_ago=10)
    record(household, "blood_pressure", "162", "98", days_ago=1)
    record(household, "steps", "4210", resident=head)

    html = page(client_for(nurse), household)

    assert "건강 측정" in html and 'id="health"' in html
    assert "162/98 mmHg" in html and "정상 범위 밖" in html and 'class="out-of-range"' in html
    assert "4,210 걸음" in html and head.name in html and "세대 공용 기기" in html
    assert html.count('<svg class="linechart"') == 2
    assert AccessLog.objects.filter(verb="households.measurement.viewed", user=nurse,
                                    object_id=str(household.pk)).exists()


def test_roles_without_the_capability_see_no_section_and_nothing_is_logged(client_for, district_admin, household,
                                                                          head):
    record(household, "glucose", "95")

    html = page(client_for(district_admin), household)

    assert 'id="health"' not in html and "95 mg/dL" not in html
    assert not AccessLog.objects.filter(verb="households.measurement.viewed").exists()


def test_the_empty_section_says_why(client_for, official, household):
    html = page(client_for(official), household)

    assert "건강 측정값이 없습니다" in html


def test_a_withdrawn_consent_hides_the_readings_taken_under_it(client_for, nurse, household, head):
    record(household, "glucose", "188")
    head.consents.update(withdrawn_on=timezone.localdate())

    html = page(client_for(nurse), household)

    assert "188 mg/dL" not in html and "건강 측정값이 없습니다" in html


def page_queries(client, household) -> int:
    with CaptureQueriesContext(connection) as ctx:
        page(client, household)
    return len(ctx.captured_queries)


def test_the_page_runs_the_same_queries_for_one_reading_or_many_kinds_and_people(client_for, nurse, household,
                                                                               head):
    record(household, "glucose", "250")  # out of range: the health follow-up is on the page (and its timeline) both times
    client = client_for(nurse)
    page(client, household)  # warm the session and the user's membership
    few = page_queries(client, household)
    spouse = ResidentFactory(household=household, relation="spouse")
    ConsentFactory(resident=spouse, scope="sensitive")
    for back in range(20):
        record(household, "blood_pressure", str(120 + back), "80", days_ago=back, resident=spouse)
        record(household, "weight", "60", days_ago=back, resident=head)
        record(household, "steps", str(200 + 100 * back), days_ago=back)

    many = page_queries(client, household)

    # The health section: the latest per kind and person, the 90 days, the access-log entry.
    assert many == few


def test_the_chart_draws_each_series_and_flags_the_out_of_range_points():
    start = dt.date(2026, 1, 1)
    svg = line_chart_svg([Series("수축기", [Point(dt.datetime(2026, 1, 5, 9), 120),
                                          Point(dt.datetime(2026, 2, 1, 9), 165, flagged=True, label="<b>")],
                                 css="s1")],
                         start=start, end=start + dt.timedelta(days=89), title="혈압 <x>", guides=[140, 90])

    assert svg.startswith('<svg class="linechart"') and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1 and svg.count('class="s1 flagged"') == 1 and svg.count('class="guide"') == 2
    assert "<b>" not in svg and "&lt;x&gt;" in svg


def test_the_dashboard_figure_counts_households_measured_in_30_days_and_open_alerts_per_dong(
        nurse, household, head, second_dong):
    record(household, "glucose", "250")  # out of range: one alert
    record(household, "glucose", "260", days_ago=2)
    away = HouseholdFactory(dong=second_dong)
    ConsentFactory(resident=ResidentFactory(household=away, relation="head"), scope="sensitive")
    record(away, "steps", "5000", days_ago=40)  # too old
    record(away, "steps", "4000", days_ago=3)
    quiet = HouseholdFactory(dong=second_dong)
    ConsentFactory(resident=ResidentFactory(household=quiet, relation="head"), scope="sensitive")
    record(quiet, "steps", "5000", days_ago=31)

    figures = health_figures([household.dong_id, second_dong.pk])

    assert (figures[household.dong_id].households_measured, figures[household.dong_id].open_alerts) == (1, 1)
    assert (figures[second_dong.pk].households_measured, figures[second_dong.pk].open_alerts) == (1, 0)
    assert FollowUp.objects.filter(reason="health").count() == 1


def test_the_dashboard_panel_runs_three_queries_for_one_dong_or_many(planner, household, head, dong, second_dong):
    request = RequestFactory().get("/")
    request.user = planner
    record(household, "glucose", "250")
    with CaptureQueriesContext(connection) as one:
        html = health_measurements(request, None, [dong.pk])
    for d in (dong, second_dong):
        for _n in range(3):
            h = HouseholdFactory(dong=d)
            ConsentFactory(resident=ResidentFactory(household=h, relation="head"), scope="sensitive")
            record(h, "steps", "4000")
    with CaptureQueriesContext(connection) as many:
        health_measurements(request, None, [dong.pk, second_dong.pk])

    # Households measured per dong, open alerts per dong, the dongs' names.
    assert len(one.captured_queries) == len(many.captured_queries) == 3
    assert "왕십리도선동" in html and Measurement.objects.count() == 7


def test_the_demo_gives_a_few_households_devices_with_some_readings_out_of_range(nurse, dong):
    import random

    from welfare.demo.measurements import DEVICES, seed_measurements

    for _n in range(len(DEVICES)):
        ResidentFactory(household=HouseholdFactory(dong=dong, is_demo=True, status="under_care"), relation="head")

    made = seed_measurements(rng=random.Random(1), districts=[dong.district], today=timezone.localdate())

    assert made == Measurement.objects.count() > 100
    assert set(Measurement.objects.values_list("kind", flat=True)) == {"blood_pressure", "glucose", "steps",
                                                                       "weight"}
    assert Measurement.objects.filter(is_out_of_range=True).exists()
    assert FollowUp.objects.filter(reason="health", status="open", assigned_to=nurse).exists()
    assert Measurement.objects.filter(check_in__isnull=False).count() == len(DEVICES)
    assert seed_measurements(rng=random.Random(1), districts=[dong.district], today=timezone.localdate()) == 0


def test_a_household_without_readings_costs_one_query_and_shows_none(household, head):
    from households.selectors_measurements import household_health

    with CaptureQueriesContext(connection) as ctx:
        assert household_health(household) == []
    # One lookup of the household's readings: no consent check, no window, no 90-day read.
    [lookup] = ctx.captured_queries
    assert "ROW_NUMBER" not in lookup["sql"].upper() and "households_consent" not in lookup["sql"]
    record(household, "glucose", "120")
    assert [row.readings for row in household_health(household)] == [1]
