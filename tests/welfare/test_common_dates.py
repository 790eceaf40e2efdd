"""welfare.common.dates: the Seoul day and calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from welfare.common.dates import add_months, days_in_year, seoul_today, shift_years, start_of, year_bounds

UTC = dt.UTC


@pytest.mark.parametrize("utc_now, seoul_day", [
    (dt.datetime(2024, 1, 1, 14, 59, tzinfo=UTC), dt.date(2024, 1, 1)),   # 23:59 in Seoul
    (dt.datetime(2024, 1, 1, 15, 0, tzinfo=UTC), dt.date(2024, 1, 2)),    # Seoul midnight, still 1 Jan in UTC
    (dt.datetime(2023, 12, 31, 20, 0, tzinfo=UTC), dt.date(2024, 1, 1)),  # a new year in Seoul first
])
def test_seoul_today_is_the_day_in_seoul_not_in_utc(utc_now, seoul_day):
    with time_machine.travel(utc_now, tick=False):
        assert seoul_today() == seoul_day


def test_start_of_is_seoul_midnight():
    start = start_of(dt.date(2024, 3, 1))
    assert start.tzinfo is not None
    assert start.astimezone(UTC) == dt.datetime(2024, 2, 29, 15, 0, tzinfo=UTC)


def test_year_bounds_are_the_first_instants_of_two_seoul_years():
    first, following = year_bounds(2024)
    assert first.astimezone(UTC) == dt.datetime(2023, 12, 31, 15, 0, tzinfo=UTC)
    assert following.astimezone(UTC) == dt.datetime(2024, 12, 31, 15, 0, tzinfo=UTC)
    # A timestamp at 00:30 on 1 January in Seoul is in the new year, though UTC still says 31 December.
    new_years_night = dt.datetime(2024, 12, 31, 15, 30, tzinfo=UTC)
    assert not first <= new_years_night < following
    assert year_bounds(2025)[0] <= new_years_night < year_bounds(2025)[1]


@pytest.mark.parametrize("day, years, expected", [
    (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
    (dt.date(2024, 2, 29), -1, dt.date(2023, 2, 28)),
    (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
    (dt.date(2023, 3, 15), 2, dt.date(2025, 3, 15)),
    (dt.date(2023, 12, 31), 0, dt.date(2023, 12, 31)),
])
def test_shift_years_keeps_the_day_and_moves_29_february_to_28(day, years, expected):
    assert shift_years(day, years) == expected


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),   # leap year: clamped to 29 Feb
    (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),   # common year: 28 Feb
    (dt.date(2024, 3, 31), 1, dt.date(2024, 4, 30)),
    (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
    (dt.date(2024, 12, 31), 1, dt.date(2025, 1, 31)),  # across the year's end
    (dt.date(2024, 11, 30), 2, dt.date(2025, 1, 30)),
    (dt.date(2024, 1, 15), -13, dt.date(2022, 12, 15)),
    (dt.date(2024, 12, 15), 12, dt.date(2025, 12, 15)),
    (dt.date(2024, 5, 10), 0, dt.date(2024, 5, 10)),
])
def test_add_months_clamps_to_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("year, days", [(2023, 365), (2024, 366), (1900, 365), (2000, 366)])
def test_days_in_year(year, days):
    assert days_in_year(year) == days
