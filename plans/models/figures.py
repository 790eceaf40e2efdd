"""The nightly per-dong, per-month figures of the live metrics."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import Dong


class DongMonthFigure(ChoiceLabels, models.Model):
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
