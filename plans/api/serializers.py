"""The plans API's output serializers (the API is read only): plans with their areas, tasks and milestones, the
dashboard's progress, the monthly figures and the resource directory."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from welfare.api.filters import MAX_ID
from welfare.api.refs import ChoiceDisplayField, DongRefSerializer
from welfare.api.serializers import ModelSerializer, Serializer

from ..dashboard import Pace
from ..metrics import METRIC_CHOICES
from ..models import (
    AnnualPlan,
    DongMonthFigure,
    FundingSource,
    MilestoneStatus,
    PlanArea,
    PlanMilestone,
    PlanStatus,
    PlanTask,
    Resource,
)


class DistrictRefSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class MilestoneSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    status_display = ChoiceDisplayField(source="status")

    class Meta:
        model = PlanMilestone
        fields = ("id", "quarter", "text", "status", "status_display")
        read_only_fields = fields


class TaskSerializer(ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, read_only=True)
    funding_source_display = ChoiceDisplayField(source="funding_source")
    budget_krw = serializers.IntegerField(read_only=True, help_text=_("원 단위 정수"))
    baseline = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False, read_only=True,
                                        allow_null=True)
    target = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False, read_only=True,
                                      allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = PlanTask
        fields = ("id", "order", "title", "description", "department", "lead", "budget_krw", "funding_source",
                  "funding_source_display", "indicator", "indicator_unit", "baseline", "target", "milestones")
        read_only_fields = fields


class AreaSerializer(ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = PlanArea
        fields = ("id", "order", "title", "tasks")
        read_only_fields = fields


class PlanSerializer(ModelSerializer):
    district = DistrictRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    status_display = ChoiceDisplayField(source="status")
    uplift_percent = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False,
                                              read_only=True, help_text=_("작년 실적 대비 목표 상향률(%)"))
    areas = AreaSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ("id", "district", "year", "revision", "title", "vision", "status", "status_display",
                  "uplift_percent", "is_current", "based_on", "superseded_by", "submitted_at", "approved_at",
                  "created_at", "updated_at", "areas")
        read_only_fields = fields


class ProgressFields(Serializer):
    """One target (or a metric's total) against its actual and the calendar (plans.dashboard.Progress)."""

    metric = serializers.ChoiceField(choices=METRIC_CHOICES, read_only=True)
    metric_label = serializers.CharField(source="label", read_only=True)
    unit = serializers.CharField(read_only=True)
    target = serializers.IntegerField(read_only=True)
    baseline = serializers.IntegerField(read_only=True, help_text=_("작년 실적"))
    actual = serializers.IntegerField(read_only=True, help_text=_("올해 실적(야간 집계 기준)"))
    expected = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True,
                                        help_text=_("달력상 오늘까지 기대되는 실적"))
    pace = serializers.ChoiceField(choices=Pace.choices, read_only=True)
    pace_display = serializers.CharField(source="pace_label", read_only=True)
    percent_of_target = serializers.IntegerField(read_only=True, allow_null=True)
    percent_of_expected = serializers.IntegerField(read_only=True, allow_null=True)


class DongProgressSerializer(ProgressFields):
    dong = DongRefSerializer(read_only=True)


class PlanProgressSerializer(Serializer):
    as_of = serializers.DateField(source="today", read_only=True)
    elapsed_percent = serializers.IntegerField(read_only=True, help_text=_("올해 지난 날의 비율(%)"))
    targets = DongProgressSerializer(many=True, read_only=True, help_text=_("동별 목표(미달 동 먼저)"))
    totals = ProgressFields(many=True, read_only=True, help_text=_("보이는 동을 합친 지표별 합계"))


class PlanDetailSerializer(PlanSerializer):
    progress = PlanProgressSerializer(read_only=True, help_text=_(
        "보이는 동(동 직원: 담당 동, 구 직원: 구 전체)의 목표 대비 실적과 진도"))

    class Meta(PlanSerializer.Meta):
        fields = (*PlanSerializer.Meta.fields, "progress")
        read_only_fields = fields


class FigureSerializer(ModelSerializer):
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, read_only=True)
    month = serializers.DateField(read_only=True, help_text=_("그 달 1일"))

    class Meta:
        model = DongMonthFigure
        fields = ("dong", "month", "metric", "value", "computed_at")
        read_only_fields = fields


class FigureQuerySerializer(Serializer):
    dong = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                    help_text=_("이 동만(보이지 않는 동이면 빈 목록)"))
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, required=False, help_text=_("이 지표만"))


class ProgressRow:
    """A (dong, target) pair of the dashboard as one flat object for DongProgressSerializer."""

    def __init__(self, dong, cell):
        self.dong = {"id": dong.dong_id, "name": dong.dong_name}
        self._cell = cell

    def __getattr__(self, name):
        return getattr(self._cell, name)


class ResourceSerializer(ModelSerializer):
    sector_display = ChoiceDisplayField(source="sector")
    category_display = ChoiceDisplayField(source="category")
    dongs = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("비어 있으면 구 전체"))

    class Meta:
        model = Resource
        fields = ("id", "name", "provider", "sector", "sector_display", "category", "category_display",
                  "funding_source", "eligibility", "contact", "dongs", "is_active", "created_at", "updated_at")
        read_only_fields = fields
