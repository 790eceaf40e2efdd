"""Households services: worklists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_actions
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.common.people import display_name
from welfare.errors import RuleError
from welfare.permissions import can, role_can
from welfare.scoping import membership

from ..models import (
    OPEN_STAGES,
    CareStatus,
    Case,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
)
from ..ownership import owner_expr

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class BulkResult:
    """What a bulk action did. Skipped households were left exactly as they were."""

    done: int = 0
    skipped: int = 0  # not visible to the user: another dong's id, or one that does not exist
    not_in_dong: int = 0  # reassign only: the new official does not work in the household's dong


def _bulk_targets(households: Iterable[Household | int], by: User) -> tuple[set[int], list[Household]]:
    """The requested ids, and those of them the user may touch (scoping decides, never the form)."""
    ids = {h.pk if isinstance(h, Household) else int(h) for h in households}
    visible = list(
        Household.objects.visible_to(by).filter(pk__in=ids)
        .only("pk", "dong_id", "road_address", "address_detail", "status", "assigned_official_id")
        .annotate(owner=owner_expr()).order_by("pk")
    )
    return ids, visible


@transaction.atomic
def households_reschedule(*, households: Iterable[Household | int], by: User, on: dt.date) -> BulkResult:
    """Move the next contact of many households to ``on``: one UPDATE each for households and follow-ups.

    ``households`` are households or ids; those the user may not see are skipped and untouched. The open
    cadence follow-up moves with the date (one is opened where a household under care had none).
    """
    if not can(by, "edit_casework"):
        raise RuleError(_("다음 접촉일을 바꿀 권한이 없습니다."))
    if on < seoul_today():
        raise RuleError(_("다음 접촉일은 오늘이나 그 이후여야 합니다."))
    if on > bounds.within_next_contact():
        raise RuleError(_("다음 접촉일은 오늘부터 %(days)s일 이내(%(day)s까지)여야 합니다.") % {
            "days": bounds.next_contact_max_days(), "day": f"{bounds.within_next_contact():%Y-%m-%d}"})
    ids, targets = _bulk_targets(households, by)
    pks = [h.pk for h in targets]
    if pks:
        Household.objects.filter(pk__in=pks).update(next_contact_on=on, updated_at=timezone.now())
        FollowUp.objects.filter(household_id__in=pks, status=FollowUpStatus.OPEN,
                                reason=FollowUpReason.CADENCE).update(due_on=on)
        # The partial unique constraint (one open per household and reason) ignores those already moved.
        FollowUp.objects.bulk_create([
            FollowUp(household_id=h.pk, due_on=on, reason=FollowUpReason.CADENCE,
                     assigned_to_id=getattr(h, "owner", None))  # the annotation of _bulk_targets
            for h in targets if h.status in (CareStatus.UNDER_CARE, CareStatus.MONITORING)
        ], ignore_conflicts=True)
        log_actions(targets, "households.household.rescheduled", user=by,
                    reason=_("일괄 변경: 다음 접촉일 %(day)s") % {"day": f"{on:%Y-%m-%d}"})
    return BulkResult(done=len(pks), skipped=len(ids) - len(pks))


@transaction.atomic
def households_reassign(*, households: Iterable[Household | int], by: User, to_user: User) -> BulkResult:
    """Hand many households to another official: team leads and district admins only.

    The new official must be dong staff of each household's dong; households of other dongs are skipped.
    Open follow-ups and the open case go with the household (the case's version moves, so a form opened
    before the handover is refused as stale).
    """
    if not can(by, "lead_team"):
        raise RuleError(_("담당자 변경은 팀장과 구 관리자만 할 수 있습니다."))
    staff = membership(to_user)
    if staff is None or not role_can(staff.role, "be_assigned") or not to_user.is_active:
        raise RuleError(_("동 담당 공무원이나 팀장에게만 배정할 수 있습니다."))
    their_dongs = set(staff.dongs.values_list("pk", flat=True))
    ids, visible = _bulk_targets(households, by)
    targets = [h for h in visible if h.dong_id in their_dongs]
    pks = [h.pk for h in targets]
    if pks:
        now = timezone.now()
        Household.objects.filter(pk__in=pks).update(assigned_official=to_user, updated_at=now)
        FollowUp.objects.filter(household_id__in=pks, status=FollowUpStatus.OPEN).update(assigned_to=to_user)
        cases = list(Case.objects.filter(household_id__in=pks, stage__in=OPEN_STAGES).only("pk", "stage", "household_id"))
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            assigned_official=to_user, version=F("version") + 1, updated_at=now)
        reason = _("일괄 변경: 담당자 %(name)s") % {"name": display_name(to_user)}
        log_actions(targets, "households.household.reassigned", user=by, reason=reason)
        log_actions(cases, "households.case.reassigned", user=by, reason=reason)
    return BulkResult(done=len(pks), skipped=len(ids) - len(visible), not_in_dong=len(visible) - len(targets))


@transaction.atomic
def queue_assign(*, follow_ups: Iterable[FollowUp | int], by: User, to_user: User) -> BulkResult:
    """Assign follow-ups of the dong's queue (open, nobody's) to an official of their dong; a household without
    an official gets them too. Follow-ups the lead may not see, already taken, or of a dong the official does not
    work in are skipped (counted)."""
    if not can(by, "assign_dong_queue"):
        raise RuleError(_("동 대기열 배정은 팀장과 구 관리자만 할 수 있습니다."))
    staff = membership(to_user)
    if staff is None or not role_can(staff.role, "be_assigned") or not to_user.is_active:
        raise RuleError(_("동 담당 공무원이나 팀장에게만 배정할 수 있습니다."))
    ids = {f.pk if isinstance(f, FollowUp) else int(f) for f in follow_ups}
    waiting = FollowUp.objects.filter(pk__in=ids, status=FollowUpStatus.OPEN, assigned_to__isnull=True,
                                      household__in=Household.objects.visible_to(by))
    seen = waiting.count()
    targets = list(waiting.filter(household__dong__in=staff.dongs.all()).select_related("household"))
    pks = [f.pk for f in targets]
    if pks:
        FollowUp.objects.filter(pk__in=pks).update(assigned_to=to_user)
        Household.objects.filter(pk__in={f.household_id for f in targets}, assigned_official__isnull=True).update(
            assigned_official=to_user, updated_at=timezone.now())
        reason = _("동 대기열 배정: %(name)s") % {"name": display_name(to_user)}
        log_actions(targets, "households.followup.assigned", user=by, reason=reason)
    return BulkResult(done=len(pks), skipped=len(ids) - seen, not_in_dong=seen - len(pks))
