"""The annual basic plan (연간 기본계획): areas, tasks, quarterly milestones, dong targets and the approval
comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong


class Department(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="departments",
                                 verbose_name=_("자치구"))
    name = models.CharField(_("부서명"), max_length=100)

    class Meta:
        verbose_name = _("부서")
        verbose_name_plural = _("부서")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="department_unique_in_district")]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("승인 요청")
    APPROVED = "approved", _("승인")


class AnnualPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnualPlanQuerySet:
        """Plans of the user's district (dong officials read their district's plan; targets are per dong)."""
        from welfare.scoping import visible_dong_ids

        return self.filter(district__dongs__in=visible_dong_ids(user)).distinct()

    def current(self) -> AnnualPlanQuerySet:
        """The latest revision of each (district, year)."""
        return self.filter(is_current=True)


class AnnualPlan(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="plans", verbose_name=_("자치구"))
    year = models.PositiveSmallIntegerField(_("연도"))
    revision = models.PositiveSmallIntegerField(_("개정 차수"), default=1)
    title = models.CharField(_("계획명"), max_length=200)
    vision = models.CharField(_("비전"), max_length=300, blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    uplift_percent = models.DecimalField(_("목표 상향률(%)"), max_digits=5, decimal_places=1, default=10)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("기준 계획"), help_text=_("작년 계획 또는 이전 개정본"))
    superseded_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="supersedes", verbose_name=_("새 개정본"))
    is_current = models.BooleanField(_("최신 개정본"), default=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("연간 기본계획")
        verbose_name_plural = _("연간 기본계획")
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "revision"], name="plan_unique_revision"),
            # One plan per district and year: only its latest revision is current.
            models.UniqueConstraint(fields=["district", "year"], condition=Q(is_current=True),
                                    name="plan_one_current_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}" + (f" (개정 {self.revision})" if self.revision > 1 else "")

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT and self.is_current


class PlanComment(ChoiceLabels, models.Model):
    """Comments at each step of the approval (submitted, returned, approved): attributed and dated."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="comments")
    action = models.CharField(_("단계"), max_length=20)
    text = models.TextField(_("의견"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("계획 의견")
        verbose_name_plural = _("계획 의견")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class PlanArea(ChoiceLabels, models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="areas")
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    title = models.CharField(_("추진 전략(영역)"), max_length=200)

    class Meta:
        verbose_name = _("추진 영역")
        verbose_name_plural = _("추진 영역")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class FundingSource(models.TextChoices):
    DISTRICT = "district", _("구비")
    CITY = "city", _("시비")
    NATIONAL = "national", _("국비")
    PRIVATE = "private", _("민간")


class PlanTask(ChoiceLabels, models.Model):
    area = models.ForeignKey(PlanArea, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    title = models.CharField(_("세부 사업"), max_length=200)
    description = models.TextField(_("내용"), blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tasks",
                                   verbose_name=_("담당 부서"))
    lead = models.CharField(_("담당자"), max_length=100, blank=True)
    budget_krw = models.PositiveBigIntegerField(_("예산(원)"), default=0)
    funding_source = models.CharField(_("재원"), max_length=10, choices=FundingSource.choices,
                                      default=FundingSource.DISTRICT)
    indicator = models.CharField(_("성과지표"), max_length=200, blank=True)
    indicator_unit = models.CharField(_("단위"), max_length=20, blank=True)
    baseline = models.DecimalField(_("기준값"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("목표값"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("세부 사업")
        verbose_name_plural = _("세부 사업")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("예정")
    IN_PROGRESS = "in_progress", _("진행 중")
    DONE = "done", _("완료")
    DELAYED = "delayed", _("지연")


class PlanMilestone(ChoiceLabels, models.Model):
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="milestones")
    quarter = models.PositiveSmallIntegerField(_("분기"))
    text = models.CharField(_("추진 내용"), max_length=200)
    status = models.CharField(_("상태"), max_length=12, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)

    class Meta:
        verbose_name = _("분기별 추진 일정")
        verbose_name_plural = _("분기별 추진 일정")
        ordering = ["quarter", "id"]
        constraints = [models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4),
                                              name="milestone_quarter_1_4")]

    def __str__(self) -> str:
        return f"{self.quarter}분기 {self.text}"


class DongTarget(ChoiceLabels, models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="dong_targets")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="plan_targets")
    metric = models.CharField(_("지표"), max_length=40, help_text=_("plans.metrics.METRICS의 코드"))
    baseline = models.PositiveIntegerField(_("작년 실적"), default=0)
    target = models.PositiveIntegerField(_("목표"))

    class Meta:
        verbose_name = _("동별 목표")
        verbose_name_plural = _("동별 목표")
        ordering = ["dong_id", "metric"]
        constraints = [models.UniqueConstraint(fields=["plan", "dong", "metric"], name="dongtarget_unique")]

    def __str__(self) -> str:
        return f"{self.dong_id} {self.metric} {self.target}"
