"""Seoul days and calendar arithmetic (TIME_ZONE is Asia/Seoul; ``localdate`` is the Seoul day)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def seoul_today() -> dt.date:
    """Today in Seoul (the product's TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of a Seoul day, as an aware datetime (what timestamps are compared with)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of a Seoul year and of the next one."""
    return start_of(dt.date(year, 1, 1)), start_of(dt.date(year + 1, 1, 1))


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's last day (31 Jan + 1 → 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    following = dt.date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)
    return dt.date(year, month0 + 1, min(day.day, (following - dt.timedelta(days=1)).day))


def days_in_year(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
