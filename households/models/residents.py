"""Households models: residents."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from welfare.common import phones
from welfare.common.choices import ChoiceLabels
from welfare.scoping import ScopedQuerySet

from .. import rrn
from .households import Household


class Sex(models.TextChoices):
    MALE = "M", _("남")
    FEMALE = "F", _("여")


class Relation(models.TextChoices):
    HEAD = "head", _("세대주")
    SPOUSE = "spouse", _("배우자")
    CHILD = "child", _("자녀")
    PARENT = "parent", _("부모")
    GRANDCHILD = "grandchild", _("손자녀")
    GRANDPARENT = "grandparent", _("조부모")
    SIBLING = "sibling", _("형제자매")
    OTHER_RELATIVE = "relative", _("기타 친족")
    COHABITANT = "cohabitant", _("동거인")


class LeftReason(models.TextChoices):
    MOVED_OUT = "moved_out", _("전출")
    DECEASED = "deceased", _("사망")
    FACILITY = "facility", _("시설 입소")
    OTHER = "other", _("기타")


class ResidentQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def current(self) -> ResidentQuerySet:
        return self.filter(left_on__isnull=True)

    def with_rrn(self, number: str) -> ResidentQuerySet:
        return self.filter(rrn_hash=rrn.keyed_hash(rrn.normalize(number)))


class Resident(ChoiceLabels, models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("세대")
    )
    name = models.CharField(_("성명"), max_length=50)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    sex = models.CharField(_("성별"), max_length=1, choices=Sex.choices, blank=True)
    relation = models.CharField(_("세대주와의 관계"), max_length=12, choices=Relation.choices)
    phone = models.CharField(_("연락처"), max_length=20, blank=True, db_index=True, help_text=_("숫자만 저장"))
    # Ciphertext only (Fernet, FIELD_ENCRYPTION_KEY); the keyed hash beside it finds an exact number.
    rrn_encrypted = EncryptedCharField(_("주민등록번호(암호화)"), max_length=13, blank=True)
    rrn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    moved_in_on = models.DateField(_("전입일"), null=True, blank=True)
    left_on = models.DateField(_("세대 이탈일"), null=True, blank=True)
    left_reason = models.CharField(_("이탈 사유"), max_length=12, choices=LeftReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("가구원")
        verbose_name_plural = _("가구원")
        ordering = ["household_id", "left_on", "id"]

    def __str__(self) -> str:
        return self.name

    def set_rrn(self, raw: str) -> None:
        if not raw:
            self.rrn_encrypted, self.rrn_hash = "", ""
            return
        value = rrn.normalize(raw)
        self.rrn_encrypted, self.rrn_hash = value, rrn.keyed_hash(value)

    @property
    def rrn(self) -> str:
        """The number's keyed hash: what an update compares (and logs only as "(changed)"). Setting it stores a
        new number; a blank one keeps the stored number."""
        return self.rrn_hash

    @rrn.setter
    def rrn(self, raw: str) -> None:
        if raw:
            self.set_rrn(raw)

    @property
    def rrn_masked(self) -> str:
        return rrn.mask(self.rrn_encrypted)

    @property
    def phone_display(self) -> str:
        return phones.display(self.phone)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ConsentScope(models.TextChoices):
    COLLECT_USE = "collect_use", _("수집·이용")
    SENSITIVE = "sensitive", _("민감정보 처리")
    THIRD_PARTY = "third_party", _("제3자 제공")
    UNIQUE_ID = "unique_id", _("고유식별정보 처리")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("서면")
    VERBAL = "verbal", _("구두(녹취·기록)")
    ELECTRONIC = "electronic", _("전자서명")
    GUARDIAN = "guardian", _("법정대리인")


class ConsentQuerySet(ScopedQuerySet):
    dong_path = "resident__household__dong"

    def active(self, on: dt.date | None = None) -> ConsentQuerySet:
        on = on or timezone.localdate()
        return self.filter(granted_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


class Consent(ChoiceLabels, models.Model):
    """One consent per person and scope (PIPA art. 15, 17, 22, 23, 24)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents", verbose_name=_("가구원"))
    scope = models.CharField(_("동의 범위"), max_length=12, choices=ConsentScope.choices)
    granted_on = models.DateField(_("동의일"))
    method = models.CharField(_("동의 방법"), max_length=12, choices=ConsentMethod.choices)
    recipients = models.CharField(_("제공받는 자"), max_length=200, blank=True, help_text=_("제3자 제공일 때"))
    expires_on = models.DateField(_("보유 기한"), null=True, blank=True)
    withdrawn_on = models.DateField(_("철회일"), null=True, blank=True)
    # Signed by a representative (법정대리인, 보호자) instead of the person: who, and their relation to the person.
    representative_name = models.CharField(_("대리인 성명"), max_length=50, blank=True)
    representative_relation = models.CharField(_("대리인과의 관계"), max_length=30, blank=True)
    # When it was signed on screen (the signed PDF is an attachment of kind "consent" on this record).
    signed_at = models.DateTimeField(_("서명 일시"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("기록자")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The device's id of a consent signed in the offline field app: a resend records nothing twice.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("개인정보 동의")
        verbose_name_plural = _("개인정보 동의")
        ordering = ["resident_id", "scope", "-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("granted_on")),
                name="consent_withdrawn_after_granted",
            ),
            models.UniqueConstraint(fields=["client_id", "scope"], condition=Q(client_id__isnull=False),
                                    name="consent_client_id_scope_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_scope_display()}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            self.granted_on <= today
            and (self.withdrawn_on is None or self.withdrawn_on > today)
            and (self.expires_on is None or self.expires_on >= today)
        )


class DisabilitySeverity(models.TextChoices):
    NONE = "", _("해당 없음")
    SEVERE = "severe", _("심한 장애")
    MILD = "mild", _("심하지 않은 장애")


class SensitiveProfileQuerySet(ScopedQuerySet):
    dong_path = "resident__household__dong"


class SensitiveProfile(ChoiceLabels, models.Model):
    """Health, mental-health, disability and addiction details: sensitive information (PIPA art. 23).

    Kept apart from the resident, encrypted, and shown only to roles that run cases
    (``can(user, "view_sensitive")``), each view logged.
    """

    resident = models.OneToOneField(
        Resident, on_delete=models.CASCADE, related_name="sensitive_profile", verbose_name=_("가구원")
    )
    physical_health = EncryptedTextField(_("신체 건강"), blank=True)
    mental_health = EncryptedTextField(_("정신 건강"), blank=True)
    disability_type = models.CharField(_("장애 유형"), max_length=50, blank=True)
    disability_severity = models.CharField(
        _("장애 정도"), max_length=10, choices=DisabilitySeverity.choices, blank=True
    )
    addiction = EncryptedTextField(_("중독 관련"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("수정자")
    )

    objects = SensitiveProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("민감정보")
        verbose_name_plural = _("민감정보")

    def __str__(self) -> str:
        return f"{self.resident} · 민감정보"
