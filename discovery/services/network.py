"""The community network (인적안전망): members' writes, and the coverage of each dong by role.

Writes are audited and keep a member's dongs inside what the writer may touch: an official of one dong who
edits a member active in two dongs cannot add or remove the other dong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import personal_dong_ids, visible_dong_ids

from ..models import DiscoveryPolicy, NetworkMember, NetworkRole, Occupation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MEMBER_FIELDS = ("name", "role", "occupation", "organisation", "phone", "active_from", "active_to",
                 "trainings_attended", "note")


def can_edit_members(user) -> bool:
    return can(user, "edit_network")


@dataclass(frozen=True)
class MemberInput:
    """A network member as typed: the member's fields and the chosen dongs (among the writer's)."""

    name: str
    role: str
    dongs: tuple[Dong, ...] = ()
    occupation: str = Occupation.RESIDENT
    organisation: str = ""
    phone: str = ""
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    trainings_attended: int = 0
    note: str = ""

    def fields(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in MEMBER_FIELDS}
        if data["active_from"] is None:
            data["active_from"] = timezone.localdate()
        return data


def _check_dongs(by: User, dongs: Iterable[Dong]) -> list[Dong]:
    dongs = list(dongs)
    if not dongs:
        raise RuleError({"dongs": _("활동 동을 하나 이상 고르세요.")})
    allowed = personal_dong_ids(by)
    if any(d.pk not in allowed for d in dongs):
        raise RuleError({"dongs": _("담당하지 않는 동에는 구성원을 등록할 수 없습니다.")})
    if len({d.district_id for d in dongs}) > 1:
        raise RuleError({"dongs": _("한 구성원의 활동 동은 같은 구에 있어야 합니다.")})
    return dongs


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise RuleError({"active_to": _("활동 종료일은 시작일보다 빠를 수 없습니다.")})


@transaction.atomic
def member_create(given: MemberInput, *, by: User) -> NetworkMember:
    if not can_edit_members(by):
        raise PermissionDenied
    dongs = _check_dongs(by, given.dongs)
    data = given.fields()
    _check_dates(data["active_from"], data["active_to"])
    member = NetworkMember(district_id=dongs[0].district_id, **data)
    member.save()
    member.dongs.set(dongs)
    log_action(member, "discovery.networkmember.created", user=by,
               changes={"role": member.role, "dongs": sorted(d.pk for d in dongs)})
    return member


@transaction.atomic
def member_update(member: NetworkMember, given: MemberInput, *, by: User) -> NetworkMember:
    """Change a member. ``given.dongs`` are the chosen dongs among the writer's; the member's other dongs stay."""
    if not can_edit_members(by):
        raise PermissionDenied
    member = NetworkMember.objects.select_for_update().get(pk=member.pk)
    allowed = personal_dong_ids(by)
    current = set(member.dongs.values_list("pk", flat=True))
    if not current & allowed:
        raise PermissionDenied
    chosen = list(given.dongs)
    kept = current - allowed
    if not chosen and not kept:
        raise RuleError({"dongs": _("활동 동을 하나 이상 고르세요.")})
    if chosen:
        _check_dongs(by, chosen)
        if any(d.district_id != member.district_id for d in chosen):
            raise RuleError({"dongs": _("한 구성원의 활동 동은 같은 구에 있어야 합니다.")})
    data = given.fields()
    _check_dates(data["active_from"], data["active_to"])
    new_dongs = kept | {d.pk for d in chosen}
    member, _changes = model_update(member, data, MEMBER_FIELDS, by=by, verb="discovery.networkmember.updated",
                                    secret=("phone",))
    if new_dongs != current:
        member.dongs.set(new_dongs)
        log_action(member, "discovery.networkmember.updated", user=by,
                   changes={"dongs": [sorted(current), sorted(new_dongs)]})
    return member


@transaction.atomic
def member_deactivate(member: NetworkMember, *, by: User, on: dt.date | None = None) -> NetworkMember:
    """End the member's activity on ``on`` (today): kept for the record and the reports they made."""
    if not can_edit_members(by):
        raise PermissionDenied
    on = on or timezone.localdate()
    member = NetworkMember.objects.select_for_update().get(pk=member.pk)
    if on < member.active_from:
        raise RuleError({"active_to": _("활동 종료일은 시작일보다 빠를 수 없습니다.")})
    if member.active_to is not None and member.active_to <= on:
        return member  # already ended: a second click changes nothing
    member, _changes = model_update(member, {"active_to": on}, ["active_to"], by=by,
                                    verb="discovery.networkmember.deactivated")
    return member


# --- Coverage -------------------------------------------------------------------------------------------------


@dataclass
class Shortfall:
    role: str
    label: str
    have: int
    need: int

    @property
    def missing(self) -> int:
        return self.need - self.have


@dataclass
class DongCoverage:
    dong: Dong
    counts: dict[str, int]
    total: int
    policy: DiscoveryPolicy
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def short(self) -> bool:
        return bool(self.shortfalls)

    def cells(self, roles: Iterable[str]) -> list[tuple[str, int, bool]]:
        """(role, count, below minimum) in the order of the table's columns."""
        short = {s.role for s in self.shortfalls}
        return [(r, self.counts.get(r, 0), r in short) for r in roles]


def coverage(user, on: dt.date | None = None) -> list[DongCoverage]:
    """Active members per dong and role for the user's visible dongs (district-wide for district roles).

    3 queries whatever the number of dongs and members: dongs, policies of their districts, and one grouped
    count over the member–dong table.
    """
    on = on or timezone.localdate()
    dongs = list(Dong.objects.filter(pk__in=visible_dong_ids(user)).select_related("district")
                 .order_by("district__name", "name"))
    if not dongs:
        return []
    district_ids = {d.district_id for d in dongs}
    stored = {p.district_id: p for p in DiscoveryPolicy.objects.filter(district_id__in=district_ids)}
    policies = {d: stored.get(d) or DiscoveryPolicy(district_id=d) for d in district_ids}
    through = NetworkMember.dongs.through
    active = Q(networkmember__active_from__lte=on) & (
        Q(networkmember__active_to__isnull=True) | Q(networkmember__active_to__gte=on))
    counts: dict[int, dict[str, int]] = {}
    for dong_id, role, n in (through.objects.filter(active, dong_id__in=[d.pk for d in dongs])
                             .values_list("dong_id", "networkmember__role").annotate(n=Count("networkmember_id"))
                             .order_by()):
        counts.setdefault(dong_id, {})[role] = n
    labels = dict(NetworkRole.choices)
    rows = []
    for dong in dongs:
        policy = policies[dong.district_id]
        per_role = counts.get(dong.pk, {})
        needs = (
            (NetworkRole.CARE_TEAM, policy.min_care_team_high_risk_dong if dong.is_high_risk
             else policy.min_care_team_per_dong),
            (NetworkRole.HONORARY, policy.min_honorary_per_dong),
        )
        shortfalls = [Shortfall(role=str(role), label=str(labels[role]), have=per_role.get(role, 0), need=need)
                      for role, need in needs if per_role.get(role, 0) < need]
        rows.append(DongCoverage(dong=dong, counts=per_role, total=sum(per_role.values()), policy=policy,
                                 shortfalls=shortfalls))
    return rows
