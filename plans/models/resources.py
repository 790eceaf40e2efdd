"""The directory of public and private resources."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong


class Sector(models.TextChoices):
    PUBLIC = "public", _("공공")
    PRIVATE = "private", _("민간")


class ResourceCategory(models.TextChoices):
    LIVELIHOOD = "livelihood", _("생계")
    EMERGENCY = "emergency", _("긴급지원")
    PENSION = "pension", _("연금·수당")
    HOUSING = "housing", _("주거")
    MEDICAL = "medical", _("의료")
    DENTAL = "dental", _("치과")
    MENTAL_HEALTH = "mental_health", _("정신건강")
    CARE = "care", _("돌봄")
    FOOD = "food", _("식품")
    EMPLOYMENT = "employment", _("일자리")
    LEGAL = "legal", _("법률·금융")
    MOVING = "moving", _("이사비")
    IN_KIND = "in_kind", _("후원 물품")
    OTHER = "other", _("기타")


class LifeStage(models.TextChoices):
    """The welfare guide's life stages (생애주기별 복지 안내)."""

    PREGNANCY_INFANCY = "pregnancy_infancy", _("임신·영유아")
    CHILDHOOD = "childhood", _("아동")
    YOUTH = "youth", _("청년")
    MIDDLE_AGE = "middle_age", _("중장년")
    OLD_AGE = "old_age", _("노년")


class RecipientType(models.TextChoices):
    """The welfare guide's recipient types (대상별 복지 안내)."""

    BASIC_LIVELIHOOD = "basic_livelihood", _("기초생활수급자")
    NEAR_POOR = "near_poor", _("차상위계층")
    DISABLED = "disabled", _("장애인")
    SINGLE_PARENT = "single_parent", _("한부모가족")
    ELDERLY_ALONE = "elderly_alone", _("홀로 사는 어르신")
    CRISIS = "crisis", _("위기가구")


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResourceQuerySet:
        """Resources of the districts the user works in (a directory, not personal data)."""
        from welfare.scoping import visible_dong_ids

        return self.filter(district__dongs__in=visible_dong_ids(user)).distinct()

    def serving(self, dong_id: int) -> ResourceQuerySet:
        """Active resources open to a dong: those that list it, or list no dong (the whole district)."""
        return self.filter(is_active=True).filter(Q(dongs__isnull=True) | Q(dongs=dong_id)).distinct()


class Resource(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="resources",
                                 verbose_name=_("자치구"))
    name = models.CharField(_("자원명"), max_length=150)
    provider = models.CharField(_("제공 기관"), max_length=150)
    sector = models.CharField(_("구분"), max_length=8, choices=Sector.choices)
    category = models.CharField(_("분류"), max_length=14, choices=ResourceCategory.choices)
    funding_source = models.CharField(_("재원"), max_length=100, blank=True)
    eligibility = models.TextField(_("지원 대상·조건"), blank=True)
    contact = models.CharField(_("연락처"), max_length=150, blank=True)
    dongs = models.ManyToManyField(Dong, blank=True, related_name="resources", verbose_name=_("대상 동"),
                                   help_text=_("비워 두면 구 전체"))
    is_active = models.BooleanField(_("사용 중"), default=True)
    # The welfare guide (issue 17): empty lists mean every life stage / anyone.
    life_stages = models.JSONField(_("생애주기"), default=list, blank=True, help_text=_("비워 두면 모든 생애주기"))
    recipients = models.JSONField(_("대상"), default=list, blank=True, help_text=_("비워 두면 누구나"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("자원")
        verbose_name_plural = _("자원")
        ordering = ["sector", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name", "provider"],
                                               name="resource_unique_in_district")]

    def __str__(self) -> str:
        return self.name
