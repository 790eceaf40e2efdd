"""The outbound message models: a district's message templates and the log of every message.

Imported by ``welfare.models`` so the core app owns them (one migration history).
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from welfare.common.choices import ChoiceLabels


class MessagePurpose(models.TextChoices):
    """What a message is for; each purpose has one template per district (the default text when none)."""

    REPORT_RECEIVED = "report_received", _("신고·신청 접수 안내")
    REPORT_STATUS = "report_status", _("신고·신청 진행 안내")
    VISIT_REMINDER = "visit_reminder", _("방문 일정 알림")
    NETWORK_LOOK = "network_look", _("살펴봐 주세요 (인적안전망)")
    REGISTERED_MAIL = "registered_mail", _("복지등기 우편 안내")


class MessageChannel(models.TextChoices):
    SMS = "sms", _("문자(SMS/LMS)")
    ALIMTALK = "alimtalk", _("카카오 알림톡")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("발송 대기")
    HELD = "held", _("야간이라 아침에 발송")
    SENT = "sent", _("발송됨")
    FAILED = "failed", _("발송 실패")
    NO_CONSENT = "no_consent", _("수신 동의 없음 (보내지 않음)")


class MessageTemplate(ChoiceLabels, models.Model):
    """A district's wording of one purpose. ``{name}`` placeholders are filled from the message's context; only
    the placeholders the purpose knows are allowed (``welfare.messaging.templates``)."""

    district = models.ForeignKey(
        "welfare.District",
        on_delete=models.CASCADE,
        related_name="message_templates",
        verbose_name=_("자치구"),
    )
    purpose = models.CharField(_("용도"), max_length=20, choices=MessagePurpose.choices)
    channel = models.CharField(
        _("채널"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.SMS
    )
    body = models.TextField(_("문구"))
    alimtalk_code = models.CharField(
        _("알림톡 템플릿 코드"),
        max_length=30,
        blank=True,
        help_text=_("카카오에 등록한 템플릿 코드. 알림톡일 때만."),
    )
    active = models.BooleanField(_("사용"), default=True)
    updated_at = models.DateTimeField(_("수정 일시"), default=timezone_now)

    class Meta:
        verbose_name = _("메시지 문구")
        verbose_name_plural = _("메시지 문구")
        ordering = ["district", "purpose"]
        constraints = [
            models.UniqueConstraint(fields=["district", "purpose"], name="messagetemplate_one_per_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.get_purpose_display()}"


class OutboundMessageQuerySet(models.QuerySet):
    def due(self, now):
        """Messages still to send whose time has come (quiet hours over)."""
        return self.filter(state__in=[MessageState.QUEUED, MessageState.HELD], send_after__lte=now)


class OutboundMessage(ChoiceLabels, models.Model):
    """One message to one phone: the log row and the unit of sending. ``idempotency_key`` is unique, so the same
    event asks for a message twice and one row (one send) results; the key also goes to the gateway."""

    district = models.ForeignKey(
        "welfare.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbound_messages",
        verbose_name=_("자치구"),
    )
    purpose = models.CharField(_("용도"), max_length=20, choices=MessagePurpose.choices)
    channel = models.CharField(
        _("채널"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.SMS
    )
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        verbose_name=_("문구"),
        help_text=_("비어 있으면 기본 문구로 보냈습니다."),
    )
    phone = EncryptedCharField(_("받는 번호"), max_length=20, blank=True)
    phone_masked = models.CharField(_("받는 번호"), max_length=20)
    recipient_label = models.CharField(
        _("받는 사람"), max_length=60, blank=True, help_text=_("신고자, 주민, 인적안전망 위원 등 (이름 없이)")
    )
    body = models.TextField(_("내용"))
    idempotency_key = models.CharField(max_length=120, unique=True)
    state = models.CharField(
        _("상태"), max_length=12, choices=MessageState.choices, default=MessageState.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("요청 일시"), default=timezone_now, db_index=True)
    send_after = models.DateTimeField(_("발송 예정"), default=timezone_now)
    sent_at = models.DateTimeField(_("발송 일시"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도"), default=0)
    backend = models.CharField(_("발송 방식"), max_length=10, blank=True)
    gateway_id = models.CharField(_("게이트웨이 접수번호"), max_length=80, blank=True)
    error = models.CharField(_("오류"), max_length=300, blank=True)
    ref = models.CharField(
        _("관련 기록"), max_length=60, blank=True, help_text="e.g. discovery.crisisreport:12"
    )

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("발송 메시지")
        verbose_name_plural = _("발송 메시지 기록")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "-created_at"], name="outboundmsg_district_idx"),
            models.Index(fields=["state", "send_after"], name="outboundmsg_due_idx"),
            models.Index(fields=["ref"], name="outboundmsg_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.phone_masked}"
