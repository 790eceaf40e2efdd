"""Health measurements of /api/v1/ (sensitive data: their own capability and consent): the readings' list and a
gateway's bulk POST; the rules are households.services.measurements'."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.errors import flat_errors
from welfare.api.refs import ChoiceDisplayField
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from welfare.api.serializers import ModelSerializer, Serializer
from welfare.common.requests import given_id
from welfare.permissions import can

from .. import services
from ..models import (
    Household,
    Measurement,
    Resident,
)
from ..services.measurements import MAX_ROWS as MAX_MEASUREMENT_ROWS
from . import filters
from .serializers import MeasurementRowSerializer, UtcDateTimeField, VisibleHouseholdField
from .views import measurement_input, with_dong

# Health measurements -----------------------------------------------------------------------------------------


class MeasurementSerializer(ModelSerializer):
    dong = serializers.IntegerField(source="household_dong_id", read_only=True)
    kind_display = ChoiceDisplayField(source="kind")
    value = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False, read_only=True,
                                     help_text=_("혈압은 수축기, 혈당 mg/dL, 걸음 수, 체중 kg"))
    value2 = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False, read_only=True,
                                      allow_null=True, help_text=_("혈압의 이완기 값(그 밖에는 null)"))
    display = serializers.CharField(source="display_value", read_only=True, help_text=_("단위를 붙인 값"))

    class Meta:
        model = Measurement
        fields = ("id", "household", "dong", "resident", "check_in", "kind", "kind_display", "value", "value2",
                  "display", "measured_at", "device_id", "external_id", "is_out_of_range", "created_at")
        read_only_fields = fields


class MeasurementBulkRowSerializer(MeasurementRowSerializer):
    household = VisibleHouseholdField()
    measured_at = UtcDateTimeField(help_text=_("측정 일시"))


class MeasurementBulkSerializer(Serializer):
    """The bulk request's shape (for the schema: the view reads each row on its own, so one bad row is reported
    with its index while the others go in)."""

    measurements = MeasurementBulkRowSerializer(many=True, help_text=_("측정값 목록(최대 500건)"))


class MeasurementRowErrorSerializer(Serializer):
    index = serializers.IntegerField(help_text=_("요청 measurements 안의 순번(0부터)"))
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class MeasurementBulkResultSerializer(Serializer):
    created = MeasurementSerializer(many=True, help_text=_("새로 저장한 측정값"))
    existing = MeasurementSerializer(many=True, help_text=_("external_id로 이미 저장되어 있던 측정값"))
    errors = MeasurementRowErrorSerializer(many=True, help_text=_("거부한 행: 나머지 행은 저장했습니다"))
    alerts = serializers.IntegerField(help_text=_("새로 올린 건강 측정 이상 알림(세대 수)"))



# Health measurements ----------------------------------------------------------------------------------------


def _visible_by_id(queryset, rows: list, name: str) -> dict:
    """``{id: object}`` of the ids the rows name under ``name`` that the queryset (already scoped) holds."""
    ids = {number for r in rows if isinstance(r, Mapping) and (number := given_id(r.get(name)))}
    return queryset.in_bulk(list(ids)) if ids else {}


class HealthMeasurementsPermission(permissions.BasePermission):
    """Health readings are sensitive data: reading and sending them both need ``view_health_measurements``."""

    message = _("건강 측정을 볼 권한이 없습니다.")

    def has_permission(self, request, view):
        return can(request.user, "view_health_measurements")


@extend_schema_view(
    list=extend_schema(summary="건강 측정 목록 (열람 기록을 남깁니다)",
                       responses={200: MeasurementSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="건강 측정 (열람 기록을 남깁니다)", responses={200: MeasurementSerializer, **READ_ERRORS}),
)
class MeasurementViewSet(ApiViewSet):
    """Health readings from devices (blood pressure, glucose, steps, weight): sensitive data, for the roles with
    ``view_health_measurements`` only, and only the readings whose person holds an active consent to sensitive
    data (the household head's for a shared device). Gateways POST them in bulk."""

    serializer_class = MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    permission_classes = [permissions.IsAuthenticated, HealthMeasurementsPermission]
    ordering_fields = ("measured_at", "id")
    ordering = ("-measured_at", "-id")
    list_verb = "households.measurement.listed"
    retrieve_verb = "households.measurement.viewed"

    def base_queryset(self):
        return with_dong(Measurement.objects.with_consent())

    @extend_schema(
        summary="건강 측정 대량 기록 (게이트웨이)",
        description="`{\"measurements\": [...]}`, at most 500 rows. Each row is checked on its own by "
                    "households.services.measurements_record: the good rows are stored, each refused row is "
                    "answered in `errors` with its `index` and field sentences (an impossible value, no consent, "
                    "another dong's household...). A row whose `external_id` is already stored is answered in "
                    "`existing`, unchanged. 201 when a row was stored, else 200. An out-of-range reading raises "
                    "one `health` follow-up per household for the dong's visiting nurse (`alerts`: how many new).",
        request=MeasurementBulkSerializer,
        responses={201: MeasurementBulkResultSerializer, 200: MeasurementBulkResultSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        rows = request.data.get("measurements") if isinstance(request.data, Mapping) else None
        if not isinstance(rows, list) or not rows:
            raise serializers.ValidationError({"measurements": [_("측정값 목록을 보내세요.")]})
        if len(rows) > MAX_MEASUREMENT_ROWS:
            raise serializers.ValidationError({"measurements": [
                _("한 번에 %(n)s건까지 보낼 수 있습니다.") % {"n": MAX_MEASUREMENT_ROWS}]})
        refused: dict[int, dict[str, list[str]]] = {}
        given: list[tuple[int, services.MeasurementInput]] = []
        # The rows' households and residents read once (two queries), not once per row.
        context = {**self.get_serializer_context(), "preloaded": {
            "household": _visible_by_id(Household.objects.visible_to(request.user).select_related("dong"),
                                        rows, "household"),
            "resident": _visible_by_id(Resident.objects.visible_to(request.user), rows, "resident")}}
        for index, row in enumerate(rows):
            form = MeasurementBulkRowSerializer(data=row, context=context)
            if form.is_valid():
                given.append((index, measurement_input(form.validated_data,
                                                       household=form.validated_data["household"])))
            else:
                refused[index] = flat_errors(form.errors)
        batch = services.measurements_record(by=request.user, rows=[r for _i, r in given])
        for position, row_errors in batch.errors.items():
            refused[given[position][0]] = {name: [message] for name, message in row_errors.items()}
        # In the request's order (the ids of a bulk insert follow it).
        created = (self.get_queryset().filter(pk__in=[m.pk for m in batch.created]).order_by("id")
                   if batch.created else [])
        existing = (self.get_queryset().filter(pk__in=[m.pk for m in batch.existing]).order_by("id")
                    if batch.existing else [])
        body = {
            "created": MeasurementSerializer(created, many=True).data,
            "existing": MeasurementSerializer(existing, many=True).data,
            "errors": [{"index": i, "fields": refused[i]} for i in sorted(refused)],
            "alerts": len(batch.alerts),
        }
        return Response(body, status=status.HTTP_201_CREATED if batch.created else status.HTTP_200_OK)


