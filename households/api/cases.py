"""The cases of /api/v1/ (integrated case management): the list and detail with deadlines and conferences, the
stage move, the case conference's record and the after-care outcome; the rules are households.services'."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.refs import ChoiceDisplayField, PersonSerializer, person_columns
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, errors
from welfare.api.serializers import ModelSerializer, Serializer
from welfare.errors import RuleError

from .. import services
from ..models import (
    Case,
    CaseClass,
    CaseConference,
    CaseSource,
    CaseStage,
    ClosingReason,
    ConferenceBody,
    ConferenceDecision,
    ConferenceKind,
    NeedDomain,
)
from ..models.cases import AGREEMENT_DAYS, ASSESSMENT_DAYS, PLAN_DAYS, SELECTION_DAYS
from ..services import (
    AftercareOutcome,
    PartnerInput,
    PlanItemInput,
    RelapsePath,
)
from . import filters
from .serializers import ResidentRefSerializer
from .views import rule_fields, with_dong

# Cases -------------------------------------------------------------------------------------------------------


class CaseSerializer(ModelSerializer):
    dong = serializers.IntegerField(source="household_dong_id", read_only=True)
    client = ResidentRefSerializer(read_only=True)
    source_display = ChoiceDisplayField(CaseSource.choices, source="source")
    stage_display = ChoiceDisplayField(CaseStage.choices, source="stage")
    case_class_display = ChoiceDisplayField(CaseClass.choices, source="case_class")
    assigned_official = PersonSerializer(read_only=True, allow_null=True)
    is_assessment_overdue = serializers.BooleanField(read_only=True, help_text=format_lazy(_("욕구조사 기한(접수 후 {days}일) 경과"), days=ASSESSMENT_DAYS))
    is_plan_overdue = serializers.BooleanField(read_only=True, help_text=format_lazy(_("제공계획 기한(접수 후 {days}일) 경과"), days=PLAN_DAYS))
    is_selection_overdue = serializers.BooleanField(read_only=True, help_text=format_lazy(_("사례회의 선정 기한(회의 단계 시작 후 {days}일) 경과"), days=SELECTION_DAYS))
    is_agreement_overdue = serializers.BooleanField(read_only=True, help_text=format_lazy(_("계획 동의 기한(계획 단계 시작 후 {days}일) 경과"), days=AGREEMENT_DAYS))
    # Explicit: a read-only model field loses allow_blank, and the code is "" until the case is proposed for closing.
    closing_reason = serializers.ChoiceField(choices=ClosingReason.choices, allow_blank=True, read_only=True)
    closing_reason_display = ChoiceDisplayField(ClosingReason.choices, source="closing_reason")
    version = serializers.IntegerField(read_only=True, help_text=_("낙관적 잠금: 단계 변경에 그대로 보내세요"))
    reassessment_state = serializers.SerializerMethodField(
        help_text=_("재사정: overdue(기한 지남), due(7일 이내 도래) 또는 빈 값"))

    class Meta:
        model = Case
        fields = ("id", "household", "dong", "client", "source", "source_display", "stage", "stage_display",
                  "case_class", "case_class_display", "assigned_official", "opened_on", "assessment_due_on",
                  "plan_due_on", "selection_due_on", "agreement_due_on", "is_assessment_overdue",
                  "is_selection_overdue", "is_agreement_overdue", "is_plan_overdue", "reassessment_due_on",
                  "reassessment_state", "closing_reason",
                  "closing_reason_display", "closing_note", "closed_on", "previous_case", "version", "created_at",
                  "updated_at")
        read_only_fields = fields

    def get_reassessment_state(self, case: Case) -> str:
        return case.reassessment_state(self.context.get("today"))


class ConferencePartnerSerializer(Serializer):
    organisation = serializers.CharField(help_text=_("기관명"))
    person = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("참석자·직위"))


class ConferencePlanItemSerializer(Serializer):
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    domain_display = ChoiceDisplayField(NeedDomain.choices, source="domain")
    text = serializers.CharField()
    provider = serializers.CharField(required=False, allow_blank=True, default="")
    target_on = serializers.DateField()
    goal = serializers.IntegerField(source="goal_id", read_only=True, allow_null=True,
                                    help_text=_("선정 시 만들어진 서비스 제공계획 목표"))


class CaseConferenceSerializer(ModelSerializer):
    kind_display = ChoiceDisplayField(ConferenceKind.choices, source="kind")
    body_display = ChoiceDisplayField(ConferenceBody.choices, source="body")
    decision_display = ChoiceDisplayField(ConferenceDecision.choices, source="decision")
    staff = PersonSerializer(many=True, read_only=True)
    partners = ConferencePartnerSerializer(many=True, read_only=True)
    plan_items = ConferencePlanItemSerializer(many=True, read_only=True)
    created_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseConference
        fields = ("id", "held_on", "kind", "kind_display", "body", "body_display", "staff", "partners", "decision",
                  "decision_display", "reason", "plan_items", "created_by", "created_at")
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """One case: the list's fields and its case conferences (사례회의), newest first."""

    conferences = CaseConferenceSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "conferences")
        read_only_fields = fields


