"""The household page's panels, read by the household's id: each a queryset written once and compiled once per
process (:class:`welfare.common.prepared.Prepared`), as the page is the one officials open most and these reads
have one shape whatever the household. The panels' rules (which rows, their order, how many) live here.
"""

from __future__ import annotations

import datetime as dt

from welfare.common.prepared import Prepared, as_prefetched

from .models import Case, CheckIn, Consent, FollowUp, IsolationScreening, MemberEvent, Resident, Visit
from .services.consents import with_evidence

PANEL_CHECK_INS = 5
PANEL_EVENTS = 10
PANEL_VISITS = 10

latest_visits = Prepared(lambda household_id: Visit.objects.filter(household_id=household_id)
                         .select_related("recorded_by").order_by("-visited_at", "-id")[:PANEL_VISITS], int)
# At most one open follow-up per reason (a constraint), so this list is short by construction.
open_follow_ups = Prepared(lambda household_id: FollowUp.objects.filter(household_id=household_id).open()
                           .select_related("assigned_to").order_by("due_on", "id"), int)
latest_check_ins = Prepared(lambda household_id: CheckIn.objects.filter(household_id=household_id)
                            .select_related("recorded_by").order_by("-at", "-id")[:PANEL_CHECK_INS], int)
latest_member_events = Prepared(lambda household_id: MemberEvent.objects.filter(household_id=household_id)
                                .select_related("resident").order_by("-on", "-id")[:PANEL_EVENTS], int)
latest_isolation_screening = Prepared(
    lambda household_id: IsolationScreening.objects.filter(household_id=household_id).select_related("resident")
    .order_by("-screened_on", "-id")[:1], int)
current_residents = Prepared(
    lambda household_id: Resident.objects.filter(household_id=household_id).current().order_by("id"), int)
# Every case of the household, newest first, with its deadline flags as of ``today``.
cases_with_flags = Prepared(
    lambda household_id, today: Case.objects.filter(household_id=household_id).with_deadline_flags(today)
    .select_related("assigned_official", "client").order_by("-opened_on", "-id"), int, dt.date)

# Every resident (by the day they left, then id) and their consents (by scope, newest first; whether each has its
# evidence on record): the page's residents table. The consents are read by the residents' ids, compiled once per
# number of residents, and given to each resident as ``prefetch_related`` would (``resident.consents.all()`` asks
# nothing).
_residents = Prepared(
    lambda household_id: Resident.objects.filter(household_id=household_id).order_by("left_on", "id"), int)
_consents_of = Prepared(lambda resident_ids: with_evidence(Consent.objects.filter(resident_id__in=resident_ids))
                        .order_by("scope", "-granted_on"), list)


def residents_with_consents(household_id: int) -> list[Resident]:
    residents = _residents(household_id)
    consents: dict[int, list[Consent]] = {resident.pk: [] for resident in residents}
    for consent in _consents_of(sorted(consents)):
        consents[consent.resident_id].append(consent)
    for resident in residents:
        as_prefetched(resident, "consents", consents[resident.pk])
    return residents
