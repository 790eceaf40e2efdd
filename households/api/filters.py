"""django-filter FilterSets of the households API. Each filter is one WHERE clause (or one subquery): none of them
reads the database while validating, so a filtered list costs the same number of queries as an unfiltered one."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Sector
from welfare.api.filters import MAX_ID, IdFilter, SinceFilter  # noqa: F401 (re-exported for the filter sets here)
from welfare.common.dates import seoul_today as _today

from ..models import (
    CareStatus,
    Case,
    CaseClass,
    CaseQuerySet,
    CaseStage,
    CheckIn,
    CheckInSource,
    ContactResult,
    FollowUp,
    FollowUpPriority,
    FollowUpReason,
    FollowUpStatus,
    Household,
    HousingType,
    LinkStatus,
    Measurement,
    MeasurementKind,
    RiskLevel,
    ServiceLink,
    Visit,
    VisitKind,
)


class HouseholdSearchMixin(django_filters.FilterSet):
    """``search``: address, resident name or phone digits, through ``HouseholdQuerySet.search`` (one EXISTS)."""

    search = django_filters.CharFilter(method="filter_search", label=_("검색(주소·가구원 이름·전화번호)"))
    household_path = "household"

    def filter_search(self, queryset, name, value):
        if self.household_path == "":
            return queryset.search(value)
        text = (value or "").strip()
        if not text:
            return queryset
        return queryset.filter(**{f"{self.household_path}__in": Household.objects.search(text).values("pk")})


class HouseholdFilter(HouseholdSearchMixin):
    household_path = ""
    dong = IdFilter(field_name="dong_id", label=_("행정동 id"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("위기도"))
    status = django_filters.ChoiceFilter(choices=CareStatus.choices, label=_("관리 상태"))
    housing_type = django_filters.ChoiceFilter(choices=HousingType.choices, label=_("주거 형태"))
    assigned_official = IdFilter(field_name="assigned_official_id", label=_("담당 공무원 id"))
    next_contact_before = django_filters.DateFilter(field_name="next_contact_on", lookup_expr="lte",
                                                    label=_("다음 접촉 예정일이 이 날짜 이전(당일 포함)"))
    next_contact_after = django_filters.DateFilter(field_name="next_contact_on", lookup_expr="gte",
                                                   label=_("다음 접촉 예정일이 이 날짜 이후(당일 포함)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("다음 접촉 예정일이 오늘(서울) 이전으로 지남"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                                     label=_("이 시각 이후 수정(증분 동기화, ISO 8601)"))

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        late = Q(next_contact_on__lt=_today())
        return queryset.filter(late) if value else queryset.exclude(late)


class CaseFilter(HouseholdSearchMixin):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    stage = django_filters.MultipleChoiceFilter(choices=CaseStage.choices, distinct=False,  # no join: no duplicates
                                                label=_("단계(여러 개 가능)"))
    case_class = django_filters.ChoiceFilter(choices=CaseClass.choices, label=_("사례 구분"))
    assigned_official = IdFilter(field_name="assigned_official_id", label=_("담당 공무원 id"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("처리 기한(욕구조사·사례회의 선정·계획 동의·제공계획) 중 하나라도 경과"))
    reassessment_due = django_filters.BooleanFilter(method="filter_reassessment_due",
                                                    label=_("재사정 도래(7일 이내 또는 기한 지남)"))
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte",
                                             label=_("접수일이 이 날짜 이후(당일 포함)"))
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte",
                                              label=_("접수일이 이 날짜 이전(당일 포함)"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                                     label=_("이 시각 이후 수정(증분 동기화, ISO 8601)"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        late = CaseQuerySet.late(_today())  # the deadlines of households.models.cases.DEADLINES
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_reassessment_due(self, queryset, name, value):
        due = CaseQuerySet.reassessment_due_q(_today())
        return queryset.filter(due) if value else queryset.exclude(due)


class VisitFilter(HouseholdSearchMixin):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    case = IdFilter(field_name="case_id", label=_("사례 id"))
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("방법"))
    contact_result = django_filters.ChoiceFilter(choices=ContactResult.choices, label=_("접촉 결과"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("위기도"))
    recorded_by = IdFilter(field_name="recorded_by_id", label=_("기록자 id"))
    visited_after = SinceFilter(field_name="visited_at", lookup_expr="gte",
                                                     label=_("방문 일시가 이 시각 이후"))
    visited_before = SinceFilter(field_name="visited_at", lookup_expr="lt",
                                                      label=_("방문 일시가 이 시각 이전"))
    # Visits are never edited after they are recorded: their creation time is their last change.
    created_since = SinceFilter(field_name="created_at", lookup_expr="gte",
                                                     label=_("이 시각 이후 기록(증분 동기화, ISO 8601)"))

    class Meta:
        model = Visit
        fields: list[str] = []


class FollowUpFilter(HouseholdSearchMixin):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    status = django_filters.MultipleChoiceFilter(choices=FollowUpStatus.choices, label=_("상태(여러 개 가능)"))
    reason = django_filters.MultipleChoiceFilter(choices=FollowUpReason.choices, label=_("사유(여러 개 가능)"))
    priority = django_filters.ChoiceFilter(choices=FollowUpPriority.choices, label=_("우선순위"))
    assigned_to = IdFilter(field_name="assigned_to_id", label=_("담당 id"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte",
                                           label=_("예정일이 이 날짜 이전(당일 포함)"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte",
                                          label=_("예정일이 이 날짜 이후(당일 포함)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("열린 예정 가운데 예정일이 오늘(서울) 이전"))
    changed_since = SinceFilter(
        method="filter_changed_since",
        label=_("이 시각 이후 생성·완료·취소되었거나 기한 경과로 표시됨(증분 동기화, ISO 8601). "
                "예정일 이동은 잡지 못합니다(FollowUp에 수정일시가 없음)."),
    )

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        late = Q(status=FollowUpStatus.OPEN, due_on__lt=_today())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_changed_since(self, queryset, name, value):
        return queryset.filter(Q(created_at__gte=value) | Q(closed_at__gte=value) | Q(overdue_at__gte=value))


class ServiceLinkFilter(HouseholdSearchMixin):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    case = IdFilter(field_name="case_id", label=_("사례 id"))
    resource = IdFilter(field_name="resource_id", label=_("자원 id"))
    status = django_filters.MultipleChoiceFilter(choices=LinkStatus.choices, label=_("상태(여러 개 가능)"))
    sector = django_filters.ChoiceFilter(field_name="resource__sector", choices=Sector.choices, label=_("공공·민간"))
    requested_after = django_filters.DateFilter(field_name="requested_on", lookup_expr="gte",
                                                label=_("의뢰일이 이 날짜 이후(당일 포함)"))
    requested_before = django_filters.DateFilter(field_name="requested_on", lookup_expr="lte",
                                                 label=_("의뢰일이 이 날짜 이전(당일 포함)"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                                     label=_("이 시각 이후 수정(증분 동기화, ISO 8601)"))

    class Meta:
        model = ServiceLink
        fields: list[str] = []


class CheckInFilter(HouseholdSearchMixin):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    source = django_filters.ChoiceFilter(choices=CheckInSource.choices, label=_("경로"))
    is_alert = django_filters.BooleanFilter(label=_("이상 신호"))
    at_after = SinceFilter(field_name="at", lookup_expr="gte", label=_("일시가 이 시각 이후"))
    at_before = SinceFilter(field_name="at", lookup_expr="lt", label=_("일시가 이 시각 이전"))

    class Meta:
        model = CheckIn
        fields: list[str] = []


class MeasurementFilter(django_filters.FilterSet):
    dong = IdFilter(field_name="household__dong_id", label=_("행정동 id"))
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    resident = IdFilter(field_name="resident_id", label=_("가구원 id"))
    check_in = IdFilter(field_name="check_in_id", label=_("안부 확인 id"))
    kind = django_filters.ChoiceFilter(choices=MeasurementKind.choices, label=_("측정 항목"))
    is_out_of_range = django_filters.BooleanFilter(label=_("정상 범위 밖"))
    measured_after = SinceFilter(field_name="measured_at", lookup_expr="gte", label=_("측정 일시가 이 시각 이후"))
    measured_before = SinceFilter(field_name="measured_at", lookup_expr="lt", label=_("측정 일시가 이 시각 이전"))

    class Meta:
        model = Measurement
        fields: list[str] = []
