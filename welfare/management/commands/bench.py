"""``manage.py bench``: response times of key pages on the demo data, beside hand-written SQL.

This prints figures; it is not a test and asserts nothing about speed. Each scenario is a function that
takes a :class:`Bench` and returns rows of figures; add one with ``@scenario("name")``.

Measurements run with ``DEBUG=False`` (no query log, no template debug info) whatever the settings say,
and with ``testserver`` allowed as host, so the figures do not depend on the environment's ``DEBUG``.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import selectors
from households.demo import seed_busy_household
from households.models import OPEN_STAGES, Household, Relation, Resident, RiskLevel
from welfare import demo
from welfare.models import Dong
from welfare.scoping import personal_dong_ids

from .seed_demo import format_table


@dataclass
class Row:
    scenario: str
    variant: str
    median_ms: float
    p95_ms: float
    queries: int | None = None
    ratio: float | None = None  # page / raw, on the page row
    note: str = ""


@dataclass
class Bench:
    runs: int
    warmup: int
    write: Callable[[str], None]

    def time(self, fn: Callable[[], object]) -> tuple[float, float]:
        """Median and p95 (nearest rank) in ms over ``runs`` calls after ``warmup`` untimed ones."""
        for _ in range(self.warmup):
            fn()
        samples = []
        for _ in range(self.runs):
            began = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        return statistics.median(samples), samples[max(0, math.ceil(0.95 * len(samples)) - 1)]

    def login(self, username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client


SCENARIOS: dict[str, Callable[[Bench], list[Row]]] = {}


def scenario(name: str):
    def register(fn: Callable[[Bench], list[Row]]):
        SCENARIOS[name] = fn
        return fn

    return register


# --- household_list -------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def household_list_sql(dong_ids: list[int], risk_level: str | None, order_by: str) -> tuple[str, str, list]:
    """The page and its COUNT, by hand: the same rows, order and shown columns as the list view."""
    h, r, d = Household._meta.db_table, Resident._meta.db_table, Dong._meta.db_table
    u = get_user_model()._meta.db_table
    where = [f"h.dong_id IN ({', '.join(['%s'] * len(dong_ids))})"]
    params: list = list(dong_ids)
    if risk_level:
        where.append("h.risk_level = %s")
        params.append(risk_level)
    where_sql = " AND ".join(where)
    page = f"""
        SELECT h.id, h.road_address, h.address_detail, h.is_demo, d.name, h.housing_type, h.risk_level,
               h.status, u.first_name, u.last_name, u.username, h.next_contact_on,
               (SELECT r.name FROM {_q(r)} r
                 WHERE r.household_id = h.id AND r.relation = %s AND r.left_on IS NULL
                 ORDER BY r.id LIMIT 1) AS head_name
          FROM {_q(h)} h
          JOIN {_q(d)} d ON d.id = h.dong_id
          LEFT JOIN {_q(u)} u ON u.id = h.assigned_official_id
         WHERE {where_sql}
         ORDER BY {order_by}
         LIMIT 25"""
    count = f"SELECT COUNT(*) FROM {_q(h)} h WHERE {where_sql}"
    return page, count, params


@scenario("household_list")
def household_list(bench: Bench) -> list[Row]:
    user = get_user_model().objects.get(username="official")
    dong_ids = sorted(personal_dong_ids(user))
    client = bench.login("official")
    url = reverse("households:list")
    link = re.compile(r'href="' + re.escape(url) + r'(\d+)/"')
    cases = [
        ("household_list", url, None, "h.updated_at DESC, h.id DESC"),
        ("household_list ?risk_level=high&sort=next_contact", f"{url}?risk_level=high&sort=next_contact",
         "high", "h.next_contact_on ASC, h.id DESC"),
    ]
    rows = []
    try:
        for label, path, risk, order_by in cases:
            def get_page(path=path):
                response = client.get(path)
                if response.status_code != 200:
                    raise CommandError(f"GET {path} answered {response.status_code}")
                return response

            page_sql, count_sql, params = household_list_sql(dong_ids, risk, order_by)

            def raw(page_sql=page_sql, count_sql=count_sql, params=params):
                with connection.cursor() as cursor:
                    cursor.execute(page_sql, [Relation.HEAD, *params])
                    found = cursor.fetchall()
                    cursor.execute(count_sql, params)
                    total = cursor.fetchone()[0]
                return found, total

            page_median, page_p95 = bench.time(get_page)
            with CaptureQueriesContext(connection) as page_queries:
                response = get_page()
            raw_median, raw_p95 = bench.time(raw)
            with CaptureQueriesContext(connection) as raw_queries:
                found, total = raw()

            shown = [int(pk) for pk in dict.fromkeys(link.findall(response.content.decode()))]
            same = shown == [row[0] for row in found]
            note = f"{len(found)} of {total} rows; same ids as page: {'yes' if same else 'NO'}"
            rows.append(Row(label, "page (view + template)", page_median, page_p95, len(page_queries),
                            page_median / raw_median if raw_median else None))
            rows.append(Row(label, "raw SQL (page + count)", raw_median, raw_p95, len(raw_queries), note=note))
    finally:
        client.logout()
    return rows


# --- household_page and caseload (issue 3) --------------------------------------------------------------

BUSY_EVENTS = 200
TIMELINE_ITEM = re.compile(r'<li class="tl-item ')
PICKED_ROW = re.compile(r'<input type="checkbox" name="ids"')


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything written inside (seeded events, access-log rows of the timed views) is undone on leaving."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def get_ok(client: Client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code}")
    return response


def page_row(bench: Bench, client: Client, label: str, variant: str, path: str, note: str = "") -> Row:
    median, p95 = bench.time(lambda: get_ok(client, path))
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, path)
    return Row(label, variant, median, p95, len(queries), note=note)


def busy_household(user) -> Household:
    """A demo household of the user's caseload with no case in progress (the seeding opens its own)."""
    household = (
        Household.objects.filter(is_demo=True, dong_id__in=personal_dong_ids(user), assigned_official=user)
        .exclude(cases__stage__in=OPEN_STAGES).order_by("pk").first()
    )
    if household is None:
        raise CommandError(f"No demo household assigned to {user.username} without an open case.")
    return household


