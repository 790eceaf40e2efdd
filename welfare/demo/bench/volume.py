"""The bench's realistic volume (``manage.py bench --volume``), on top of the demo: about ten visits per household
(1,000,000 at 100,000 households) and a year of crisis reports at DOMAIN.md's rates, growing with the district.

Only the bench seeds this (the demo stays light). Both steps are set-based and safe to run again:

* visits: one ``INSERT … SELECT`` per chunk of 10,000 households, so each household holds 7 to 13 visits (10 on
  average) counting those it has; the added ones are history, in the two years before the demo's casework
  begins, so no household's last contact, next contact or open work changes;
* crisis reports: DOMAIN §9's 150–400 found a year per dong of a real district (about 7,500 households a dong),
  scaled by the dong's demo households, drawn by the demo's own report seeder (rounds, targets, reporters,
  attempts, links) under the receipt-code prefix ``BV``; each dong is topped up to its year, so the reports grow
  with the district when the demo does, and a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from discovery.models import CrisisReport
from households.models import ContactResult, Household, Visit, VisitKind
from welfare.models import District, Dong

from ..common import official_ids
from ..organisation import DEMO_USERS, DISTRICTS
from ..reports import seed_reports
from ..years import DemoYears

VISIT_CHUNK = 10_000
HISTORY_DAYS = 730
REPORTS_A_YEAR = (150, 400)  # found per dong of a real district a year (DOMAIN §9)
REAL_DONG_HOUSEHOLDS = 7_500  # 성동구: about 130,000 households in 17 dongs
NOTES = ("정기 안부 확인. 특이사항 없음.", "부재로 메모 남김. 다음 주 재방문 예정.", "전화로 건강 상태 확인, 복약 중.",
         "주거 환경 점검. 겨울철 난방비 지원 안내.", "이웃 통장님 동행 방문. 식사 잘 하심.")

VISITS_SQL = """
INSERT INTO households_visit (household_id, visited_at, kind, contact_result, observations, risk_level,
                              next_contact_on, submission_token, created_at, case_id, recorded_by_id)
SELECT h.id, v.at, (%(kinds)s::text[])[1 + (h.id + n) %% %(nkinds)s], (%(results)s::text[])[1 + (h.id * 7 + n) %% %(nresults)s],
       (%(notes)s::text[])[1 + (h.id + 3 * n) %% %(nnotes)s], h.risk_level, NULL, NULL, v.at, NULL, h.assigned_official_id
FROM households_household h
LEFT JOIN (SELECT household_id, COUNT(*) AS c FROM households_visit
           WHERE household_id >= %(low)s AND household_id < %(high)s GROUP BY household_id) have ON have.household_id = h.id
CROSS JOIN LATERAL generate_series(1, GREATEST(0, 7 + (h.id %% 7) - COALESCE(have.c, 0))) AS n
CROSS JOIN LATERAL (SELECT %(before)s::timestamptz - make_interval(days => ((h.id * 37 + n * 101) %% %(days)s)::int,
                                                                   mins => ((h.id + n * 13) %% 480)::int) AS at) v
WHERE h.is_demo AND h.id >= %(low)s AND h.id < %(high)s
"""


def seed_visits(*, years: DemoYears, progress: Callable[[str], None]) -> int:
    bounds = Household.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is None:
        return 0
    kinds = [VisitKind.HOME, VisitKind.HOME, VisitKind.PHONE, VisitKind.PHONE, VisitKind.OFFICE, VisitKind.NETWORK]
    results = [ContactResult.MET] * 5 + [ContactResult.NOT_HOME]
    before = timezone.make_aware(dt.datetime.combine(years.start, dt.time(18)))
    made = 0
    for start in range(low, high + 1, VISIT_CHUNK):
        params = {"kinds": [str(k) for k in kinds], "nkinds": len(kinds), "results": [str(r) for r in results],
                  "nresults": len(results), "notes": list(NOTES), "nnotes": len(NOTES), "low": start,
                  "high": start + VISIT_CHUNK, "before": before, "days": HISTORY_DAYS}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(VISITS_SQL, params)
            made += cursor.rowcount
        progress(f"  volume: visits up to household #{min(high, start + VISIT_CHUNK - 1)}: {made:,} added")
    return made


def seed_volume_reports(*, years: DemoYears, officials_by_dong, seed: int) -> int:
    """Tops each dong up to its year of reports (its rate drawn once per dong, times its demo households), so
    the reports grow with the district when the demo does."""
    sizes = dict(Household.objects.filter(is_demo=True).values_list("dong_id").annotate(n=Count("pk")).order_by())
    officials = official_ids(officials_by_dong)
    made = 0
    for district in District.objects.filter(name__in=DISTRICTS).order_by("name"):
        prefix = f"BV{district.pk:03d}-"
        have = dict(CrisisReport.objects.filter(district=district, receipt_code__startswith=prefix)
                    .values_list("dong_id").annotate(n=Count("pk")).order_by())
        numbered = CrisisReport.objects.filter(district=district, receipt_code__startswith=prefix).count()
        dongs = list(Dong.objects.filter(district=district).order_by("pk"))
        wanted = {dong.pk: round(random.Random(f"{seed}-volume-{dong.pk}").randint(*REPORTS_A_YEAR)
                                 * sizes.get(dong.pk, 0) / REAL_DONG_HOUSEHOLDS) for dong in dongs}
        missing = {pk: max(0, n - have.get(pk, 0)) for pk, n in wanted.items()}
        if not any(missing.values()):
            continue
        rng = random.Random(f"{seed}-volume-reports-{numbered}")
        with transaction.atomic():
            made += seed_reports(rng, district, dongs, years.today, officials, years,
                                 per_dong=lambda dong, missing=missing: missing[dong.pk], code_prefix="BV",
                                 first_sequence=numbered)["crisis_reports"]
    return made


def _officials_by_dong() -> dict[int, int]:
    """The demo's caseworker of each staffed dong, as seed_demo assigns them."""
    users = dict(get_user_model().objects.filter(username__in=[s.username for s in DEMO_USERS])
                 .values_list("username", "pk"))
    dongs = {(d, n): pk for pk, d, n in Dong.objects.values_list("pk", "district__name", "name")}
    return {dongs[(spec.district, name)]: users[spec.username] for spec in DEMO_USERS if spec.caseworker
            for name in spec.dongs if (spec.district, name) in dongs and spec.username in users}


def seed_volume(*, seed: int, progress: Callable[[str], None]) -> dict[str, int]:
    began = time.perf_counter()
    officials_by_dong = _officials_by_dong()
    years = DemoYears(timezone.localdate(), seed)
    visits = seed_visits(years=years, progress=progress)
    reports = seed_volume_reports(years=years, officials_by_dong=officials_by_dong, seed=seed)
    if visits or reports:
        with connection.cursor() as cursor:
            for table in ("households_visit", "discovery_crisisreport", "discovery_bigdatatarget"):
                cursor.execute(f"ANALYZE {table}")
    progress(f"  volume: {visits:,} visits and {reports:,} crisis reports added in {time.perf_counter() - began:.1f} s; "
             f"{Visit.objects.count():,} visits, {CrisisReport.objects.count():,} crisis reports in all")
    return {"visits": visits, "crisis_reports": reports}
