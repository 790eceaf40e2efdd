"""Demo areas (issue 15): the staffed demo dongs (왕십리도선동, 왕십리2동, 영등포동) are divided into 통, one per main
road, answered for by the dong's demo official (a few 통 left without one, so the dong's queue has work), with the
lead (성동구) as deputy; every household gets its 통 from its address. A few households without an official or a
통 official wait in the queue, and one closing proposal waits in the lead's approval inbox. Made through the
services (audited, notified); skipped when the dong already has 통."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from households.models import CareStatus, Case, CaseStage, FollowUpReason, Household
from households.services.areas import AreaInput, area_save, areas_from_addresses
from households.services.cases import case_transition
from households.services.followups import followup_schedule
from welfare.models import Dong

from .organisation import ROADS

# (district, dong) → (the manager who sets the 통 up, the 통's official, the deputy)
STAFFED = {
    ("성동구", "왕십리도선동"): ("lead", "official", "lead"),
    ("성동구", "왕십리2동"): ("lead", "official", "lead"),
    ("영등포구", "영등포동"): ("admin_ydp", "official_ydp", None),
}
WITHOUT_OFFICIAL = 2  # the last 통s of each dong have nobody yet: their households' new work waits in the queue


def seed_areas() -> int:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in={name for trio in STAFFED.values() for name in trio if name})}
    made = 0
    for (district, dong_name), (manager, official, deputy) in STAFFED.items():
        dong = Dong.objects.filter(district__name=district, name=dong_name).first()
        by = users.get(manager)
        if dong is None or by is None or dong.areas.exists():
            continue
        roads = ROADS[district]
        for number, road in enumerate(roads, start=1):
            staffed = number <= len(roads) - WITHOUT_OFFICIAL
            area_save(by=by, data=AreaInput(
                dong=dong, number=number, name=f"{dong_name} {number}통",
                official=users.get(official) if staffed else None,
                deputy=users.get(deputy) if staffed and deputy else None,
                streets=f"{road}\n" + "\n".join(f"{road}{n}길" for n in range(1, 31))))
            made += 1
        areas_from_addresses(dong=dong, by=by)
        _queue_examples(dong)
    _closing_waiting()
    return made


def _queue_examples(dong: Dong) -> None:
    """Three households of the unstaffed 통s lose their official: their next contacts wait in the dong's queue."""
    homes = list(Household.objects.filter(dong=dong, is_demo=True, area__official__isnull=True,
                                          area__isnull=False, status=CareStatus.UNDER_CARE).order_by("pk")[:3])
    Household.objects.filter(pk__in=[h.pk for h in homes]).update(assigned_official=None)
    today = timezone.localdate()
    for home in homes:
        home.assigned_official = None
        home.follow_ups.filter(status="open").update(assigned_to=None)
        followup_schedule(household=home, due_on=today, reason=FollowUpReason.CADENCE)


def _closing_waiting() -> None:
    """The demo official proposes closing one case in service: it waits in the lead's inbox."""
    official = get_user_model().objects.filter(username="official").first()
    if official is None or Case.objects.visible_to(official).filter(stage=CaseStage.CLOSING).exists():
        return
    cases = Case.objects.visible_to(official).filter(household__is_demo=True).select_related("household")
    case = (cases.filter(stage=CaseStage.IN_SERVICE).order_by("opened_on", "pk").first()
            or cases.filter(stage__in=(CaseStage.PLANNING, CaseStage.ASSESSMENT)).order_by("opened_on", "pk").first())
    if case is not None:
        # A small demo may have no case in service in the official's dongs: one is put there (setup only).
        Case.objects.filter(pk=case.pk).update(assigned_official=official, stage=CaseStage.IN_SERVICE)
        case.refresh_from_db()
        case_transition(case=case, to=CaseStage.CLOSING, by=official, expected_version=case.version,
                        closing_reason="goals_met", closing_note="목표를 모두 이루어 종결을 제안합니다. 사후관리 일정 확인 바랍니다.")