@scenario("household_page")
def household_page(bench: Bench) -> list[Row]:
    """The household page with 200 timeline events, first and last page of the timeline.

    The events are seeded inside a transaction that is rolled back at the end, so a re-run finds the demo
    data as seed_demo left it and seeds again (a second or so of bulk inserts).
    """
    user = get_user_model().objects.get(username="official")
    client = bench.login("official")
    rows = []
    try:
        with rolled_back():
            household = busy_household(user)
            already = selectors.household_timeline_rows(household).count()
            seed_busy_household(household, events=max(0, BUSY_EVENTS - already), by=user)
            total = selectors.household_timeline_rows(household).count()
            url = reverse("households:detail", args=[household.pk])
            last = math.ceil(total / selectors.TIMELINE_PER_PAGE)
            for variant, path in (("timeline page 1", url), (f"timeline page {last} (?tpage={last})",
                                                              f"{url}?tpage={last}")):
                shown = len(TIMELINE_ITEM.findall(get_ok(client, path).content.decode()))
                rows.append(page_row(bench, client, "household_page", variant, path,
                                     note=f"household #{household.pk}: {total} events, {shown} shown"))
            median, p95 = bench.time(lambda: list(selectors.household_timeline(household, page=1)))
            with CaptureQueriesContext(connection) as queries:
                list(selectors.household_timeline(household, page=1))
            rows.append(Row("household_page", "timeline selector alone (page 1)", median, p95, len(queries),
                            note="the UNION ALL count + page + one query per kind"))
    finally:
        client.logout()
    return rows


