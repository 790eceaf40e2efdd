"""Viewsets of /api/v1/ for discovery: crisis reports (read, and create as the officials' new-report page does)
and the community network (read).

Both inherit the households API's base (welfare.api.base.ApiViewSet), which inherits the scoping mixin first:
``CrisisReport.objects.visible_to`` (the user's dongs, and the district queue for leads and admins) and
``NetworkMember.objects.visible_to`` (members active in the user's dongs), so another dong's object answers 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from welfare.api.base import ApiViewSet, form_errors
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from welfare.models import Dong

from .. import services
from ..forms import REPORTER_PREFIX, ReportForm, apply_rule_error
from ..models import CrisisReport, NetworkMember
from ..views.network import _report_counts
from . import filters
from .serializers import CrisisReportCreateSerializer, CrisisReportSerializer, NetworkMemberSerializer

# The page form's reporter fields under the API's names (``reporter_name`` → ``reporter.name``).
REPORTER_NAMES = {f"{REPORTER_PREFIX}{name}": f"reporter.{name}" for name in services.REPORTER_FIELDS}


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
    serializer_class = CrisisReportSerializer
    filterset_class = filters.CrisisReportFilter
    ordering_fields = ("received_at", "updated_at", "first_contact_due_at", "id")
    ordering = ("-received_at", "-id")
    list_verb = "discovery.crisisreport.listed"
    retrieve_verb = "discovery.crisisreport.viewed"

    def base_queryset(self):
        return CrisisReport.objects.select_related("dong", "assigned_official")

    @extend_schema(
        summary="위기가구 제보 접수",
        description="The officials' new-report page as an endpoint: validated by the same form "
                    "(discovery.forms.ReportForm) and recorded by discovery.services.report_create, with the "
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
        form = ReportForm(self._form_data(given.validated_data), user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form, REPORTER_NAMES))
        data = form.cleaned_data
        district = form.district()
        try:
            if district is None:
                raise services.RuleError(_("접수할 구를 알 수 없습니다. 동을 고르세요."))
            report = services.report_create(district=district, dong=data["dong"], by=request.user,
                                            channel=data["channel"], data=form.service_data(),
                                            reporter=data.get("reporter"), received_at=data["received_at"])
        except services.RuleError as error:
            apply_rule_error(form, error)
            raise serializers.ValidationError(form_errors(form, REPORTER_NAMES)) from None
        return Response(self.get_serializer(self.refetch(report.pk)).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _form_data(data: dict) -> dict:
        """The API input as the page's form would post it."""
        reporter = data.get("reporter") or {}
        form_data = {
            "channel": data["channel"],
            "dong": data["dong"] if data["dong"] is not None else "",
            "received_at": data.get("received_at") or timezone.now(),
            "urgency": data["urgency"],
            "first_contact_due_at": data["first_contact_due_at"] or "",
            "risk_signals": data["risk_signals"],
            "reporter_kind": data["reporter_kind"],
            "network_member": data["network_member"] if data["network_member"] is not None else "",
            **{name: data[name] for name in (*services.SUBJECT_FIELDS, "details", "referral_agency")},
        }
        for name in services.REPORTER_FIELDS:
            if name in reporter:
                form_data[f"{REPORTER_PREFIX}{name}"] = reporter[name]
        return form_data


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
                .annotate(reports_made=_report_counts(), is_active=Exists(active))
                .prefetch_related(Prefetch("dongs", queryset=Dong.objects.only("pk").order_by("pk"))))
