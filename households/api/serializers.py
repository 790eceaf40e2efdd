"""Serializers of the households API: explicit fields, ISO dates, money as integers, choices as codes with a
``*_display`` label. Registration numbers leave only masked (``Resident.rrn_masked``); the clear number is never
read here."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plans.models import Resource
from welfare.api.refs import ChoiceDisplayField, DongRefSerializer, PersonSerializer, person_name  # noqa: F401
from welfare.api.serializers import ModelSerializer, Serializer

from ..models import (
    CHARACTERISTIC_FIELDS,
    CheckIn,
    CheckInSource,
    ContactResult,
    FollowUp,
    Household,
    LeftReason,
    LinkStatus,
    MeasurementKind,
    NeedDomain,
    Resident,
    RiskLevel,
    ServiceLink,
    Severity,
    Visit,
    VisitKind,
)
from ..services import (
    VisitData,
    VisitOutcome,
    needs_errors,
)


class ResidentRefSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# Households --------------------------------------------------------------------------------------------------


class ResidentSerializer(ModelSerializer):
    relation_display = ChoiceDisplayField(source="relation")
    sex_display = ChoiceDisplayField(source="sex")
    birth_year = serializers.SerializerMethodField()
    phone_display = serializers.CharField(read_only=True)
    rrn_masked = serializers.CharField(read_only=True, help_text=_("항상 가린 값(예: 900101-1******)"))
    is_current = serializers.SerializerMethodField()
    # Explicit: a read-only model field loses allow_blank, and the code is "" until the resident leaves.
    left_reason = serializers.ChoiceField(choices=LeftReason.choices, allow_blank=True, read_only=True)
    left_reason_display = ChoiceDisplayField(source="left_reason")

    class Meta:
        model = Resident
        fields = ("id", "name", "relation", "relation_display", "birth_date", "birth_year", "sex", "sex_display",
                  "phone", "phone_display", "rrn_masked", "moved_in_on", "is_current", "left_on", "left_reason",
                  "left_reason_display")
        read_only_fields = fields

    def get_birth_year(self, resident: Resident) -> int | None:
        return resident.birth_date.year if resident.birth_date else None

    def get_is_current(self, resident: Resident) -> bool:
        return resident.left_on is None


class HouseholdSerializer(ModelSerializer):
    dong = DongRefSerializer(read_only=True)
    housing_type_display = ChoiceDisplayField(source="housing_type")
    characteristics = serializers.SerializerMethodField()
    characteristics_display = serializers.SerializerMethodField()
    risk_level_display = ChoiceDisplayField(source="risk_level")
    status_display = ChoiceDisplayField(source="status")
    benefit_status_display = ChoiceDisplayField(source="benefit_status")
    assigned_official = PersonSerializer(read_only=True, allow_null=True)
    residents = ResidentSerializer(many=True, read_only=True, source="resident_list",  # the views' prefetch
                                   help_text=_("현재 가구원과 이탈한 가구원(이탈일 순)"))

    class Meta:
        model = Household
        fields = ("id", "dong", "road_address", "address_detail", "postal_code", "housing_type",
                  "housing_type_display", "characteristics", "characteristics_display", "risk_level",
                  "risk_level_display", "status", "status_display", "benefit_status", "benefit_status_display",
                  "assigned_official", "last_contact_on", "next_contact_on", "residents", "anonymised_at",
                  "created_at", "updated_at")
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CHARACTERISTIC_FIELDS)))
    def get_characteristics(self, household: Household) -> list[str]:
        return [name for name in CHARACTERISTIC_FIELDS if getattr(household, name)]

    def get_characteristics_display(self, household: Household) -> list[str]:
        # Household.characteristics, with the labels translated once per response and language.
        language = get_language()
        labels = self._characteristic_labels.get(language)
        if labels is None:
            labels = self._characteristic_labels[language] = {
                name: str(Household._meta.get_field(name).verbose_name) for name in CHARACTERISTIC_FIELDS}
        return [labels[name] for name in CHARACTERISTIC_FIELDS if getattr(household, name)]

    @cached_property
    def _characteristic_labels(self) -> dict[str, dict[str, str]]:
        return {}


# Visits ------------------------------------------------------------------------------------------------------


class VisitNeedSerializer(Serializer):
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    domain_display = ChoiceDisplayField(NeedDomain.choices, source="domain")
    severity = serializers.ChoiceField(choices=Severity.choices)
    severity_display = ChoiceDisplayField(Severity.choices, source="severity")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VisitSerializer(ModelSerializer):
    kind_display = ChoiceDisplayField(source="kind")
    contact_result_display = ChoiceDisplayField(source="contact_result")
    risk_level_display = ChoiceDisplayField(source="risk_level")
    recorded_by = PersonSerializer(read_only=True, allow_null=True)
    staff_present = PersonSerializer(many=True, read_only=True)
    needs = VisitNeedSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ("id", "household", "case", "visited_at", "kind", "kind_display", "contact_result",
                  "contact_result_display", "observations", "risk_level", "risk_level_display", "next_contact_on",
                  "circumstances_changed", "needs", "staff_present", "recorded_by", "created_at")
        read_only_fields = fields


class UtcDateTimeField(serializers.DateTimeField):
    """A date-time that still exists in UTC, where the database keeps it (year 1 at +09:00 does not)."""

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            self.fail("overflow")
        return value


class PreloadedMixin:
    """Looks the id up in ``context["preloaded"][preload_key]`` (``{id: object}``, read once for many rows by the
    bulk endpoint) when the context has it, instead of one query per row; an id missing there does not exist."""

    preload_key = ""

    def to_internal_value(self, data):
        found = self.context.get("preloaded", {}).get(self.preload_key)  # type: ignore[attr-defined]
        if found is None:
            return super().to_internal_value(data)  # type: ignore[misc]
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)  # type: ignore[attr-defined]
        try:
            pk = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)  # type: ignore[attr-defined]
        if pk not in found:
            self.fail("does_not_exist", pk_value=data)  # type: ignore[attr-defined]
        return found[pk]


class VisibleHouseholdField(PreloadedMixin, serializers.PrimaryKeyRelatedField):
    """A household id the requesting user may see; another dong's id is refused as if it did not exist."""

    preload_key = "household"

    def __init__(self, **kwargs):
        super().__init__(queryset=Household.objects.all(), **kwargs)

    def get_queryset(self):
        return Household.objects.visible_to(self.context["request"].user).select_related("dong")