@scenario("caseload")
def caseload(bench: Bench) -> list[Row]:
    """My caseload for the demo official (all, high risk, in service) and the team page for the demo lead."""
    official = get_user_model().objects.get(username="official")
    mine = selectors.caseload(official)
    url = reverse("households:caseload")
    cases = [
        ("caseload", url, mine.count()),
        ("caseload ?risk_level=high", f"{url}?risk_level=high", mine.filter(risk_level=RiskLevel.HIGH).count()),
        ("caseload ?stage=in_service", f"{url}?stage=in_service", mine.filter(open_case_stage="in_service").count()),
    ]
    rows = []
    with rolled_back():  # the pages write nothing today; this keeps it so if they ever log views
        client = bench.login("official")
        try:
            for label, path, count in cases:
                shown = len(PICKED_ROW.findall(get_ok(client, path).content.decode()))
                rows.append(page_row(bench, client, label, "page 1 (official)", path,
                                     note=f"{shown} of {count} households"))
        finally:
            client.logout()
        lead = get_user_model().objects.get(username="lead")
        dong_ids = selectors.team_dong_ids(lead)
        overdue = selectors.overdue_contacts(dong_ids).count()
        silent = selectors.silent_cases(dong_ids).count()
        client = bench.login("lead")
        try:
            rows.append(page_row(bench, client, "team", "page (lead)", reverse("households:team"),
                                 note=f"{overdue} overdue contacts, {silent} quiet cases"))
        finally:
            client.logout()
    return rows


# --- triage_queue (issue 4) -----------------------------------------------------------------------------


@scenario("triage_queue")
def triage_queue(bench: Bench) -> list[Row]:
    """The crisis-report triage queue for the demo official (first page, urgent only) and the demo lead (with
    the district queue)."""
    from discovery.models import CrisisReport

    url = reverse("discovery:queue")
    rows = []
    with rolled_back():
        for username in ("official", "lead"):
            user = get_user_model().objects.get(username=username)
            total = CrisisReport.objects.visible_to(user).open().count()
            client = bench.login(username)
            try:
                for label, path in ((f"triage_queue ({username})", url),
                                    (f"triage_queue ?urgency=urgent ({username})", f"{url}?urgency=urgent")):
                    rows.append(page_row(bench, client, label, "page 1", path, note=f"{total} open reports visible"))
            finally:
                client.logout()
    return rows


# --- daily_sweep (issue 5) ------------------------------------------------------------------------------

SWEEP_JOBS = ("schedule_followups", "universal_visits", "mark_overdue", "silence_watch")
NAIVE_SAMPLE = 5_000
SILENT_AFTER_DAYS = 60  # far enough ahead that every household under care is past its silence threshold


@contextmanager
def counted_queries() -> Iterator[list[int]]:
    """Count statements without keeping them (CaptureQueriesContext keeps only the last 9,000)."""
    box = [0]

    def count(execute, sql, params, many, context):
        box[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield box


def _drop_open_cadence() -> int:
    """Inside the caller's rolled-back transaction: remove the open cadence follow-ups so the sweep has the
    real work of a first run (every household under care needs one), the same on every run."""
    from households.models import FollowUp, FollowUpReason, FollowUpStatus

    return FollowUp.objects.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).delete()[0]


def naive_schedule(households: list[int], today) -> None:
    """What the sweep replaces: a loop over households, a few ORM queries each (the policy, the case in
    service, get_or_create of the follow-up, a save of the household)."""
    from households.models import CadencePolicy, CaseStage, FollowUp, FollowUpReason, FollowUpStatus

    for household in Household.objects.filter(pk__in=households).order_by("pk"):
        policy = CadencePolicy.for_district(household.dong.district_id)
        in_service = household.cases.filter(stage=CaseStage.IN_SERVICE).exists()
        due = (policy.next_contact(after=household.last_contact_on, risk_level=household.risk_level,
                                   in_service=in_service) if household.last_contact_on else today)
        FollowUp.objects.get_or_create(household=household, reason=FollowUpReason.CADENCE,
                                       status=FollowUpStatus.OPEN,
                                       defaults={"due_on": due, "assigned_to_id": household.assigned_official_id})
        if household.next_contact_on != due:
            household.next_contact_on = due
            household.save(update_fields=["next_contact_on"])


def _timed(fn: Callable[[], object]) -> tuple[float, int, object]:
    with counted_queries() as queries:
        began = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - began) * 1000
    return elapsed, queries[0], result