class StaffField(serializers.PrimaryKeyRelatedField):
    """A user id; whether that user may attend (staff of the case's dong) is the service's rule."""

    def __init__(self, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(queryset=get_user_model().objects.filter(is_active=True), **kwargs)


class ConferenceInputSerializer(Serializer):
    """What a client sends to record a case conference (households.services.conference_record has the rules)."""

    held_on = serializers.DateField(help_text=_("회의일 (미래 불가)"))
    kind = serializers.ChoiceField(choices=ConferenceKind.choices)
    body = serializers.ChoiceField(choices=ConferenceBody.choices)
    staff = StaffField(many=True, required=False, default=list, help_text=_("참석 직원 id (이 동의 직원)"))
    partners = ConferencePartnerSerializer(many=True, required=False, default=list)
    decision = serializers.ChoiceField(choices=ConferenceDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("미선정이면 필수"))
    plan_items = ConferencePlanItemSerializer(many=True, required=False, default=list)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "held_on": data["held_on"], "kind": data["kind"], "body": data["body"], "staff": list(data["staff"]),
            "decision": data["decision"], "reason": data["reason"],
            "partners": [PartnerInput(p["organisation"], p["person"]) for p in data["partners"]],
            "plan_items": [PlanItemInput(i["domain"], i["text"], i["provider"], i["target_on"])
                           for i in data["plan_items"]],
        }


