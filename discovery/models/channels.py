"""Reporting channels made real (issue 17 item 5): the daily-life businesses that keep memo pads and posters
(management offices, realtors, convenience stores, pharmacies). Each has an unguessable token; the QR code on its
printed sheet opens ``/report/?src=<token>``, so a tip sent from it is counted for that business and channel."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong


def new_token() -> str:
    return secrets.token_urlsafe(9)


class SourceKind(models.TextChoices):
    MANAGEMENT_OFFICE = "management_office", _("관리사무소")
    REALTOR = "realtor", _("공인중개사")
    CONVENIENCE_STORE = "convenience_store", _("편의점")
    PHARMACY = "pharmacy", _("약국")
    OTHER = "other", _("기타")


class ReportSource(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="report_sources")
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.SET_NULL, related_name="report_sources",
                             verbose_name=_("행정동"))
    name = models.CharField(_("업소명"), max_length=100)
    kind = models.CharField(_("업종"), max_length=20, choices=SourceKind.choices)
    token = models.CharField(_("QR 토큰"), max_length=20, unique=True, default=new_token, editable=False)
    pads_given = models.PositiveIntegerField(_("배부한 메모지·포스터"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("제보 경로 업소")
        verbose_name_plural = _("제보 경로 업소")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
