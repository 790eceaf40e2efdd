"""Households services: a difficult case's transfer to the district team (희망복지지원단) and back.

- :func:`transfer_request`: a dong official or lead asks, with a reason; the district's team is notified.
- :func:`transfer_accept`: a team member takes the case (its owner becomes that member; the team's scope lets
  the team see it); the requester and the previous owner are notified.
- :func:`transfer_return`: the team refuses, with a comment; the requester is notified.
- :func:`transfer_take`: a team member takes over a difficult case of the district without a request.
- :func:`transfer_hand_back`: the team is done; the case goes back to the official who held it (or the
  household's), with a comment; they are notified.

Each step is a compare-and-set on the transfer's status (a double click or two team members at once change it
once), bumps the case's version when its owner changes (an open case form becomes stale), and is written to the
access log on the case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import Notification, NotificationKind
from welfare.notifications import notify_many
from welfare.permissions import can, role_can, roles_with
from welfare.scoping import membership, personal_dong_ids

from ..models import OPEN_TRANSFER_STATUSES, Case, CaseClass, CaseTransfer, TransferStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TRANSFER_TEXT_MAX = bounds.NOTE_TEXT


def _case_url(case: Case) -> str:
    return reverse("households:case_detail", args=[case.household_id, case.pk])


def _notify(users, *, title: str, case: Case, key: str) -> int:
    rows = [Notification(user_id=u if isinstance(u, int) else u.pk, kind=NotificationKind.CASE_TRANSFER,
                         title=title, url=_case_url(case), household_id=case.household_id, dedupe_key=key)
            for u in {getattr(u, "pk", u) for u in users if u is not None}]
    return notify_many(rows)


def team_members(district_id: int) -> QuerySet:
    """Active members of the district's case-management team: who receives a transfer request."""
    return get_user_model().objects.filter(is_active=True, staff__district_id=district_id,
                                           staff__role__in=roles_with("take_over_cases"))