class VisibleResidentField(PreloadedMixin, serializers.PrimaryKeyRelatedField):
    """A resident id the requesting user may see (whether it is the visited household's is the service's rule)."""

    preload_key = "resident"

    def __init__(self, **kwargs):
        super().__init__(queryset=Resident.objects.all(), **kwargs)

    def get_queryset(self):
        return Resident.objects.visible_to(self.context["request"].user)


class VisitCreateSerializer(Serializer):
    """What a client sends to record a visit; ``visit_data()`` is the service's input
    (households.services.visit_record holds the rules, the page's form uses the same)."""

    submission_token = serializers.UUIDField(
        help_text=_("클라이언트가 만든 UUID. 같은 값을 다시 보내면 처음 기록한 방문을 200으로 돌려줍니다."))
    household = VisibleHouseholdField()
    visited_at = UtcDateTimeField(required=False, help_text=_("비우면 지금"))
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.HOME)
    contact_result = serializers.ChoiceField(choices=ContactResult.choices)
    observations = serializers.CharField(required=False, allow_blank=True, default="")
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    next_contact_on = serializers.DateField(required=False, allow_null=True, default=None,
                                            help_text=_("비우면 접촉 주기 정책의 제안일"))
    needs = VisitNeedSerializer(many=True, required=False, default=list, help_text=_("영역마다 하나"))
    staff_present = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                          help_text=_("동행 직원 id(같은 동 직원)"))
    end_care = serializers.BooleanField(required=False, allow_null=True, default=None,
                                        help_text=_("사망·전출일 때 필수: 세대 관리를 종료할지"))
    resident = VisibleResidentField(required=False, allow_null=True, default=None,
                                    help_text=_("사망·전출일 때: 이탈 처리할 현재 가구원 id"))
    propose_case_closing = serializers.BooleanField(required=False, default=False,
                                                    help_text=_("사망·전출일 때: 진행 중인 사례의 종결 검토 제안"))
    circumstances_changed = serializers.BooleanField(
        required=False, default=False,
        help_text=_("상황 변화 있음: 서비스 제공 중인 사례를 재사정으로 옮깁니다(다른 단계면 재사정 예정일을 방문일로)"))

    def validate_needs(self, needs: list[dict]) -> list[dict]:
        # Reported with the other fields' errors: the service's rule, asked before the service runs.
        if message := needs_errors(_need_rows(needs)).get("needs"):
            raise serializers.ValidationError(message)
        return needs

    def visit_data(self) -> VisitData:
        data = self.validated_data
        return VisitData(
            kind=data["kind"], contact_result=data["contact_result"], risk_level=data["risk_level"],
            visited_at=data.get("visited_at") or timezone.now(), observations=data["observations"].strip(),
            next_contact_on=data["next_contact_on"], needs=_need_rows(data["needs"]),
            staff_present=tuple(data["staff_present"]), circumstances_changed=data["circumstances_changed"],
            outcome=VisitOutcome(end_care=data["end_care"], resident=data["resident"],
                                 propose_case_closing=data["propose_case_closing"]),
        )


def _need_rows(needs: list[dict]) -> tuple[tuple[str, str, str], ...]:
    return tuple((n["domain"], n["severity"], n.get("note", "")) for n in needs)


# Health measurements (the row a check-in carries; the rest is in measurements.py) ----------------


class MeasurementRowSerializer(Serializer):
    """One reading as a gateway sends it; households.services.measurement_rules holds the rules (possible values,
    time, person, consent), so this only turns JSON into the service's input."""

    kind = serializers.ChoiceField(choices=MeasurementKind.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=4, help_text=_("혈압은 수축기 혈압"))
    value2 = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, allow_null=True,
                                      default=None, help_text=_("혈압의 이완기 혈압; 다른 항목은 비웁니다"))
    measured_at = UtcDateTimeField(required=False, help_text=_("비우면 안부 확인 일시(대량 등록은 필수)"))
    resident = VisibleResidentField(required=False, allow_null=True, default=None,
                                    help_text=_("측정한 가구원 id; 비우면 세대 공용 기기(세대주의 동의)"))
    external_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None,
                                        help_text=_("게이트웨이의 측정 id: 다시 보내도 한 번만 저장합니다"))
    device_id = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("기기·게이트웨이 id"))


