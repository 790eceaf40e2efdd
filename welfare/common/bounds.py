"""Plausible values: the date ranges, amounts and text lengths the services check (issue 12).

Each ``*_problem`` function answers the sentence for the user, or None when the value is plausible.
:class:`Checks` gathers them by field and raises one :class:`~welfare.errors.RuleError` naming every field at
fault, so the page shows each sentence beside its field and the API answers 400 with the same names and
sentences. The bounds are settings ("Domain policy" in welfare/settings.py):

- ``EARLIEST_RECORD_DATE`` (2000-01-01): nothing the product records happened before it;
- ``NEXT_CONTACT_MAX_DAYS`` (366): next contacts, follow-ups, first-contact deadlines and start dates lie within it;
- ``PLAUSIBLE_FUTURE_YEARS`` (5): goal target dates, end dates and plan years lie within it;
- ``MAX_AMOUNT_KRW`` (one service link), ``MAX_BUDGET_KRW`` (one plan task), ``MAX_TARGET`` (a plan figure).

Free texts have a length: a model's ``max_length`` where it has one (:func:`max_length`), else ``LONG_TEXT``
(observations, summaries, descriptions) or ``NOTE_TEXT`` (notes, comments, details).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.common.dates import seoul_today, shift_years, start_of
from welfare.errors import RuleError

LONG_TEXT = 4000  # observations, case summaries, task descriptions
NOTE_TEXT = 2000  # closing notes, hand-off notes, comments, eligibility
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # a clock a little ahead is not a time in the future


def earliest_date() -> dt.date:
    value = settings.EARLIEST_RECORD_DATE
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def next_contact_max_days() -> int:
    return int(settings.NEXT_CONTACT_MAX_DAYS)


def future_years() -> int:
    return int(settings.PLAUSIBLE_FUTURE_YEARS)


def within_next_contact(after: dt.date | None = None) -> dt.date:
    """The last day a next contact (follow-up, deadline, start) may fall on: NEXT_CONTACT_MAX_DAYS after ``after``
    (today by default)."""
    return (after or seoul_today()) + dt.timedelta(days=next_contact_max_days())


def within_years(after: dt.date | None = None) -> dt.date:
    """The last day a target or an end date may fall on: PLAUSIBLE_FUTURE_YEARS after ``after`` (today)."""
    return shift_years(after or seoul_today(), future_years())


def max_length(model: type[models.Model], field: str) -> int:
    """The column's ``max_length`` (the service's limit for a CharField)."""
    limit = getattr(model._meta.get_field(field), "max_length", None)
    if not isinstance(limit, int):
        raise TypeError(f"{model.__name__}.{field} has no max_length")
    return limit


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def day_problem(value: dt.date, *, latest: dt.date | None = None, earliest: dt.date | None = None) -> str | None:
    """A day before EARLIEST_RECORD_DATE (or ``earliest``) or after ``latest``."""
    first = max(earliest_date(), earliest) if earliest else earliest_date()
    if value < first:
        return _("%(day)s부터의 날짜만 적을 수 있습니다.") % {"day": _day(first)}
    if latest is not None and value > latest:
        return _("%(day)s까지의 날짜만 적을 수 있습니다.") % {"day": _day(latest)}
    return None


def in_future(value: dt.datetime) -> bool:
    """Whether a time typed to the minute is in the future (a few minutes of clock difference allowed)."""
    return value.replace(second=0, microsecond=0) > timezone.now() + FUTURE_TOLERANCE


def moment_problem(value: dt.datetime, *, future: str | None = None) -> str | None:
    """A time before EARLIEST_RECORD_DATE, or (with ``future``, that sentence) in the future.

    Compared as aware instants: converting a time in the year 1 to Seoul's 1900 offset could overflow."""
    if value < start_of(earliest_date()):
        return _("%(day)s부터의 일시만 적을 수 있습니다.") % {"day": _day(earliest_date())}
    if future is not None and in_future(value):
        return future
    return None


def text_problem(value: object, limit: int) -> str | None:
    """A text longer than ``limit``, or holding a NUL, which PostgreSQL refuses to store (SQLite takes it)."""
    if isinstance(value, str) and "\x00" in value:
        return _("보이지 않는 제어 문자(NUL)는 적을 수 없습니다.")
    n = len(value) if isinstance(value, str) else 0
    if n > limit:
        return _("%(limit)s자 이내로 적어 주세요. (지금 %(n)s자)") % {"limit": f"{limit:,}", "n": f"{n:,}"}
    return None


# Longer than any limit here; Python refuses to read a number of over 4,300 digits at all.
LONGEST_NUMBER = 18


def whole_number(digits: str) -> int:
    """A whole number already checked to be ``-?[0-9]+``: as written, or ±10**18 when it has more digits than any
    limit (the service's bounds then say how large it may be, instead of Python refusing the text)."""
    sign = -1 if digits.startswith("-") else 1
    magnitude = digits.lstrip("-")
    return sign * (int(magnitude) if len(magnitude) <= LONGEST_NUMBER else 10**LONGEST_NUMBER)


def amount_problem(value: int | None, limit: int) -> str | None:
    """An amount in won below 0 or above ``limit``."""
    if value is None:
        return None
    if value < 0:
        return _("금액은 0원 이상이어야 합니다.")
    if value > limit:
        return _("금액은 %(limit)s원 이하로 적어 주세요.") % {"limit": f"{limit:,}"}
    return None


def number_problem(value: Any, limit: int) -> str | None:
    """A count or an indicator value below 0 or above ``limit``."""
    if value is None:
        return None
    if value < 0:
        return _("0 이상의 수를 적어 주세요.")
    if value > limit:
        return _("%(limit)s 이하의 수를 적어 주세요.") % {"limit": f"{limit:,}"}
    return None


class Checks:
    """Every implausible value of one input, by field; :meth:`done` raises them as one RuleError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str | None) -> Checks:
        if message and field not in self.errors:  # the first fault of a field is the one to fix
            self.errors[field] = [str(message)]
        return self

    def day(self, field: str, value: dt.date | None, *, latest: dt.date | None = None,
            earliest: dt.date | None = None) -> Checks:
        return self.add(field, None if value is None else day_problem(value, latest=latest, earliest=earliest))

    def moment(self, field: str, value: dt.datetime | None, *, future: str | None = None) -> Checks:
        return self.add(field, None if value is None else moment_problem(value, future=future))

    def text(self, field: str, value: object, limit: int) -> Checks:
        return self.add(field, text_problem(value, limit))

    def amount(self, field: str, value: int | None, limit: int) -> Checks:
        return self.add(field, amount_problem(value, limit))

    def number(self, field: str, value: Any, limit: int) -> Checks:
        return self.add(field, number_problem(value, limit))

    def done(self) -> None:
        if self.errors:
            raise RuleError(self.errors)


def max_amount_krw() -> int:
    return int(settings.MAX_AMOUNT_KRW)


def max_budget_krw() -> int:
    return int(settings.MAX_BUDGET_KRW)


def max_target() -> int:
    return int(settings.MAX_TARGET)


def counter_attrs(limit: int, **attrs: Any) -> dict[str, Any]:
    """A text input's or textarea's attributes for a limit: ``maxlength`` and the live counter of
    static/js/counter.js (the service still checks the length, with the sentence the API gives too)."""
    return {"maxlength": limit, "data-counter": "", **attrs}
