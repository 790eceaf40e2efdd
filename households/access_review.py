"""Tells the access-log review (welfare.access_review) which dong and district an entry's subject household is in,
when the entry is written: one query for a batch of households (a query per 5,000 for a larger batch, within
SQLite's limit on a statement's parameters)."""

from collections.abc import Iterable

from welfare.access_review.subjects import register

from .models import Household

CHUNK = 5000


def places(household_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    ids = sorted(set(household_ids))
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = (Household.objects.filter(pk__in=ids[start:start + CHUNK]).order_by()
                .values_list("pk", "dong_id", "district_id"))
        found.update({pk: (dong_id, district_id) for pk, dong_id, district_id in rows})
    return found


register(places)
