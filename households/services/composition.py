"""Households services: composition."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    Household,
    LeftReason,
    MemberEvent,
    MemberEventKind,
    Relation,
    Resident,
)
from .households import resident_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User


LEAVE_NOTE_MAX = bounds.max_length(MemberEvent, "note")


def _require_editor(by: User) -> None:
    if not can(by, "edit_casework"):
        raise RuleError(_("세대 구성을 바꿀 권한이 없습니다."))


@transaction.atomic
def resident_join(*, household: Household, by: User, data: dict[str, Any], on: dt.date) -> Resident:
    _require_editor(by)
    # The form (and the resident) call the day of joining moved_in_on.
    bounds.Checks().day("moved_in_on", on, latest=seoul_today()).done()
    if data.get("relation") == Relation.HEAD and household.residents.current().filter(relation=Relation.HEAD).exists():
        raise RuleError(_("이미 세대주가 있습니다. 전입한 뒤 세대주 변경으로 바꾸세요."))
    resident = resident_add(household=household, by=by, data={**data, "moved_in_on": on})
    MemberEvent.objects.create(household=household, resident=resident, kind=MemberEventKind.JOINED, on=on,
                               recorded_by=by)
    return resident


@transaction.atomic
def resident_leave(*, resident: Resident, by: User, on: dt.date, reason: str, new_head: Resident | None = None,
                   note: str = "") -> Resident:
    """A resident leaves on a date; the row stays, so who lived there before is never lost."""
    _require_editor(by)
    if on > seoul_today():
        raise RuleError({"on": _("이탈일이 미래입니다.")})
    bounds.Checks().day("on", on).text("note", note, LEAVE_NOTE_MAX).done()
    if resident.left_on is not None:
        raise RuleError(_("이미 세대에서 이탈한 가구원입니다."))
    if reason not in LeftReason.values:
        raise RuleError(_("이탈 사유를 고르세요."))
    household = resident.household
    if resident.relation == Relation.HEAD:
        others = household.residents.current().exclude(pk=resident.pk)
        if new_head is None and others.exists():
            raise RuleError(_("세대주가 이탈하면 새 세대주를 지정해야 합니다."))
        if new_head is not None:
            head_change(household=household, new_head=new_head, by=by, on=on, previous_head_relation=Relation.OTHER_RELATIVE)
    resident.refresh_from_db()
    resident.left_on, resident.left_reason = on, reason
    resident.save(update_fields=["left_on", "left_reason", "updated_at", "relation"])
    MemberEvent.objects.create(household=household, resident=resident, kind=MemberEventKind.LEFT, on=on,
                               reason=reason, note=note, recorded_by=by)
    log_action(resident, "households.resident.left", user=by, changes={"left_on": str(on), "reason": reason})
    return resident


@transaction.atomic
def head_change(*, household: Household, new_head: Resident, by: User, on: dt.date,
                previous_head_relation: str = Relation.SPOUSE) -> Resident:
    _require_editor(by)
    if on > seoul_today():
        raise RuleError({"on": _("변경일이 미래입니다.")})
    bounds.Checks().day("on", on).done()
    if new_head.household_id != household.pk or new_head.left_on is not None:
        raise RuleError(_("현재 이 세대의 가구원만 세대주가 될 수 있습니다."))
    if new_head.relation == Relation.HEAD:
        return new_head
    household.residents.current().filter(relation=Relation.HEAD).update(relation=previous_head_relation)
    new_head.relation = Relation.HEAD
    new_head.save(update_fields=["relation", "updated_at"])
    MemberEvent.objects.create(household=household, resident=new_head, kind=MemberEventKind.HEAD_CHANGED, on=on,
                               recorded_by=by)
    log_action(new_head, "households.resident.head_changed", user=by, changes={"on": str(on)})
    return new_head
