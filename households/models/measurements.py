"""Households models: health measurements from devices (issue 17 item 7: Yongsan's AI-IoT health management).

A reading of blood pressure, glucose, steps or weight sent by a gateway (or with a check-in), of one resident or
of the household's shared device (``resident`` empty). Sensitive health data (PIPA art. 23): written and shown
only through ``households.services.measurements`` and the ``view_health_measurements`` capability, and only with
the person's active consent to sensitive data (the household head's for a shared device).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.scoping import ScopedQuerySet

from .households import Household
from .residents import Consent, ConsentScope, Relation, Resident
from .visits import CheckIn


class MeasurementKind(models.TextChoices):
    """The unit is implied by the kind (households.measurement_ranges.RANGES holds it with the bounds)."""

    BLOOD_PRESSURE = "blood_pressure", _("혈압")
    GLUCOSE = "glucose", _("혈당")
    STEPS = "steps", _("걸음 수")
    WEIGHT = "weight", _("체중")


class MeasurementQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def with_consent(self, on: dt.date | None = None) -> MeasurementQuerySet:
        """Only the readings whose person holds an active consent to sensitive data today (the current household
        head for a shared device): a withdrawn consent hides the readings taken under it (two EXISTS)."""
        consents = Consent.objects.active(on).filter(scope=ConsentScope.SENSITIVE)
        return self.filter(
            Q(resident__isnull=False) & Exists(consents.filter(resident_id=OuterRef("resident_id")))
            | Q(resident__isnull=True) & Exists(consents.filter(
                resident__household_id=OuterRef("household_id"), resident__relation=Relation.HEAD,
                resident__left_on__isnull=True))
        )


class Measurement(ChoiceLabels, models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="measurements",
                                  verbose_name=_("세대"))
    # Empty: the household's shared device (its readings belong to the household head for consent).
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="measurements", verbose_name=_("가구원"))
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="measurements", verbose_name=_("안부 확인"))
    kind = models.CharField(_("측정 항목"), max_length=16, choices=MeasurementKind.choices)
    # Blood pressure: value systolic, value2 diastolic (mmHg). Glucose mg/dL, steps a count, weight kg.
    value = models.DecimalField(_("측정값"), max_digits=8, decimal_places=1)
    value2 = models.DecimalField(_("측정값 2"), max_digits=8, decimal_places=1, null=True, blank=True)
    measured_at = models.DateTimeField(_("측정 일시"), default=timezone.now)
    device_id = models.CharField(_("기기·게이트웨이"), max_length=100, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True, help_text="gateway's id")
    is_out_of_range = models.BooleanField(_("정상 범위 밖"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("건강 측정")
        verbose_name_plural = _("건강 측정")
        ordering = ["-measured_at", "-id"]
        indexes = [
            models.Index(fields=["household", "kind", "-measured_at"], name="measurement_household_kind_idx"),
            # The dashboard figure: the households measured since a day, of all dongs at once.
            models.Index(fields=["measured_at"], name="measurement_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.measured_at):%Y-%m-%d %H:%M}"

    @property
    def display_value(self) -> str:
        from ..measurement_ranges import format_reading

        return format_reading(self.kind, self.value, self.value2)
