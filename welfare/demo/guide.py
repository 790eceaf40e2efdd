"""Demo groupings of the welfare guide (issue 17): the demo resources get life stages and recipient types by their
category, once (only resources with neither set are touched, so a district's own choices stay)."""

from __future__ import annotations

from collections.abc import Iterable

from plans.models import Resource
from welfare.models import District

BY_CATEGORY = {
    "livelihood": ([], ["basic_livelihood", "near_poor"]),
    "emergency": ([], ["crisis"]),
    "pension": (["old_age"], ["basic_livelihood", "near_poor"]),
    "housing": (["youth", "middle_age"], ["near_poor", "crisis"]),
    "medical": ([], ["basic_livelihood", "disabled"]),
    "dental": (["old_age"], ["basic_livelihood"]),
    "mental_health": (["youth", "middle_age"], []),
    "care": (["old_age"], ["elderly_alone", "disabled"]),
    "food": ([], ["near_poor", "elderly_alone"]),
    "employment": (["youth", "middle_age"], ["single_parent"]),
    "legal": (["middle_age"], ["crisis"]),
    "moving": ([], ["crisis"]),
    "in_kind": (["pregnancy_infancy", "childhood"], ["single_parent"]),
}


def seed_guide_groups(districts: Iterable[District]) -> int:
    """One UPDATE per category."""
    updated, ids = 0, [d.pk for d in districts]
    for category, (stages, recipients) in BY_CATEGORY.items():
        updated += Resource.objects.filter(district_id__in=ids, category=category, life_stages=[],
                                           recipients=[]).update(life_stages=stages, recipients=recipients)
    return updated