@scenario("daily_sweep")
def daily_sweep(bench: Bench) -> list[Row]:
    """The full daily sweep on the demo data beside a naive per-household ORM loop doing the scheduling.

    Every run is inside a transaction rolled back afterwards, after deleting the open cadence follow-ups, so
    each run does the same real work. Median of up to 3 runs (``--runs``); no warm-up. The naive loop runs on
    a sample of households and is extrapolated to all households under care (labelled so). The demo's
    households were all seen recently, so the silence watch is also timed 60 days later, when every one of
    them is silent (its worst case).
    """
    import datetime as dt

    from django.utils import timezone

    from households.jobs import CARE_STATUSES
    from welfare.jobs import jobs

    registry = jobs()
    now = timezone.now()
    runs = min(bench.runs, 3)
    cared = list(Household.objects.filter(status__in=CARE_STATUSES).order_by("pk").values_list("pk", flat=True))
    parts: dict[str, list[float]] = {name: [] for name in SWEEP_JOBS}
    totals: list[float] = []
    counts: dict[str, dict] = {}
    queries: dict[str, int] = {}
    dropped = 0
    for run in range(runs):
        with rolled_back():
            dropped = _drop_open_cadence()
            for name in SWEEP_JOBS:
                elapsed, queries[name], counts[name] = _timed(lambda name=name: registry[name].func(now))
                parts[name].append(elapsed)
            totals.append(sum(parts[name][-1] for name in SWEEP_JOBS))
        bench.write(f"  daily sweep run {run + 1}/{runs}: {totals[-1] / 1000:.2f} s")

    later = now + dt.timedelta(days=SILENT_AFTER_DAYS)
    with rolled_back():
        silent_ms, silent_queries, silent_counts = _timed(lambda: registry["silence_watch"].func(later))

    sample = cared[:NAIVE_SAMPLE]
    with rolled_back():
        _drop_open_cadence()
        naive_ms, naive_queries, _ = _timed(lambda: naive_schedule(sample, timezone.localdate(now)))
    scale = len(cared) / len(sample) if sample else 0.0
    naive_all_ms = naive_ms * scale

    sweep_ms = statistics.median(totals)
    schedule_ms = statistics.median(parts["schedule_followups"])
    rows = [Row("daily_sweep", f"full sweep, 4 jobs ({len(cared)} households under care)", sweep_ms, max(totals),
                sum(queries.values()),
                note=f"{dropped} open cadence follow-ups deleted first; rolled back; max of {runs} runs in p95 column")]
    for name in SWEEP_JOBS:
        shown = ", ".join(f"{k}={v}" for k, v in counts[name].items())
        rows.append(Row("daily_sweep", f"  {name}", statistics.median(parts[name]), max(parts[name]), queries[name],
                        note=shown))
    rows.append(Row("daily_sweep", f"  silence_watch {SILENT_AFTER_DAYS} days later (all silent)", silent_ms,
                    silent_ms, silent_queries, note=", ".join(f"{k}={v}" for k, v in silent_counts.items()) + "; once"))
    ratio_full, ratio_schedule = naive_all_ms / sweep_ms, naive_all_ms / schedule_ms
    rows.append(Row(
        "daily_sweep", f"naive ORM loop, EXTRAPOLATED ×{scale:.2f} to {len(cared)}", naive_all_ms, naive_all_ms,
        round(naive_queries * scale), ratio_full,
        note=f"ratio column: naive ÷ full sweep ({ratio_schedule:.0f}× schedule_followups alone); measured once on "
             f"{len(sample)} households: {naive_ms / 1000:.1f} s, {naive_queries} queries"))
    bench.write(f"  daily sweep {sweep_ms / 1000:.2f} s (target under 10 s: {'yes' if sweep_ms < 10_000 else 'NO'}); "
                f"naive loop extrapolated {naive_all_ms / 1000:.1f} s: {ratio_full:.0f}× the full sweep "
                f"(target 20× or more: {'yes' if ratio_full >= 20 else 'NO'}), {ratio_schedule:.0f}× "
                f"schedule_followups alone")
    return rows


# --- plan_dashboard (issue 6) ---------------------------------------------------------------------------


