"""The plan's activity records: capacity-building trainings, awards and public-private partnerships."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong

from .plans import AnnualPlan


class TrainingAudience(models.TextChoices):
    OFFICIALS = "officials", _("공무원")
    NETWORK = "network", _("인적안전망")
    MIXED = "mixed", _("합동")


class Training(ChoiceLabels, models.Model):
    """A capacity-building session for officials or network members (counted by the plan figures)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="trainings",
                                 verbose_name=_("자치구"))
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainings",
                             verbose_name=_("행정동"), help_text=_("비워 두면 구 전체 교육"))
    title = models.CharField(_("교육명"), max_length=200)
    plan = models.ForeignKey(AnnualPlan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="trainings")
    held_on = models.DateField(_("교육일"))
    hours = models.DecimalField(_("시간"), max_digits=4, decimal_places=1, default=2)
    audience = models.CharField(_("대상"), max_length=10, choices=TrainingAudience.choices)
    attendees = models.PositiveIntegerField(_("참석 인원"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("역량강화 교육")
        verbose_name_plural = _("역량강화 교육")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class AwardRecipientKind(models.TextChoices):
    RESIDENT = "resident", _("주민")
    NETWORK_MEMBER = "network_member", _("인적안전망 구성원")
    ORGANISATION = "organisation", _("기관·단체")
    OFFICIAL = "official", _("공무원")


class Award(ChoiceLabels, models.Model):
    plan = models.ForeignKey(AnnualPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="awards")
    recipient = models.CharField(_("수상자"), max_length=150)
    recipient_kind = models.CharField(_("구분"), max_length=16, choices=AwardRecipientKind.choices)
    title = models.CharField(_("포상명"), max_length=200)
    awarded_on = models.DateField(_("수여일"))

    class Meta:
        verbose_name = _("포상")
        verbose_name_plural = _("포상")
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.title}"


class Partnership(ChoiceLabels, models.Model):
    """A public-private agreement (업무협약, MOU)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="partnerships")
    plan = models.ForeignKey(AnnualPlan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="partnerships")
    partner = models.CharField(_("협약 기관"), max_length=150)
    signed_on = models.DateField(_("체결일"))
    scope = models.TextField(_("협약 내용"), blank=True)

    class Meta:
        verbose_name = _("민관 협약")
        verbose_name_plural = _("민관 협약")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} ({self.signed_on})"
