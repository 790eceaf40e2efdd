"""A year of demo crisis reports for a district, with their reporters, contact attempts, the Ministry's bimonthly
big-data rounds and targets, and the links and consents the reports led to; written in bulk.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from discovery.models import (
    AttemptMethod,
    BigDataRound,
    BigDataTarget,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
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

REPORTS_PER_DONG = (30, 60)


def _round_periods(today: dt.date) -> list[tuple[int, int, dt.date, dt.date]]:
    """(year, number, received on, due on) of the bimonthly rounds received in the past year, oldest first."""
    periods = []
    year, number = today.year, (today.month - 1) // 2 + 1
    for _ in range(7):
        received = dt.date(year, 2 * (number - 1) + 1, 5)
        if received <= today and received > today - dt.timedelta(days=365):
            periods.append((year, number, received, received + dt.timedelta(days=55)))
        number -= 1
        if number == 0:
            year, number = year - 1, 6
    return sorted(periods, key=lambda p: p[2])


def _ensure_rounds(district: District, today: dt.date) -> tuple[list[BigDataRound], int]:
    periods = _round_periods(today)
    existing = {(r.year, r.number): r for r in BigDataRound.objects.filter(district=district)}
    new = [BigDataRound(district=district, year=y, number=n, received_on=rec, due_on=due)
           for y, n, rec, due in periods if (y, n) not in existing]
    made = BigDataRound.objects.bulk_create(new)
    for r in made:
        existing[(r.year, r.number)] = r
    return [existing[(y, n)] for y, n, _, _ in periods], len(made)


def seed_reports(rng: random.Random, district: District, dongs: list[Dong], today: dt.date,
                  officials: dict[int, list[int]]) -> dict[str, int]:
    now = timezone.now()
    policy = DiscoveryPolicy.for_district(district.pk)
    rounds, rounds_made = _ensure_rounds(district, today)
    signals = dict(RiskIndicator.objects.values_list("code", "signal"))
    indicator_ids = dict(RiskIndicator.objects.values_list("code", "pk"))
    seeder = ReportSeeder(rng=rng, district=district, today=today, now=now, officials=officials,
                          policy=policy, rounds=rounds, indicator_signals=signals)
    drafts = [seeder.draft(dong) for dong in dongs for _ in range(rng.randint(*REPORTS_PER_DONG))]
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
            priority_score=rng.randint(30, 99), result_code=d.result,
            result_note=d.report.outcome_reason[:300] if d.result else "",
            answered_at=d.report.resolved_at if d.result else None,
            answered_by_id=d.report.assigned_official_id if d.result else None,
        ) for d in target_drafts
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
