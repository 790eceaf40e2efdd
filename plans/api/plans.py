"""``/api/v1/plans/``: the annual basic plans of the user's district, read only.

A list gives each plan with its areas, tasks and quarterly milestones; one plan adds its dong targets against the
actuals and the calendar's pace, read from the dashboard's read model (plans.dashboard.plan_progress over
plans.services.actuals_for_year), so no figure is computed here. ``/plans/{id}/figures/`` gives the stored monthly
figures (DongMonthFigure) of the plan's year. Dong officials and leads see their own dongs' targets and figures;
planners and admins the whole district. Plans are not personal data: nothing is written to the access log.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from plans.dashboard import Pace, plan_progress
from plans.metrics import METRIC_CHOICES, METRICS
from plans.models import (
    AnnualPlan,
    DongMonthFigure,
    FundingSource,
    MilestoneStatus,
    PlanArea,
    PlanMilestone,
    PlanStatus,
    PlanTask,
)
from welfare.api.base import ApiViewSet
from welfare.api.filters import MAX_ID, SinceFilter
from welfare.api.refs import DongRefSerializer
from welfare.api.router import router
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, errors
from welfare.scoping import visible_dong_ids

# Serializers -------------------------------------------------------------------------------------------------


class DistrictRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class MilestoneSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PlanMilestone
        fields = ("id", "quarter", "text", "status", "status_display")
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, read_only=True)
    funding_source_display = serializers.CharField(source="get_funding_source_display", read_only=True)
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


class AreaSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = PlanArea
        fields = ("id", "order", "title", "tasks")
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    district = DistrictRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    uplift_percent = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False,
                                              read_only=True, help_text=_("작년 실적 대비 목표 상향률(%)"))
    areas = AreaSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ("id", "district", "year", "revision", "title", "vision", "status", "status_display",
                  "uplift_percent", "is_current", "based_on", "superseded_by", "submitted_at", "approved_at",
                  "created_at", "updated_at", "areas")
        read_only_fields = fields


class ProgressFields(serializers.Serializer):
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


class PlanProgressSerializer(serializers.Serializer):
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


class FigureSerializer(serializers.ModelSerializer):
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, read_only=True)
    month = serializers.DateField(read_only=True, help_text=_("그 달 1일"))

    class Meta:
        model = DongMonthFigure
        fields = ("dong", "month", "metric", "value", "computed_at")
        read_only_fields = fields


class FigureQuerySerializer(serializers.Serializer):
    dong = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                    help_text=_("이 동만(보이지 않는 동이면 빈 목록)"))
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, required=False, help_text=_("이 지표만"))


class _Row:
    """A (dong, target) pair of the dashboard as one flat object for DongProgressSerializer."""

    def __init__(self, dong, cell):
        self.dong = {"id": dong.dong_id, "name": dong.dong_name}
        self._cell = cell

    def __getattr__(self, name):
        return getattr(self._cell, name)


# Filters -----------------------------------------------------------------------------------------------------


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("연도"), min_value=1, max_value=9999)
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices, label=_("상태(여러 개 가능)"))
    current = django_filters.BooleanFilter(field_name="is_current", label=_("최신 개정본만 / 지난 개정본만"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label=_("이 시각 이후 수정(ISO 8601)"))
    search = django_filters.CharFilter(method="filter_search", label=_("계획명·비전 검색"))

    class Meta:
        model = AnnualPlan
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(vision__icontains=word))
        return queryset


# Viewset -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="연간 기본계획 목록",
                       description="Plans of the user's district with their areas, tasks and milestones. The "
                                   "dong targets and their progress are on a single plan.",
                       responses={200: PlanSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="연간 기본계획 (동별 목표와 진도)",
                           description="The plan with `progress`: each visible dong's targets against the actual "
                                       "to date (nightly figures) and the pace of the calendar, as on the plan "
                                       "dashboard.",
                           responses={200: PlanDetailSerializer, **READ_ERRORS}),
)
class PlanViewSet(ApiViewSet):
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ("year", "updated_at", "id")
    ordering = ("-year", "-revision", "-id")

    def base_queryset(self):
        tasks = (PlanTask.objects.select_related("department")
                 .prefetch_related(Prefetch("milestones", queryset=PlanMilestone.objects.order_by("quarter", "id")))
                 .order_by("order", "id"))
        areas = PlanArea.objects.prefetch_related(Prefetch("tasks", queryset=tasks)).order_by("order", "id")
        return AnnualPlan.objects.select_related("district").prefetch_related(Prefetch("areas", queryset=areas))

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        board = plan_progress(plan, dong_ids=visible_dong_ids(request.user), with_trends=False)
        dongs = {d.dong_id: d for d in board.dongs}
        plan.progress = {
            "today": board.today,
            "elapsed_percent": board.elapsed_percent,
            "targets": [_Row(dongs[d.dong_id], cell) for d, cell in board.rows],
            "totals": board.totals,
        }
        return Response(self.get_serializer(plan).data)

    @extend_schema(
        summary="동별 월간 실적",
        description="The stored monthly figures (DongMonthFigure, recomputed nightly) of the plan's year, for the "
                    "dongs of the plan's district the user may see: at most 12 months × dongs × metrics rows, so "
                    "not paginated. A dong the user may not see gives an empty list.",
        parameters=[FigureQuerySerializer],
        responses={200: FigureSerializer(many=True), **READ_ERRORS, **errors(400)},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request, pk=None):
        plan = self.get_object()
        query = FigureQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        dongs = visible_dong_ids(request.user)
        if "dong" in query.validated_data:
            dongs = dongs & {query.validated_data["dong"]}
        rows = DongMonthFigure.objects.filter(
            dong_id__in=list(dongs), dong__district_id=plan.district_id,
            month__gte=dt.date(plan.year, 1, 1), month__lte=dt.date(plan.year, 12, 1),
            metric__in=[query.validated_data["metric"]] if "metric" in query.validated_data else list(METRICS),
        ).order_by("month", "dong_id", "metric")
        return Response(FigureSerializer(rows, many=True).data)


router.register("plans", PlanViewSet, basename="plans")
