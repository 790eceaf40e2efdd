"""Crisis reports on the household timeline: discovery's source, registered in households' timeline registry
(households discovers this module; it never imports discovery)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from households.timeline import TimelineSource, join_parts, register, url_or_none

from .models import CrisisReport


def _crisis_report(r: CrisisReport) -> dict:
    return {
        "summary": join_parts(r.receipt_code, r.get_channel_display(), r.get_urgency_display(),
                              r.get_outcome_display() if r.outcome else r.get_status_display()),
        "who": r.assigned_official,
        "url": url_or_none("discovery:report_detail", r.pk),
        "tone": "alert" if r.urgency == "urgent" and not r.outcome else "",
    }


register(TimelineSource("report", gettext_lazy("위기가구 제보"), CrisisReport, "received_at", _crisis_report,
                        select_related=("assigned_official",),
                        # A report is its dong's: someone who sees the household through its case (the district's
                        # case team) sees the line without a link to a page that would answer 404.
                        visible=lambda user: CrisisReport.objects.visible_to(user)))
