"""What the load test asks of the server, and how its figures are judged. Plain Python: no Locust, no Django.

The mix is what a dong official does in a working day, weighted by how often: the household list (with its
filters and sorts), the household page, the header's search, the API's case list (a token, as the field app and
other systems call it), recording a visit (the form, then the POST with its form token) and, for the ratio, a
trivial page (the login page, signed out).
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from pathlib import Path

# Request names as Locust reports them (one row each in the table).
LIST = "household list"
HOUSEHOLD = "household page"
SEARCH = "search"
API_CASES = "API case list"
VISIT_FORM = "visit form"
VISIT_POST = "visit POST"
TRIVIAL = "trivial: login page"
LOGIN = "login POST"


@dataclass(frozen=True)
class Task:
    name: str  # the locustfile's method of that name runs it
    weight: int
    requests: tuple[str, ...]
    what: str


# The official's mix (weights are relative: a user picks a task with probability weight / sum).
MIX: tuple[Task, ...] = (
    Task("household_list", 30, (LIST,),
         "GET /households/ with one of its filter/sort combinations (risk, status, dong, sort by next/last contact, "
         "address, updated; page 1 or 2)"),
    Task("household_page", 25, (HOUSEHOLD,), "GET /households/<id>/ of a household in the official's dong"),
    Task("search", 10, (SEARCH,), "GET /search/?q= a resident's name or a street of the official's dong"),
    Task("api_case_list", 10, (API_CASES,),
         "GET /api/v1/cases/?dong=…&page_size=50 with the official's API token (Bearer)"),
    Task("record_visit", 10, (VISIT_FORM, VISIT_POST),
         "GET the visit form, then POST it (form token, 100-character note, two needs): 302 to the household"),
    Task("trivial", 5, (TRIVIAL,), "GET /login/ signed out (the trivial endpoint of the ratio)"),
)

LIST_QUERIES: tuple[str, ...] = (
    "",
    "?risk_level=high&sort=next_contact",
    "?status=under_care&sort=-last_contact",
    "?dong={dong}&sort=address",
    "?sort=-updated",
    "?risk_level=medium&page=2",
    "?housing_type=semi_basement&sort=last_contact",
)

# Targets of issue 19 ("Load").
P95_TARGET_MS = 300
RATIO_TARGET = 0.25


@dataclass
class KindFigures:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def read_stats(path: Path) -> tuple[list[KindFigures], KindFigures | None]:
    """Rows of Locust's ``<prefix>_stats.csv``: one per request name, and the aggregated row."""
    rows, total = [], None
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            figures = KindFigures(
                name=record["Name"], requests=int(record["Request Count"]), failures=int(record["Failure Count"]),
                rps=float(record["Requests/s"]), p50=_number(record["50%"]), p95=_number(record["95%"]),
                p99=_number(record["99%"]))
            if record["Name"] == "Aggregated":
                total = figures
            else:
                rows.append(figures)
    return rows, total


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def table(rows: list[KindFigures], total: KindFigures | None) -> list[str]:
    head = ("request", "requests", "errors", "RPS", "p50 ms", "p95 ms", "p99 ms")
    body = [(r.name, str(r.requests), str(r.failures), f"{r.rps:.1f}", f"{r.p50:.0f}", f"{r.p95:.0f}",
             f"{r.p99:.0f}") for r in [*rows, *([total] if total else [])]]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))
             for line in (head, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


@dataclass
class Verdict:
    what: str
    figure: str
    target: str
    ok: bool


def judge_think_time(rows: list[KindFigures], total: KindFigures | None, users: int = 50) -> list[Verdict]:
    """``users`` (the target's 50) with think time: p95 ≤ 300 ms over every request, and no error. The sign-in is
    not in the run (the users start signed in)."""
    if total is None or total.requests == 0:
        return [Verdict(f"{users} users: requests", "none", "> 0", False)]
    return [
        Verdict(f"{users} users with think time: p95 of all requests", f"{total.p95:.0f} ms",
                f"≤ {P95_TARGET_MS} ms", total.p95 <= P95_TARGET_MS),
        Verdict(f"{users} users with think time: errors", f"{total.failures} of {total.requests}", "0",
                total.failures == 0),
    ]


def combine(rounds: list[tuple[list[KindFigures], KindFigures | None]], name: str) -> KindFigures:
    """One request kind over runs of equal length: requests and errors summed, RPS the runs' mean, each
    percentile the runs' median (Locust writes no histogram to merge)."""
    runs = [figures for rows, _total in rounds for figures in rows if figures.name == name]
    if not runs:
        return KindFigures(name, 0, 0, 0.0, float("nan"), float("nan"), float("nan"))
    return KindFigures(name=name, requests=sum(r.requests for r in runs), failures=sum(r.failures for r in runs),
                       rps=sum(r.rps for r in runs) / len(runs), p50=statistics.median(r.p50 for r in runs),
                       p95=statistics.median(r.p95 for r in runs), p99=statistics.median(r.p99 for r in runs))


def rps(run: tuple[list[KindFigures], KindFigures | None], name: str) -> float:
    """The rate of one request kind in one run (0 when the run has none)."""
    return next((figures.rps for figures in run[0] if figures.name == name), 0.0)


def ratio(list_rps: float, trivial_rps: float) -> float:
    return list_rps / trivial_rps if trivial_rps else 0.0


def judge_ratio(list_rps: float, trivial_rps: float) -> Verdict:
    ratio_ = ratio(list_rps, trivial_rps)
    return Verdict("saturation: household list RPS ÷ trivial RPS", f"{list_rps:.1f} ÷ {trivial_rps:.1f} = {ratio_:.2f}",
                   f"≥ {RATIO_TARGET}", ratio_ >= RATIO_TARGET)


def verdict_lines(verdicts: list[Verdict]) -> list[str]:
    width = max(len(v.what) for v in verdicts)
    figure = max(len(v.figure) for v in verdicts)
    return [f"{v.what.ljust(width)}  {v.figure.rjust(figure)}  (target {v.target})  {'PASS' if v.ok else 'FAIL'}"
            for v in verdicts]
