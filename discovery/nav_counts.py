"""The header's count on 제보 접수함 (welfare.nav_counts): open reports the user may triage."""

from __future__ import annotations

from welfare.nav_counts import register

from .models import CrisisReport


@register("triage", "triage_reports")
def open_reports(user) -> int:
    return CrisisReport.objects.visible_to(user).open().count()
