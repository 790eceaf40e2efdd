"""Households models: the case conference (사례회의) record (issue 16 item 3).

A conference decides whether a case is selected and how it is classed (일반 / 고난도), or that it is not selected
(and why). Its record keeps who attended (staff and partner organisations) and the plan items agreed; the
service (households.services.conferences) sets the case's class and moves the case from that decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.scoping import ScopedQuerySet

from .cases import Case, CaseClass, CaseGoal, CaseStageChange, NeedDomain


class ConferenceKind(models.TextChoices):
    GENERAL = "general", _("일반 사례회의")
    DIFFICULT = "difficult", _("고난도 사례회의")


class ConferenceBody(models.TextChoices):
    DONG_COUNCIL = "dong_council", _("동 지역사회보장협의체")
    HOPE_TEAM = "hope_team", _("희망복지지원단")
    INTERNAL = "internal", _("내부 회의")


class ConferenceDecision(models.TextChoices):
    SELECTED_GENERAL = "selected_general", _("일반사례 선정")
    SELECTED_DIFFICULT = "selected_difficult", _("고난도사례 선정")
    NOT_SELECTED = "not_selected", _("미선정")


# The case class a selecting decision sets (not selected sets none).
DECISION_CLASS: dict[str, str] = {
    ConferenceDecision.SELECTED_GENERAL: CaseClass.GENERAL,
    ConferenceDecision.SELECTED_DIFFICULT: CaseClass.DIFFICULT,
}


class CaseConferenceQuerySet(ScopedQuerySet):
    dong_path = "case__household__dong"


class CaseConference(ChoiceLabels, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences", verbose_name=_("사례"))
    held_on = models.DateField(_("회의일"))
    kind = models.CharField(_("회의 구분"), max_length=10, choices=ConferenceKind.choices)
    body = models.CharField(_("회의 주관"), max_length=14, choices=ConferenceBody.choices)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_conferences",
                                   verbose_name=_("참석 직원"))
    decision = models.CharField(_("결정"), max_length=20, choices=ConferenceDecision.choices)
    reason = models.TextField(_("결정 사유"), blank=True, help_text=_("미선정이면 필수"))
    # The stage move the decision made (conference → planning or closing): a second identical submit finds it.
    decided_change = models.OneToOneField(CaseStageChange, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="conference", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("기록자"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("사례회의")
        verbose_name_plural = _("사례회의")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()} · {self.get_decision_display()}"

    @property
    def is_selected(self) -> bool:
        return self.decision in DECISION_CLASS


class ConferencePartner(ChoiceLabels, models.Model):
    """A partner organisation that attended (복지관, 보건소, 정신건강복지센터 …) and who came for it."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="partners")
    organisation = models.CharField(_("기관명"), max_length=100)
    person = models.CharField(_("참석자·직위"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("사례회의 참석 기관")
        verbose_name_plural = _("사례회의 참석 기관")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.person}".strip()


class ConferencePlanItem(ChoiceLabels, models.Model):
    """An item of the plan agreed at the conference; a selected case gets it as a service-plan goal (``goal``)."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="plan_items")
    domain = models.CharField(_("욕구 영역"), max_length=14, choices=NeedDomain.choices)
    text = models.CharField(_("계획 내용"), max_length=300)
    provider = models.CharField(_("제공 기관"), max_length=100, blank=True)
    target_on = models.DateField(_("목표일"))
    goal = models.OneToOneField(CaseGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_item")

    class Meta:
        verbose_name = _("사례회의 계획 항목")
        verbose_name_plural = _("사례회의 계획 항목")
        ordering = ["target_on", "id"]

    def __str__(self) -> str:
        return self.text
