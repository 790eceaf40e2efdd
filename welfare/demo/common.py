"""Small helpers every part of the demo draws with: weighted picks, working hours, officials, past timestamps."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.utils import timezone


def pick(rng: random.Random, table):
    """One value of a ``((value, weight), ...)`` table."""
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of a working day (09:00–17:59, Asia/Seoul)."""
    naive = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def official_ids(officials_by_dong: Mapping[int, object] | None) -> dict[int, list[int]]:
    """Accept dong id → user, user id, or a list of either."""
    out: dict[int, list[int]] = {}
    for dong_id, value in (officials_by_dong or {}).items():
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        out[dong_id] = [getattr(v, "pk", v) for v in values if v is not None]
    return out


def short_name(district_name: str) -> str:
    """"영등포구" → "영등포": the short name used in local programme and office names."""
    return district_name[:-1] if district_name.endswith("구") and len(district_name) > 2 else district_name


@contextmanager
def own_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the past ``created_at``/``updated_at`` we set, instead of stamping "now".

    Demo history must look lived-in: a link made last March sits in March on the timeline. Only the seeding
    runs this, so flipping the field flags for its duration is safe.
    """
    fields = [f for m in models for f in m._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
