"""Resident collaborators (issue 17 item 3): the network members' appointments and renewals, their activity log
(visits to monitored households, reports, training hours) and the support they receive (activity costs, insurance,
training); and the dong council (동 지역사회보장협의체): its meetings and its Happy-Neighbourhood projects, whose
beneficiaries are counted, never named (council members who are not officials see no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import Dong

from .network import NetworkMember


class MemberAppointment(ChoiceLabels, models.Model):
    """One term of a member's appointment (위촉); a renewal (재위촉) is the next term."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="appointments")
    appointed_on = models.DateField(_("위촉일"))
    term_ends_on = models.DateField(_("임기 만료일"))

    class Meta:
        verbose_name = _("위촉")
        verbose_name_plural = _("위촉")
        ordering = ["member_id", "-appointed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(term_ends_on__gt=models.F("appointed_on")),
                                   name="appointment_term_after_start"),
            models.UniqueConstraint(fields=["member", "appointed_on"], name="appointment_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.appointed_on}~{self.term_ends_on}"


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("모니터링 가구 방문")
    REPORT = "report", _("위기가구 제보")
    TRAINING = "training", _("교육 이수")


class MemberActivity(ChoiceLabels, models.Model):
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="activities")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+", verbose_name=_("행정동"))
    kind = models.CharField(_("활동"), max_length=10, choices=ActivityKind.choices)
    done_on = models.DateField(_("활동일"))
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("방문한 세대"))
    hours = models.DecimalField(_("시간"), max_digits=4, decimal_places=1, default=0)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("구성원 활동")
        verbose_name_plural = _("구성원 활동")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.done_on}"


class SupportKind(models.TextChoices):
    ACTIVITY_COST = "activity_cost", _("활동비")
    INSURANCE = "insurance", _("상해보험")
    TRAINING = "training", _("교육 지원")


class MemberSupport(ChoiceLabels, models.Model):
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(_("지원 종류"), max_length=14, choices=SupportKind.choices)
    given_on = models.DateField(_("지원일"))
    amount_krw = models.PositiveIntegerField(_("금액(원)"), default=0)
    note = models.CharField(_("메모"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("구성원 지원")
        verbose_name_plural = _("구성원 지원")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.amount_krw}"


class CouncilMeeting(ChoiceLabels, models.Model):
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="council_meetings",
                             verbose_name=_("행정동"))
    held_on = models.DateField(_("회의일"))
    agenda = models.TextField(_("안건"))
    attendees = models.TextField(_("참석자"), help_text=_("협의체 위원 이름을 쉼표로"))
    decisions = models.TextField(_("결정 사항"), blank=True)

    class Meta:
        verbose_name = _("협의체 회의")
        verbose_name_plural = _("협의체 회의")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.dong_id} {self.held_on}"

    @property
    def attendee_count(self) -> int:
        return len([n for n in self.attendees.replace("\n", ",").split(",") if n.strip()])


class HappyProject(ChoiceLabels, models.Model):
    """A Happy-Neighbourhood project (행복마을 특화사업) of the dong council: budget and beneficiaries as counts."""

    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="happy_projects",
                             verbose_name=_("행정동"))
    year = models.PositiveSmallIntegerField(_("연도"))
    title = models.CharField(_("사업명"), max_length=200)
    budget_krw = models.PositiveBigIntegerField(_("예산(원)"), default=0)
    beneficiaries = models.PositiveIntegerField(_("수혜 인원"), default=0)
    households = models.PositiveIntegerField(_("수혜 가구"), default=0)

    class Meta:
        verbose_name = _("행복마을 특화사업")
        verbose_name_plural = _("행복마을 특화사업")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title
