"""Asking the community network to look in (살펴봐 주세요): an official texts a network member of the report's dong
that a household near them needs a look, through welfare.messaging.

The message carries the dong, the road (never the building number or flat, the name or the details) and a short
note; the member reads the rest from the dong's official. A member gave their phone to the centre for exactly this
purpose, so an active member with a mobile number receives it. One message per report and member (the
idempotency key): asking twice sends once. Audited on the report.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.masking import mask_rrns
from welfare.errors import RuleError
from welfare.messaging.models import MessagePurpose, OutboundMessage
from welfare.messaging.services import MessageRequest, is_mobile, message_send

from ..models import CrisisReport, NetworkMember
from .access import _require_editor, _require_open, _require_visible
from .matching import ROAD_AND_NUMBER

NOTE_MAX = 60


def network_members_for(report: CrisisReport):
    """The active members of the report's dong who can take a text message (ordered by name)."""
    if report.dong_id is None:
        return NetworkMember.objects.none()
    today = timezone.localdate()
    return (
        NetworkMember.objects.filter(dongs=report.dong_id, active_from__lte=today)
        .exclude(phone="")
        .exclude(active_to__lt=today)
        .order_by("name", "id")
    )


def network_look_request(*, report: CrisisReport, member: NetworkMember, note: str, by) -> OutboundMessage:
    _require_editor(by)
    _require_visible(report, by)
    _require_open(report)
    note = " ".join(mask_rrns(note or "").split())
    errors: dict[str, list[str]] = {}
    if not network_members_for(report).filter(pk=member.pk).exists():
        errors["member"] = [_("이 동에서 활동하는 인적안전망 구성원을 고르세요.")]
    elif not is_mobile(member.phone):
        errors["member"] = [_("이 구성원은 문자를 받을 휴대전화 번호가 없습니다.")]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("메모는 %(max)s자 이내로 적어 주세요.") % {"max": NOTE_MAX}]
    if errors:
        raise RuleError(errors)
    # A report without a dong has no network members (network_members_for), so it was refused above.
    assert report.dong is not None
    road = ROAD_AND_NUMBER.search(report.subject_address or "")
    with transaction.atomic():
        message = message_send(
            MessageRequest(
                purpose=MessagePurpose.NETWORK_LOOK,
                phone=member.phone,
                consent=True,
                district_id=report.district_id,
                idempotency_key=f"discovery.report:{report.pk}:look:{member.pk}",
                context={"dong": report.dong.name, "area": road.group(1) if road else "", "note": note},
                recipient_label=str(member.get_role_display())[:60],
                ref=f"discovery.crisisreport:{report.pk}",
            )
        )
        log_action(
            report,
            "discovery.crisisreport.network_look",
            user=by,
            household_id=report.household_id,
            changes={"member": member.pk, "message": message.pk},
        )
    return message
