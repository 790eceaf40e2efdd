"""Bench scenarios of the imports: a synthetic 50,000-row Ministry crisis list through the import service
(issue 4), the largest list an upload may hold (``IMPORT_MAX_ROWS``, 200,000 rows) with its peak memory, and an
import killed at its midpoint and resumed (issue 12): the time to resume and the rows imported twice (0)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
import resource
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from discovery import imports
from discovery.models import BigDataRound, CrisisReport, ImportBatch, ImportKind, ImportRowError
from households.models import Resident
from welfare.common.crypto import encrypt_bytes
from welfare.models import Dong
from welfare.permissions import roles_with

from .core import Bench, Row, counted_queries, rolled_back

IMPORT_ROWS = 50_000
LARGE_IMPORT_ROWS = 200_000  # IMPORT_MAX_ROWS's default
RESUME_ROWS = 50_000
RSS_TARGET_MB = 500
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



def _uploader():
    admin = get_user_model().objects.filter(staff__role__in=roles_with("manage_district")).order_by("pk").first()
    if admin is None:
        raise CommandError("No district admin in the demo data.")
    return admin


def _write_list(bench: Bench, path: Path, rows: int, district) -> tuple[bytes, int]:
    dongs = list(Dong.objects.filter(district=district).values_list("name", flat=True))
    known = list(Resident.objects.filter(household__dong__district=district, left_on__isnull=True)
                 .order_by("pk").values_list("name", "household__road_address", "household__address_detail",
                                              "household__dong__name")[:5_000])
    began = time.perf_counter()
    bad = synthetic_crisis_csv(path, rows=rows, gu=district.name, dongs=dongs, known=known)
    content = path.read_bytes()
    bench.write(f"  wrote {rows} rows ({len(content) / 1e6:.1f} MB, CP949, {bad} bad) in "
                f"{time.perf_counter() - began:.1f} s")
    return content, bad


def _running_batch(admin, district, path: Path, content: bytes, *, number: int = 1,
                   years_ahead: int = 50) -> ImportBatch:
    """The round and the batch, claimed as the task would (inside the caller's rolled-back transaction, or
    committed for the export bench's round, ``years_ahead`` 60)."""
    today = timezone.localdate()
    round_ = BigDataRound.objects.create(district=district, year=today.year + years_ahead, number=number,
                                         received_on=today,
                                         due_on=today + dt.timedelta(days=50))  # a round no real data holds
    batch = ImportBatch.objects.create(
        district=district, kind=ImportKind.CRISIS_LIST, round=round_, file_name=path.name,
        file_sha256=hashlib.sha256(content).hexdigest(), content=encrypt_bytes(content), uploaded_by=admin,
        status="running", started_at=timezone.now())
    return ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)


def _fresh(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)


@contextmanager
def peak_rss():
    """The peak resident set size (MB) inside the block: Linux's high-water mark, reset on entry through
    /proc/self/clear_refs, so what ran before (seeding the demo) does not count; elsewhere the process's
    lifetime peak (ru_maxrss). Yields a dict whose ``"mb"`` is set on leaving."""
    figures = {"mb": 0.0, "whole_process": False}
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        figures["whole_process"] = True
    try:
        yield figures
    finally:
        figures["mb"] = _high_water_mb()


def _high_water_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_crisis_list(bench: Bench) -> list[Row]:
    return _import_list(bench, IMPORT_ROWS, "import_crisis_list")


def import_large_list(bench: Bench) -> list[Row]:
    """The largest list an upload may hold (200,000 rows, CP949 CSV) through the import service: time and the
    peak memory of the import (target under 500 MB). Rolled back."""
    return _import_list(bench, LARGE_IMPORT_ROWS, "import_large_list")