class CaseAftercareSerializer(Serializer):
    """The outcome of an after-care contact (households.services.aftercare_record holds the rules)."""

    outcome = serializers.ChoiceField(choices=AftercareOutcome.choices)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_("읽었을 때의 version; 그사이 바뀌었으면 409"))
    relapse_to = serializers.ChoiceField(choices=RelapsePath.choices, required=False, allow_blank=True, default="",
                                         help_text=_("재발일 때: reassessment(이 사례 재사정) 또는 new_case(새 사례 접수)"))
    source = serializers.ChoiceField(choices=CaseSource.choices, required=False, default=CaseSource.VISIT,
                                     help_text=_("새 사례로 접수할 때의 발굴 경로"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Text lengths are the services' rule (welfare.common.bounds): no max_length here, so the API answers with the
# sentence the page shows ("300자 이내로 적어 주세요. (지금 301자)").


class CaseTransitionSerializer(Serializer):
    to = serializers.ChoiceField(choices=CaseStage.choices, help_text=_("옮겨 갈 단계"))
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_("읽었을 때의 version; 그사이 바뀌었으면 409"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    closing_reason = serializers.ChoiceField(choices=ClosingReason.choices, required=False, allow_blank=True,
                                             default="", help_text=_("종결 검토로 옮길 때"))
    closing_note = serializers.CharField(required=False, allow_blank=True, default="")



# Cases -------------------------------------------------------------------------------------------------------


CASE_FIELDS = tuple(f.name for f in Case._meta.concrete_fields)


@extend_schema_view(
    list=extend_schema(summary="사례 목록", responses={200: CaseSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="사례 (열람 기록을 남깁니다)", responses={200: CaseDetailSerializer, **READ_ERRORS}),
)
class CaseViewSet(ApiViewSet):
    """Integrated case management cases (통합사례관리) with their deadlines and overdue flags; stage moves through
    ``transition``, the case conference's decision through ``conference``. One case carries its conferences."""

    serializer_class = CaseSerializer
    filterset_class = filters.CaseFilter
    ordering_fields = ("updated_at", "opened_on", "assessment_due_on", "plan_due_on", "reassessment_due_on", "id")
    ordering = ("-updated_at", "-id")
    list_verb = "households.case.listed"
    retrieve_verb = "households.case.viewed"

    def base_queryset(self):
        return with_dong(
            Case.objects.select_related("client", "assigned_official")
            # The case whole; of the client its name only (no decryption per row), of the official the name.
            .only(*CASE_FIELDS, "client__id", "client__name", *person_columns("assigned_official"))
            .with_deadline_flags(timezone.localdate())
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("retrieve", "conference"):
            # One case: its conferences, with staff, partners and plan items (four queries, whatever their number).
            queryset = queryset.prefetch_related(
                Prefetch("conferences", queryset=CaseConference.objects.select_related("created_by")),
                "conferences__staff", "conferences__partners", "conferences__plan_items")
        return queryset

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action in ("retrieve", "conference") else CaseSerializer

    @extend_schema(
        summary="사례회의 결과 기록",
        description="The page's conference record (households.services.conference_record): only for a case in stage "
                    "`conference`. The decision sets the case class and moves the case (selected → planning with the "
                    "plan items as goals; not selected → closing, `reason` required). The same record sent again "
                    "answers 200 with the case unchanged; a first record 201.",
        request=ConferenceInputSerializer,
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def conference(self, request, pk=None):
        case = self.get_object()
        given = ConferenceInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            _conference, created = services.conference_record(case=case, by=request.user, **given.service_kwargs())
        except RuleError as error:
            raise rule_fields(error) from error
        return Response(self.get_serializer(self.refetch(case.pk)).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="사례 단계 변경",
        description="The page's stage move (households.services.case_transition): send the `version` you read; "
                    "a rule that refuses the move answers 400 with its sentence, a newer version 409.",
        request=CaseTransitionSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS, **errors(409)},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        case = self.get_object()
        form = CaseTransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        services.case_transition(case=case, to=data["to"], by=request.user, expected_version=data["version"],
                                 note=data["note"].strip(), closing_reason=data["closing_reason"],
                                 closing_note=data["closing_note"].strip())
        return Response(CaseSerializer(self.refetch(case.pk), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="사후관리 결과 기록",
        description="The case page's after-care outcome (households.services.aftercare_record): `no_problem` at the "
                    "last after-care contact archives the case, at an earlier one it stays in follow_up; `relapse` "
                    "needs `relapse_to`: `reassessment` (this case) or `new_case` (a new case linked to this one, "
                    "returned; this one is archived). Send the `version` you read; a newer one answers 409.",
        request=CaseAftercareSerializer,
        responses={200: CaseSerializer, 201: CaseSerializer, **WRITE_ERRORS, **errors(409)},
    )
    @action(detail=True, methods=["post"])
    def aftercare(self, request, pk=None):
        case = self.get_object()
        form = CaseAftercareSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = services.aftercare_record(case=case, by=request.user, outcome=data["outcome"],
                                           expected_version=data["version"], note=data["note"].strip(),
                                           relapse_to=data["relapse_to"], source=data["source"])
        shown = result.new_case or result.case
        return Response(CaseSerializer(self.refetch(shown.pk), context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if result.new_case else status.HTTP_200_OK)


