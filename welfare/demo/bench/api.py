"""Bench scenario of the API (issue 7): a page of 50 cases through the token-authenticated endpoint, beside the
same rows read on a bare cursor and encoded with ``json.dumps``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import (
    ASSESSMENT_DAYS,
    OPEN_STAGES,
    PLAN_DAYS,
    Case,
    CaseClass,
    CaseSource,
    CaseStage,
    ClosingReason,
    Relation,
    Resident,
)
from welfare.audit import log_list
from welfare.models import ApiToken
from welfare.scoping import personal_dong_ids

from .core import Bench, CaptureQueries, Row, committed, compiled, fetch_raw

CASE_LIST_PAGE = 50
# What CaseSerializer shows of a case (its labels are looked up in Python, as the serializer does).
CASE_COLUMNS = ("id", "household_id", "household__dong_id", "client_id", "client__name", "source", "stage",
                "case_class", "assigned_official_id", "assigned_official__first_name", "assigned_official__last_name",
                "assigned_official__username", "opened_on", "assessment_due_on", "plan_due_on",
                "selection_due_on", "agreement_due_on", "is_assessment_overdue", "is_selection_overdue",
                "is_agreement_overdue", "is_plan_overdue", "closing_reason", "closing_note", "closed_on",
                "previous_case_id", "version", "created_at", "updated_at")


def case_list_rows(user, dong_id: int, stage: str, today: dt.date) -> QuerySet:
    """The endpoint's page from the product's querysets (the user's cases, the deadline flags of CaseQuerySet,
    the endpoint's order), as plain values: the database's share of the response."""
    return (Case.objects.visible_to(user).filter(household__dong_id=dong_id, stage=stage)
            .with_deadline_flags(today).order_by("-updated_at", "-id").values(*CASE_COLUMNS)[:CASE_LIST_PAGE])


def _fill_case_page(dong_id: int, stage: str, *, by, have: int) -> list[int]:
    """Cases in ``stage`` for households of the dong without an open case, until a full page exists (the 100k
    demo has about 25 cases in service per dong); returns their ids, for the caller to delete afterwards."""
    missing = CASE_LIST_PAGE - have
    if missing <= 0:
        return []
    heads = (Resident.objects.filter(household__dong_id=dong_id, household__is_demo=True, relation=Relation.HEAD,
                                     left_on__isnull=True)
             .exclude(household__cases__stage__in=OPEN_STAGES).order_by("household_id")
             .values_list("household_id", "pk")[:missing])
    opened = timezone.localdate() - dt.timedelta(days=60)
    made = Case.objects.bulk_create([
        Case(household_id=household_id, client_id=client_id, opened_on=opened, source=CaseSource.VISIT, stage=stage,
             assessment_due_on=opened + dt.timedelta(days=ASSESSMENT_DAYS),
             plan_due_on=opened + dt.timedelta(days=PLAN_DAYS), assigned_official=by)
        for household_id, client_id in heads
    ])
    return [case.pk for case in made]


SOURCE_LABELS, STAGE_LABELS = dict(CaseSource.choices), dict(CaseStage.choices)
CLASS_LABELS, CLOSING_LABELS = dict(CaseClass.choices), dict(ClosingReason.choices)


def _case_json(row: tuple) -> dict:
    """One case in the serializer's shape: the nested client and official, the four labels, the dong."""
    c = dict(zip(CASE_COLUMNS, row, strict=True))
    official = None
    if c["assigned_official_id"]:
        official = {"id": c["assigned_official_id"],
                    "name": f"{c['assigned_official__last_name']}{c['assigned_official__first_name']}".strip()
                    or c["assigned_official__username"]}
    return {
        "id": c["id"], "household": c["household_id"], "dong": c["household__dong_id"],
        "client": {"id": c["client_id"], "name": c["client__name"]} if c["client_id"] else None,
        "source": c["source"], "source_display": str(SOURCE_LABELS.get(c["source"], "")),
        "stage": c["stage"], "stage_display": str(STAGE_LABELS.get(c["stage"], "")),
        "case_class": c["case_class"], "case_class_display": str(CLASS_LABELS.get(c["case_class"], "")),
        "assigned_official": official, "opened_on": c["opened_on"], "assessment_due_on": c["assessment_due_on"],
        "plan_due_on": c["plan_due_on"], "selection_due_on": c["selection_due_on"],
        "agreement_due_on": c["agreement_due_on"], "is_assessment_overdue": c["is_assessment_overdue"],
        "is_selection_overdue": c["is_selection_overdue"], "is_agreement_overdue": c["is_agreement_overdue"],
        "is_plan_overdue": c["is_plan_overdue"], "closing_reason": c["closing_reason"],
        "closing_reason_display": str(CLOSING_LABELS.get(c["closing_reason"], "")),
        "closing_note": c["closing_note"], "closed_on": c["closed_on"], "previous_case": c["previous_case_id"],
        "version": c["version"], "created_at": c["created_at"], "updated_at": c["updated_at"],
    }


def _issued_token(user, name: str) -> tuple[APIClient, ApiToken]:
    token, key = ApiToken.issue(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client, token


def _statements_before_rows(client: APIClient, path: str) -> list[str]:
    """The SELECTs the API sends before its case rows (the token's look-up, the user's dongs), captured from one
    request: an equal-work baseline authenticates and scopes too. The token's ``last_used_at`` write (once a
    minute at most) is not among them."""
    with CaptureQueries(connection) as captured:
        _get(client, path)
    statements = []
    for query in captured.captured_queries:
        if 'FROM "households_case"' in query["sql"]:
            return statements
        if query["sql"].startswith("SELECT "):
            statements.append(query["sql"])
    raise CommandError(f"GET {path}: no statement of the case rows")


def _get(client: APIClient, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code}: {response.content[:200]!r}")
    return response


def case_list_api(bench: Bench) -> list[Row]:
    """``GET /api/v1/cases/?dong=…&stage=in_service&page_size=50`` with a token of the demo official, beside an
    equal-work raw baseline: the statements the API sends before its rows (the token's look-up, the user's dongs)
    replayed on a bare cursor, as the list's baseline replays the session's and the user's; then the same rows'
    query (compiled from the product's queryset: the same scoping, no SQL copied here), shaped as the serializer
    does (nested client and official, the four labels) with ``json.dumps``, and the same access-log write
    (``log_list``). It leaves out DRF's request and the keyset's extra row. The earlier baseline, without the
    token's and the dongs' statements, is printed too, with the ratio against it. Timed committed, as in
    production; the token and any cases added for a full page are deleted afterwards (the access-log rows stay:
    the log is append-only).
    """
    user = get_user_model().objects.get(username="official")
    dong_ids = sorted(personal_dong_ids(user))
    stage = CaseStage.IN_SERVICE
    counts = dict(Case.objects.visible_to(user).filter(stage=stage)
                  .values_list("household__dong_id").annotate(n=Count("pk")).order_by())
    if not dong_ids:
        raise CommandError("The demo official works in no dong.")
    dong_id = max(dong_ids, key=lambda pk: counts.get(pk, 0))  # the fullest page
    counts.setdefault(dong_id, 0)
    path = f"/api/v1/cases/?dong={dong_id}&stage={stage}&page_size={CASE_LIST_PAGE}"
    sql, params = compiled(case_list_rows(user, dong_id, stage, timezone.localdate()))
    filters = {"dong": str(dong_id), "stage": stage, "page_size": str(CASE_LIST_PAGE)}
    rows = []
    made: dict[str, list] = {"cases": [], "tokens": []}

    def cleanup() -> None:
        Case.objects.filter(pk__in=made["cases"]).delete()
        ApiToken.objects.filter(pk__in=made["tokens"]).delete()

    with committed(cleanup):
        made["cases"] = _fill_case_page(dong_id, stage, by=user, have=counts[dong_id])
        added = len(made["cases"])
        client, token = _issued_token(user, "bench case_list_api")
        made["tokens"].append(token.pk)

        before_rows = _statements_before_rows(client, path)

        def rows_only() -> str:
            _names, found = fetch_raw(sql, params)
            encoded = json.dumps([_case_json(row) for row in found], default=str, ensure_ascii=False)
            log_list("households.case.listed", user=user, params=filters, count=len(found))
            return encoded

        def raw() -> str:
            with connection.cursor() as cursor:
                for statement in before_rows:
                    cursor.execute(statement)
                    cursor.fetchall()
            return rows_only()

        (api_median, api_p95), (raw_median, raw_p95), (rows_median, rows_p95) = bench.time_side_by_side(
            lambda: _get(client, path), raw, rows_only)
        with CaptureQueries(connection) as api_queries:
            response = _get(client, path)
        with CaptureQueries(connection) as raw_queries:
            encoded = raw()
    shown = [row["id"] for row in response.json()["results"]]
    same = shown == [row["id"] for row in json.loads(encoded)]
    ratio = api_median / raw_median if raw_median else None
    topped = f" (+{added} added for the timing, deleted after)" if added else ""
    rows.append(Row("case_list_api", "API (token, DRF, serializer, access log)", api_median, api_p95,
                    len(api_queries), ratio,
                    note=f"dong #{dong_id}: {len(shown)} of {counts[dong_id] + added} cases in service{topped}; "
                         f"{len(response.content):,} bytes"))
    rows.append(Row("case_list_api", "raw SQL + labels + json.dumps + log (same 50 rows)", raw_median, raw_p95,
                    len(raw_queries),
                    note=f"same ids as the API: {'yes' if same else 'NO'}; {len(encoded.encode()):,} bytes; "
                         f"the token's and the dongs' statements replayed first ({len(before_rows)}); "
                         f"leaves out DRF and the keyset's extra row"))
    rows_ratio = api_median / rows_median if rows_median else None
    rows.append(Row("case_list_api", "the same without the token's and the dongs' statements", rows_median,
                    rows_p95, len(raw_queries) - len(before_rows),
                    note=f"the earlier baseline; API ÷ this: {rows_ratio:.1f}×" if rows_ratio else "the earlier baseline"))
    if ratio is not None:
        bench.judge("case list API vs equal-work raw SQL", f"{ratio:.1f}×", "≤ 3×", ratio <= 3)
    return rows


API_PAGE = 200


def api_pages(bench: Bench) -> list[Row]:
    """200-row pages of the API (the largest a client may ask for) at district scope: households (with their
    residents) and cases, with a token of the district admin, committed as in production; the token is deleted
    afterwards (the access-log rows stay)."""
    admin = get_user_model().objects.get(username="admin")
    rows = []
    made: list[int] = []
    with committed(lambda: ApiToken.objects.filter(pk__in=made).delete()):
        client, token = _issued_token(admin, "bench api_pages")
        made.append(token.pk)
        for label, path in (("api households", f"/api/v1/households/?page_size={API_PAGE}"),
                            ("api cases", f"/api/v1/cases/?page_size={API_PAGE}")):
            median, p95 = bench.time(lambda path=path: _get(client, path))
            with CaptureQueries(connection) as queries:
                response = _get(client, path)
            shown = len(response.json()["results"])
            rows.append(Row(label, f"page_size={API_PAGE} (admin, token)", median, p95, len(queries),
                            note=f"{shown} rows, {len(response.content):,} bytes"))
            bench.judge(f"{label}: a {API_PAGE}-row page", f"{median:.0f} ms ({shown} rows)", "≤ 60 ms",
                        median <= 60)
    return rows
