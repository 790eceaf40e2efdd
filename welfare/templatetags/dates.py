"""The ``date`` filter, with a fast path for the numeric formats the templates use (loaded as a template builtin
after Django's, so ``{{ when|date:"Y-m-d H:i" }}`` reaches it).

Django's filter looks the format up among the localised format names, builds a ``DateFormat`` and walks the format
character by character: about 35 µs a call, and the household page prints some fifty dates. The formats below are
digits only, the same in every language, and ``strftime`` writes them in about 5 µs. Any other format, value
type (a ``date`` asked for a time, a string, ``None``, a subclass of ``datetime``) or a year before 1000 goes to
Django's filter unchanged. tests/welfare/test_dates_filter.py compares the two on a grid of values and formats.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.template.defaultfilters import date as django_date

register = template.Library()

# Django's format → strftime's, for formats of zero-padded numbers only.
DATE_FORMATS = {"Y-m-d": "%Y-%m-%d", "Y-m": "%Y-%m"}
DATETIME_FORMATS = {**DATE_FORMATS, "Y-m-d H:i": "%Y-%m-%d %H:%M", "m-d H:i": "%m-%d %H:%M", "H:i": "%H:%M"}


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter (same output), faster for the formats above."""
    kind = type(value)
    if kind is dt.datetime:
        formats = DATETIME_FORMATS
    elif kind is dt.date:
        formats = DATE_FORMATS
    else:
        return django_date(value, arg)
    if arg == "c":
        return value.isoformat()
    pattern = formats.get(arg)
    if pattern is None or value.year < 1000:  # strftime does not pad a year of three digits; Django does
        return django_date(value, arg)
    return value.strftime(pattern)