def _text(field: str, value: str, *, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleError({field: required})
    bounds.Checks().text(field, value, TRANSFER_TEXT_MAX).done()
    return value


def _same_district(case: Case, by: User) -> None:
    staff = membership(by)
    district_id = case.household.dong.district_id
    if not getattr(by, "is_superuser", False) and (staff is None or staff.district_id != district_id):
        raise RuleError(_("다른 구의 사례입니다."))


def _transferable(case: Case) -> None:
    if not case.is_open:
        raise RuleError(_("종결된 사례는 이관할 수 없습니다."))
    if case.case_class != CaseClass.DIFFICULT:
        raise RuleError(_("고난도 사례만 희망복지지원단으로 이관할 수 있습니다. 먼저 사례 구분을 고난도로 바꾸세요."))
    if case.transfers.filter(status__in=OPEN_TRANSFER_STATUSES).exists():
        raise RuleError(_("이미 이관 요청 중이거나 희망복지지원단이 맡고 있는 사례입니다."))


def _set_owner(case: Case, official_id: int | None) -> None:
    """The case's owner changes: the version moves on, so a case form opened before is refused as stale."""
    Case.objects.filter(pk=case.pk).update(assigned_official_id=official_id, version=F("version") + 1,
                                           updated_at=timezone.now())
    case.refresh_from_db(fields=["assigned_official", "version", "updated_at"])


def _claim(transfer: CaseTransfer, frm: str, **values) -> None:
    """Compare-and-set on the status: the second of two clicks, or of two team members, finds it moved on."""
    if CaseTransfer.objects.filter(pk=transfer.pk, status=frm).update(**values) != 1:
        raise RuleError(_("이미 처리된 이관입니다. 화면을 새로 고쳐 확인하세요."))
    transfer.refresh_from_db()


@transaction.atomic
def transfer_request(*, case: Case, by: User, reason: str) -> CaseTransfer:
    """A dong asks the district team to take a difficult case over."""
    if not can(by, "request_case_transfer"):
        raise RuleError(_("사례 이관을 요청할 권한이 없습니다."))
    reason = _text("reason", reason, required=_("이관을 요청하는 사유를 적어 주세요."))
    if case.household.dong_id not in personal_dong_ids(by):
        raise RuleError(_("담당 동의 사례만 이관을 요청할 수 있습니다."))
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one request at a time per case
    _transferable(case)
    transfer = CaseTransfer.objects.create(
        case=case, household_id=case.household_id, district_id=case.household.dong.district_id, reason=reason,
        requested_by=by, previous_official_id=case.assigned_official_id,
    )
    log_action(case, "households.case.transfer_requested", user=by,
               changes={"transfer": transfer.pk, "reason": reason})
    _notify(team_members(transfer.district_id),
            title=_("사례 #%(case)s 이관 요청: %(dong)s") % {"case": case.pk, "dong": case.household.dong.name},
            case=case, key=f"transfer:{transfer.pk}:requested")
    return transfer


def _require_team(by: User, transfer_or_case: CaseTransfer | Case) -> None:
    if not can(by, "take_over_cases"):
        raise RuleError(_("희망복지지원단만 처리할 수 있습니다."))
    case = transfer_or_case.case if isinstance(transfer_or_case, CaseTransfer) else transfer_or_case
    _same_district(case, by)


@transaction.atomic
def transfer_accept(*, transfer: CaseTransfer, by: User, note: str = "") -> CaseTransfer:
    """The team takes the case: its owner becomes ``by``."""
    _require_team(by, transfer)
    note = _text("note", note)
    case = transfer.case
    if not case.is_open:
        raise RuleError(_("종결된 사례는 인수할 수 없습니다."))
    _claim(transfer, TransferStatus.REQUESTED, status=TransferStatus.ACCEPTED, decided_by=by,
           decided_at=timezone.now(), decision_note=note)
    _set_owner(case, by.pk)
    log_action(case, "households.case.transfer_accepted", user=by,
               changes={"transfer": transfer.pk, "owner": [transfer.previous_official_id, by.pk], "note": note})
    _notify([transfer.requested_by_id, transfer.previous_official_id],
            title=_("사례 #%(case)s: 희망복지지원단이 인수했습니다") % {"case": case.pk},
            case=case, key=f"transfer:{transfer.pk}:accepted")
    return transfer


@transaction.atomic
def transfer_return(*, transfer: CaseTransfer, by: User, note: str) -> CaseTransfer:
    """The team refuses the request, saying why; the case stays with the dong."""
    _require_team(by, transfer)
    note = _text("note", note, required=_("반려 사유를 적어 주세요."))
    _claim(transfer, TransferStatus.REQUESTED, status=TransferStatus.RETURNED, decided_by=by,
           decided_at=timezone.now(), decision_note=note)
    log_action(transfer.case, "households.case.transfer_returned", user=by,
               changes={"transfer": transfer.pk, "note": note})
    _notify([transfer.requested_by_id],
            title=_("사례 #%(case)s 이관 요청이 반려되었습니다") % {"case": transfer.case_id},
            case=transfer.case, key=f"transfer:{transfer.pk}:returned")
    return transfer


@transaction.atomic
def transfer_take(*, case: Case, by: User, reason: str) -> CaseTransfer:
    """A team member takes over a difficult case of the district on the team's own initiative."""
    _require_team(by, case)
    reason = _text("reason", reason, required=_("인수하는 사유를 적어 주세요."))
    Case.objects.select_for_update().filter(pk=case.pk).first()
    _transferable(case)
    now = timezone.now()
    transfer = CaseTransfer.objects.create(
        case=case, household_id=case.household_id, district_id=case.household.dong.district_id, reason=reason,
        requested_by=by, requested_at=now, previous_official_id=case.assigned_official_id,
        status=TransferStatus.ACCEPTED, decided_by=by, decided_at=now,
    )
    _set_owner(case, by.pk)
    log_action(case, "households.case.transfer_taken", user=by,
               changes={"transfer": transfer.pk, "owner": [transfer.previous_official_id, by.pk], "reason": reason})
    _notify([transfer.previous_official_id],
            title=_("사례 #%(case)s: 희망복지지원단이 인수했습니다") % {"case": case.pk},
            case=case, key=f"transfer:{transfer.pk}:accepted")
    return transfer


def check_owner_change(case: Case, by: User, official_id: int | None) -> None:
    """While the team holds a case, only the team changes its owner (the dong gets it back by a hand-back)."""
    if official_id == case.assigned_official_id or can(by, "take_over_cases"):
        return
    if case.transfers.filter(status=TransferStatus.ACCEPTED).exists():
        raise RuleError({"assigned_official": _("희망복지지원단이 맡고 있는 사례입니다. 담당자는 동으로 돌아온 뒤 바꿀 수 "
                                                "있습니다.")})


def hand_back_official(transfer: CaseTransfer) -> int | None:
    """Who gets the case back: the official who held it before, else the household's official, else the one who
    asked; each only while they may still be assigned in the household's dong."""
    household = transfer.household
    candidates = [transfer.previous_official_id, household.assigned_official_id, transfer.requested_by_id]
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in=[c for c in candidates if c], is_active=True, staff__dongs=household.dong_id).select_related("staff")}
    for candidate in candidates:
        user = users.get(candidate) if candidate else None
        if user is not None and role_can(user.staff.role, "be_assigned"):
            return user.pk
    return None


@transaction.atomic
def transfer_hand_back(*, transfer: CaseTransfer, by: User, note: str) -> CaseTransfer:
    """The team's work is done: the case goes back to the dong (see :func:`hand_back_official`)."""
    _require_team(by, transfer)
    note = _text("note", note, required=_("동으로 돌려보내는 의견을 적어 주세요."))
    official_id = hand_back_official(transfer)
    _claim(transfer, TransferStatus.ACCEPTED, status=TransferStatus.HANDED_BACK, handed_back_by=by,
           handed_back_at=timezone.now(), handback_note=note)
    case = transfer.case
    _set_owner(case, official_id)
    log_action(case, "households.case.transfer_handed_back", user=by,
               changes={"transfer": transfer.pk, "owner": [by.pk, official_id], "note": note})
    _notify([official_id, transfer.requested_by_id],
            title=_("사례 #%(case)s: 희망복지지원단에서 동으로 돌아왔습니다") % {"case": case.pk},
            case=case, key=f"transfer:{transfer.pk}:handed_back")
    return transfer