@scenario("plan_dashboard")
def plan_dashboard(bench: Bench) -> list[Row]:
    """The plan dashboard of 성동구 for the demo planner: every dong × every metric, then one metric.

    Last year's approved plan (plans.demo_plan) and the monthly figures (plans.figures) are made when missing
    and kept, as seed_demo and the nightly job would leave them; this year's plan is drafted from last year's
    inside a rolled-back transaction when the district has none, so a re-run finds the database as it was.
    """
    import datetime as dt

    from django.utils import timezone

    from plans import services as plan_services
    from plans.dashboard import plan_progress
    from plans.demo_plan import seed_plans
    from plans.figures import figures_recompute
    from plans.models import AnnualPlan, DongMonthFigure

    planner = get_user_model().objects.get(username="planner")
    district = planner.staff.district
    today = timezone.localdate()
    if seed_plans(district=district, by=planner, today=today):
        bench.write(f"  seeded the {today.year - 1} demo plan of {district.name}")
    dong_ids = list(district.dongs.values_list("pk", flat=True))
    if not DongMonthFigure.objects.filter(dong_id__in=dong_ids, month=today.replace(day=1)).exists():
        began = time.perf_counter()
        counts = figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today)
        bench.write(f"  computed {counts['figures']} monthly figures in {time.perf_counter() - began:.1f} s")
    rows = []
    with rolled_back():
        plan = AnnualPlan.objects.filter(district=district, year=today.year, is_current=True).first()
        if plan is None:
            previous = AnnualPlan.objects.get(district=district, year=today.year - 1, is_current=True)
            plan = plan_services.plan_create_from_previous(previous=previous, by=planner, year=today.year)
        board = plan_progress(plan, dong_ids=dong_ids, with_trends=False)
        note = (f"{plan.year} plan: {len(board.dongs)} dongs × {len(board.metrics)} metrics = {len(board.rows)} "
                f"targets; behind/on track/ahead {'/'.join(str(n) for n in board.counts().values())}")
        url = reverse("plans:plan_dashboard", args=[plan.pk])
        client = bench.login("planner")
        try:
            rows.append(page_row(bench, client, "plan_dashboard", "page (planner, all dongs and metrics)", url, note))
            rows.append(page_row(bench, client, "plan_dashboard", "page ?metric=cases_opened",
                                 f"{url}?metric=cases_opened"))
        finally:
            client.logout()
        median, p95 = bench.time(lambda: plan_progress(plan, dong_ids=dong_ids))
        with CaptureQueriesContext(connection) as queries:
            plan_progress(plan, dong_ids=dong_ids)
        rows.append(Row("plan_dashboard", "read model alone (plan_progress)", median, p95, len(queries),
                        note="targets 1 + actuals 3 + monthly trend 1"))
    page = rows[0]
    bench.write(f"  plan dashboard median {page.median_ms:.0f} ms (target under 300 ms: "
                f"{'yes' if page.median_ms < 300 else 'NO'}), {page.queries} queries")
    return rows


# --- import_crisis_list (issue 4) -----------------------------------------------------------------------

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
    import csv
    import random

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


@scenario("import_crisis_list")
def import_crisis_list(bench: Bench) -> list[Row]:
    """A 50,000-row Ministry crisis list (CP949 CSV, ~1% bad rows) through the import service, not Celery.

    The file is written to a temporary folder; the round, the batch and everything the import writes are in a
    transaction rolled back at the end, so a re-run finds the database as it was. One run (it is the
    expensive part); peak memory is the process's maximum resident set size (ru_maxrss), before and after.
    """
    import datetime as dt
    import hashlib
    import resource
    import tempfile
    from pathlib import Path

    from django.utils import timezone

    from discovery import importing
    from discovery.models import BigDataRound, CrisisReport, ImportBatch, ImportKind

    admin = get_user_model().objects.filter(staff__role="district_admin").order_by("pk").first()
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
                counts = importing.batch_import(batch=batch)
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


# --- case_list_api (issue 7) ----------------------------------------------------------------------------

CASE_LIST_PAGE = 50


