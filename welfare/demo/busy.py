"""One busy household, for the benchmark and the timeline tests: many timeline events of every kind."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from households.models import (
    ASSESSMENT_DAYS,
    OPEN_STAGES,
    PLAN_DAYS,
    Case,
    CaseSource,
    CaseStage,
    CaseStageChange,
    CheckIn,
    CheckInSource,
    Consent,
    ConsentMethod,
    ConsentScope,
    ContactResult,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    LeftReason,
    LinkStatus,
    MemberEvent,
    MemberEventKind,
    NeedDomain,
    Relation,
    Resident,
    ServiceLink,
    Severity,
    Visit,
    VisitKind,
    VisitNeed,
)
from plans.models import Resource, ResourceCategory, Sector

from .casework_rows import ALERT_NOTES
from .common import own_timestamps

BUSY_KINDS = ("visit", "stage", "link", "checkin", "followup", "member")
# A case that keeps cycling through reassessment gives as many stage changes as wanted, all legal moves.
_OPENING = (CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING, CaseStage.IN_SERVICE)
_CYCLE = (CaseStage.REASSESSMENT, CaseStage.PLANNING, CaseStage.IN_SERVICE)


def _busy_resource(household: Household) -> Resource:
    resource = Resource.objects.serving(household.dong_id).filter(district_id=household.dong.district_id).first()
    if resource is None:
        resource, _created = Resource.objects.get_or_create(
            district_id=household.dong.district_id, name="푸드뱅크(가상)", provider="가상 기관",
            defaults={"sector": Sector.PUBLIC, "category": ResourceCategory.FOOD},
        )
    return resource


@transaction.atomic
def seed_busy_household(household: Household, *, events: int = 200, by=None) -> dict[str, int]:
    """Give one household ``events`` timeline events of every kind, interleaved over the past two years.

    Kinds take turns (visit, stage change, link, check-in, follow-up, composition event), one every few days,
    so any page of the timeline mixes them all. Bulk inserts only. Returns the number made per kind.
    """
    household = Household.objects.select_related("dong").get(pk=household.pk)
    now = timezone.now()
    step = dt.timedelta(days=730) / max(events, 1)
    slots: dict[str, list[dt.datetime]] = {k: [] for k in BUSY_KINDS}
    for i in range(events):  # slot 0 is the newest
        slots[BUSY_KINDS[i % len(BUSY_KINDS)]].append(now - step * i - dt.timedelta(minutes=1))
    for times in slots.values():
        times.reverse()  # oldest first: stage changes must run forward
    user_id = getattr(by, "pk", None)
    residents = list(household.residents.filter(left_on__isnull=True).order_by("pk"))
    if not residents:
        residents = [Resident.objects.create(household=household, name="가상인", relation=Relation.HEAD)]
    client = next((r for r in residents if r.relation == Relation.HEAD), residents[0])
    made = dict.fromkeys(BUSY_KINDS, 0)

    with own_timestamps(Visit, FollowUp, ServiceLink, MemberEvent, Case, Consent):
        visits = [Visit(household=household, visited_at=at, kind=VisitKind.values[k % len(VisitKind.values)],
                        contact_result=ContactResult.MET, risk_level=household.risk_level, recorded_by_id=user_id,
                        created_at=at) for k, at in enumerate(slots["visit"])]
        Visit.objects.bulk_create(visits)
        VisitNeed.objects.bulk_create([VisitNeed(visit=v, domain=NeedDomain.values[k % len(NeedDomain.values)],
                                                 severity=Severity.MEDIUM) for k, v in enumerate(visits)])
        made["visit"] = len(visits)

        case = household.cases.filter(stage__in=OPEN_STAGES).first()
        stage_times = slots["stage"]
        if stage_times:
            stages = list(_OPENING[:len(stage_times)])
            while len(stages) < len(stage_times):
                stages.append(_CYCLE[(len(stages) - len(_OPENING)) % len(_CYCLE)])
            if case is None:
                opened_on = timezone.localdate(stage_times[0])
                Consent.objects.bulk_create([Consent(
                    resident=client, scope=ConsentScope.COLLECT_USE, granted_on=opened_on,
                    method=ConsentMethod.WRITTEN, recorded_by_id=user_id, created_at=stage_times[0])])
                case = Case(household=household, client=client, opened_on=opened_on, source=CaseSource.VISIT,
                            stage=stages[-1], assigned_official_id=household.assigned_official_id or user_id,
                            assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
                            plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS), version=len(stages),
                            created_at=stage_times[0], updated_at=stage_times[-1])
                Case.objects.bulk_create([case])
            CaseStageChange.objects.bulk_create([
                CaseStageChange(case=case, household=household, from_stage=stages[k - 1] if k else "", to_stage=s,
                                at=at, by_id=user_id)
                for k, (s, at) in enumerate(zip(stages, stage_times, strict=True))
            ])
            made["stage"] = len(stage_times)

        if slots["link"]:
            resource = _busy_resource(household)
            statuses = (LinkStatus.COMPLETED, LinkStatus.IN_SERVICE, LinkStatus.DECLINED, LinkStatus.ACCEPTED)
            ServiceLink.objects.bulk_create([
                ServiceLink(household=household, case=case, resource=resource, requested_on=timezone.localdate(at),
                            status=statuses[k % len(statuses)], amount_krw=(k % 5) * 100_000 or None,
                            status_reason="본인 거부" if statuses[k % len(statuses)] == LinkStatus.DECLINED else "",
                            created_by_id=user_id, created_at=at, updated_at=at)
                for k, at in enumerate(slots["link"])
            ])
            made["link"] = len(slots["link"])

        sources = CheckInSource.values
        CheckIn.objects.bulk_create([
            CheckIn(household=household, at=at, source=sources[k % len(sources)], is_alert=k % 7 == 0,
                    note=ALERT_NOTES[k % len(ALERT_NOTES)] if k % 7 == 0 else "")
            for k, at in enumerate(slots["checkin"])
        ])
        made["checkin"] = len(slots["checkin"])

        # One open follow-up per household and reason (a constraint): the newest is open unless one already is.
        has_open = household.follow_ups.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).exists()
        follow_ups = []
        for k, at in enumerate(slots["followup"]):
            newest = k == len(slots["followup"]) - 1
            status = FollowUpStatus.OPEN if newest and not has_open else (
                FollowUpStatus.CANCELLED if k % 5 == 4 else FollowUpStatus.DONE)
            follow_ups.append(FollowUp(
                household=household, due_on=timezone.localdate(at) + dt.timedelta(days=14),
                reason=FollowUpReason.CADENCE, status=status, assigned_to_id=household.assigned_official_id,
                created_at=at, closed_at=None if status == FollowUpStatus.OPEN else at + dt.timedelta(days=14),
            ))
        FollowUp.objects.bulk_create(follow_ups)
        made["followup"] = len(follow_ups)

        kinds = (MemberEventKind.JOINED, MemberEventKind.LEFT, MemberEventKind.HEAD_CHANGED)
        MemberEvent.objects.bulk_create([
            MemberEvent(household=household, resident=residents[k % len(residents)], kind=kinds[k % 3],
                        on=timezone.localdate(at), reason=LeftReason.MOVED_OUT if kinds[k % 3] == "left" else "",
                        recorded_by_id=user_id, created_at=at)
            for k, at in enumerate(slots["member"])
        ])
        made["member"] = len(slots["member"])
    return made
