"""The time the demo's casework spans, so last year's plan and this year's read the same casework (issue 16
item 10): from half a year before 1 January of last year (so last year's figures are not those of a service that
just started) to today.

Each dong works at its own pace this year against last year (its *growth*, drawn once per dong: 0.85–1.35,
DOMAIN §7's targets being last year × 1.10): a dong growing faster than about 1.05 is on track for this year's
target, a slower one behind. Every part of the demo that dates activity (reports, cases, links, universal
visits, the network, trainings) draws its days here, so the dashboard shows a believable mix of dongs on track,
ahead and behind.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

GROWTH = (0.85, 1.35)
WARM_UP_DAYS = 183


@dataclass
class DemoYears:
    today: dt.date
    seed: int = 2026
    _growth: dict[int, float] = field(default_factory=dict)
    _names: dict[int, str] | None = None

    @property
    def last_year(self) -> int:
        return self.today.year - 1

    @property
    def this_year_start(self) -> dt.date:
        return dt.date(self.today.year, 1, 1)

    @property
    def start(self) -> dt.date:
        """The first day with casework."""
        return dt.date(self.last_year, 1, 1) - dt.timedelta(days=WARM_UP_DAYS)

    def growth(self, dong_id: int) -> float:
        """This year's pace of the dong against last year's (the same for every kind of activity), drawn from
        the dong's district and name, so the same demo shows the same dongs ahead and behind on any database."""
        if dong_id not in self._growth:
            if self._names is None or dong_id not in self._names:
                from welfare.models import Dong

                self._names = {pk: f"{district}/{name}" for pk, district, name in
                               Dong.objects.values_list("pk", "district__name", "name")}
            key = self._names.get(dong_id, str(dong_id))
            self._growth[dong_id] = random.Random(f"{self.seed}-growth-{key}").uniform(*GROWTH)
        return self._growth[dong_id]

    def _spans(self, dong_id: int) -> tuple[float, float]:
        """Days before this year, and this year's days to today weighted by the dong's growth."""
        before = (self.this_year_start - self.start).days
        this = (self.today - self.this_year_start).days + 1
        return float(before), this * self.growth(dong_id)

    def years_of(self, dong_id: int) -> float:
        """How many years of activity at last year's pace the span holds for this dong: a count per year times
        this is the count to draw over the whole span."""
        before, this = self._spans(dong_id)
        return (before + this) / 365

    def day(self, rng: random.Random, dong_id: int, *, not_before: dt.date | None = None) -> dt.date:
        """A day of the span (on or after ``not_before``), this year's days ``growth`` times as likely."""
        first = max(self.start, not_before or self.start)
        before = max(0, (self.this_year_start - first).days)
        this = (self.today - max(first, self.this_year_start)).days + 1
        weighted_this = max(0, this) * self.growth(dong_id)
        if before <= 0 or rng.random() * (before + weighted_this) >= before:
            return max(first, self.this_year_start) + dt.timedelta(days=rng.randrange(max(1, this)))
        return first + dt.timedelta(days=rng.randrange(before))

    def count(self, rng: random.Random, dong_id: int, per_year: tuple[int, int]) -> int:
        """A count over the span for something that happens ``per_year`` (low, high) times a year."""
        return round(rng.randint(*per_year) * self.years_of(dong_id))

    def elapsed(self) -> float:
        """The share of this year gone by today."""
        days = (dt.date(self.today.year + 1, 1, 1) - self.this_year_start).days
        return ((self.today - self.this_year_start).days + 1) / days
