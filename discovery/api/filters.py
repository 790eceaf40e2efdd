"""FilterSets of the discovery API. Each filter is one WHERE clause or one subquery; none reads the database while
validating, so a filtered list costs the same number of queries as an unfiltered one. The rules (overdue, active)
are the querysets' own (CrisisReportQuerySet.overdue, NetworkMemberQuerySet.active), used as subqueries."""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.api.filters import IdFilter, SinceFilter

from ..models import (
    Channel,
    CrisisReport,
    NetworkMember,
    NetworkRole,
    Occupation,
    ReportOutcome,
    ReportStatus,
    Urgency,
)


class SearchMixin(django_filters.FilterSet):
    """``search``: every word must appear in one of ``search_fields`` (case-insensitive). A form field, so a value
    the database cannot hold (a NUL character) is a 400, not a database error."""

    search = django_filters.CharFilter(method="filter_search", label=_("검색(낱말마다 AND)"))
    search_fields: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields)))
        return queryset


class CrisisReportFilter(SearchMixin):
    search_fields = ("receipt_code", "subject_name", "subject_address", "subject_phone", "subject_description")
    dong = IdFilter(field_name="dong_id", label=_("행정동 id"))
    district_queue = django_filters.BooleanFilter(field_name="dong", lookup_expr="isnull",
                                                  label=_("구 접수함(동 미정) 제보만 / 제외"))
    household = IdFilter(field_name="household_id", label=_("연결된 세대 id"))
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("처리 상태(여러 개 가능)"))
    outcome = django_filters.MultipleChoiceFilter(choices=ReportOutcome.choices, label=_("처리 결과(여러 개 가능)"))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("접수 경로(여러 개 가능)"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("긴급도"))
    assigned_official = IdFilter(field_name="assigned_official_id", label=_("담당 공무원 id"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("초기 접촉 기한이 지났고 아직 접촉하지 않은 미처리 제보"))
    received_after = SinceFilter(field_name="received_at", lookup_expr="gte",
                                    label=_("접수 일시가 이 시각 이후(ISO 8601)"))
    received_before = SinceFilter(field_name="received_at", lookup_expr="lt",
                                     label=_("접수 일시가 이 시각 이전(ISO 8601)"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                   label=_("이 시각 이후 수정(증분 동기화, ISO 8601)"))

    class Meta:
        model = CrisisReport
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = CrisisReport.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class NetworkMemberFilter(SearchMixin):
    search_fields = ("name", "organisation")
    role = django_filters.MultipleChoiceFilter(choices=NetworkRole.choices, label=_("역할(여러 개 가능)"))
    occupation = django_filters.ChoiceFilter(choices=Occupation.choices, label=_("하는 일"))
    dong = IdFilter(method="filter_dong", label=_("이 동에서 활동하는 구성원"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("오늘(서울) 활동 중 / 활동 종료"))
    created_since = SinceFilter(field_name="created_at", lookup_expr="gte",
                                   label=_("이 시각 이후 등록(ISO 8601)"))

    class Meta:
        model = NetworkMember
        fields: list[str] = []

    def filter_dong(self, queryset, name, value):
        # A subquery on the member–dong table, so no second join multiplies the rows.
        through = NetworkMember.dongs.through.objects.filter(dong_id=value).values("networkmember_id")
        return queryset.filter(pk__in=through)

    def filter_active(self, queryset, name, value):
        active = NetworkMember.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)
