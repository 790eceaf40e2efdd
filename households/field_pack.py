"""The offline field pack: what an official's tablet keeps for the coming days of field work.

The official's own households (their caseload under care or monitoring), those with a follow-up of theirs due
within ``OFFLINE_PACK_DAYS_AHEAD`` days (overdue ones included), and the households they opened lately (ids the
device sends, checked against their scope), at most ``OFFLINE_PACK_MAX_HOUSEHOLDS``. Per household: the summary,
current residents by name and age (never a registration number, a phone or sensitive details), risk, the last
visits, the open case's stage and goals and the open follow-ups; with them the visit form's choices, the consent
scopes' legal text (a consent is signed on the device offline) and the district's cadence policy, so the device proposes the next contact as the server would. A constant number of
queries whatever the number of households (the sections other apps add run their own, also constant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Prefetch
from django.utils import timezone

from welfare.common.dates import seoul_today
from welfare.common.people import display_name

from .consent_texts import AGREEMENT, CONSENT_TEXTS
from .field_registry import pack_sections
from .models import (
    AttachmentKind,
    Case,
    CaseGoal,
    CaseStage,
    CheckInSource,
    ConsentScope,
    ContactResult,
    FollowUp,
    FollowUpStatus,
    Household,
    NeedDomain,
    Resident,
    RiskLevel,
    Severity,
    Visit,
    VisitKind,
)
from .models.cases import OPEN_STAGES
from .models.policy import CadencePolicy
from .selectors import CARE_STATUSES

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LAST_VISITS = 3
DAYS_AHEAD = 7


def _choices(choices) -> list[list[str]]:
    return [[value, str(label)] for value, label in choices]


def pack_household_ids(user: User, *, opened: Sequence[int] = (), today: dt.date | None = None) -> list[int]:
    """The households of the pack, most urgent first: the caseload and the follow-ups due within the coming days
    (by date), then the ones the official opened; capped."""
    today = today or seoul_today()
    cap = settings.OFFLINE_PACK_MAX_HOUSEHOLDS
    visible = Household.objects.visible_to(user).filter(anonymised_at__isnull=True)
    # Two look-ups, each in the pack's order and capped, merged here: the caseload (for a busy official, a walk of
    # the households in next-contact order that stops at the cap) and the households of the follow-ups due (from
    # the official's follow-ups). One OR with an EXISTS had PostgreSQL test every household a district admin or a
    # lead may see (802 ms at 1,000,000 households); one UNION made a busy official's 9,537 households sort.
    order = (F("next_contact_on").asc(nulls_last=True), "pk")
    mine = visible.filter(assigned_official=user, status__in=CARE_STATUSES).order_by(*order)
    due = visible.filter(follow_ups__assigned_to=user, follow_ups__status=FollowUpStatus.OPEN,
                         follow_ups__due_on__lte=today + dt.timedelta(days=DAYS_AHEAD)).order_by(*order).distinct()
    found = {pk: next_on for part in (mine, due) for pk, next_on in part.values_list("pk", "next_contact_on")[:cap]}
    ids = sorted(found, key=lambda pk: (found[pk] is None, found[pk] or dt.date.min, pk))[:cap]
    room = cap - len(ids)
    wanted = [pk for pk in dict.fromkeys(opened) if pk not in set(ids)][:max(0, room)]
    if wanted:
        found = set(visible.filter(pk__in=wanted).values_list("pk", flat=True))
        ids += [pk for pk in wanted if pk in found]
    return ids


def _household(h: Household, today: dt.date) -> dict[str, Any]:
    case = next(iter(h.open_cases), None)
    return {
        "id": h.pk,
        "dong": h.dong.name,
        "address": " ".join(part for part in (h.road_address, h.address_detail) if part),
        "housing": h.get_housing_type_display(),
        "risk_level": h.risk_level,
        "status": h.status,
        "status_label": h.get_status_display(),
        "last_contact_on": h.last_contact_on.isoformat() if h.last_contact_on else None,
        "next_contact_on": h.next_contact_on.isoformat() if h.next_contact_on else None,
        "overdue": bool(h.next_contact_on and h.next_contact_on < today),
        "residents": [{"id": r.pk, "name": r.name, "age": r.age, "relation": r.get_relation_display()}
                      for r in h.current],
        "visits": [{"id": v.pk, "at": timezone.localtime(v.visited_at).isoformat(timespec="minutes"),
                    "kind": v.get_kind_display(), "result": v.get_contact_result_display(),
                    "risk": v.get_risk_level_display(), "observations": v.observations[:500],
                    "by": v.recorded_by.get_full_name() if v.recorded_by else ""} for v in h.recent_visits],
        "case": None if case is None else {
            "id": case.pk, "stage": case.stage, "stage_label": case.get_stage_display(),
            "in_service": case.stage == CaseStage.IN_SERVICE,
            "goals": [{"text": g.text, "target_on": g.target_on.isoformat(), "achieved": g.achieved_on is not None}
                      for g in case.goals.all()],
        },
        "follow_ups": [{"due_on": f.due_on.isoformat(), "reason": f.get_reason_display(),
                        "overdue": f.due_on < today} for f in h.open_follow_ups],
    }


def field_pack(user: User, *, opened: Sequence[int] = (), now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = pack_household_ids(user, opened=opened, today=today)
    households = (
        Household.objects.filter(pk__in=ids).select_related("dong")
        .prefetch_related(
            Prefetch("residents", Resident.objects.current().order_by("relation", "birth_date", "id"), to_attr="current"),
            Prefetch("visits", Visit.objects.select_related("recorded_by").order_by("-visited_at", "-id")[:LAST_VISITS],
                     to_attr="recent_visits"),
            Prefetch("cases", Case.objects.filter(stage__in=sorted(OPEN_STAGES)).prefetch_related(
                Prefetch("goals", CaseGoal.objects.order_by("target_on", "id"))), to_attr="open_cases"),
            Prefetch("follow_ups", FollowUp.objects.filter(status=FollowUpStatus.OPEN).order_by("due_on", "id"),
                     to_attr="open_follow_ups"),
        )
    )
    order = {pk: n for n, pk in enumerate(ids)}
    rows = sorted(households, key=lambda h: order[h.pk])
    district_id = rows[0].dong.district_id if rows else getattr(getattr(user, "staff", None), "district_id", None)
    policy = CadencePolicy.for_district(district_id) if district_id else CadencePolicy()
    hours = settings.OFFLINE_PACK_HOURS
    pack: dict[str, Any] = {
        "version": 1,
        "generated_at": now.isoformat(),
        "expires_at": (now + dt.timedelta(hours=hours)).isoformat(),
        "hours": hours,
        "user": {"id": user.pk, "name": display_name(user)},
        "policy": {"high": policy.high_days, "medium": policy.medium_days, "low": policy.low_days,
                   "emergency": policy.emergency_days, "general": policy.general_days,
                   "in_service": policy.in_service_days},
        "choices": {
            "kind": _choices(VisitKind.choices), "contact_result": _choices(ContactResult.choices),
            "risk_level": _choices(RiskLevel.choices), "domain": _choices(NeedDomain.choices),
            "severity": _choices(Severity.choices), "check_in_source": _choices(CheckInSource.choices),
            "ending_results": [ContactResult.DECEASED.value, ContactResult.MOVED_AWAY.value],
            "attachment_kind": _choices(AttachmentKind.choices),
        },
        "households": [_household(h, today) for h in rows],
        # The consent form of the offline page: each scope's legal text, as the page and the signed PDF show it.
        "consent": {
            "agreement": AGREEMENT,
            "scopes": [{"value": value, "title": CONSENT_TEXTS[value].title, "law": CONSENT_TEXTS[value].law,
                        "sections": [list(pair) for pair in CONSENT_TEXTS[value].sections()]}
                       for value, _label in ConsentScope.choices],
        },
    }
    for name, section in pack_sections().items():
        pack[name] = section(user, ids)
    return pack