def _import_list(bench: Bench, size: int, label: str) -> list[Row]:
    """A ``size``-row Ministry crisis list (CP949 CSV, ~1% bad rows) through the import service, not Celery.

    The file is written to a temporary folder; the round, the batch and everything the import writes are in a
    transaction rolled back at the end, so a re-run finds the database as it was. One run (it is the
    expensive part); peak memory is the resident set's high-water mark during the import.
    """
    admin = _uploader()
    district = admin.staff.district
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crisis_list.csv"
        content, bad = _write_list(bench, path, size, district)
        with rolled_back():
            batch = _running_batch(admin, district, path, content)
            del content
            with peak_rss() as rss, counted_queries() as queries:
                began = time.perf_counter()
                counts = imports.batch_import(batch=batch)
                seconds = time.perf_counter() - began
            matched = CrisisReport.objects.filter(import_batch=batch, household__isnull=False).count()
        per_second = size / seconds
        scope = "process lifetime" if rss["whole_process"] else "during the import"
        note = (f"{counts.created} created, {counts.duplicates} already there, {counts.errors} errors "
                f"({bad} bad written), {matched} matched to households; {per_second:,.0f} rows/s; peak RSS "
                f"{rss['mb']:.0f} MB ({scope}); rolled back")
        rows.append(Row(label, f"{size:,} rows, CP949 CSV, service", seconds * 1000,
                        seconds * 1000, queries[0], note=note))
        bench.write(f"  import {seconds:.1f} s (target under {60 * size // IMPORT_ROWS} s: "
                    f"{'yes' if seconds < 60 * size / IMPORT_ROWS else 'NO'}), {per_second:,.0f} rows/s, peak RSS "
                    f"{rss['mb']:.0f} MB (target under {RSS_TARGET_MB} MB: "
                    f"{'yes' if rss['mb'] < RSS_TARGET_MB else 'NO'}), {queries[0]} SQL statements")
    return rows


class _Killed(Exception):
    """Stands for the worker killed in the middle of a chunk (its transaction is rolled back)."""


def import_resumed(bench: Bench) -> list[Row]:
    """A ``RESUME_ROWS``-row list whose run is killed in the middle of the chunk after half of them (its rows
    written, not committed), then run again as a redelivered task would: the time until the resumed run has
    committed its first chunk and in all, and the rows imported twice (must be 0): rows of committed chunks
    handed to the writer again, plus reports and error rows beyond the batch's counts. Rolled back."""
    admin = _uploader()
    district = admin.staff.district
    chunk = imports.runner.CHUNK_ROWS
    half = max(1, -(-RESUME_ROWS // chunk) // 2)
    real_write = imports.CrisisWriter.write
    runs: dict[str, list] = {"first": [], "second": []}
    current = {"run": "first", "chunks": 0, "resumed_at": None}

    def write(writer, rows):
        if current["run"] == "second" and current["resumed_at"] is None:
            current["resumed_at"] = time.perf_counter()
        runs[current["run"]].append((rows[0].line, rows[-1].line))
        written = real_write(writer, rows)
        current["chunks"] += 1
        if current["run"] == "first" and current["chunks"] == half + 1:
            raise _Killed
        return written

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crisis_list_resumed.csv"
        content, bad = _write_list(bench, path, RESUME_ROWS, district)
        with rolled_back(), mock.patch.object(imports.CrisisWriter, "write", write):
            batch = _running_batch(admin, district, path, content, number=2)
            del content
            began = time.perf_counter()
            with suppress(_Killed):
                imports.batch_import(batch=batch)
            killed_after = time.perf_counter() - began
            stopped = _fresh(batch)
            current["run"] = "second"
            began = time.perf_counter()
            counts = imports.batch_import(batch=_fresh(batch))
            seconds = time.perf_counter() - began
            to_resume = (current["resumed_at"] or began + seconds) - began
            again = sum(1 for first, _last in runs["second"] if first <= stopped.resume_line)
            extra_reports = CrisisReport.objects.filter(import_batch=batch).count() - counts.created
            extra_errors = (ImportRowError.objects.filter(batch=batch).count()
                            - (counts.errors - counts.errors_dropped))
        twice = again + max(0, extra_reports) + max(0, extra_errors)
        note = (f"time to resume {to_resume * 1000:.0f} ms; killed in chunk {half + 1} after "
                f"{stopped.processed_rows:,} rows committed "
                f"({killed_after:.1f} s); resumed from line {stopped.resume_line + 1:,}: {counts.processed:,} rows "
                f"in all, {counts.created} created, {counts.errors} errors; rows imported twice: {twice}; "
                f"rolled back")
        bench.write(f"  resumed import: back at the first uncommitted row after {to_resume:.1f} s (file opened, "
                    f"committed lines skipped), whole resumed run {seconds:.1f} s; rows imported twice: {twice} "
                    f"(must be 0: {'yes' if twice == 0 else 'NO'})")
    return [Row("import_resumed", f"{RESUME_ROWS:,} rows, killed at the midpoint", seconds * 1000, seconds * 1000,
                note=note)]
