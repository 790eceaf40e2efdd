"""Viewsets of /api/v1/ for discovery: crisis reports (read, and create as the officials' new-report page does)
and the community network (read).

Both inherit the households API's base (welfare.api.base.ApiViewSet), which inherits the scoping mixin first:
``CrisisReport.objects.visible_to`` (the user's dongs, and the district queue for leads and admins) and
``NetworkMember.objects.visible_to`` (members active in the user's dongs), so another dong's object answers 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.permissions import capability_permission
from welfare.api.refs import with_people
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from welfare.models import Dong

from .. import services
from ..models import CrisisReport, NetworkMember
from ..selectors import member_report_counts
from . import filters
from .serializers import CrisisReportCreateSerializer, CrisisReportSerializer, NetworkMemberSerializer


@extend_schema_view(
    list=extend_schema(summary="위기가구 제보 목록",
                       description="Reports of the user's dongs, and of the district queue (no dong yet) for dong "
                                   "leads and district admins. The reporter's identity is never returned; "
                                   "`reporter_kind` says only what kind of reporter it was.",
                       responses={200: CrisisReportSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="위기가구 제보 (열람 기록을 남깁니다)",
                           responses={200: CrisisReportSerializer, **READ_ERRORS}),
)
class CrisisReportViewSet(ApiViewSet):
    # Taking a report is triage work (the officials' page asks the same capability): 403 for the others.
    permission_classes = [permissions.IsAuthenticated, capability_permission("triage_reports")]
    serializer_class = CrisisReportSerializer
    filterset_class = filters.CrisisReportFilter
    ordering_fields = ("received_at", "updated_at", "first_contact_due_at", "id")
    ordering = ("-received_at", "-id")
    list_verb = "discovery.crisisreport.listed"
    retrieve_verb = "discovery.crisisreport.viewed"

    def base_queryset(self):
        return with_people(CrisisReport.objects.select_related("dong"), "assigned_official")

    @extend_schema(
        summary="위기가구 제보 접수",
        description="The officials' new-report page as an endpoint: checked and recorded by the same service "
                    "(discovery.services.report_take, then report_create), with the "
                    "district's first-contact deadline. At least one of subject_name, subject_address, "
                    "subject_phone or subject_description is required. `channel` is any official channel; `web` "
                    "(the public form at /report/) and `bigdata` (list imports) are not accepted. A dong official "
                    "must name one of their dongs; leads and district admins may leave `dong` empty for the "
                    "district queue.",
        request=CrisisReportCreateSerializer,
        responses={201: CrisisReportSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        given = CrisisReportCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        reporter = data.pop("reporter", None)
        data["risk_signals"] = tuple(data["risk_signals"])
        data["reporter"] = services.ReporterInput(**reporter) if reporter is not None else None
        # A RuleError answers 400 with its field names (welfare.api.errors.error_handler).
        report = services.report_take(services.ReportInput(**data), by=request.user)
        return Response(self.get_serializer(self.refetch(report.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="인적안전망 구성원 목록",
                       description="Members active (or once active) in the user's dongs, with the number of "
                                   "reports each has made. Phones and notes stay on the pages.",
                       responses={200: NetworkMemberSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="인적안전망 구성원", responses={200: NetworkMemberSerializer, **READ_ERRORS}),
)
class NetworkMemberViewSet(ApiViewSet):
    serializer_class = NetworkMemberSerializer
    filterset_class = filters.NetworkMemberFilter
    ordering_fields = ("name", "active_from", "created_at", "id")
    ordering = ("name", "id")

    def base_queryset(self):
        active = NetworkMember.objects.active().filter(pk=OuterRef("pk"))
        return (NetworkMember.objects
                .annotate(reports_made=member_report_counts(), is_active=Exists(active))
                .prefetch_related(Prefetch("dongs", queryset=Dong.objects.only("pk").order_by("pk"))))
