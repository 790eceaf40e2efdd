"""The annual basic plan (later issues) and the directory of public and private resources."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResourceQuerySet:
        """Resources of the districts the user works in (a directory, not personal data)."""
        from welfare.scoping import visible_dong_ids

        return self.filter(district__dongs__in=visible_dong_ids(user)).distinct()

    def serving(self, dong_id: int) -> ResourceQuerySet:
        """Active resources open to a dong: those that list it, or list no dong (the whole district)."""
        return self.filter(is_active=True).filter(Q(dongs__isnull=True) | Q(dongs=dong_id)).distinct()


class Resource(models.Model):
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


class TrainingAudience(models.TextChoices):
    OFFICIALS = "officials", _("공무원")
    NETWORK = "network", _("인적안전망")
    MIXED = "mixed", _("합동")


class Training(models.Model):
    """A capacity-building session for officials or network members (counted by the plan figures)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="trainings",
                                 verbose_name=_("자치구"))
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainings",
                             verbose_name=_("행정동"), help_text=_("비워 두면 구 전체 교육"))
    title = models.CharField(_("교육명"), max_length=200)
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


class DongMonthFigure(models.Model):
    """Nightly per-dong, per-month counts of each live metric (plans.metrics): the plan dashboard reads these
    and never scans the raw tables."""

    dong = models.ForeignKey(Dong, on_delete=models.CASCADE, related_name="figures")
    month = models.DateField(_("월"), help_text=_("그 달 1일"))
    metric = models.CharField(_("지표"), max_length=40)
    value = models.IntegerField(_("값"), default=0)
    computed_at = models.DateTimeField(_("계산 시각"))

    class Meta:
        verbose_name = _("동별 월간 실적")
        verbose_name_plural = _("동별 월간 실적")
        ordering = ["month", "dong_id", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["dong", "month", "metric"], name="figure_one_per_dong_month_metric"),
        ]
        indexes = [models.Index(fields=["metric", "month"], name="figure_metric_month_idx")]

    def __str__(self) -> str:
        return f"{self.dong_id} {self.month:%Y-%m} {self.metric}={self.value}"
