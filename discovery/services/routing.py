"""Routing a public request by its road-name address, from the product's own address data (the households' road
addresses): no outside map service, works offline.

:func:`route_address` is the one place that decides where a typed address lands: the dong whose households live
on that building (else on that road, when the road lies in one dong), else the district queue of a district named
in the address, else nowhere (the form then asks for the dong, where "잘 모르겠어요" stays).
When areas (통) with responsible officials exist, this is where the area's official plugs in: ``Route`` gains the
official from the area service's ``owner_for(dong, address)`` and ``report_create`` assigns the report to them.

:func:`address_suggestions` answers the form's suggestion box with road names and dongs only — never a building
number, a flat or a household.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from households.models import Household
from welfare.common.addresses import address_key
from welfare.models import District, Dong

from .matching import ROAD_AND_NUMBER, building_key

ROUTE_SAMPLE = 300  # households read to decide a road's dong (one indexed query)
SUGGESTION_SAMPLE = 400
SUGGESTIONS_MAX = 8
# A road is suggested only where at least this many households live on it: a suggestion never hints that one
# particular home on a quiet road is known to the welfare centre.
SUGGEST_MIN_HOMES = 3
QUERY_MIN = 2
_ROAD = re.compile(r"[가-힣A-Za-z0-9]+(?:로|길)")
_DISTRICT_NAME = re.compile(r"([가-힣]{1,5}구)(?:\s|$)")


@dataclass(frozen=True)
class Route:
    district: District | None
    dong: Dong | None

    @property
    def found(self) -> bool:
        return self.dong is not None


def _district_named(address: str) -> District | None:
    for name in _DISTRICT_NAME.findall(address or ""):
        district = District.objects.filter(name=name).first()
        if district is not None:
            return district
    return None


def route_address(address: str) -> Route:
    """Where a request with this road-name address goes (see the module's text)."""
    named = _district_named(address)
    match = ROAD_AND_NUMBER.search(address or "")
    if match is None:
        return Route(named, None)
    road, building = match.group(1), building_key(address)
    homes = Household.objects.filter(road_address__contains=road)
    if named is not None:
        homes = homes.filter(dong__district=named)
    rows = list(homes.values_list("road_address", "dong_id")[:ROUTE_SAMPLE])
    same_building = {dong for text, dong in rows if building_key(text) == building}
    same_road = {dong for text, dong in rows if (m := ROAD_AND_NUMBER.search(text)) and m.group(1) == road}
    for dongs in (same_building, same_road):
        if len(dongs) == 1:
            dong = Dong.objects.select_related("district").get(pk=next(iter(dongs)))
            return Route(dong.district, dong)
        if dongs:
            break  # the building or the road spans dongs: a person decides
    return Route(named, None)


def address_suggestions(text: str) -> list[dict[str, str]]:
    """Road names that contain ``text``, with their dong and district (one query); empty for less than two
    characters. Building numbers and flats are never returned, nor a road with fewer than SUGGEST_MIN_HOMES
    known homes in that dong."""
    text = " ".join((text or "").split())[:40]
    if len(text) < QUERY_MIN:
        return []
    road_part = _ROAD.search(text)
    needle = road_part.group(0) if road_part else re.sub(r"[\d\s\-,]+$", "", text) or text
    rows = Household.objects.filter(road_address__icontains=needle).values_list(
        "road_address", "dong__name", "dong__district__name"
    )[:SUGGESTION_SAMPLE]
    homes: dict[tuple[str, str, str], int] = {}
    key = address_key(needle)
    for road_address, dong, district in rows:
        for road in dict.fromkeys(_ROAD.findall(road_address)):
            if key in address_key(road):
                homes[(road, dong, district)] = homes.get((road, dong, district), 0) + 1
    seen = [row for row, n in homes.items() if n >= SUGGEST_MIN_HOMES]
    ordered = sorted(seen, key=lambda r: (not r[0].startswith(needle), r[0], r[2], r[1]))
    return [
        {"road": road, "dong": dong, "district": district}
        for road, dong, district in ordered[:SUGGESTIONS_MAX]
    ]
