"""The households' part of the one scoping mechanism (welfare.scoping): who sees households by case.

The district's case-management team (희망복지지원단) holds no dong: it sees, across its district, the households
with an open difficult (고난도) case and those whose case a transfer request names or the team holds. Every
``visible_to`` of a household record asks this through ``welfare.scoping.case_households``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from welfare.scoping import register_case_households

from .models import OPEN_STAGES, OPEN_TRANSFER_STATUSES, Case, CaseClass


def difficult_case_households(user, district_dong_ids: frozenset[int]) -> QuerySet:
    """Household ids (a subquery): open difficult cases of the district, and cases with a transfer in progress.

    Two parts joined by UNION, each starting from its few cases: written as one OR over a LEFT JOIN of the
    transfers, no case could be left out before the join, and PostgreSQL matched every case to every household
    of the district (109 ms at 1,000,000 households, on every page and list of the team)."""
    district = Case.objects.filter(household__dong__in=district_dong_ids).order_by()
    difficult = district.filter(case_class=CaseClass.DIFFICULT, stage__in=OPEN_STAGES).values("household_id")
    transferred = district.filter(transfers__status__in=OPEN_TRANSFER_STATUSES).values("household_id")
    return difficult.union(transferred)


register_case_households("sees_difficult_cases", difficult_case_households)
