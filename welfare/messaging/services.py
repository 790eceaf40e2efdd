"""Sending a message: record it (the log), respect consent and quiet hours, queue it; deliver it exactly once.

:func:`message_send` is what apps call. It never sends in the caller's transaction: the row is written and the
Celery task ``welfare.send_message`` is queued after commit (at the end of the quiet hours when the message was
asked for at night). :func:`deliver` runs in the task: it locks the row, sends through the backend only while the
row is still waiting, and records the outcome — a redelivered task or a second worker finds the row sent and does
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..audit import log_action
from ..common import phones
from ..errors import RuleError
from ..models import District
from . import templates
from .backends import GatewayRefused, GatewayUnavailable, Outgoing, get_backend
from .models import MessageChannel, MessageState, MessageTemplate, OutboundMessage

PENDING = (MessageState.QUEUED, MessageState.HELD)
MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")


@dataclass(frozen=True)
class MessageRequest:
    """One message an app asks for. ``idempotency_key`` names the event (``report:12:status:contacted``): asking
    again with the same key returns the first message. ``consent``: the recipient agreed to receive it."""

    purpose: str
    phone: str
    idempotency_key: str
    consent: bool
    district_id: int | None = None
    context: Mapping[str, object] = field(default_factory=dict)
    recipient_label: str = ""
    ref: str = ""


def mask_phone(phone: str) -> str:
    """``01012345678`` → ``010-****-5678``: enough to tell numbers apart in the log, not to dial one."""
    number = phones.digits(phone)
    if len(number) < 8:
        return "****"
    return f"{number[:3]}-****-{number[-4:]}"


def is_mobile(phone: str) -> bool:
    number = phones.digits(phone)
    return phones.is_valid(number) and number.startswith(MOBILE_PREFIXES) and len(number) in (10, 11)


def quiet_hours() -> tuple[int, int]:
    """(start, end) local hours from ``MESSAGING_QUIET_HOURS`` (``"21-8"``: from 21:00 to 08:00)."""
    start, end = settings.MESSAGING_QUIET_HOURS
    return int(start), int(end)


def release_time(now: dt.datetime) -> dt.datetime:
    """``now`` outside the quiet hours, else the end of the quiet hours (the next morning, Asia/Seoul)."""
    start, end = quiet_hours()
    if start == end:
        return now
    local = timezone.localtime(now)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return now
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning = timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(end)), local.tzinfo
        )
    return morning


def template_for(district_id: int | None, purpose: str) -> MessageTemplate | None:
    if district_id is None:
        return None
    return MessageTemplate.objects.filter(district_id=district_id, purpose=purpose, active=True).first()


def _enqueue(message: OutboundMessage) -> None:
    from .tasks import send_message

    eta = message.send_after if message.state == MessageState.HELD else None
    transaction.on_commit(lambda: send_message.apply_async(args=[message.pk], eta=eta))


def message_send(request: MessageRequest, *, now: dt.datetime | None = None) -> OutboundMessage:
    """Record the message and queue it. Without consent the row is recorded as not sent; at night it waits for the
    morning. The same idempotency key twice returns the first row and queues nothing more. RuleError for a
    number that cannot take a text message, an unknown purpose or a missing key."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if request.purpose not in templates.PLACEHOLDERS:
        errors["purpose"] = _("알 수 없는 메시지 용도입니다.")
    if not request.idempotency_key or len(request.idempotency_key) > 120:
        errors["idempotency_key"] = _("메시지 중복 방지 키가 필요합니다.")
    if not is_mobile(request.phone):
        errors["phone"] = _("문자를 받을 수 있는 휴대전화 번호(010-1234-5678)를 적어 주세요.")
    if errors:
        raise RuleError(errors)
    existing = OutboundMessage.objects.filter(idempotency_key=request.idempotency_key).first()
    if existing is not None:
        return existing
    template = template_for(request.district_id, request.purpose)
    with translation.override(
        settings.LANGUAGE_CODE
    ):  # residents get Korean, whatever the caller's page language
        body = template.body if template is not None else _(templates.DEFAULTS[request.purpose])
    context = dict(request.context)
    if "district" not in context and request.district_id is not None:
        context["district"] = (
            District.objects.filter(pk=request.district_id).values_list("name", flat=True).first()
        )
    send_after = release_time(now)
    if not request.consent:
        state = MessageState.NO_CONSENT
    else:
        state = MessageState.HELD if send_after > now else MessageState.QUEUED
    message = OutboundMessage(
        district_id=request.district_id,
        purpose=request.purpose,
        channel=template.channel if template is not None else MessageChannel.SMS,
        template=template,
        phone=phones.digits(request.phone) if request.consent else "",
        phone_masked=mask_phone(request.phone),
        recipient_label=request.recipient_label[:60],
        body=templates.render(request.purpose, body, context),
        idempotency_key=request.idempotency_key,
        state=state,
        created_at=now,
        send_after=send_after,
        ref=request.ref[:60],
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same key saved by a concurrent caller a moment ago
        return OutboundMessage.objects.get(idempotency_key=request.idempotency_key)
    if state in PENDING:
        _enqueue(message)
    return message


def deliver(pk: int, *, now: dt.datetime | None = None, final_attempt: bool = False) -> str:
    """Send message ``pk`` if it is still waiting and its time has come; returns its state afterwards.

    A gateway that is unavailable leaves the message waiting (attempts counted) and raises
    :class:`GatewayUnavailable` for the task to retry — unless ``final_attempt``, when the message fails.
    """
    now = now or timezone.now()
    retry: GatewayUnavailable | None = None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
        if message is None:
            return "missing"
        if message.state not in PENDING or message.send_after > now:
            return message.state
        message.attempts += 1
        try:
            backend = get_backend()
        except GatewayRefused as error:  # a misconfigured gateway: nothing can be sent until it is fixed
            message.error = str(error)[:300]
            message.save(update_fields=["error", "attempts"])
            raise GatewayUnavailable(str(error)) from None
        message.backend = backend.name
        template_code = message.template.alimtalk_code if message.template_id else ""
        try:
            gateway_id = backend.send(
                Outgoing(
                    to=message.phone,
                    text=message.body,
                    channel=message.channel,
                    template_code=template_code,
                    idempotency_key=message.idempotency_key,
                )
            )
        except GatewayRefused as error:
            message.state, message.error = MessageState.FAILED, str(error)[:300]
        except GatewayUnavailable as error:
            message.error = str(error)[:300]
            if final_attempt or message.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
                message.state = MessageState.FAILED
            else:
                retry = error
        else:
            message.state, message.sent_at, message.gateway_id, message.error = (
                MessageState.SENT,
                now,
                gateway_id,
                "",
            )
            message.phone = ""  # sent: the log keeps the masked number only
        message.save(
            update_fields=["state", "sent_at", "gateway_id", "error", "attempts", "backend", "phone"]
        )
    if retry is not None:
        raise retry
    return message.state


def release_due(now: dt.datetime | None = None) -> int:
    """Queue every waiting message whose time has come (the hourly sweep behind the tasks' own ETA: a lost task or
    a restarted broker never leaves a message waiting for ever). Returns how many were queued."""
    from .tasks import send_message

    now = now or timezone.now()
    ids = list(OutboundMessage.objects.due(now).values_list("pk", flat=True)[:5_000])
    for pk in ids:
        send_message.delay(pk)
    return len(ids)


# --- Templates (구 설정 › 메시지 문구) ---------------------------------------------------------------------------


def template_save(
    *, district: District, purpose: str, body: str, channel: str, alimtalk_code: str, active: bool, by
) -> MessageTemplate:
    """The district's wording of ``purpose`` (created the first time). Audited."""
    from ..permissions import can
    from ..scoping import membership

    if not can(by, "manage_message_templates"):
        raise RuleError(_("메시지 문구를 고칠 권한이 없습니다."))
    staff = membership(by)
    if not by.is_superuser and (staff is None or staff.district_id != district.pk):
        raise RuleError(_("다른 구의 문구는 고칠 수 없습니다."))
    errors: dict[str, str] = {}
    if purpose not in templates.PLACEHOLDERS:
        errors["purpose"] = _("알 수 없는 메시지 용도입니다.")
    elif (problem := templates.body_problem(purpose, body or "")) is not None:
        errors["body"] = problem
    if channel not in MessageChannel.values:
        errors["channel"] = _("채널을 목록에서 고르세요.")
    elif channel == MessageChannel.ALIMTALK and not alimtalk_code.strip():
        errors["alimtalk_code"] = _("알림톡은 카카오에 등록한 템플릿 코드가 필요합니다.")
    if errors:
        raise RuleError(errors)
    with transaction.atomic():
        template, created = MessageTemplate.objects.select_for_update().get_or_create(
            district=district,
            purpose=purpose,
            defaults={
                "body": body.strip(),
                "channel": channel,
                "alimtalk_code": alimtalk_code.strip(),
                "active": active,
            },
        )
        if not created:
            template.body, template.channel = body.strip(), channel
            template.alimtalk_code, template.active = alimtalk_code.strip(), active
            template.updated_at = timezone.now()
            template.save()
        log_action(
            template,
            "welfare.messagetemplate.saved",
            user=by,
            changes={"purpose": purpose, "channel": channel, "active": active},
        )
    return template
