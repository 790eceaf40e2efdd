"""Households models: policy."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.common.dates import add_months

from .households import RiskLevel

# --- Cadence -----------------------------------------------------------------------------------------------


class CadencePolicy(ChoiceLabels, models.Model):
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
    # Calendar months (DOMAIN §6): after-care contacts after closure, reassessment while in service.
    MONTH_LIMITS = {"aftercare_first_months": (1, 12), "aftercare_last_months": (1, 12),
                    "reassessment_months": (1, 24)}
    MONTH_FIELDS = tuple(MONTH_LIMITS)
    FIELDS = (*DAY_FIELDS, *MONTH_FIELDS)

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
    # After-care (사후관리): closing a case schedules a contact at each offset from the closing day.
    aftercare_first_months = models.PositiveSmallIntegerField(_("사후관리 1차(종결 후 개월)"), default=1)
    aftercare_last_months = models.PositiveSmallIntegerField(_("사후관리 2차·최종(종결 후 개월)"), default=3)
    reassessment_months = models.PositiveSmallIntegerField(_("재사정 주기(서비스 제공 중, 개월)"), default=6)

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

    @classmethod
    def month_limits_of(cls, name: str) -> tuple[int, int]:
        return cls.MONTH_LIMITS[name]

    def aftercare_dates(self, closed_on: dt.date) -> tuple[dt.date, dt.date]:
        """The first and the last after-care contact of a case closed on ``closed_on`` (calendar months)."""
        return (add_months(closed_on, self.aftercare_first_months), add_months(closed_on, self.aftercare_last_months))

    def reassessment_due(self, in_service_on: dt.date) -> dt.date:
        return add_months(in_service_on, self.reassessment_months)

    def silence_days_for(self, risk_level: str) -> int | None:
        """The silence threshold, or None for a level without silence watch (일반)."""
        if risk_level == RiskLevel.GENERAL:
            return None
        return getattr(self, self.SILENCE_DAYS.get(risk_level, "silence_low_days"))

    def next_contact(self, *, after: dt.date, risk_level: str, in_service: bool = False) -> dt.date:
        return after + dt.timedelta(days=self.days_for(risk_level, in_service=in_service))
