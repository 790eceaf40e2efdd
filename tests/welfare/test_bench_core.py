"""The bench's shared timer and query counter (issue 19): a page and its baseline are timed interleaved, and a
query count taken around a test-client request is right even when an earlier count left entries in the log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from welfare.demo.bench.core import Bench, CaptureQueries


def test_side_by_side_interleaves_the_runs_and_alternates_who_goes_first():
    calls: list[str] = []
    bench = Bench(runs=4, warmup=1, write=lambda _line: None)

    figures = bench.time_side_by_side(lambda: calls.append("page"), lambda: calls.append("raw"))

    assert calls == ["page", "raw",  # warm-up
                     "page", "raw", "raw", "page", "page", "raw", "raw", "page"]
    assert len(figures) == 2 and all(median >= 0 and p95 >= median for median, p95 in figures)


@pytest.mark.django_db
def test_a_second_count_around_a_request_is_not_short(client_for, official):
    client = client_for(official)
    url = reverse("households:list")

    with CaptureQueries(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueries(connection) as second:
        assert client.get(url).status_code == 200

    assert len(first) == len(second) > 0


@pytest.mark.django_db
def test_a_count_read_after_later_requests_keeps_its_statements(client_for, official):
    client = client_for(official)
    url = reverse("households:list")

    with CaptureQueries(connection) as page:
        assert client.get(url).status_code == 200
    statements = list(page.captured_queries)
    client.get(reverse("households:caseload"))  # another request empties and refills the connection's log

    assert len(page) == len(statements) > 0 and page.captured_queries == statements


def test_the_database_is_settled_once_before_the_first_reader_after_bulk_writers(monkeypatch):
    """Imports leave dead rows that set off autovacuum: the next reading scenario runs after a VACUUM, not beside
    one; two writers in a row settle once; a writer last is settled after, for the next run. The tables the writers
    wrote at least REINDEX_MIN_ROWS rows to (rolled back or not) have their indexes rebuilt."""
    from welfare.demo.bench import run as bench_run

    events: list[str] = []
    written = {"discovery_crisisreport": 100, "households_followup": 0, "welfare_accesslog": 5}

    def scenario(name, writes=None):
        def run(_bench):
            events.append(name)
            for table, count in (writes or {}).items():
                written[table] += count
            return []
        return run

    scenarios = {
        "household_list": scenario("household_list"),
        "import_crisis_list": scenario("import_crisis_list", {"discovery_crisisreport": 9_000}),
        "import_large_list": scenario("import_large_list", {"discovery_crisisreport": 1_000, "welfare_accesslog": 1}),
        "api_pages": scenario("api_pages", {"welfare_accesslog": 50_000}),  # a reader: its writes are not counted
        "search": scenario("search"),
        "daily_sweep": scenario("daily_sweep", {"households_followup": 20_000}),
    }
    monkeypatch.setattr(bench_run, "SCENARIOS", scenarios)
    monkeypatch.setattr(bench_run, "rows_written", lambda: dict(written))
    monkeypatch.setattr(bench_run, "settle", lambda _write, reindex=(): events.append(f"settle {sorted(reindex)}"))
    monkeypatch.setattr(bench_run.connection, "vendor", "postgresql")

    bench_run.run_scenarios(Bench(runs=1, warmup=0, write=lambda _line: None), list(scenarios), lambda _line: None)

    assert events == ["household_list", "import_crisis_list", "import_large_list",
                      "settle ['discovery_crisisreport']", "api_pages", "search", "daily_sweep",
                      "settle ['households_followup']"]
