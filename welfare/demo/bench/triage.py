"""Bench scenario of the discovery app: the crisis-report triage queue (issue 4)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from discovery.models import CrisisReport

from .core import Bench, Row, page_row, rolled_back


def triage_queue(bench: Bench) -> list[Row]:
    """The crisis-report triage queue for the demo official (first page, urgent only) and the demo lead (with
    the district queue). The count in the note is the product's scoped queryset (visible_to, open)."""
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