# Follow-ups, check-ins ---------------------------------------------------------------------------------------


class FollowUpSerializer(ModelSerializer):
    dong = serializers.IntegerField(source="household_dong_id", read_only=True)
    reason_display = ChoiceDisplayField(source="reason")
    status_display = ChoiceDisplayField(source="status")
    priority_display = ChoiceDisplayField(source="priority")
    assigned_to = PersonSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ("id", "household", "dong", "due_on", "reason", "reason_display", "status", "status_display",
                  "priority", "priority_display", "assigned_to", "is_overdue", "overdue_at", "visit", "note",
                  "created_at", "closed_at")
        read_only_fields = fields

    def get_is_overdue(self, follow_up: FollowUp) -> bool:
        return follow_up.status == "open" and follow_up.due_on < self.context["today"]


class CheckInSerializer(ModelSerializer):
    dong = serializers.IntegerField(source="household_dong_id", read_only=True)
    source_display = ChoiceDisplayField(source="source")
    client_id = serializers.CharField(source="external_id", read_only=True, allow_null=True)
    recorded_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CheckIn
        fields = ("id", "household", "dong", "at", "source", "source_display", "is_alert", "note", "client_id",
                  "recorded_by")
        read_only_fields = fields


class CheckInCreateSerializer(Serializer):
    """What a gateway sends: the arguments of households.services.checkin_record (which holds the rules)."""

    client_id = serializers.CharField(max_length=100, help_text=_(
        "게이트웨이의 메시지 id. 같은 값을 다시 보내면 처음 기록한 안부 확인을 200으로 돌려줍니다."))
    household = VisibleHouseholdField()
    at = UtcDateTimeField(required=False, help_text=_("비우면 지금"))
    source = serializers.ChoiceField(choices=CheckInSource.choices)
    is_alert = serializers.BooleanField(default=False, help_text=_("이상 신호면 무응답 경보를 바로 올립니다"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    measurements = MeasurementRowSerializer(
        many=True, required=False, default=list,
        help_text=_("이 안부 확인과 함께 온 건강 측정값(MeasurementRow). 하나라도 거부되면 안부 확인도 기록하지 않습니다."))


# Service links and resources ---------------------------------------------------------------------------------


class ResourceRefSerializer(ModelSerializer):
    sector_display = ChoiceDisplayField(source="sector")
    category_display = ChoiceDisplayField(source="category")

    class Meta:
        model = Resource
        fields = ("id", "name", "provider", "sector", "sector_display", "category", "category_display")
        read_only_fields = fields


class ServiceLinkSerializer(ModelSerializer):
    dong = serializers.IntegerField(source="household_dong_id", read_only=True)
    resource = ResourceRefSerializer(read_only=True)
    need_domain = serializers.ChoiceField(source="need.domain", choices=NeedDomain.choices, read_only=True,
                                          allow_null=True)
    status_display = ChoiceDisplayField(source="status")
    amount_krw = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("원 단위 정수"))
    next_statuses = serializers.SerializerMethodField(help_text=_("지금 옮길 수 있는 상태"))

    class Meta:
        model = ServiceLink
        fields = ("id", "household", "dong", "case", "need", "need_domain", "resource", "status", "status_display",
                  "status_reason", "next_statuses", "requested_on", "start_on", "end_on", "completed_on",
                  "amount_krw", "frequency", "funding_source", "note", "created_at", "updated_at")
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=LinkStatus.choices)))
    def get_next_statuses(self, link: ServiceLink) -> list[str]:
        return [s for s in LinkStatus.values if link.can_move_to(s)]


class ServiceLinkStatusSerializer(Serializer):
    to = serializers.ChoiceField(choices=LinkStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=_("거절·중단일 때 필수"))
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("비우면 오늘"))


# Phrase templates --------------------------------------------------------------------------------------------


class PhraseSerializer(Serializer):
    """One phrase of the visit form's "자주 쓰는 문구" (households.selectors.Phrase)."""

    id = serializers.IntegerField(read_only=True, allow_null=True,
                                  help_text="null for a default phrase the district has not saved as its own")
    domain = serializers.ChoiceField(choices=NeedDomain.choices, read_only=True)
    domain_display = ChoiceDisplayField(NeedDomain.choices, source="domain")
    text = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True)


class PhraseSetSerializer(Serializer):
    """The user's district's active phrases in the visit form's order (households.selectors.PhraseSet)."""

    district = serializers.IntegerField(source="district_id", read_only=True, allow_null=True)
    customised = serializers.BooleanField(read_only=True,
                                          help_text="false while the district uses the built-in defaults")
    results = PhraseSerializer(source="phrases", many=True, read_only=True)
