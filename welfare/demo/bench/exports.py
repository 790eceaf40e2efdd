"""Bench scenario of the round export: a Ministry round of 50,000 targets exported as CSV and as XLSX through the
page (the official's POST with a reason), each in its own process, so that its peak memory is the export's and
not the bench's: the time to the first byte, the whole download, and the child's peak RSS. The peak is the
child's VmHWM (its own address space, Django's start included), not ``ru_maxrss``: Linux carries the parent's
maximum over a fork and exec, so ``ru_maxrss`` would report the bench's own peak.

The round is made once by the import bench's generator through the import service (a round 60 years ahead, in
the demo official's two dongs, which no real data holds) and committed: it is kept for later runs, as the demo
is. Each export writes its access-log row and commits it, as the product does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from discovery import imports
from discovery.models import BigDataRound, BigDataTarget
from welfare.models import Dong
from welfare.scoping import personal_dong_ids

from .core import Bench, Row
from .imports import _running_batch, synthetic_crisis_csv

EXPORT_ROWS = 50_000
# Bad rows (1%) and the odd duplicate are refused by the import: a few more rows than the round must hold.
LIST_ROWS = 50_800
YEARS_AHEAD = 60
TTFB_TARGET_S = 1.0
RSS_TARGET_MB = 200

CHILD = """
import json, time
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

def high_water():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM:"))

from welfare.common.warm_up import warm_up
warm_up()  # as a server process is before its first request (welfare.wsgi)
client = Client()
client.force_login(get_user_model().objects.get(username="official"))
before = high_water()
with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
    began = time.perf_counter()
    response = client.post(%(url)r, {"format": %(fmt)r, "reason": "bench: round export"})
    size = 0
    if getattr(response, "streaming", False):
        chunks = iter(response.streaming_content)
        first = next(chunks, b"")
        ttfb = time.perf_counter() - began
        size = len(first) + sum(len(chunk) for chunk in chunks)
    else:
        ttfb = time.perf_counter() - began
        size = len(response.content)
    total = time.perf_counter() - began
print("BENCH_RESULT " + json.dumps({
    "status": response.status_code, "streaming": bool(getattr(response, "streaming", False)), "ttfb": ttfb,
    "total": total, "bytes": size, "before_mb": before,
    "peak_mb": high_water()}))
"""


def bench_round(bench: Bench) -> BigDataRound:
    """The 50,000-target round of the demo official's dongs, made (committed) on the first run only."""
    official = get_user_model().objects.get(username="official")
    dong_ids = personal_dong_ids(official)
    if not dong_ids:
        raise CommandError("The demo official works in no dong.")
    district = official.staff.district
    year = timezone.localdate().year + YEARS_AHEAD
    round_ = BigDataRound.objects.filter(district=district, year=year, number=1).first()
    if round_ is not None and round_.targets.count() >= EXPORT_ROWS:
        return round_
    if round_ is not None:
        raise CommandError(f"Round {round_} holds fewer than {EXPORT_ROWS} targets: delete it and run again.")
    dongs = list(Dong.objects.filter(pk__in=dong_ids).values_list("name", flat=True))
    admin = get_user_model().objects.filter(staff__district=district, username="admin").first() or official
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench_round.csv"
        began = time.perf_counter()
        synthetic_crisis_csv(path, rows=LIST_ROWS, gu=district.name, dongs=dongs, known=[], seed=60)
        content = path.read_bytes()
        batch = _running_batch(admin, district, path, content, years_ahead=YEARS_AHEAD)
        counts = imports.batch_import(batch=batch)
    round_ = batch.round
    bench.write(f"  made round {round_} for the export: {counts.created} targets in "
                f"{time.perf_counter() - began:.1f} s (kept for later runs)")
    return round_


def _export_in_child(url: str, fmt: str) -> dict:
    code = CHILD % {"url": url, "fmt": fmt}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=900, check=False)
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise CommandError(f"The {fmt} export's process failed: {done.stderr[-800:]}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    if result["status"] != 200:
        raise CommandError(f"POST {url} ({fmt}) answered {result['status']}")
    return result


def round_export(bench: Bench) -> list[Row]:
    """One export per format (each is seconds of work; one run each, in a fresh process)."""
    round_ = bench_round(bench)
    official = get_user_model().objects.get(username="official")
    targets = BigDataTarget.objects.filter(round=round_, dong_id__in=personal_dong_ids(official)).count()
    url = reverse("discovery:round_export", args=[round_.pk])
    rows = []
    for fmt in ("csv", "xlsx"):
        r = _export_in_child(url, fmt)
        ttfb_ms, total_ms = r["ttfb"] * 1000, r["total"] * 1000
        how = "streamed" if r["streaming"] else "built whole, then sent"
        rows.append(Row("round_export", f"{fmt.upper()}, {targets:,} rows: first byte", ttfb_ms, ttfb_ms,
                        note=f"{how}; one run in a child process"))
        rows.append(Row("round_export", f"{fmt.upper()}, {targets:,} rows: whole download", total_ms, total_ms,
                        note=f"{r['bytes']:,} bytes; child's peak RSS {r['peak_mb']:.0f} MB "
                             f"({r['before_mb']:.0f} MB before the request)"))
        bench.judge(f"round export {fmt.upper()} ({targets:,} rows): time to first byte", f"{r['ttfb']:.2f} s",
                    f"≤ {TTFB_TARGET_S:.0f} s", r["ttfb"] <= TTFB_TARGET_S)
        bench.judge(f"round export {fmt.upper()} ({targets:,} rows): peak RSS of its process",
                    f"{r['peak_mb']:.0f} MB", f"< {RSS_TARGET_MB} MB", r["peak_mb"] < RSS_TARGET_MB)
    return rows
