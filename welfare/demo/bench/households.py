"""Bench scenarios of the households app: the household list (beside its raw query), the household page with a
long timeline (issue 3), my caseload and the team page.
"""

from __future__ import annotations

import math
import re
from html import escape

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F, QuerySet
from django.urls import reverse

from households import selectors, timeline
from households.filters import HouseholdFilter, with_tie_breaker
from households.models import Attachment, AttachmentKind, Case, CaseStage, Household, RiskLevel, Visit
from households.selectors import list_rows_by_ids
from households.templatetags.household_rows import ROW
from welfare.common.choices import choice_labels

from ..busy import seed_busy_household
from .core import Bench, CaptureQueries, Row, committed, get_ok, page_row, replayed, rolled_back

LIST_PAGE = 25


def listed_households(user, risk_level: str | None) -> QuerySet:
    """The households the list page shows the user, filtered as its ``?risk_level=`` does (product querysets)."""
    households = Household.objects.visible_to(user)
    return households.filter(risk_level=risk_level) if risk_level else households


def household_list_rows(user, risk_level: str | None, ordering: tuple) -> list:
    """The list page's rows as the page gets them (``IdsFirstPaginator`` with ``rows_by_ids``): the first page's
    ids from the bare rows in the view's order (with its ``-id`` tie-breaker), then the columns the rows show for
    those ids alone (the product's ``list_rows_by_ids``), put in the ids' order."""
    listed = listed_households(user, risk_level)
    ids = list(listed.order_by(*ordering).values_list("pk", flat=True)[:LIST_PAGE])
    found = {row.pk: row for row in list_rows_by_ids(ids)}
    return [found[pk] for pk in ids if pk in found]


def written_rows(client, path: str):
    """The equal-work baseline of the list page: its statements replayed on a bare cursor, each fetched in full,
    then the 25 rows written as the page writes them, by hand: the rows of the statement that reads them by ids
    (the one with the head's name) put in the order of the ids read by the statement before it, the labels from
    the product's dictionaries, every cell escaped by ``html.escape``, the row markup of ``{% household_rows %}``
    filled by ``str.format``. Returns the replay (which answers the page's HTML rows) and its statement count."""
    with CaptureQueries(connection) as captured:
        get_ok(client, path)
    statements = [q["sql"] for q in captured.captured_queries]
    if sum('"head_name"' in sql for sql in statements) > 1:  # none when the page is empty (no rows to read)
        raise CommandError(f"GET {path}: more than one statement of the list's rows")
    fields = Household._meta
    housing, risk, status = (choice_labels(fields.get_field(name)) for name in ("housing_type", "risk_level", "status"))
    no_head = "(세대주 없음)"
    detail = reverse("households:detail", args=[0]).removesuffix("0/")
    demo = ' <span class="tag demo">DEMO</span>'

    def replay() -> str:
        page: list[tuple] = []
        previous: list[tuple] = []
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is None:
                    continue
                fetched = cursor.fetchall()
                if '"head_name"' in sql:
                    by_id = {row[0]: row for row in fetched}
                    page = [by_id[row[0]] for row in previous if row[0] in by_id]
                previous = fetched
        out = []
        for (pk, road, detail_address, housing_type, risk_level, state, next_on, is_demo, dong, first, last,
             username, head) in page:
            official = (f"{first} {last}".strip() or username) if username is not None else "—"
            out.append(ROW.format(
                f"{detail}{pk}/", escape(head or no_head), demo if is_demo else "",
                escape(f"{road}, {detail_address}" if detail_address else road), escape(dong),
                escape(housing.get(housing_type, housing_type)), escape(risk_level),
                escape(risk.get(risk_level, risk_level)), escape(status.get(state, state)), escape(official),
                next_on.isoformat() if next_on else "—"))
        return "".join(out)

    return replay, len(statements)


