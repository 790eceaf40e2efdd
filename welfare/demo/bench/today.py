"""Bench scenario of issue 15: the today page (the home of the demo official, and of the lead with the team's part
and the approval inbox) and the lead's dong queue, at the bench's scale; the notes count what the pages list."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from households.models import FollowUp, FollowUpStatus
from welfare.scoping import personal_dong_ids

from .core import Bench, Row, committed, page_row


def today_page(bench: Bench) -> list[Row]:
    rows = []
    lead = get_user_model().objects.get(username="lead")
    queued = FollowUp.objects.filter(status=FollowUpStatus.OPEN, assigned_to__isnull=True,
                                     household__dong__in=personal_dong_ids(lead)).count()
    with committed():  # each view writes and commits its access-log row, as in production (the rows stay)
        for username in ("official", "lead"):
            client = bench.login(username)
            try:
                rows.append(page_row(bench, client, "today", f"page ({username})", reverse("home")))
                if username == "lead":
                    rows.append(page_row(bench, client, "dong_queue", "page 1 (lead)",
                                         reverse("households:dong_queue"), note=f"{queued} unassigned follow-ups"))
                    rows.append(page_row(bench, client, "inbox", "page (lead)", reverse("inbox")))
            finally:
                client.logout()
    return rows
