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
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import (
    ASSESSMENT_DAYS,
    OPEN_STAGES,
    PLAN_DAYS,
    Case,
    CaseSource,
    CaseStage,
    Relation,
    Resident,
)
from welfare.models import ApiToken
from welfare.scoping import personal_dong_ids

from .core import Bench, Row, compiled, fetch_raw, rolled_back

CASE_LIST_PAGE = 50
# What CaseSerializer shows of a case (its labels left out).
CASE_COLUMNS = ("id", "household_id", "household__dong_id", "client_id", "client__name", "source", "stage",
                "case_class", "assigned_official_id", "assigned_official__first_name", "assigned_official__last_name",
                "assigned_official__username", "opened_on", "assessment_due_on", "plan_due_on",
                "is_assessment_overdue", "is_plan_overdue", "closing_reason", "closing_note", "closed_on",
                "previous_case_id", "version", "created_at", "updated_at")


def case_list_rows(user, dong_id: int, stage: str, today: dt.date) -> QuerySet:
    """The endpoint's page from the product's querysets (the user's cases, the deadline flags of CaseQuerySet,
    the endpoint's order), as plain values: the database's share of the response."""
    return (Case.objects.visible_to(user).filter(household__dong_id=dong_id, stage=stage)
            .with_deadline_flags(today).order_by("-updated_at", "-id").values(*CASE_COLUMNS)[:CASE_LIST_PAGE])


def _fill_case_page(dong_id: int, stage: str, *, by, have: int) -> int:
    """Inside the caller's rolled-back transaction: cases in ``stage`` for households of the dong without an open
    case, until a full page exists (the 100k demo has about 25 cases in service per dong)."""
    missing = CASE_LIST_PAGE - have
    if missing <= 0:
        return 0
    heads = (Resident.objects.filter(household__dong_id=dong_id, household__is_demo=True, relation=Relation.HEAD,
                                     left_on__isnull=True)
             .exclude(household__cases__stage__in=OPEN_STAGES).order_by("household_id")
             .values_list("household_id", "pk")[:missing])
    opened = timezone.localdate() - dt.timedelta(days=60)
    Case.objects.bulk_create([
        Case(household_id=household_id, client_id=client_id, opened_on=opened, source=CaseSource.VISIT, stage=stage,
             assessment_due_on=opened + dt.timedelta(days=ASSESSMENT_DAYS),
             plan_due_on=opened + dt.timedelta(days=PLAN_DAYS), assigned_official=by)
        for household_id, client_id in heads
    ])
    return len(heads)


def case_list_api(bench: Bench) -> list[Row]:
    """``GET /api/v1/cases/?dong=…&stage=in_service&page_size=50`` with a token of the demo official, beside a
    raw baseline: the same rows' query (compiled from the product's queryset, no SQL copied here) on a bare
    cursor, encoded with ``json.dumps`` of dicts, to show what DRF, the serializer and the access log add.

    The token and the access-log rows of the timed requests are written inside a rolled-back transaction.
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
            _names, found = fetch_raw(sql, params)
            return json.dumps([dict(zip(CASE_COLUMNS, row, strict=True)) for row in found], default=str,
                              ensure_ascii=False)

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
