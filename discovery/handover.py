"""Discovery's part of a hand-over (``welfare.handover``): the departing official's open crisis reports go to the
receiver where they work, else to the dong's queue (the triage queue's unassigned reports)."""

from __future__ import annotations

from django.utils import timezone

from welfare.handover import HandOver, move_assigned, register_hand_over

from .models import CrisisReport


@register_hand_over
def hand_over_reports(order: HandOver) -> dict[str, int]:
    return {"reports": move_assigned(CrisisReport.objects.open().filter(assigned_official=order.from_user), "dong",
                                     order, "assigned_official", updated_at=timezone.now())}
