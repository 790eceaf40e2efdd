"""Bench scenario of the imports (issue 4): a synthetic 50,000-row Ministry crisis list through the import service."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
import resource
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from discovery import imports
from discovery.models import BigDataRound, CrisisReport, ImportBatch, ImportKind
from households.models import Resident
from welfare.models import Dong
from welfare.permissions import roles_with

from .core import Bench, Row, counted_queries, rolled_back

IMPORT_ROWS = 50_000
IMPORT_BAD_SHARE = 0.01
_SURNAMES = ("김" * 21 + "이" * 15 + "박" * 8 + "최" * 5 + "정" * 4 + "강조윤장임한오서신권황안송전홍")
_GIVEN = "민서지현영수준은하연우진숙자순철호희경미정"
_ROADS = ("왕십리로", "고산자로", "마조로", "무학로", "독서당로", "성수이로", "아차산로", "영중로", "도림로", "신길로",
          "대림로", "당산로")
_INDICATOR_WEIGHTS = (("nhi_arrears", 45), ("elec_arrears", 30), ("telecom_arrears", 25), ("water_arrears", 10),
                      ("gas_arrears", 10), ("financial_delinquency", 15), ("public_rent_arrears", 6),
                      ("mgmt_fee_arrears", 6), ("employment_crisis", 10), ("catastrophic_medical", 5))


def synthetic_crisis_csv(path, *, rows: int, gu: str, dongs: list[str], known: list[tuple[str, str, str, str]],
                         seed: int = 4) -> int:
    """A Ministry-style crisis list in CP949 at ``path``: synthetic people across ``dongs``, 5% of them
    residents already known (``known``: name, road address, detail, dong), about 1% bad rows (a bad date, an
    unknown dong, an empty address, an unknown indicator, a formula cell). Returns the number of bad rows."""
    rng = random.Random(seed)
    codes = [c for c, _w in _INDICATOR_WEIGHTS]
    weights = [w for _c, w in _INDICATOR_WEIGHTS]
    bad = 0
    with open(path, "w", encoding="cp949", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["연번", "성명", "성별", "생년월일", "도로명주소", "상세주소", "행정동", "연락처", "위기지표",
                         "우선순위점수"])
        for n in range(1, rows + 1):
            if known and rng.random() < 0.05:
                name, road, detail, dong = rng.choice(known)
            else:
                name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
                road = f"서울특별시 {gu} {rng.choice(_ROADS)} {rng.randint(1, 300)}"
                detail = (f"{rng.randint(1, 20)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
                          if rng.random() < 0.6 else "")
                dong = rng.choice(dongs)
            born = f"{rng.randint(1935, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            picked = sorted(set(rng.choices(codes, weights, k=rng.choice((1, 1, 2, 2, 3, 4)))))
            row = [str(n), name, rng.choice("남여"), born, road, detail, dong,
                   f"010-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}", ", ".join(picked),
                   str(rng.randint(10, 99))]
            if rng.random() < IMPORT_BAD_SHARE:
                bad += 1
                kind = n % 5
                if kind == 0:
                    row[3] = "1950-13-45"
                elif kind == 1:
                    row[6] = "없는동"
                elif kind == 2:
                    row[4] = ""
                elif kind == 3:
                    row[8] = "외계인 침공"
                else:
                    row[7] = '=HYPERLINK("http://example.invalid","x")'
            writer.writerow(row)
    return bad



def import_crisis_list(bench: Bench) -> list[Row]:
    """A 50,000-row Ministry crisis list (CP949 CSV, ~1% bad rows) through the import service, not Celery.

    The file is written to a temporary folder; the round, the batch and everything the import writes are in a
    transaction rolled back at the end, so a re-run finds the database as it was. One run (it is the
    expensive part); peak memory is the process's maximum resident set size (ru_maxrss), before and after.
    """
    admin = get_user_model().objects.filter(staff__role__in=roles_with("manage_district")).order_by("pk").first()
    if admin is None:
        raise CommandError("No district admin in the demo data.")
    district = admin.staff.district
    dongs = list(Dong.objects.filter(district=district).values_list("name", flat=True))
    known = list(Resident.objects.filter(household__dong__district=district, left_on__isnull=True)
                 .order_by("pk").values_list("name", "household__road_address", "household__address_detail",
                                              "household__dong__name")[:5_000])
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crisis_list.csv"
        began = time.perf_counter()
        bad = synthetic_crisis_csv(path, rows=IMPORT_ROWS, gu=district.name, dongs=dongs, known=known)
        content = path.read_bytes()
        bench.write(f"  wrote {IMPORT_ROWS} rows ({len(content) / 1e6:.1f} MB, CP949, {bad} bad) in "
                    f"{time.perf_counter() - began:.1f} s")
        with rolled_back():
            today = timezone.localdate()
            year = today.year + 50  # a round no real data holds
            round_ = BigDataRound.objects.create(district=district, year=year, number=1, received_on=today,
                                                 due_on=today + dt.timedelta(days=50))
            batch = ImportBatch.objects.create(
                district=district, kind=ImportKind.CRISIS_LIST, round=round_, file_name=path.name,
                file_sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=admin,
                status="running", started_at=timezone.now())
            batch = ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)
            del content
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            with counted_queries() as queries:
                began = time.perf_counter()
                counts = imports.batch_import(batch=batch)
                seconds = time.perf_counter() - began
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            matched = CrisisReport.objects.filter(import_batch=batch, household__isnull=False).count()
        per_second = IMPORT_ROWS / seconds
        note = (f"{counts.created} created, {counts.duplicates} already there, {counts.errors} errors "
                f"({bad} bad written), {matched} matched to households; {per_second:,.0f} rows/s; peak RSS "
                f"{rss_after:.0f} MB (was {rss_before:.0f} MB); rolled back")
        rows.append(Row("import_crisis_list", f"{IMPORT_ROWS:,} rows, CP949 CSV, service", seconds * 1000,
                        seconds * 1000, queries[0], note=note))
        bench.write(f"  import {seconds:.1f} s (target under 60 s: {'yes' if seconds < 60 else 'NO'}), "
                    f"{per_second:,.0f} rows/s, peak RSS {rss_after:.0f} MB (target under 500 MB: "
                    f"{'yes' if rss_after < 500 else 'NO'}), {queries[0]} SQL statements")
    return rows
