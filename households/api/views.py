"""Viewsets of /api/v1/ for households and their records.

Every viewset inherits the scoping mixin first: its queryset is ``Model.objects.visible_to(user)``, so another
dong's object answers 404 and a planner without personal access sees empty lists. Writes pass IsEditor (403 for
planners) and call the same services as the pages, which validate; an input serializer turns JSON into the
service's input. Each list is one query for its rows plus one per prefetched relation, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.db.models import DateField, F, Prefetch, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.filters import refuse_unknown
from welfare.api.permissions import capability_permission
from welfare.api.refs import with_people
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, errors
from welfare.errors import RuleError
from welfare.scoping import ScopedQuerySet, membership

from .. import selectors, services
from ..models import (
    CheckIn,
    FollowUp,
    Household,
    Resident,
    ServiceLink,
    Visit,
)
from . import filters
from .serializers import (
    CheckInCreateSerializer,
    CheckInSerializer,
    FollowUpSerializer,
    HouseholdSerializer,
    PhraseSetSerializer,
    ServiceLinkSerializer,
    ServiceLinkStatusSerializer,
    VisitCreateSerializer,
    VisitSerializer,
)


def with_dong(queryset):
    # The household join is already there for the scoping filter; this reuses it.
    return queryset.annotate(household_dong_id=F("household__dong_id"))


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# Households --------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="세대 목록", responses={200: HouseholdSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="세대 (열람 기록을 남깁니다)", responses={200: HouseholdSerializer, **READ_ERRORS}),
)
class HouseholdViewSet(ApiViewSet):
    """Households with their residents (current and former; registration numbers masked). Scoped to the user's
    dongs; opening one is written to the access log, a list request once with its count."""

    serializer_class = HouseholdSerializer
    filterset_class = filters.HouseholdFilter
    ordering_fields = ("updated_at", "next_contact_on", "id")
    # No next contact sorts last in both directions, as on the household list page.
    ordering_aliases = {"next_contact_on": "next_contact_last", "-next_contact_on": "-next_contact_first"}
    ordering = ("-updated_at", "-id")
    list_verb = "households.household.listed"
    retrieve_verb = "households.household.viewed"

    def base_queryset(self):
        # The columns the residents' and the official's fields show: not their timestamps, the registration
        # number's hash or the official's password hash (about 1,000 timestamps fewer to parse on a 200-row page).
        residents = (Resident.objects.order_by(F("left_on").asc(nulls_first=True), "id")
                     .defer("created_at", "updated_at", "rrn_hash"))
        return (
            with_people(Household.objects.select_related("dong"), "assigned_official")
            # Into a list attribute: a prefetch into the related manager builds a queryset per household to hold
            # its cache (200 of them on a full page), and nothing here needs one.
            .prefetch_related(Prefetch("residents", queryset=residents, to_attr="resident_list"))
            .annotate(next_contact_last=Coalesce("next_contact_on", Value(dt.date.max), output_field=DateField()),
                      next_contact_first=Coalesce("next_contact_on", Value(dt.date.min), output_field=DateField()))
        )


# Visits ------------------------------------------------------------------------------------------------------


def rule_fields(error: RuleError, names: Mapping[str, str] | None = None) -> serializers.ValidationError:
    """A service's field errors under the API's names (a need's ``need_<domain>`` is the request's ``needs``)."""
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError({"non_field_errors": error.messages})
    out: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = (names or {}).get(field, "needs" if field.startswith("need_") else field)
        out.setdefault(key, []).extend(messages)
    return serializers.ValidationError(out)


@extend_schema_view(
    list=extend_schema(summary="방문·상담 목록", responses={200: VisitSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="방문·상담 (열람 기록을 남깁니다)", responses={200: VisitSerializer, **READ_ERRORS}),
)
class VisitViewSet(ApiViewSet):
    """Home visits and consultations with the needs found; record one with POST (idempotent by token)."""

    serializer_class = VisitSerializer
    filterset_class = filters.VisitFilter
    # Visiting nurses record visits too (their health kinds and domains: the service's rule).
    permission_classes = [permissions.IsAuthenticated, capability_permission("record_visits")]
    ordering_fields = ("visited_at", "created_at", "id")
    ordering = ("-visited_at", "-id")
    list_verb = "households.visit.listed"
    retrieve_verb = "households.visit.viewed"

    def base_queryset(self):
        return with_people(Visit.objects.prefetch_related("needs", "staff_present"), "recorded_by")

    @extend_schema(
        summary="방문·상담 기록",
        description="Recorded and validated by households.services.visit_record, the page's rules. "
                    "`submission_token` makes the call idempotent: the same token again answers 200 with the "
                    "visit first recorded, unchanged. `end_care` is required when the result is deceased or "
                    "moved_away. `visited_at` is checked to the minute, as on the page.",
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, 200: VisitSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        token = _uuid_or_none(request.data.get("submission_token")) if isinstance(request.data, Mapping) else None
        # A resent request may no longer validate (the resident it names has left since): answer it first.
        if token is not None and (earlier := self._earlier(token)) is not None:
            return Response(self.get_serializer(earlier).data, status=status.HTTP_200_OK)
        given = VisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        token = given.validated_data["submission_token"]
        try:
            visit, created = services.visit_record(household=given.validated_data["household"], by=request.user,
                                                   data=given.visit_data(), token=token)
        except RuleError as error:  # the service names a need's field need_<domain>; the request calls it needs
            raise rule_fields(error) from error
        visit = self._earlier(token) if not created else self.refetch(visit.pk)
        if visit is None:  # two racing requests, and the winner's household is not this user's
            raise serializers.ValidationError({"submission_token": [_("이미 사용한 submission_token입니다.")]})
        return Response(self.get_serializer(visit).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _earlier(self, token: uuid.UUID) -> Visit | None:
        earlier = self.get_queryset().filter(submission_token=token).first()
        if earlier is None and Visit.objects.filter(submission_token=token).exists():
            # Someone else's token: say so without telling whose.
            raise serializers.ValidationError({"submission_token": [_("이미 사용한 submission_token입니다.")]})
        return earlier


# Follow-ups --------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="접촉 예정 목록", responses={200: FollowUpSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="접촉 예정", responses={200: FollowUpSerializer, **READ_ERRORS}),
)
class FollowUpViewSet(ApiViewSet):
    """Planned contacts (접촉 예정): cadence, first contact, universal visits, silence alerts, manual ones."""

    serializer_class = FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    ordering_fields = ("due_on", "created_at", "id")
    ordering = ("due_on", "id")
    list_verb = "households.followup.listed"
    retrieve_verb = "households.followup.viewed"

    def base_queryset(self):
        return with_dong(with_people(FollowUp.objects.all(), "assigned_to"))


# Service links -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="서비스 연계 목록", responses={200: ServiceLinkSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="서비스 연계", responses={200: ServiceLinkSerializer, **READ_ERRORS}),
)
class ServiceLinkViewSet(ApiViewSet):
    """Households linked to resources; status changes through ``status``. Amounts are integer KRW."""

    serializer_class = ServiceLinkSerializer
    filterset_class = filters.ServiceLinkFilter
    ordering_fields = ("updated_at", "requested_on", "id")
    ordering = ("-updated_at", "-id")
    list_verb = "households.servicelink.listed"
    retrieve_verb = "households.servicelink.viewed"

    def base_queryset(self):
        return with_dong(ServiceLink.objects.select_related("resource", "need"))

    @extend_schema(
        summary="서비스 연계 상태 변경",
        description="households.services.service_link_transition: requested → accepted → in_service → completed, "
                    "or declined / stopped with a reason. A move the rules refuse answers 400 with its sentence.",
        request=ServiceLinkStatusSerializer,
        responses={200: ServiceLinkSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        link = self.get_object()
        form = ServiceLinkStatusSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        services.service_link_transition(link=link, to=data["to"], by=request.user, reason=data["reason"],
                                         on=data["on"])
        return Response(ServiceLinkSerializer(self.refetch(link.pk), context=self.get_serializer_context()).data)


# Check-ins ---------------------------------------------------------------------------------------------------


class CheckInQuerySet(ScopedQuerySet):
    """CheckIn's manager has no ``visible_to``; this gives it the same one as the other household records."""

    dong_path = "household__dong"