def household_list(bench: Bench) -> list[Row]:
    """The household list page beside an equal-work raw baseline: the very statements the page sends (the session,
    the user and their dongs, the scoping COUNT, the page's ids and its rows by those ids, the access-log INSERT
    committed as the view's is, the bell's count, the filter's dong choices) replayed on a bare cursor, each
    fetched in full, and the rows written by hand (``written_rows``): the ratio is what the view, the ORM and the
    template add. The page's ids are checked against the product's own reads (``household_list_rows``), run once
    outside the timing."""
    user = get_user_model().objects.get(username="official")
    client = bench.login("official")
    url = reverse("households:list")
    link = re.compile(r'href="' + re.escape(url) + r'(\d+)/"')
    cases = [
        ("household_list", url, None, ("-updated_at", "-id")),
        ("household_list ?risk_level=high&sort=next_contact", f"{url}?risk_level=high&sort=next_contact",
         RiskLevel.HIGH, tuple(with_tie_breaker([F("next_contact_on").asc(nulls_last=True)]))),
    ]
    rows = []
    try:
        with committed():
            for label, path, risk, ordering in cases:
                with CaptureQueries(connection) as page_queries:
                    response = get_ok(client, path)
                replay, statements = replayed(client, path)
                found = list(household_list_rows(user, risk, ordering))
                write, written_statements = written_rows(client, path)
                (page_median, page_p95), (equal_median, equal_p95), (raw_median, raw_p95) = bench.time_side_by_side(
                    lambda path=path: get_ok(client, path), write, replay)
                same_html = write() in response.content.decode()
                total = listed_households(user, risk).count()
                shown = [int(pk) for pk in dict.fromkeys(link.findall(response.content.decode()))]
                same = shown == [row[0] for row in found]
                sql_ratio = page_median / raw_median if raw_median else None
                ratio = page_median / equal_median if equal_median else None
                rows.append(Row(label, "page (view + template)", page_median, page_p95, len(page_queries), ratio))
                rows.append(Row(label, "raw SQL + labels + the rows' HTML by hand", equal_median, equal_p95,
                                written_statements,
                                note=(f"{len(found)} of {total} rows; same ids as the product's queryset: "
                                      f"{'yes' if same else 'NO'}; same row HTML as the page: "
                                      f"{'yes' if same_html else 'NO'}; access-log INSERT committed; leaves out "
                                      f"model instances, the template engine and the page around the rows")))
                rows.append(Row(label, "raw SQL only: the page's statements replayed", raw_median, raw_p95, statements,
                                note=(f"page ÷ this: {sql_ratio:.1f}× (not the target: no labels, no HTML)"
                                      if sql_ratio else "")))
                if ratio is not None:
                    bench.judge(f"{label} (official) vs equal-work raw (SQL, labels, rows' HTML)", f"{ratio:.1f}×",
                                "≤ 3×", ratio <= 3 and same_html)
    finally:
        client.logout()
    return rows


def sort_values() -> list[str]:
    """Every sort the list page offers (its select's values; "" is the default order)."""
    return [value for value, _label in HouseholdFilter.base_filters["sort"].field.choices]


def district_list(bench: Bench) -> list[Row]:
    """The household list at district scope (the district admin: every dong) for every sort the page offers,
    its first page and its last, committed as in production (each view writes its access-log row)."""
    admin = get_user_model().objects.get(username="admin")
    total = Household.objects.visible_to(admin).count()
    last = max(1, math.ceil(total / LIST_PAGE))
    client = bench.login("admin")
    url = reverse("households:list")
    rows = []
    try:
        with committed():
            for value in sort_values():
                query = f"?sort={value}&" if value else "?"
                first = page_row(bench, client, f"district_list sort={value or '(default)'}", "page 1 (admin)",
                                 f"{url}{query[:-1]}", note=f"{total} households in scope")
                final = page_row(bench, client, f"district_list sort={value or '(default)'}",
                                 f"last page {last} (admin)", f"{url}{query}page={last}")
                final.ratio = final.median_ms / first.median_ms if first.median_ms else None
                final.note = "last / first page"
                rows += [first, final]
                if final.ratio is not None:
                    bench.judge(f"district list sort={value or '(default)'}: last page vs first",
                                f"{final.median_ms:.0f} / {first.median_ms:.0f} ms = {final.ratio:.1f}×",
                                "≤ 2×", final.ratio <= 2)
    finally:
        client.logout()
    return rows


BUSY_EVENTS = 200
BUSY_ATTACHMENTS = 3


def attach_rows(household: Household, by) -> int:
    """A photo on the household, its last visit and its case, as rows only (the page lists them and never opens
    the file; the bench rolls them back): the household page reads each attachment's owner to check it may
    show it. Returns how many."""
    owners = [("household", household.pk)]
    owners += [("visit", pk) for pk in Visit.objects.filter(household=household).order_by("-pk").values_list(
        "pk", flat=True)[:1]]
    owners += [("case", pk) for pk in Case.objects.filter(household=household).order_by("-pk").values_list(
        "pk", flat=True)[:1]]
    Attachment.objects.bulk_create([
        Attachment(owner_kind=kind, owner_id=pk, household=household, kind=AttachmentKind.PHOTO,
                   title=f"현관 사진 {i + 1}", content_type="image/jpeg", size=48_000, sha256="0" * 64,
                   width=1280, height=960, storage_name=f"bench/{kind}-{pk}", added_by=by)
        for i, (kind, pk) in enumerate(owners[:BUSY_ATTACHMENTS])])
    return min(len(owners), BUSY_ATTACHMENTS)


