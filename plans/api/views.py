"""The plans API. ``/api/v1/plans/``: the annual basic plans of the user's district, read only.

A list gives each plan with its areas, tasks and quarterly milestones; one plan adds its dong targets against the
actuals and the calendar's pace, read from the dashboard's read model (plans.dashboard.plan_progress over
plans.selectors.actuals_for_year), so no figure is computed here. ``/plans/{id}/figures/`` gives the stored monthly
figures (DongMonthFigure) of the plan's year. Dong officials and leads see their own dongs' targets and figures;
planners and admins the whole district. Plans are not personal data: nothing is written to the access log.

``/api/v1/resources/``: the district's resource directory, read only (Resource.objects.visible_to: the districts the
user works in; a directory, not personal data, so planners see it too and nothing is written to the access log).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.filters import refuse_unknown
from welfare.api.router import router
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, errors
from welfare.scoping import visible_dong_ids

from ..dashboard import plan_progress
from ..metrics import METRICS
from ..models import (
    AnnualPlan,
    DongMonthFigure,
    PlanArea,
    PlanMilestone,
    PlanTask,
    Resource,
)
from .filters import PlanFilter, ResourceFilter
from .serializers import (
    FigureQuerySerializer,
    FigureSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    ProgressRow,
    ResourceSerializer,
)


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
            "targets": [ProgressRow(dongs[d.dong_id], cell) for d, cell in board.rows],
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
        refuse_unknown(request.query_params, FigureQuerySerializer().fields)
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


@extend_schema_view(
    list=extend_schema(summary="자원 목록", responses={200: ResourceSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="자원", responses={200: ResourceSerializer, **READ_ERRORS}),
)
class ResourceViewSet(ApiViewSet):
    """The resource directory of the districts the user works in (public and private resources)."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    filter_backends = [*ApiViewSet.filter_backends, SearchFilter]
    search_fields = ("name", "provider", "eligibility", "funding_source")
    ordering_fields = ("name", "updated_at", "id")
    ordering = ("name", "id")

    def base_queryset(self):
        return Resource.objects.prefetch_related("dongs")


router.register("resources", ResourceViewSet, basename="resources")
