"""``manage.py bench``: response times of key pages on the demo data, beside raw baselines.

This prints figures; it is not a test and asserts nothing about speed. Each scenario is a function that takes
a :class:`~welfare.demo.bench.core.Bench` and returns rows of figures; add one to ``SCENARIOS`` (in the order
``--scenario all`` runs them). Scenarios time the product's own pages, selectors and querysets; where a raw
baseline is printed beside a page, it runs the SQL compiled from the product's queryset on a bare cursor,
so no query is written twice, and does the page's other work (labels, the access-log write) or says what it
leaves out. Pages that only read are timed committed, as in production (each request commits its access-log
row, which stays: the log is append-only); scenarios that seed data for a timing roll it back or delete it.
``Bench.judge`` records each target of the issues beside its figure; the run prints them as PASS/FAIL.
"""

from __future__ import annotations

from collections.abc import Callable

from .access import access_review
from .api import api_pages, case_list_api
from .attachments import attachment_photo
from .core import Bench, Row
from .exports import round_export
from .floor import orm_floor
from .households import caseload, district_list, household_list, household_page
from .imports import import_crisis_list, import_large_list, import_resumed
from .plans import plan_dashboard
from .programmes import programme_outcomes
from .search import search_page
from .sweep import daily_sweep
from .today import today_page
from .triage import triage_queue
from .visits import visit_form

SCENARIOS: dict[str, Callable[[Bench], list[Row]]] = {
    "household_list": household_list,
    "district_list": district_list,
    "household_page": household_page,
    "caseload": caseload,
    # Before the triage queue and the today page: its round (imported on its first run, kept) puts 50,000 open
    # reports in the demo official's two dongs, which they count.
    "round_export": round_export,
    "triage_queue": triage_queue,
    "daily_sweep": daily_sweep,
    "plan_dashboard": plan_dashboard,
    "programme_outcomes": programme_outcomes,
    "import_crisis_list": import_crisis_list,
    "import_large_list": import_large_list,
    "import_resumed": import_resumed,
    "case_list_api": case_list_api,
    "api_pages": api_pages,
    "visit_form": visit_form,
    "attachment_photo": attachment_photo,
    "search": search_page,
    "today": today_page,
    "access_review": access_review,
    "orm_floor": orm_floor,
}

# Scenarios that write many rows (the round export imports its 50,000-row round on its first run and keeps it; the
# others roll theirs back or delete them): new rows have no visibility map yet and dead ones set off autovacuum,
# which would run beside the next scenario's timings. ``run`` settles the database (VACUUM) before the next
# scenario that reads, as a district's database is some minutes after its bi-monthly import.
BULK_WRITERS = frozenset({"import_crisis_list", "import_large_list", "import_resumed", "daily_sweep", "round_export",
                          "access_review"})
