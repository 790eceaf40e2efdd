"""One bench run: top up the demo data, run the chosen scenarios with DEBUG off, print the table of figures."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from discovery.models import CrisisReport
from households.models import Household, Visit
from welfare.common import gc_tuning

from .. import seeding
from ..report import format_table
from . import BULK_WRITERS, SCENARIOS
from .core import Bench, Row
from .volume import seed_volume

COLUMNS = ("scenario", "variant", "median ms", "p95 ms", "queries", "page/raw", "note")


# A table that took at least this many row writes (inserted, updated or deleted, committed or rolled back) since
# the last settle has its indexes rebuilt.
REINDEX_MIN_ROWS = 10_000


def settle(write: Callable[[str], None], *, reindex: Iterable[str] = ()) -> None:
    """VACUUM (ANALYZE) after seeding: the state autovacuum keeps a running district's tables in. Freshly
    inserted rows have no visibility map yet, so an index-only scan (a list's COUNT, the sort indexes) would
    fetch every heap row it passes: a million-household district list's last page took 0.7 s of heap fetches.

    ``reindex``: tables whose indexes are rebuilt first. The bench's import scenarios insert 300,000 crisis
    reports and roll them back; their index entries stay behind as empty pages that VACUUM does not give back
    (the lead's open-report index grew from 1.5 to 27 MB), which a district's database, whose imports commit,
    does not have, and the pages timed after them would pay for it. Not inside a transaction (a test's), where
    VACUUM cannot run."""
    if connection.in_atomic_block:
        write("  settle: inside a transaction; VACUUM skipped")
        return
    began = time.perf_counter()
    tables = sorted(reindex)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"REINDEX TABLE {connection.ops.quote_name(table)}")
        cursor.execute("VACUUM (ANALYZE)")
    rebuilt = f"REINDEX of {', '.join(tables)}, then " if tables else ""
    write(f"  settle: {rebuilt}VACUUM (ANALYZE) in {time.perf_counter() - began:.1f} s")


def rows_written() -> dict[str, int]:
    """Row writes per table since the statistics began (PostgreSQL's cumulative statistics, this connection's
    pending counts flushed first), rolled-back ones included."""
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:  # so that the next statement sees this session's own writes
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
        return dict(cursor.fetchall())


def run_scenarios(bench: Bench, names: list[str], write: Callable[[str], None]) -> list[Row]:
    """Runs ``names`` in order. After scenarios that write in bulk (``BULK_WRITERS``), the database is settled
    before the next scenario that reads, so autovacuum does not run beside its timings (on PostgreSQL), and the
    tables they wrote at least ``REINDEX_MIN_ROWS`` rows to have their indexes rebuilt; and after the last
    scenario if it wrote, so that the next run does not start with its debris."""
    rows: list[Row] = []
    postgres = connection.vendor == "postgresql"
    before: dict[str, int] | None = None  # the counts before the first bulk writer since the last settle
    for name in names:
        if before is not None and name not in BULK_WRITERS:
            _settle_since(before, write)
            before = None
        if postgres and before is None and name in BULK_WRITERS:
            before = rows_written()
        rows.extend(SCENARIOS[name](bench))
    if before is not None:  # the last scenarios wrote: the next run starts from a settled database
        _settle_since(before, write)
    return rows


def _settle_since(before: dict[str, int], write: Callable[[str], None]) -> None:
    after = rows_written()
    settle(write, reindex=[table for table, count in after.items() if count - before.get(table, 0) >= REINDEX_MIN_ROWS])


def run(*, households: int, seed: int, runs: int, warmup: int, names: list[str],
        write: Callable[[str], None], volume: bool = False) -> list[Row]:
    """Seeds up to ``households`` demo households, runs ``names`` and writes the figures.

    Measurements run with ``DEBUG=False`` (no query log, no template debug info) whatever the settings say, and
    with ``testserver`` allowed as host, so the figures do not depend on the environment's ``DEBUG``.
    Raises ``DemoAccountConflict`` when a demo username belongs to a real account.
    """
    existing = Household.objects.filter(is_demo=True).count()
    if existing < households:
        write(f"{existing} demo households present; seeding up to {households} …")
    report = seeding.seed(households=households, seed=seed, progress=write)
    if report.created.get("households"):
        total = report.created["households"] + report.present.get("households", 0)
        write(f"Seeded {report.created['households']} households ({report.present.get('households', 0)} were "
              f"present; {total} in all; {report.created.get('households_with_casework', 0)} given casework) "
              f"in {report.seconds:.1f} s.")
    if volume:
        if connection.vendor != "postgresql":  # its INSERT … SELECT takes arrays as parameters
            raise CommandError("--volume needs PostgreSQL (DATABASE_URL=postgres://…), as make bench uses.")
        seed_volume(seed=seed, progress=write)
    if (report.created.get("households") or volume) and connection.vendor == "postgresql":
        settle(write)

    hosts = list(settings.ALLOWED_HOSTS)
    if "testserver" not in hosts and "*" not in hosts:
        hosts.append("testserver")
    bench = Bench(runs=runs, warmup=warmup, write=write)
    # The garbage collector as the server's (welfare.wsgi): start-up objects frozen, young ones collected less often.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts), gc_tuning.tuned(settings.GC_THRESHOLD):
        rows = run_scenarios(bench, names, write)

    vendor = connection.vendor
    if vendor == "postgresql":
        vendor += f" {connection.pg_version}"
    write("")
    write(f"database: {vendor} · demo households: {Household.objects.filter(is_demo=True).count()} · "
          f"visits: {Visit.objects.count():,} · crisis reports: {CrisisReport.objects.count():,} · "
          f"runs: {bench.runs} after {bench.warmup} warm-up · user: official (DEBUG off while timing) · "
          f"gc as the server's: frozen, threshold {settings.GC_THRESHOLD or 'default'}")
    table = [
        (row.scenario, row.variant, f"{row.median_ms:.1f}", f"{row.p95_ms:.1f}",
         "" if row.queries is None else str(row.queries), "" if row.ratio is None else f"{row.ratio:.1f}×",
         row.note)
        for row in rows
    ]
    for line in format_table(COLUMNS, table):
        write(line)
    if bench.targets:
        write("")
        write("Targets (printed, not asserted):")
        for line in format_table(("target of", "figure", "target", "result"),
                                 [(t.what, t.figure, t.target, "PASS" if t.ok else "FAIL") for t in bench.targets]):
            write(line)
    return rows
