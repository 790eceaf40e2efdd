"""The normal and the possible ranges of each health measurement, in one place (the README states their basis).

A reading outside ``possible`` is refused (a device fault or a typo: 400 mmHg, negative steps); a reading
outside ``normal`` is stored, marked out of range, and raises the visiting nurse's alert.

These are the product's defaults. A district that follows another guideline changes this table (a deployment
setting: ``HEALTH_MEASUREMENT_RANGES`` in the settings may replace any kind's entry, see :func:`ranges`).

- Blood pressure (mmHg): high at systolic ≥ 140 or diastolic ≥ 90 (대한고혈압학회 진료지침: hypertension),
  low at systolic ≤ 90 or diastolic ≤ 60 (the usual hypotension threshold).
- Glucose (mg/dL): below 70 (hypoglycaemia, level 1) or 180 and above (the upper end of the 70–180
  time-in-range target of 대한당뇨병학회 and the ADA), whether fasting or not: a device rarely knows.
- Steps (a day's count): fewer than 300 (a person who hardly left bed or chair that day).
- Weight (kg): a change of more than 5 % against the same person's (or device's) previous reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Range:
    """``low``/``high``: out of range at or beyond (``low_inclusive``/``high_inclusive`` say whether the bound
    itself is out). ``None`` leaves that side open."""

    low: Decimal | None = None
    high: Decimal | None = None
    low_inclusive: bool = False
    high_inclusive: bool = True

    def outside(self, value: Decimal) -> bool:
        if self.low is not None and (value <= self.low if self.low_inclusive else value < self.low):
            return True
        return self.high is not None and (value >= self.high if self.high_inclusive else value > self.high)


@dataclass(frozen=True)
class KindRanges:
    unit: str
    possible: tuple[Decimal, Decimal]  # refused outside (inclusive bounds)
    normal: Range | None = None  # out of range outside (None: judged otherwise, e.g. weight change)
    # Blood pressure's second value (diastolic); None: the kind has no second value.
    possible2: tuple[Decimal, Decimal] | None = None
    normal2: Range | None = None
    whole: bool = False  # counts (steps) take no decimals
    change_percent: Decimal | None = None  # out of range when it moves more than this against the previous


D = Decimal
DEFAULT_RANGES: dict[str, KindRanges] = {
    "blood_pressure": KindRanges(
        unit="mmHg", possible=(D(40), D(300)), possible2=(D(20), D(200)),
        normal=Range(low=D(90), high=D(140), low_inclusive=True), normal2=Range(low=D(60), high=D(90),
                                                                               low_inclusive=True)),
    "glucose": KindRanges(unit="mg/dL", possible=(D(10), D(1000)), normal=Range(low=D(70), high=D(180))),
    "steps": KindRanges(unit=_("걸음"), possible=(D(0), D(100000)), normal=Range(low=D(300)), whole=True),
    "weight": KindRanges(unit="kg", possible=(D(2), D(400)), change_percent=D(5)),
}


def ranges() -> dict[str, KindRanges]:
    """The table in force: the defaults, with any kind replaced by ``settings.HEALTH_MEASUREMENT_RANGES``."""
    return {**DEFAULT_RANGES, **getattr(settings, "HEALTH_MEASUREMENT_RANGES", {})}


def out_of_range(kind: str, value: Decimal, value2: Decimal | None, previous: Decimal | None) -> bool:
    """Whether a possible reading is outside its kind's normal range (``previous``: the subject's last value of
    the kind before this one, for a change rule)."""
    table = ranges()[kind]
    if table.normal is not None and table.normal.outside(value):
        return True
    if table.normal2 is not None and value2 is not None and table.normal2.outside(value2):
        return True
    if table.change_percent is not None and previous:
        return abs(value - previous) * 100 > table.change_percent * previous
    return False


def format_reading(kind: str, value: Decimal, value2: Decimal | None) -> str:
    table = ranges().get(kind)
    unit = str(table.unit) if table else ""

    def number(v: Decimal) -> str:
        return f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,.1f}"

    shown = f"{number(value)}/{number(value2)}" if value2 is not None else number(value)
    return f"{shown} {unit}".strip()
