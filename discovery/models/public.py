"""The public front door (issue 20): what a request from /report/ carries beyond the crisis report itself.

A request is for oneself ("도움이 필요해요 (나)") or a neighbour ("이웃이 걱정돼요 (이웃)"). The person asking for
themselves gives a birth date, a household type and optionally the registration number (encrypted like every
registration number, with its keyed hash); either door may leave a phone and agree to messages. The status page is
opened with the receipt code and a short PIN (stored hashed) or the phone given.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from welfare.common.choices import ChoiceLabels

from .reports import CrisisReport


class RequestKind(models.TextChoices):
    SELF = "self", _("도움이 필요해요 (나)")
    NEIGHBOUR = "neighbour", _("이웃이 걱정돼요 (이웃)")


class CrisisType(models.TextChoices):
    """The kinds of crisis the Ministry's 복지위기 알림 app offers, in plain words."""

    LIVELIHOOD = "livelihood", _("생계 (먹고 사는 일)")
    CARE = "care", _("돌봄·보호")
    HEALTH = "health", _("건강·의료")
    HOUSING = "housing", _("주거 (집)")
    JOB = "job", _("일자리")
    DEBT = "debt", _("빚·금융")
    SAFETY = "safety", _("안전·폭력")
    LONELINESS = "loneliness", _("외로움·고립")
    OTHER = "other", _("기타")


class HouseholdKind(models.TextChoices):
    ALONE = "alone", _("혼자 살아요")
    ELDERLY = "elderly", _("어르신만 살아요")
    SINGLE_PARENT = "single_parent", _("한부모 가족이에요")
    DISABILITY = "disability", _("장애가 있는 가족이 있어요")
    CHILDREN = "children", _("아이를 키우고 있어요")
    OTHER = "other", _("기타")


class PublicStage(models.TextChoices):
    """What the person who asked sees: the report's state in four plain steps."""

    RECEIVED = "received", _("접수했어요")
    CHECKING = "checking", _("담당자가 살펴보고 있어요")
    CONTACTED = "contacted", _("담당자가 연락드렸어요")
    CLOSED = "closed", _("마무리되었어요")


class PublicRequest(ChoiceLabels, models.Model):
    report = models.OneToOneField(CrisisReport, on_delete=models.CASCADE, related_name="public_request")
    kind = models.CharField(_("신청 구분"), max_length=10, choices=RequestKind.choices)
    crisis_types = models.JSONField(_("위기 유형"), default=list, blank=True)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    rrn_encrypted = EncryptedCharField(_("주민등록번호(암호화)"), max_length=13, blank=True)
    rrn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    household_kind = models.CharField(
        _("가구 형태"), max_length=14, choices=HouseholdKind.choices, blank=True
    )
    routed_by_address = models.BooleanField(_("주소로 동 배정"), default=False)
    pin_hash = models.CharField(max_length=128, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    notify_phone = EncryptedCharField(_("알림 받을 번호"), max_length=20, blank=True)
    notify_consent = models.BooleanField(_("진행 알림 동의"), default=False)
    notified_stage = models.CharField(
        _("마지막으로 알린 단계"), max_length=10, choices=PublicStage.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("주민 신청·신고")
        verbose_name_plural = _("주민 신청·신고")
        indexes = [models.Index(fields=["notify_consent", "notified_stage"], name="publicrequest_notify_idx")]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_kind_display()})"

    @property
    def crisis_type_labels(self) -> list[str]:
        labels = dict(CrisisType.choices)
        return [str(labels.get(t, t)) for t in self.crisis_types]
