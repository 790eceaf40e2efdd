"""The household page's panels, read by the household's id: each a queryset written once and compiled once per
process (:class:`welfare.common.prepared.Prepared`), as the page is the one officials open most and these reads
have one shape whatever the household. The panels' rules (which rows, their order, how many) live here.
"""

from __future__ import annotations

import datetime as dt

from welfare.common.prepared import Prepared

from .models import Case, CheckIn, FollowUp, IsolationScreening, MemberEvent, Resident, Visit

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
