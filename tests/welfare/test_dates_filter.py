"""The project's ``date`` filter (welfare.templatetags.dates) prints what Django's prints, for every value and
format, and it is the one templates use."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from welfare.templatetags import dates

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
VALUES = [
    dt.datetime(2026, 12, 6, 9, 5, 7, 123456, tzinfo=SEOUL),
    dt.datetime(2026, 1, 2, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2025, 3, 9, 23, 59),  # naive
    dt.datetime(999, 1, 2, 3, 4),  # a year strftime would not pad
    dt.date(2026, 12, 6),
    dt.date(2024, 2, 29),
    dt.date(999, 12, 31),
    None, "", "2026-12-06", 0,
]
FORMATS = [*dates.DATETIME_FORMATS, "c", "Y-m-d (D)", "N j, Y", "", None]


class Later(dt.datetime):
    """A datetime subclass (as a test clock gives): left to Django's filter."""


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_value_and_format_prints_as_djangos_filter_prints_it(language):
    values = [*VALUES, Later(2026, 12, 6, 10, 30)]
    with translation.override(language):
        for value in values:
            for fmt in FORMATS:
                try:
                    expected = django_date(value, fmt)
                except TypeError as error:  # a date asked for a time: Django refuses, and so do we
                    with pytest.raises(TypeError, match=str(error)[:30]):
                        dates.date(value, fmt)
                    continue
                assert dates.date(value, fmt) == expected, (value, fmt)


def test_templates_use_it_and_print_seoul_time():
    template = engines["django"].from_string('{{ when|date:"Y-m-d H:i" }} {{ when|date:"c" }} {{ day|date:"Y-m-d" }}')
    when = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)

    with timezone.override(SEOUL):
        assert template.render({"when": when, "day": dt.date(2026, 12, 6)}) == (
            "2026-12-06 08:30 2026-12-06T08:30:00+09:00 2026-12-06")
    # the last builtin that has a ``date`` filter: the one templates get
    with_date = [library for library in engines["django"].engine.template_builtins if "date" in library.filters]
    assert with_date[-1].filters["date"] is dates.date
