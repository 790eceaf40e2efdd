"""Households' part of a hand-over (``welfare.handover``): the departing official's households, open follow-ups,
open cases and the 통s they answer for (as official or deputy) go to the receiver where they work, else to the
dong's queue. Two UPDATEs per kind at most; the open case's version moves (a form opened before is stale)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from welfare.handover import HandOver, move_assigned, register_hand_over

from .models import OPEN_STAGES, Area, Case, FollowUp, FollowUpStatus, Household


@register_hand_over
def hand_over_households(order: HandOver) -> dict[str, int]:
    who = order.from_user
    now = timezone.now()
    return {
        "households": move_assigned(Household.objects.filter(assigned_official=who), "dong", order,
                                    "assigned_official", updated_at=now),
        "follow_ups": move_assigned(FollowUp.objects.filter(assigned_to=who, status=FollowUpStatus.OPEN),
                                    "household__dong", order, "assigned_to"),
        "cases": move_assigned(Case.objects.filter(assigned_official=who, stage__in=sorted(OPEN_STAGES)),
                               "household__dong", order, "assigned_official", version=F("version") + 1,
                               updated_at=now),
        "areas": move_assigned(Area.objects.filter(official=who), "dong", order, "official")
        + move_assigned(Area.objects.filter(deputy=who), "dong", order, "deputy"),
    }
