"""The risk levels 긴급 and 일반 in the demo (issue 16 item 4), after the casework: most low-risk households are
일반 (isolation score 0: a yearly check), and a few high-risk households under care in each demo district (medium-risk ones in a small demo) are
긴급 (due today). Set-based, deterministic (by id) and safe to run again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case, F, Value, When

from households.models import CareStatus, FollowUp, FollowUpReason, FollowUpStatus, Household, RiskLevel

EMERGENCIES_PER_DISTRICT = 3
GENERAL_REMAINDERS = (0, 1, 2)  # id % 5 in these: 60 % of the low-risk households are 일반


@transaction.atomic
def seed_risk_levels(*, districts: list, today: dt.date) -> dict[str, int]:
    demo = Household.objects.filter(is_demo=True)
    low = demo.filter(risk_level=RiskLevel.LOW).annotate(id_mod5=F("id") % 5)
    general = Household.objects.filter(pk__in=low.filter(id_mod5__in=GENERAL_REMAINDERS).values("pk")).update(
        risk_level=RiskLevel.GENERAL)
    emergency = 0
    for district in districts:
        in_district = demo.filter(dong__district=district)
        if in_district.filter(risk_level=RiskLevel.EMERGENCY).exists():
            continue
        # High-risk households under care first; a small demo may have none, then medium-risk ones.
        high_first = Case(When(risk_level=RiskLevel.HIGH, then=Value(0)), default=Value(1))
        ids = list(in_district.filter(risk_level__in=(RiskLevel.HIGH, RiskLevel.MEDIUM),
                                      status__in=(CareStatus.UNDER_CARE, CareStatus.MONITORING))
                   .order_by(high_first, "id").values_list("id", flat=True)[:EMERGENCIES_PER_DISTRICT])
        emergency += Household.objects.filter(pk__in=ids).update(risk_level=RiskLevel.EMERGENCY, next_contact_on=today)
        FollowUp.objects.filter(household_id__in=ids, status=FollowUpStatus.OPEN,
                                reason=FollowUpReason.CADENCE).update(due_on=today)
    return {"households_general": general, "households_emergency": emergency}
