"""Bench scenario of the nightly jobs (issue 5): the daily sweep beside a naive per-household ORM loop."""

from __future__ import annotations

import datetime as dt
import statistics

from django.utils import timezone

from households.models import CadencePolicy, CaseStage, FollowUp, FollowUpReason, FollowUpStatus, Household
from households.selectors import CARE_STATUSES
from welfare.jobs import jobs

from .core import Bench, Row, rolled_back, timed

SWEEP_JOBS = ("schedule_followups", "universal_visits", "mark_overdue", "silence_watch")
NAIVE_SAMPLE = 5_000
SILENT_AFTER_DAYS = 60  # far enough ahead that every household under care is past its silence threshold


def drop_open_cadence() -> int:
    """Inside the caller's rolled-back transaction: remove the open cadence follow-ups so the sweep has the
    real work of a first run (every household under care needs one), the same on every run."""
    return FollowUp.objects.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).delete()[0]


def naive_schedule(households: list[int], today) -> None:
    """What the sweep replaces, kept deliberately naive as the baseline the sweep is compared with: a loop over
    households, a few ORM queries each (the policy, the case in service, get_or_create of the follow-up, a save
    of the household)."""

    for household in Household.objects.filter(pk__in=households).order_by("pk"):
        policy = CadencePolicy.for_district(household.dong.district_id)
        in_service = household.cases.filter(stage=CaseStage.IN_SERVICE).exists()
        due = (policy.next_contact(after=household.last_contact_on, risk_level=household.risk_level,
                                   in_service=in_service) if household.last_contact_on else today)
        FollowUp.objects.get_or_create(household=household, reason=FollowUpReason.CADENCE,
                                       status=FollowUpStatus.OPEN,
                                       defaults={"due_on": due, "assigned_to_id": household.assigned_official_id})
        if household.next_contact_on != due:
            household.next_contact_on = due
            household.save(update_fields=["next_contact_on"])



def daily_sweep(bench: Bench) -> list[Row]:
    """The full daily sweep on the demo data beside a naive per-household ORM loop doing the scheduling.

    Every run is inside a transaction rolled back afterwards, after deleting the open cadence follow-ups, so
    each run does the same real work. Median of up to 3 runs (``--runs``); no warm-up. The naive loop runs on
    a sample of households and is extrapolated to all households under care (labelled so). The demo's
    households were all seen recently, so the silence watch is also timed 60 days later, when every one of
    them is silent (its worst case).
    """
    registry = jobs()
    now = timezone.now()
    runs = min(bench.runs, 3)
    cared = list(Household.objects.filter(status__in=CARE_STATUSES).order_by("pk").values_list("pk", flat=True))
    parts: dict[str, list[float]] = {name: [] for name in SWEEP_JOBS}
    totals: list[float] = []
    counts: dict[str, dict] = {}
    queries: dict[str, int] = {}
    dropped = 0
    for run in range(runs):
        with rolled_back():
            dropped = drop_open_cadence()
            for name in SWEEP_JOBS:
                elapsed, queries[name], counts[name] = timed(lambda name=name: registry[name].func(now))
                parts[name].append(elapsed)
            totals.append(sum(parts[name][-1] for name in SWEEP_JOBS))
        bench.write(f"  daily sweep run {run + 1}/{runs}: {totals[-1] / 1000:.2f} s")

    later = now + dt.timedelta(days=SILENT_AFTER_DAYS)
    with rolled_back():
        silent_ms, silent_queries, silent_counts = timed(lambda: registry["silence_watch"].func(later))

    sample = cared[:NAIVE_SAMPLE]
    with rolled_back():
        drop_open_cadence()
        naive_ms, naive_queries, _ = timed(lambda: naive_schedule(sample, timezone.localdate(now)))
    scale = len(cared) / len(sample) if sample else 0.0
    naive_all_ms = naive_ms * scale

    sweep_ms = statistics.median(totals)
    schedule_ms = statistics.median(parts["schedule_followups"])
    rows = [Row("daily_sweep", f"full sweep, 4 jobs ({len(cared)} households under care)", sweep_ms, max(totals),
                sum(queries.values()),
                note=f"{dropped} open cadence follow-ups deleted first; rolled back; max of {runs} runs in p95 column")]
    for name in SWEEP_JOBS:
        shown = ", ".join(f"{k}={v}" for k, v in counts[name].items())
        rows.append(Row("daily_sweep", f"  {name}", statistics.median(parts[name]), max(parts[name]), queries[name],
                        note=shown))
    rows.append(Row("daily_sweep", f"  silence_watch {SILENT_AFTER_DAYS} days later (all silent)", silent_ms,
                    silent_ms, silent_queries, note=", ".join(f"{k}={v}" for k, v in silent_counts.items()) + "; once"))
    ratio_full, ratio_schedule = naive_all_ms / sweep_ms, naive_all_ms / schedule_ms
    rows.append(Row(
        "daily_sweep", f"naive ORM loop, EXTRAPOLATED ×{scale:.2f} to {len(cared)}", naive_all_ms, naive_all_ms,
        round(naive_queries * scale), ratio_full,
        note=f"ratio column: naive ÷ full sweep ({ratio_schedule:.0f}× schedule_followups alone); measured once on "
             f"{len(sample)} households: {naive_ms / 1000:.1f} s, {naive_queries} queries"))
    bench.write(f"  daily sweep {sweep_ms / 1000:.2f} s (target under 10 s: {'yes' if sweep_ms < 10_000 else 'NO'}); "
                f"naive loop extrapolated {naive_all_ms / 1000:.1f} s: {ratio_full:.0f}× the full sweep "
                f"(target 20× or more: {'yes' if ratio_full >= 20 else 'NO'}), {ratio_schedule:.0f}× "
                f"schedule_followups alone")
    return rows