TIMELINE_ITEM = re.compile(r'<li class="tl-item ')
PICKED_ROW = re.compile(r'<input type="checkbox" name="ids"')


def busy_household(user) -> Household:
    """A demo household of the user's caseload with no case in progress (the seeding opens its own)."""
    household = (selectors.caseload(user).filter(is_demo=True, open_case_id__isnull=True).order_by("pk").first())
    if household is None:
        raise CommandError(f"No demo household assigned to {user.username} without an open case.")
    return household


def household_page(bench: Bench) -> list[Row]:
    """The household page with 200 timeline events and three attached photos, first and last page of the timeline.

    The events are seeded inside a transaction that is rolled back at the end, so a re-run finds the demo
    data as seed_demo left it and seeds again (a second or so of bulk inserts).
    """
    user = get_user_model().objects.get(username="official")
    client = bench.login("official")
    rows = []
    try:
        with rolled_back():
            household = busy_household(user)
            already = timeline.household_timeline_rows(household).count()
            seed_busy_household(household, events=max(0, BUSY_EVENTS - already), by=user)
            attached = attach_rows(household, user)
            download = reverse("households:attachment_download", args=[0]).removesuffix("0/")
            attachment_link = re.compile(r'href="' + re.escape(download) + r'\d+/"')
            total = timeline.household_timeline_rows(household).count()
            url = reverse("households:detail", args=[household.pk])
            last = math.ceil(total / timeline.TIMELINE_PER_PAGE)
            replay, statements = replayed(client, url)
            for number, variant, path in ((1, "timeline page 1", url),
                                          (last, f"timeline page {last} (?tpage={last})", f"{url}?tpage={last}")):
                html = get_ok(client, path).content.decode()
                shown, photos = len(TIMELINE_ITEM.findall(html)), len(attachment_link.findall(html))
                # The timeline costs one query per kind of event on the page: a page of older events may hold a
                # kind the first does not (the demo household's own crisis reports), so the note says how many.
                with CaptureQueries(connection) as own:
                    list(timeline.household_timeline(household, page=number))
                note = (f"household #{household.pk}: {total} events, {shown} shown; {photos} of {attached} "
                        f"attachments listed; the timeline's own {len(own)} queries")
                if path == url:  # the first page beside its baseline, their runs interleaved
                    (median, p95), (raw_median, raw_p95) = bench.time_side_by_side(
                        lambda: get_ok(client, url), replay)
                    with CaptureQueries(connection) as queries:
                        get_ok(client, path)
                    rows.append(Row("household_page", variant, median, p95, len(queries), note=note))
                else:
                    rows.append(page_row(bench, client, "household_page", variant, path, note=note))
            page = rows[0]
            page.ratio = page.median_ms / raw_median if raw_median else None
            rows.append(Row("household_page", "raw SQL: the page's statements replayed", raw_median, raw_p95,
                            statements, note="same scoping, rows and access-log INSERT; leaves out model "
                                             "instances, labels and HTML; no commit for either (rolled back)"))
            if page.ratio is not None:
                bench.judge("household page vs its statements replayed raw", f"{page.ratio:.1f}×", "≤ 3×",
                            page.ratio <= 3)
            median, p95 = bench.time(lambda: list(timeline.household_timeline(household, page=1)))
            with CaptureQueries(connection) as queries:
                list(timeline.household_timeline(household, page=1))
            rows.append(Row("household_page", "timeline selector alone (page 1)", median, p95, len(queries),
                            note="the UNION ALL count + page + one query per kind"))
    finally:
        client.logout()
    return rows


def caseload(bench: Bench) -> list[Row]:
    """My caseload for the demo official (all, high risk, in service) and the team page for the demo lead; the
    counts in the notes come from the pages' own selectors."""
    official = get_user_model().objects.get(username="official")
    mine = selectors.caseload(official)
    url = reverse("households:caseload")
    cases = [
        ("caseload", url, mine.count()),
        ("caseload ?risk_level=high", f"{url}?risk_level=high", mine.filter(risk_level=RiskLevel.HIGH).count()),
        ("caseload ?stage=in_service", f"{url}?stage=in_service",
         mine.filter(open_case_stage=CaseStage.IN_SERVICE).count()),
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
