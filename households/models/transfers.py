"""Households models: the transfer of a difficult case to the district's case-management team (희망복지지원단).

A dong official or lead asks the team to take a difficult (고난도) case over, with a reason; a team member accepts
it (the case's owner becomes that member, and the team sees the household) or returns it with a comment. A case
the team holds goes back to the dong when the team is done ("hand back"). One row per request keeps that story
on the case; every step is in the access log too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District
from welfare.scoping import ScopedQuerySet

from .cases import Case
from .households import Household


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("이관 요청")
    ACCEPTED = "accepted", _("희망복지지원단 인수")
    RETURNED = "returned", _("반려")
    HANDED_BACK = "handed_back", _("동 복귀")


# A case has at most one transfer in progress: asked and not yet answered, or held by the team.
OPEN_TRANSFER_STATUSES = (TransferStatus.REQUESTED, TransferStatus.ACCEPTED)


class CaseTransferQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def in_progress(self) -> CaseTransferQuerySet:
        return self.filter(status__in=OPEN_TRANSFER_STATUSES)


class CaseTransfer(ChoiceLabels, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("사례"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="case_transfers",
                                  verbose_name=_("세대"))
    # The district whose team receives the request (the household's, kept for the team's inbox).
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="case_transfers")
    status = models.CharField(_("상태"), max_length=12, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    reason = models.TextField(_("요청 사유"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("요청자"))
    requested_at = models.DateTimeField(_("요청 일시"), default=timezone.now)
    # Who held the case when it was asked for: it goes back to them when the team hands it back.
    previous_official = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+",
                                          verbose_name=_("이관 전 담당자"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("처리자"))
    decided_at = models.DateTimeField(_("처리 일시"), null=True, blank=True)
    decision_note = models.TextField(_("처리 의견"), blank=True)
    handed_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("복귀 처리자"))
    handed_back_at = models.DateTimeField(_("동 복귀 일시"), null=True, blank=True)
    handback_note = models.TextField(_("복귀 의견"), blank=True)

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("사례 이관")
        verbose_name_plural = _("사례 이관")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status__in=["requested", "accepted"]),
                                    name="casetransfer_one_in_progress"),
        ]
        indexes = [models.Index(fields=["district", "status"], name="casetransfer_district_idx")]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.get_status_display()}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in OPEN_TRANSFER_STATUSES
