"""Households models: policy."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from .households import RiskLevel

# --- Cadence -----------------------------------------------------------------------------------------------


class CadencePolicy(models.Model):
    """Days between contacts by risk level, per district (DESIGN §1.5; defaults from DOMAIN §6).

    The one place that says which field holds which risk's days, and their limits; the service
    (``households.services.policy``), its form and the jobs read them from here."""

    # Days between contacts and before a silence alert: at least daily, at most yearly.
    MIN_DAYS, MAX_DAYS = 1, 365
    # Risk level → field, for the contact cadence and for the silence watch.
    # Most urgent first: the days may only grow along these (the service checks the order).
    CADENCE_DAYS = {RiskLevel.EMERGENCY: "emergency_days",
                    RiskLevel.HIGH: "high_days", RiskLevel.MEDIUM: "medium_days", RiskLevel.LOW: "low_days",
                    RiskLevel.GENERAL: "general_days"}
    # 일반 (isolation score 0) has no silence watch: its yearly check is the cadence follow-up.
    SILENCE_DAYS = {RiskLevel.EMERGENCY: "silence_emergency_days",
                    RiskLevel.HIGH: "silence_high_days", RiskLevel.MEDIUM: "silence_medium_days",
                    RiskLevel.LOW: "silence_low_days"}
    # Narrower limits than MIN_DAYS..MAX_DAYS: 긴급 is "every 1–3 days until stable" (DOMAIN §6).
    DAY_LIMITS = {"emergency_days": (1, 3)}
    DAY_FIELDS = (*CADENCE_DAYS.values(), "in_service_days", *SILENCE_DAYS.values())

    district = models.OneToOneField("welfare.District", on_delete=models.CASCADE, related_name="cadence_policy")
    high_days = models.PositiveSmallIntegerField(_("고위험(일)"), default=7)
    medium_days = models.PositiveSmallIntegerField(_("중위험(일)"), default=14)
    low_days = models.PositiveSmallIntegerField(_("저위험(일)"), default=30)
    emergency_days = models.PositiveSmallIntegerField(_("긴급(일)"), default=2)
    general_days = models.PositiveSmallIntegerField(_("일반(일)"), default=365)
    in_service_days = models.PositiveSmallIntegerField(_("사례관리 서비스 제공 중(일)"), default=30)
    # Silence watch: no visit and no check-in for longer than this raises an alert (lonely-death prevention).
    silence_high_days = models.PositiveSmallIntegerField(_("무응답 경보: 고위험(일)"), default=7)
    silence_medium_days = models.PositiveSmallIntegerField(_("무응답 경보: 중위험(일)"), default=14)
    silence_low_days = models.PositiveSmallIntegerField(_("무응답 경보: 저위험(일)"), default=30)
    silence_emergency_days = models.PositiveSmallIntegerField(_("무응답 경보: 긴급(일)"), default=2)

    class Meta:
        verbose_name = _("접촉 주기 정책")
        verbose_name_plural = _("접촉 주기 정책")

    def __str__(self) -> str:
        return f"{self.district} {self.high_days}/{self.medium_days}/{self.low_days}"

    @classmethod
    def for_district(cls, district_id: int) -> CadencePolicy:
        """The district's policy, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(district_id=district_id).first() or cls(district_id=district_id)

    def days_for(self, risk_level: str, *, in_service: bool = False) -> int:
        days = getattr(self, self.CADENCE_DAYS.get(risk_level, "low_days"))
        # A case in service is contacted at least monthly whatever the risk.
        return min(days, self.in_service_days) if in_service else days

    @classmethod
    def limits_of(cls, name: str) -> tuple[int, int]:
        """The (lowest, highest) days a field may hold."""
        return cls.DAY_LIMITS.get(name, (cls.MIN_DAYS, cls.MAX_DAYS))

    def silence_days_for(self, risk_level: str) -> int | None:
        """The silence threshold, or None for a level without silence watch (일반)."""
        if risk_level == RiskLevel.GENERAL:
            return None
        return getattr(self, self.SILENCE_DAYS.get(risk_level, "silence_low_days"))

    def next_contact(self, *, after: dt.date, risk_level: str, in_service: bool = False) -> dt.date:
        return after + dt.timedelta(days=self.days_for(risk_level, in_service=in_service))