def case_list_sql(dong_ids: list[int], dong_id: int, stage: str, today) -> tuple[str, list]:
    """The endpoint's page by hand: the same rows, order and fields as CaseSerializer (labels left out)."""
    from households.models import BEFORE_ASSESSMENT_DONE, BEFORE_PLAN_DONE, Case

    c, h, r = Case._meta.db_table, Household._meta.db_table, Resident._meta.db_table
    u = get_user_model()._meta.db_table
    early, planning = sorted(BEFORE_ASSESSMENT_DONE), sorted(BEFORE_PLAN_DONE)
    sql = f"""
        SELECT c.id, c.household_id, h.dong_id, r.id AS client_id, r.name AS client_name, c.source, c.stage,
               c.case_class, u.id AS official_id, u.first_name, u.last_name, u.username, c.opened_on,
               c.assessment_due_on, c.plan_due_on,
               (c.stage IN ({', '.join(['%s'] * len(early))}) AND c.assessment_due_on < %s) AS is_assessment_overdue,
               (c.stage IN ({', '.join(['%s'] * len(planning))}) AND c.plan_due_on < %s) AS is_plan_overdue,
               c.closing_reason, c.closing_note, c.closed_on, c.previous_case_id, c.version, c.created_at,
               c.updated_at
          FROM {_q(c)} c
          JOIN {_q(h)} h ON h.id = c.household_id
          JOIN {_q(r)} r ON r.id = c.client_id
          LEFT JOIN {_q(u)} u ON u.id = c.assigned_official_id
         WHERE h.dong_id IN ({', '.join(['%s'] * len(dong_ids))}) AND h.dong_id = %s AND c.stage = %s
         ORDER BY c.updated_at DESC, c.id DESC
         LIMIT {CASE_LIST_PAGE}"""
    return sql, [*early, today, *planning, today, *dong_ids, dong_id, stage]


def _fill_case_page(dong_id: int, stage: str, *, by, have: int) -> int:
    """Inside the caller's rolled-back transaction: cases in ``stage`` for households of the dong without an open
    case, until a full page exists (the 100k demo has about 25 cases in service per dong)."""
    import datetime as dt

    from django.utils import timezone

    from households.models import ASSESSMENT_DAYS, PLAN_DAYS, Case

    missing = CASE_LIST_PAGE - have
    if missing <= 0:
        return 0
    heads = (Resident.objects.filter(household__dong_id=dong_id, household__is_demo=True, relation=Relation.HEAD,
                                     left_on__isnull=True)
             .exclude(household__cases__stage__in=OPEN_STAGES).order_by("household_id")
             .values_list("household_id", "pk")[:missing])
    opened = timezone.localdate() - dt.timedelta(days=60)
    Case.objects.bulk_create([
        Case(household_id=household_id, client_id=client_id, opened_on=opened, source="visit", stage=stage,
             assessment_due_on=opened + dt.timedelta(days=ASSESSMENT_DAYS),
             plan_due_on=opened + dt.timedelta(days=PLAN_DAYS), assigned_official=by)
        for household_id, client_id in heads
    ])
    return len(heads)


