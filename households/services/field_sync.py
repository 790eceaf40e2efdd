"""The offline field app's queue, item by item: visits and check-ins typed without a connection are recorded
through the same services as the pages, idempotent by the device's ``client_id``, and what the server did is
said, never hidden: ``sent``, ``conflict`` (recorded, but the server's state had moved: the notes say how its
rules decided) or ``refused`` (not recorded: the errors by field; the device keeps the item under "확인 필요").

Conflicts the server resolves by its rules, keeping the visit every time:
- the household was merged into another → the visit goes to the surviving household;
- the household's care ended meanwhile → the visit is recorded without a next contact;
- a later visit is already on record → that visit keeps deciding risk, next contact and follow-ups;
- someone else recorded a visit since the pack was made, or the open case's stage moved → said, nothing changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from welfare.common.people import display_name

from ..field_registry import SyncResult, household_redirect, register_sync_kind, sync_kinds
from ..models import CareStatus, CheckIn, FieldSyncReceipt, Household, Visit
from .followups import checkin_record
from .visits import VisitData, VisitOutcome, visit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CARE = (CareStatus.UNDER_CARE, CareStatus.MONITORING)


def refused(errors: dict[str, list[str]]) -> SyncResult:
    return SyncResult(status="refused", errors=errors, created=False)


def rule_errors(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    out: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        out.setdefault("needs" if name.startswith("need_") else name, []).extend(messages)
    return out


def find_household(user: User, given: Any) -> tuple[Household | None, list[str]]:
    """The household the item names, within the user's scope; a merged one's survivor (with a note)."""
    try:
        pk = int(given)
    except (TypeError, ValueError):
        return None, []
    notes: list[str] = []
    if not Household.objects.filter(pk=pk).exists() and (survivor := household_redirect(pk)) is not None:
        notes.append(_("세대 #%(old)s는 그사이 세대 #%(new)s에 병합되어, 병합된 세대에 기록했습니다.")
                     % {"old": pk, "new": survivor})
        pk = survivor
    return Household.objects.visible_to(user).select_related("dong").filter(pk=pk).first(), notes


def _moment(value: Any, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        errors[field] = [_("일시 형식이 올바르지 않습니다.")]
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _person(user) -> str:
    return display_name(user) if user else _("알 수 없음")


@register_sync_kind("visit")
def sync_visit(user: User, item: dict[str, Any], pack_at: str) -> SyncResult:
    try:
        token = uuid.UUID(str(item.get("client_id", "")))
    except ValueError:
        return refused({"client_id": [_("client_id가 올바른 UUID가 아닙니다.")]})
    earlier = Visit.objects.filter(submission_token=token).first()
    if earlier is not None:
        if not Visit.objects.visible_to(user).filter(pk=earlier.pk).exists():
            return refused({"client_id": [_("이미 사용한 client_id입니다.")]})
        return SyncResult(status="sent", id=earlier.pk, created=False)
    household, notes = find_household(user, item.get("household"))
    if household is None:
        return refused({"household": [_("이 세대를 찾을 수 없거나 볼 권한이 없습니다(다른 동으로 옮겨졌을 수 있습니다).")]})
    errors: dict[str, list[str]] = {}
    visited_at = _moment(item.get("visited_at"), "visited_at", errors)
    next_on = parse_date(str(item.get("next_contact_on") or "")) if item.get("next_contact_on") else None
    if item.get("next_contact_on") and next_on is None:
        errors["next_contact_on"] = [_("날짜 형식이 올바르지 않습니다.")]
    needs = item.get("needs") or []
    if not isinstance(needs, list) or not all(isinstance(n, (list, tuple)) and len(n) == 3 for n in needs):
        errors["needs"] = [_("욕구 영역과 정도를 목록에서 고르세요.")]
        needs = []
    if errors:
        return refused(errors)
    given_basis = item.get("based_on")
    based_on: dict[str, Any] = given_basis if isinstance(given_basis, dict) else {}
    plan_next = True
    if household.status not in CARE and based_on.get("status") in CARE:
        plan_next = False
        notes.append(_("이 세대는 그사이 관리가 종료되었습니다(%(status)s). 방문은 기록했고 다음 접촉은 정하지 않았습니다. "
                       "다시 관리하려면 세대 화면에서 관리 상태를 바꾸세요.") % {"status": household.get_status_display()})
    at = visited_at or timezone.now()
    later = (Visit.objects.filter(household=household, visited_at__gt=at).select_related("recorded_by")
             .order_by("-visited_at").first())
    if later is not None:
        notes.append(_("%(who)s님이 더 늦은 방문(%(at)s)을 이미 기록해, 위기도와 다음 접촉일은 그 방문을 따릅니다. 이 방문도 "
                       "기록에 남겼습니다.") % {"who": _person(later.recorded_by),
                                        "at": f"{timezone.localtime(later.visited_at):%Y-%m-%d %H:%M}"})
    elif pack_at and (since := parse_datetime(pack_at)) is not None:
        other = (Visit.objects.filter(household=household, created_at__gt=since).exclude(recorded_by=user)
                 .select_related("recorded_by").order_by("-created_at").first())
        if other is not None:
            notes.append(_("현장 자료를 받은 뒤 %(who)s님이 방문(%(at)s)을 기록했습니다. 두 방문을 모두 남겼습니다.")
                         % {"who": _person(other.recorded_by),
                            "at": f"{timezone.localtime(other.visited_at):%Y-%m-%d %H:%M}"})
    case = household.cases.open().first()
    if based_on.get("case_stage") and (case is None or case.stage != based_on["case_stage"]):
        notes.append(_("사례 단계가 그사이 바뀌었습니다(지금: %(stage)s). 방문은 지금 단계의 사례에 기록했습니다.")
                     % {"stage": case.get_stage_display() if case else _("진행 중인 사례 없음")})
    data = VisitData(
        kind=str(item.get("kind") or ""), contact_result=str(item.get("contact_result") or ""),
        risk_level=str(item.get("risk_level") or ""), visited_at=visited_at,
        observations=str(item.get("observations") or "").strip(), next_contact_on=next_on,
        needs=[(str(d), str(s), str(n or "")) for d, s, n in needs],
        circumstances_changed=item.get("circumstances_changed") is True,
        outcome=VisitOutcome(end_care=item.get("end_care") if isinstance(item.get("end_care"), bool) else None),
    )
    try:
        visit, created = visit_record(household=household, by=user, data=data, token=token, plan_next=plan_next)
    except ValidationError as error:
        return refused(rule_errors(error))
    proposed = item.get("proposed_next_contact_on") or ""
    if created and plan_next and later is None and proposed and visit.next_contact_on \
            and visit.next_contact_on.isoformat() != proposed:
        notes.append(_("다음 접촉일은 서버의 규칙으로 %(day)s로 정했습니다(기기의 제안: %(proposed)s).")
                     % {"day": visit.next_contact_on.isoformat(), "proposed": proposed})
    return SyncResult(status="conflict" if notes else "sent", id=visit.pk, notes=notes, created=created)


@register_sync_kind("check_in")
def sync_check_in(user: User, item: dict[str, Any], pack_at: str) -> SyncResult:
    client_id = str(item.get("client_id") or "").strip()
    if not client_id or len(client_id) > 100 or "\x00" in client_id:
        return refused({"client_id": [_("client_id가 필요합니다(100자 이내).")]})
    earlier = CheckIn.objects.filter(external_id=client_id).first()
    if earlier is not None:
        if not Household.objects.visible_to(user).filter(pk=earlier.household_id).exists():
            return refused({"client_id": [_("이미 사용한 client_id입니다.")]})
        return SyncResult(status="sent", id=earlier.pk, created=False)
    household, notes = find_household(user, item.get("household"))
    if household is None:
        return refused({"household": [_("이 세대를 찾을 수 없거나 볼 권한이 없습니다(다른 동으로 옮겨졌을 수 있습니다).")]})
    errors: dict[str, list[str]] = {}
    at = _moment(item.get("at"), "at", errors)
    if errors:
        return refused(errors)
    try:
        check_in, created = checkin_record(household=household, by=user, source=str(item.get("source") or ""),
                                           is_alert=bool(item.get("is_alert")), note=str(item.get("note") or ""),
                                           at=at, external_id=client_id)
    except ValidationError as error:
        return refused(rule_errors(error))
    return SyncResult(status="conflict" if notes else "sent", id=check_in.pk, notes=notes, created=created)


def sync_item(user: User, kind: str, item: dict[str, Any], pack_at: str) -> SyncResult:
    """One queued item through its kind's handler. The answer to an item recorded before (its first answer lost
    with the connection) is the first answer again, notes included, from its receipt."""
    client_id = str(item.get("client_id") or "").strip()[:100]
    receipt = FieldSyncReceipt.objects.filter(client_id=client_id, kind=kind).first() if client_id else None
    if receipt is not None and receipt.user_id == user.pk:
        return SyncResult(status=receipt.status, id=receipt.object_id, notes=list(receipt.notes), created=False)
    result = sync_kinds()[kind](user, item, pack_at)
    if client_id and result.status != "refused" and result.created:
        try:
            with transaction.atomic():
                FieldSyncReceipt.objects.create(client_id=client_id, kind=kind, user=user, status=result.status,
                                                object_id=result.id, notes=result.notes)
        except IntegrityError:  # two sends of the item at once: the other one wrote it
            pass
    return result