@extend_schema_view(
    list=extend_schema(summary="안부 확인 목록", responses={200: CheckInSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="안부 확인", responses={200: CheckInSerializer, **READ_ERRORS}),
)
class CheckInViewSet(ApiViewSet):
    """Signs of life from outside a visit (IoT sensors, AI calls, deliveries, the care team); gateways POST them,
    idempotent by ``client_id``."""

    serializer_class = CheckInSerializer
    filterset_class = filters.CheckInFilter
    ordering_fields = ("at", "id")
    ordering = ("-at", "-id")
    list_verb = "households.checkin.listed"
    retrieve_verb = "households.checkin.viewed"

    def base_queryset(self):
        return with_dong(with_people(CheckInQuerySet(model=CheckIn), "recorded_by"))

    @extend_schema(
        summary="안부 확인 기록 (IoT·AI 안부전화 게이트웨이)",
        description="Validated and recorded by households.services.checkin_record, the page's rules. "
                    "`client_id` makes the call idempotent: the same id again answers 200 with the check-in "
                    "first recorded. An alert (`is_alert`) raises the silence follow-up and its notices at once. "
                    "`measurements` (optional) are health readings that came with it "
                    "(households.services.measurements_record, all or nothing: a refused reading answers 400 "
                    "naming `measurements.<index>.<field>` and records nothing); they need the "
                    "`view_health_measurements` capability and the person's consent to sensitive data.",
        request=CheckInCreateSerializer,
        responses={201: CheckInSerializer, 200: CheckInSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        client_id = request.data.get("client_id") if isinstance(request.data, Mapping) else None
        # Looked up before validation only when it could be stored at all (no NUL, within the column's length).
        client_id = client_id.strip() if isinstance(client_id, str) and "\x00" not in client_id else None
        client_id = client_id if client_id and len(client_id) <= 100 else None
        if client_id and (earlier := self._earlier(client_id)) is not None:
            return Response(self.get_serializer(earlier).data, status=status.HTTP_200_OK)
        given = CheckInCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        data = given.validated_data
        at = data.get("at") or timezone.now()
        try:
            check_in, created = services.checkin_record_with_measurements(
                household=data["household"], by=request.user, source=data["source"], is_alert=data["is_alert"],
                note=data["note"].strip(), at=at, external_id=data["client_id"].strip(),
                rows=[measurement_input(row, household=data["household"], at=at) for row in data["measurements"]],
            )
        except RuleError as error:  # the service names a need's field need_<domain>; the request calls it needs
            raise rule_fields(error) from error
        check_in = self.refetch(check_in.pk) if created else self._earlier(data["client_id"].strip())
        if check_in is None:
            raise serializers.ValidationError({"client_id": [_("이미 사용한 client_id입니다.")]})
        return Response(self.get_serializer(check_in).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _earlier(self, client_id: str) -> CheckIn | None:
        earlier = self.get_queryset().filter(external_id=client_id).first()
        if earlier is None and CheckIn.objects.filter(external_id=client_id).exists():
            raise serializers.ValidationError({"client_id": [_("이미 사용한 client_id입니다.")]})
        return earlier


# Health measurements (a check-in's rows; the viewset is in measurements.py) ------------------------


def measurement_input(row: Mapping, *, household: Household, at: dt.datetime | None = None) -> services.MeasurementInput:
    """A validated row of MeasurementRowSerializer as the service's input."""
    return services.MeasurementInput(
        household=household, kind=row["kind"], value=row["value"], value2=row.get("value2"),
        measured_at=row.get("measured_at") or at, resident=row.get("resident"),
        external_id=(row.get("external_id") or "").strip() or None, device_id=row.get("device_id") or "")


# Phrase templates --------------------------------------------------------------------------------------------


class OneObjectSchema(AutoSchema):
    """The list route answers one object (the phrase set with its ``results``), not an array of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


def one_object(view_method):
    """Under ``@extend_schema``: the schema class it extends (it reads the method's ``schema``, not the view's)."""
    view_method.schema = OneObjectSchema
    return view_method


class PhraseTemplateViewSet(viewsets.ViewSet):
    """The visit form's phrase templates of the user's district, read-only (district admins edit them at
    구 설정 › 정책). Not personal data: no access-log entry. One query for the phrases (and one for the user's
    membership), unpaginated: at most PER_DOMAIN_MAX phrases in each of the ten domains."""

    @extend_schema(
        summary="자주 쓰는 문구 (방문 기록)",
        description="The active phrase templates of the user's district, by need domain in the visit form's "
                    "order, or the built-in defaults (`customised: false`, ids null) while the district has not "
                    "saved its own. Users without a district get an empty list. No query parameters.",
        responses={200: PhraseSetSerializer, **errors(400, 401, 429)},
    )
    @one_object
    def list(self, request):
        refuse_unknown(request.query_params, ())
        staff = membership(request.user)
        phrases = selectors.phrase_set(staff.district_id if staff is not None else None)
        return Response(PhraseSetSerializer(phrases).data)
