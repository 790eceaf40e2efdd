"""Households models: links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.scoping import ScopedQuerySet

from .cases import Case, CaseNeed
from .households import Household

# --- Service links ----------------------------------------------------------------------------------------


class LinkStatus(models.TextChoices):
    REQUESTED = "requested", _("의뢰")
    ACCEPTED = "accepted", _("수락")
    IN_SERVICE = "in_service", _("제공 중")
    COMPLETED = "completed", _("완료")
    DECLINED = "declined", _("거절")
    STOPPED = "stopped", _("중단")


LINK_TRANSITIONS: dict[str, frozenset[str]] = {
    LinkStatus.REQUESTED: frozenset({LinkStatus.ACCEPTED, LinkStatus.DECLINED}),
    LinkStatus.ACCEPTED: frozenset({LinkStatus.IN_SERVICE, LinkStatus.STOPPED, LinkStatus.DECLINED}),
    LinkStatus.IN_SERVICE: frozenset({LinkStatus.COMPLETED, LinkStatus.STOPPED}),
    LinkStatus.COMPLETED: frozenset(),
    LinkStatus.DECLINED: frozenset(),
    LinkStatus.STOPPED: frozenset(),
}
LINK_STATUSES_NEEDING_REASON = frozenset({LinkStatus.DECLINED, LinkStatus.STOPPED})


class ServiceLinkQuerySet(ScopedQuerySet):
    dong_path = "household__dong"


class ServiceLink(ChoiceLabels, models.Model):
    """A household linked to a resource, usually within a case ("linkage only" reports have no case)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="service_links")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="service_links")
    need = models.ForeignKey(CaseNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="links",
                             verbose_name=_("대응 욕구"))
    resource = models.ForeignKey("plans.Resource", on_delete=models.PROTECT, related_name="links",
                                 verbose_name=_("자원"))
    requested_on = models.DateField(_("의뢰일"), default=timezone.localdate)
    start_on = models.DateField(_("시작일"), null=True, blank=True)
    end_on = models.DateField(_("종료일"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=LinkStatus.choices, default=LinkStatus.REQUESTED)
    status_reason = models.CharField(_("거절·중단 사유"), max_length=300, blank=True)
    amount_krw = models.PositiveBigIntegerField(_("금액(원)"), null=True, blank=True)
    frequency = models.CharField(_("횟수·주기"), max_length=100, blank=True)
    funding_source = models.CharField(_("재원"), max_length=100, blank=True)
    note = models.CharField(_("메모"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    completed_on = models.DateField(_("완료일"), null=True, blank=True)

    objects = ServiceLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("서비스 연계")
        verbose_name_plural = _("서비스 연계")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(start_on__isnull=True)
                                   | Q(end_on__gte=models.F("start_on")), name="servicelink_end_after_start"),
        ]
        indexes = [models.Index(fields=["household", "-created_at"], name="link_household_created_idx")]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.get_status_display()}"

    def can_move_to(self, status: str) -> bool:
        return status in LINK_TRANSITIONS.get(self.status, frozenset())
