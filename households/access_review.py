"""Tells the access-log review (welfare.access_review) which dong and district an entry's subject household is in,
when the entry is written: one query for a batch of households."""

from collections.abc import Iterable

from welfare.access_review.subjects import register

from .models import Household


def places(household_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    rows = Household.objects.filter(pk__in=list(household_ids)).order_by().values_list("pk", "dong_id", "district_id")
    return {pk: (dong_id, district_id) for pk, dong_id, district_id in rows}


register(places)
