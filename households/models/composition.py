"""Households models: composition."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels

from .households import Household
from .residents import LeftReason, Resident

# --- Composition history ---------------------------------------------------------------------------------


class MemberEventKind(models.TextChoices):
    JOINED = "joined", _("전입·합류")
    LEFT = "left", _("이탈")
    HEAD_CHANGED = "head_changed", _("세대주 변경")


class MemberEvent(ChoiceLabels, models.Model):
    """Who joined or left a household and when, and changes of its head: the composition's history."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="member_events")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("구분"), max_length=14, choices=MemberEventKind.choices)
    on = models.DateField(_("일자"))
    reason = models.CharField(_("사유"), max_length=12, choices=LeftReason.choices, blank=True)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("세대 구성 변동")
        verbose_name_plural = _("세대 구성 변동")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_kind_display()} {self.on}"
