"""Per-dong discovery plans (동별 발굴 계획) under the district's annual plan: the dong's own (local) targets, its
focus areas (쪽방, 고시원, 반지하, specific apartment blocks) and planned actions with dates and owners. Progress
is read from the same nightly figures as the district plan (plans.dashboard)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import Dong

from .plans import AnnualPlan


class DongPlan(ChoiceLabels, models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="dong_plans",
                             verbose_name=_("연간 기본계획"))
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="dong_plans", verbose_name=_("행정동"))
    summary = models.TextField(_("추진 방향"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("동별 발굴 계획")
        verbose_name_plural = _("동별 발굴 계획")
        ordering = ["plan_id", "dong__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "dong"], name="dongplan_unique")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.dong_id}"


class DongPlanTarget(ChoiceLabels, models.Model):
    """The dong's own target on a metric of the registry (plans.metrics), beside the district's."""

    dong_plan = models.ForeignKey(DongPlan, on_delete=models.CASCADE, related_name="local_targets")
    metric = models.CharField(_("지표"), max_length=40)
    target = models.PositiveIntegerField(_("동 자체 목표"))

    class Meta:
        verbose_name = _("동 자체 목표")
        verbose_name_plural = _("동 자체 목표")
        ordering = ["metric"]
        constraints = [models.UniqueConstraint(fields=["dong_plan", "metric"], name="dongplantarget_unique")]

    def __str__(self) -> str:
        return f"{self.metric} {self.target}"


class FocusKind(models.TextChoices):
    JJOKBANG = "jjokbang", _("쪽방")
    GOSIWON = "gosiwon", _("고시원")
    BANJIHA = "banjiha", _("반지하")
    APARTMENT = "apartment", _("아파트 단지")
    OTHER = "other", _("기타")


class FocusArea(ChoiceLabels, models.Model):
    dong_plan = models.ForeignKey(DongPlan, on_delete=models.CASCADE, related_name="focus_areas")
    kind = models.CharField(_("유형"), max_length=12, choices=FocusKind.choices)
    name = models.CharField(_("이름·위치"), max_length=200, help_text=_("예: ○○고시원, △△아파트 3단지 임대동"))
    households = models.PositiveIntegerField(_("추정 가구 수"), default=0)
    note = models.CharField(_("메모"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("중점 지역")
        verbose_name_plural = _("중점 지역")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("예정")
    IN_PROGRESS = "in_progress", _("진행 중")
    DONE = "done", _("완료")


class PlannedAction(ChoiceLabels, models.Model):
    dong_plan = models.ForeignKey(DongPlan, on_delete=models.CASCADE, related_name="actions")
    focus_area = models.ForeignKey(FocusArea, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="actions", verbose_name=_("중점 지역"))
    title = models.CharField(_("추진 내용"), max_length=200)
    starts_on = models.DateField(_("시작일"))
    due_on = models.DateField(_("완료 예정일"))
    owner = models.CharField(_("담당"), max_length=100, help_text=_("담당자 또는 협력 주체(예: 복지통장, 명예사회복지공무원)"))
    status = models.CharField(_("상태"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)

    class Meta:
        verbose_name = _("추진 활동")
        verbose_name_plural = _("추진 활동")
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(due_on__gte=models.F("starts_on")),
                                              name="plannedaction_due_after_start")]

    def __str__(self) -> str:
        return self.title
