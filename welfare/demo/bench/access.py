"""Bench scenario of issue 19 item 4: the district's access-log review page (/district/access/) on a busy month.

The demo writes a few thousand log rows; a district of about 160 officials writes some 30,000 a day (every page view
is a row). The scenario adds ``ACCESS_ROWS`` rows to this month (Seoul) for the demo district's staff, spread from
the first of the month to now, about households of the demo (one reveal in 500 rows, one export in 2,000), times
the page as the district admin sees it by default (this month, the unusual entries first) and with "unusual only",
and rolls the rows back. Each entry carries, from when it is written, its account's district and its household's
dong and district and whether that was outside the account's dongs; the page reads the district's entries of the
month by those columns and counts reveals and exports per account and day only for the reveal and export rows.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from welfare.access_review import subjects
from welfare.models import AccessAction, AccessLog

from .core import Bench, Row, page_row, rolled_back

ACCESS_ROWS = 300_000  # about ten working days of a district of 160 officials
PAGE_TARGET_MS = 1000
BATCH = 5000


def add_month_of_entries(rows: int, *, district_id: int, seed: int = 19) -> tuple[int, int]:
    """``rows`` view entries this month by the district's staff about its demo households (in batches of bulk
    inserts, each entry with the review's columns filled as the product fills them when it writes an entry);
    returns how many and how many of them are reveals or exports."""
    rng = random.Random(seed)
    staff = list(get_user_model().objects.filter(staff__district_id=district_id).select_related("staff")
                 .order_by("pk"))
    households = list(Household.objects.filter(is_demo=True, dong__district_id=district_id).order_by("pk")
                      .values_list("pk", flat=True)[:50_000])
    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate().replace(day=1), dt.time.min))
    span = max((now - start).total_seconds(), 3600.0)
    special = 0
    for first in range(0, rows, BATCH):
        by_user: dict[int, list[dict]] = {}
        for n in range(first, min(rows, first + BATCH)):
            user = staff[n % len(staff)]
            action = (AccessAction.REVEAL if n % 500 == 0 else AccessAction.EXPORT if n % 2000 == 1
                      else AccessAction.VIEW)
            special += action != AccessAction.VIEW
            by_user.setdefault(user.pk, []).append(dict(
                at=start + dt.timedelta(seconds=rng.random() * span), user_id=user.pk, username=user.username,
                ip="127.0.0.1", action=action, verb="households.household.viewed",
                household_id=rng.choice(households) if households else None, object_repr="(bench)"))
        batch = []
        for user in staff:
            entries = by_user.get(user.pk, [])
            subjects.stamp(entries, user)
            batch.extend(AccessLog(**entry) for entry in entries)
        AccessLog.objects.bulk_create(batch)
    return rows, special


def access_review(bench: Bench, rows: int = ACCESS_ROWS) -> list[Row]:
    """The review page (default filters: this month, unusual first) and its "unusual only" view, with ``rows`` more
    entries this month; at most three timed runs after one warm-up (a run takes seconds at the default size)."""
    admin = get_user_model().objects.get(username="admin")
    url = reverse("district:access")
    out = []
    runs, warmup = bench.runs, bench.warmup
    bench.runs, bench.warmup = min(runs, 3), min(warmup, 1)
    try:
        with rolled_back():
            added, special = add_month_of_entries(rows, district_id=admin.staff.district_id)
            month = AccessLog.objects.filter(at__gte=timezone.make_aware(
                dt.datetime.combine(timezone.localdate().replace(day=1), dt.time.min))).count()
            client = bench.login(admin.username)
            try:
                for variant, path in (("page 1, this month (admin)", url),
                                      ("unusual only, this month (admin)", f"{url}?unusual=on")):
                    row = page_row(bench, client, "access_review", variant, path,
                                   note=f"{month:,} entries this month ({added:,} added, {special:,} reveals or "
                                        f"exports; rolled back)")
                    out.append(row)
                    bench.judge(f"access review {variant} at {month:,} entries", f"{row.median_ms:,.0f} ms",
                                f"≤ {PAGE_TARGET_MS:,} ms (mine: the issue says 'fast')",
                                row.median_ms <= PAGE_TARGET_MS)
            finally:
                client.logout()
    finally:
        bench.runs, bench.warmup = runs, warmup
    return out
