"""Bench scenario of the visit form (issue 13 item 5): the empty form, the form copied from the last visit, and
saving a visit with a 100-character note and two needs, as a practised official does on a tablet.

The server's share only: the 30-second target of the issue is the person's (reading, tapping, typing), which a
bench cannot time; what this shows is that the pages add no noticeable wait to it. The saves are timed twice:
rolled back on the demo household, and committed as the product does on a copy of it deleted afterwards.
"""

from __future__ import annotations

import re
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Household

from .core import Bench, CaptureQueries, Row, committed, page_row, rolled_back

# 100 characters: the "visit with a 100-character note".
NOTE = ("냉장고가 거의 비어 있고 당뇨 약을 2주째 드시지 못함. 월세 3개월 체납으로 집주인 독촉을 받고 있어 "
        "긴급지원 상담과 방문간호 연계를 안내함. 다음 주 화요일 오전 재방문 약속함")
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def visit_form(bench: Bench) -> list[Row]:
    user = get_user_model().objects.get(username="official")
    # A household of the official's with a visit to copy, if the demo holds one (else one is logged, rolled back).
    households = Household.objects.visible_to(user).filter(is_demo=True).order_by("pk")
    household = households.filter(visits__isnull=False).first() or households.first()
    if household is None:
        raise CommandError("The demo official sees no household.")
    url = reverse("households:visit_add", args=[household.pk])
    client = bench.login("official")
    rows = []

    def save() -> None:
        data = {
            "submission_token": str(uuid.uuid4()), "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home", "contact_result": "met", "risk_level": household.risk_level, "observations": NOTE,
            "next_contact_on": "", "need_health": "high", "need_health_note": "복약 중단", "need_income": "medium",
        }
        response = client.post(url, data)
        if response.status_code != 302:
            raise CommandError(f"POST {url} answered {response.status_code}: {response.content[:300]!r}")

    def committed_saves() -> Row:
        """The save as the product commits it, on a copy of the household made for the timing (the same dong,
        address and official) and deleted afterwards with its visits, needs and follow-ups."""
        nonlocal url
        spare = Household.objects.create(dong_id=household.dong_id, road_address=household.road_address,
                                         address_detail="벤치 임시", housing_type=household.housing_type,
                                         risk_level=household.risk_level, status=household.status,
                                         assigned_official=user, is_demo=True)
        url = reverse("households:visit_add", args=[spare.pk])
        try:
            with committed():
                median, p95 = bench.time(save)
                with CaptureQueries(connection) as queries:
                    save()
        finally:
            url = reverse("households:visit_add", args=[household.pk])
            spare.delete()
        return Row("visit_form", "save, committed (as in production)", median, p95, len(queries),
                   note="on a copy of the household, deleted after (its access-log rows stay)")

    try:
        rows_committed = [committed_saves()]
        with rolled_back():  # the access-log rows of the copies and every saved visit go away
            if not household.visits.exists():
                services.visit_record(household=household, by=user, data=services.VisitData(
                    kind="home", contact_result="met", risk_level=household.risk_level, observations=NOTE,
                    needs=(("health", "high", "복약 중단"), ("income", "medium", ""))))
            rows.append(page_row(bench, client, "visit_form", "empty form", url, note=f"household #{household.pk}"))
            rows.append(page_row(bench, client, "visit_form", "?copy=last (copied, logged)", f"{url}?copy=last",
                                 note="the last visit's kind, staff and needs"))
            median, p95 = bench.time(save)
            with CaptureQueries(connection) as queries:
                save()
            rows.append(Row("visit_form", "save: 100-char note, two needs", median, p95, len(queries),
                            note="visit, needs, household, follow-ups, log; then the redirect; "
                                 "inside a rolled-back transaction: no commit timed"))
            rows += rows_committed
    finally:
        client.logout()
    return rows