@scenario("case_list_api")
def case_list_api(bench: Bench) -> list[Row]:
    """``GET /api/v1/cases/?dong=…&stage=in_service&page_size=50`` with a token of the demo official, beside
    the raw SQL for the same 50 rows encoded to JSON (``json.dumps`` of dicts from ``cursor.fetchall()``).

    The token and the access-log rows of the timed requests are written inside a rolled-back transaction.
    """
    import json

    from django.db.models import Count
    from django.utils import timezone
    from rest_framework.test import APIClient

    from households.models import Case, CaseStage
    from welfare.models import ApiToken

    user = get_user_model().objects.get(username="official")
    dong_ids = sorted(personal_dong_ids(user))
    stage = CaseStage.IN_SERVICE
    counts = dict(Case.objects.filter(household__dong_id__in=dong_ids, stage=stage)
                  .values_list("household__dong_id").annotate(n=Count("pk")).order_by())
    if not dong_ids:
        raise CommandError("The demo official works in no dong.")
    dong_id = max(dong_ids, key=lambda pk: counts.get(pk, 0))  # the fullest page
    counts.setdefault(dong_id, 0)
    path = f"/api/v1/cases/?dong={dong_id}&stage={stage}&page_size={CASE_LIST_PAGE}"
    sql, params = case_list_sql(dong_ids, dong_id, stage, timezone.localdate())
    rows = []
    with rolled_back():
        added = _fill_case_page(dong_id, stage, by=user, have=counts[dong_id])
        _token, key = ApiToken.issue(user=user, name="bench case_list_api")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

        def get_page():
            response = client.get(path)
            if response.status_code != 200:
                raise CommandError(f"GET {path} answered {response.status_code}: {response.content[:200]!r}")
            return response

        def raw() -> str:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                names = [col[0] for col in cursor.description]
                found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return json.dumps(found, default=str, ensure_ascii=False)

        api_median, api_p95 = bench.time(get_page)
        with CaptureQueriesContext(connection) as api_queries:
            response = get_page()
        raw_median, raw_p95 = bench.time(raw)
        with CaptureQueriesContext(connection) as raw_queries:
            encoded = raw()
    shown = [row["id"] for row in response.json()["results"]]
    same = shown == [row["id"] for row in json.loads(encoded)]
    ratio = api_median / raw_median if raw_median else None
    topped = f" (+{added} added for the timing, rolled back)" if added else ""
    rows.append(Row("case_list_api", "API (token, DRF, serializer, access log)", api_median, api_p95,
                    len(api_queries), ratio,
                    note=f"dong #{dong_id}: {len(shown)} of {counts[dong_id] + added} cases in service{topped}; "
                         f"{len(response.content):,} bytes"))
    rows.append(Row("case_list_api", "raw SQL + json.dumps (same 50 rows)", raw_median, raw_p95, len(raw_queries),
                    note=f"same ids as the API: {'yes' if same else 'NO'}; {len(encoded.encode()):,} bytes"))
    bench.write(f"  case list API median {api_median:.1f} ms (target under 40 ms: "
                f"{'yes' if api_median < 40 else 'NO'}), raw {raw_median:.1f} ms, ratio {ratio:.1f} "
                f"(target under 4: {'yes' if ratio is not None and ratio < 4 else 'NO'})")
    return rows


# --- command --------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Time key pages on the demo data beside hand-written SQL (prints figures; not a test)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000,
                            help="Demo households needed at least; seed_demo tops up if fewer (default %(default)s).")
        parser.add_argument("--runs", type=int, default=30, help="Timed runs per figure (default %(default)s).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed runs first (default %(default)s).")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Seed for seed_demo.")
        parser.add_argument("--scenario", default="all", choices=["all", *SCENARIOS],
                            help="Which scenario to run (default: all).")

    def handle(self, *args, **options):
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        existing = Household.objects.filter(is_demo=True).count()
        if existing < options["households"]:
            self.stdout.write(f"{existing} demo households present; seeding up to {options['households']} …")
        try:
            report = demo.seed(households=options["households"], seed=options["seed"], progress=self.stdout.write)
        except demo.DemoAccountConflict as exc:
            raise CommandError(str(exc)) from exc
        if report.created.get("households"):
            self.stdout.write(f"Seeded {report.created['households']} households in {report.seconds:.1f} s.")

        names = list(SCENARIOS) if options["scenario"] == "all" else [options["scenario"]]
        hosts = list(settings.ALLOWED_HOSTS)
        if "testserver" not in hosts and "*" not in hosts:
            hosts.append("testserver")
        bench = Bench(runs=options["runs"], warmup=options["warmup"], write=self.stdout.write)
        rows: list[Row] = []
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
            for name in names:
                rows.extend(SCENARIOS[name](bench))

        vendor = connection.vendor
        if vendor == "postgresql":
            vendor += f" {connection.pg_version}"
        self.stdout.write("")
        self.stdout.write(
            f"database: {vendor} · demo households: {Household.objects.filter(is_demo=True).count()} · "
            f"runs: {bench.runs} after {bench.warmup} warm-up · user: official (DEBUG off while timing)"
        )
        table = [
            (row.scenario, row.variant, f"{row.median_ms:.1f}", f"{row.p95_ms:.1f}",
             "" if row.queries is None else str(row.queries), "" if row.ratio is None else f"{row.ratio:.1f}×",
             row.note)
            for row in rows
        ]
        for line in format_table(("scenario", "variant", "median ms", "p95 ms", "queries", "page/raw", "note"), table):
            self.stdout.write(line)
