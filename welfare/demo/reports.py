"""Demo crisis reports for a district over the demo's span (welfare.demo.years: last year and this year to
date), with their reporters, contact attempts, the Ministry's rounds and targets (the bimonthly blind-spot list,
and the quarterly lonely-death list since it went live on 2026-02-27), and the links and consents the reports
led to; written in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from discovery.models import (
    AttemptMethod,
    BigDataRound,
    BigDataTarget,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    ListSystem,
    ReporterIdentity,
    RiskIndicator,
)
from households.models import (
    Consent,
    ServiceLink,
)
from welfare.models import District, Dong

from .common import own_timestamps
from .network import BATCH
from .reports_draw import ReportSeeder
from .rewards import seed_rewards
from .years import DemoYears

REPORTS_PER_DONG = (30, 60)  # a year, at last year's pace
LONELY_DEATH_LIVE = dt.date(2026, 2, 27)  # 고독사위기대응시스템 (DOMAIN §1)


def _round_periods(start: dt.date, today: dt.date) -> list[tuple[str, int, int, dt.date, dt.date]]:
    """(list, year, number, received on, due on) of the rounds received from ``start`` to today, oldest first: the
    blind-spot list every two months (open about 55 days), the lonely-death list every quarter since it went live
    (round 1 of 2026 to be handled by 31 March)."""
    periods = []
    for year in range(start.year, today.year + 1):
        for number in range(1, 7):
            received = dt.date(year, 2 * (number - 1) + 1, 5)
            periods.append((ListSystem.BLIND_SPOT, year, number, received, received + dt.timedelta(days=55)))
        for number in range(1, 5):
            received = dt.date(year, 3 * (number - 1) + 2, 27)
            if received >= LONELY_DEATH_LIVE:
                periods.append((ListSystem.LONELY_DEATH, year, number, received, received + dt.timedelta(days=32)))
    return sorted((p for p in periods if start <= p[3] <= today), key=lambda p: (p[3], p[0]))


def _ensure_rounds(district: District, years: DemoYears) -> tuple[list[BigDataRound], int]:
    periods = _round_periods(years.start, years.today)
    existing = {(r.system, r.year, r.number): r for r in BigDataRound.objects.filter(district=district)}
    new = [BigDataRound(district=district, system=system, year=y, number=n, received_on=rec, due_on=due)
           for system, y, n, rec, due in periods if (system, y, n) not in existing]
    made = BigDataRound.objects.bulk_create(new)
    for r in made:
        existing[(r.system, r.year, r.number)] = r
    return [existing[(system, y, n)] for system, y, n, _, _ in periods], len(made)


def _reference(round_: BigDataRound, k: int) -> str:
    """A synthetic 행복e음 reference: the list, the round and a serial."""
    return f"{'GD' if round_.is_lonely_death else 'BD'}{round_.year}{round_.number:02d}-{k:06d}"


def seed_reports(rng: random.Random, district: District, dongs: list[Dong], today: dt.date,
                  officials: dict[int, list[int]], years: DemoYears | None = None, *,
                  per_dong: Callable[[Dong], int] | None = None, code_prefix: str = "DM",
                  first_sequence: int = 0) -> dict[str, int]:
    """``per_dong``: how many reports a dong gets (default: ``REPORTS_PER_DONG`` a year over the span); the bench's
    volume step asks for more, under its own receipt-code prefix, numbered on from ``first_sequence``."""
    now = timezone.now()
    years = years or DemoYears(today)
    policy = DiscoveryPolicy.for_district(district.pk)
    rounds, rounds_made = _ensure_rounds(district, years)
    signals = dict(RiskIndicator.objects.values_list("code", "signal"))
    indicator_ids = dict(RiskIndicator.objects.values_list("code", "pk"))
    seeder = ReportSeeder(rng=rng, district=district, today=today, now=now, officials=officials,
                          policy=policy, rounds=rounds, indicator_signals=signals, years=years,
                          code_prefix=code_prefix, first_sequence=first_sequence)
    def count(dong: Dong) -> int:
        return per_dong(dong) if per_dong is not None else years.count(rng, dong.pk, REPORTS_PER_DONG)

    drafts = [seeder.draft(dong) for dong in dongs for _ in range(count(dong))]
    drafts.sort(key=lambda d: d.report.received_at)
    with own_timestamps(CrisisReport, ServiceLink, Consent):
        links = ServiceLink.objects.bulk_create([d.link for d in drafts if d.link is not None], batch_size=BATCH)
        consents = Consent.objects.bulk_create([d.consent for d in drafts if d.consent is not None], batch_size=BATCH)
        reports = CrisisReport.objects.bulk_create([d.report for d in drafts], batch_size=BATCH)
    identities = []
    for draft, report in zip(drafts, reports, strict=True):
        if draft.identity is not None:
            draft.identity.report = report
            identities.append(draft.identity)
    ReporterIdentity.objects.bulk_create(identities, batch_size=BATCH)
    attempts = []
    methods = (AttemptMethod.VISIT, AttemptMethod.PHONE, AttemptMethod.WELFARE_MAIL, AttemptMethod.NEIGHBOUR)
    for draft in drafts:
        r = draft.report
        for k in range(draft.attempts):
            at = min(r.received_at + dt.timedelta(days=1 + 3 * k, hours=rng.randint(0, 6)), r.resolved_at)
            attempts.append(ContactAttempt(report=r, at=at, method=methods[k % len(methods)], reached=False,
                                           note="부재·응답 없음", by_id=r.assigned_official_id))
    ContactAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    target_drafts = [d for d in drafts if d.round_index is not None]
    targets = BigDataTarget.objects.bulk_create([
        BigDataTarget(
            round=rounds[d.round_index], dong_id=d.report.dong_id, report=d.report,
            ssis_ref=_reference(rounds[d.round_index], k),
            priority_score=rng.randint(30, 99), result_code=d.result,
            result_note=d.report.outcome_reason[:300] if d.result else "",
            answered_at=d.report.resolved_at if d.result else None,
            answered_by_id=d.report.assigned_official_id if d.result else None,
        ) for k, d in enumerate(target_drafts, start=1)
    ], batch_size=BATCH)
    through = BigDataTarget.indicators.through
    through.objects.bulk_create(
        [through(bigdatatarget_id=t.pk, riskindicator_id=indicator_ids[c])
         for t, d in zip(targets, target_drafts, strict=True) for c in d.indicators],
        batch_size=BATCH,
    )
    rewards = seed_rewards(rng, district, drafts, policy)
    return {"crisis_reports": len(reports), "reporter_identities": len(identities),
            "contact_attempts": len(attempts), "bigdata_rounds": rounds_made, "bigdata_targets": len(targets),
            "report_service_links": len(links), "report_consents": len(consents), "reward_decisions": rewards}
