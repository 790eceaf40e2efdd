"""Serializers of the discovery API: crisis reports and the community network.

The reporter's identity (ReporterIdentity: name, phone, profession, relation) never leaves through the API, and
neither does the network member who reported: a report says only ``reporter_kind``. A network member's phone and
note stay on the pages too; the API gives what a dashboard counts with.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from welfare.api.filters import MAX_ID
from welfare.api.refs import ChoiceDisplayField, DongRefSerializer, PersonSerializer
from welfare.api.serializers import ModelSerializer, Serializer

from .. import services
from ..models import (
    CrisisReport,
    NetworkMember,
    NetworkRole,
    Occupation,
    ReporterKind,
    ReportOutcome,
    RiskSignal,
    Urgency,
)

# Channels an API client may report through: the officials' channels (discovery.services.OFFICIAL_CHANNELS).
# ``web`` belongs to the public form at /report/ (rate limit, honeypot, consent to keep a reporter's contact)
# and ``bigdata`` to the list imports (their round and result codes); neither is typed in by a client.
API_CHANNELS = [(c.value, c.label) for c in services.OFFICIAL_CHANNELS]


class CrisisReportSerializer(ModelSerializer):
    dong = DongRefSerializer(read_only=True, allow_null=True, help_text=_("비어 있으면 구 접수함(동 미정)"))
    channel_display = ChoiceDisplayField(source="channel")
    reporter_kind_display = ChoiceDisplayField(source="reporter_kind")
    risk_signals = serializers.ListField(child=serializers.ChoiceField(choices=RiskSignal.choices), read_only=True)
    risk_signals_display = serializers.ListField(child=serializers.CharField(), source="signal_labels",
                                                 read_only=True)
    urgency_display = ChoiceDisplayField(source="urgency")
    status_display = ChoiceDisplayField(source="status")
    outcome = serializers.ChoiceField(choices=ReportOutcome.choices, allow_blank=True, read_only=True,
                                      help_text=_("처리 완료 전에는 빈 값"))
    outcome_display = ChoiceDisplayField(source="outcome")
    assigned_official = PersonSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("초기 접촉 기한이 지났고 아직 접촉하지 않음"))

    class Meta:
        model = CrisisReport
        fields = ("id", "receipt_code", "district", "dong", "received_at", "channel", "channel_display",
                  "referral_agency", "reporter_kind", "reporter_kind_display", "subject_name", "subject_address",
                  "subject_phone", "subject_description", "risk_signals", "risk_signals_display", "details",
                  "urgency", "urgency_display", "status", "status_display", "outcome", "outcome_display",
                  "outcome_reason", "assigned_official", "household", "case", "service_link", "duplicate_of",
                  "first_contact_due_at", "first_contacted_at", "is_overdue", "resolved_at", "created_at",
                  "updated_at")
        read_only_fields = fields


class ReporterInputSerializer(Serializer):
    """Who reported. Stored apart from the report, encrypted; never returned by the API."""

    name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    profession = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text=_("신고의무자일 때 필수"))
    relation = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("대상자와의 관계"))
    is_relative = serializers.BooleanField(required=False, default=False)
    is_official = serializers.BooleanField(required=False, default=False)
    wants_reply = serializers.BooleanField(required=False, default=False)


class CrisisReportCreateSerializer(Serializer):
    """What a client sends (discovery.services.ReportInput). Only the shape is checked here; the rules are
    discovery.services.report_take's, as on the page."""

    channel = serializers.ChoiceField(choices=API_CHANNELS, help_text=_("web(공개 제보 양식)과 bigdata(명단 업로드)는 제외"))
    dong = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                    help_text=_(
        "담당 동의 id. 비우면 구 접수함(동 팀장·구 관리자만)"))
    received_at = serializers.DateTimeField(required=False, help_text=_("비우면 지금"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    first_contact_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                     help_text=_("비우면 긴급도와 구 정책으로 정함"))
    subject_name = serializers.CharField(required=False, allow_blank=True, default="")
    subject_address = serializers.CharField(required=False, allow_blank=True, default="")
    subject_phone = serializers.CharField(required=False, allow_blank=True, default="")
    subject_description = serializers.CharField(required=False, allow_blank=True, default="", help_text=_(
        "이름을 모를 때: 나이대, 사는 곳 모습 등. 이름·주소·연락처·특징 가운데 하나는 필수"))
    risk_signals = serializers.ListField(child=serializers.ChoiceField(choices=RiskSignal.choices), required=False,
                                         default=list)
    details = serializers.CharField(required=False, allow_blank=True, default="")
    referral_agency = serializers.CharField(required=False, allow_blank=True, default="",
                                            help_text=_("기관 의뢰일 때: 경찰서, 병원, 학교 등"))
    reporter_kind = serializers.ChoiceField(choices=ReporterKind.choices, default=ReporterKind.ANONYMOUS)
    network_member = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                              max_value=MAX_ID, help_text=_(
        "신고한 인적안전망 구성원 id(reporter_kind=network_member일 때 필수). 응답에는 나오지 않습니다"))
    reporter = ReporterInputSerializer(required=False, allow_null=True, default=None)


class NetworkMemberSerializer(ModelSerializer):
    role = serializers.ChoiceField(choices=NetworkRole.choices, read_only=True)
    role_display = ChoiceDisplayField(source="role")
    occupation = serializers.ChoiceField(choices=Occupation.choices, read_only=True)
    occupation_display = ChoiceDisplayField(source="occupation")
    dongs = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("활동 동 id"))
    is_active = serializers.BooleanField(read_only=True, help_text=_("오늘(서울) 활동 중"))
    reports_made = serializers.IntegerField(read_only=True, help_text=_("이 구성원이 신고한 제보 수"))

    class Meta:
        model = NetworkMember
        fields = ("id", "district", "name", "role", "role_display", "occupation", "occupation_display",
                  "organisation", "dongs", "active_from", "active_to", "is_active", "trainings_attended",
                  "reports_made", "created_at")
        read_only_fields = fields
