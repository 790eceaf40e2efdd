"""The plans API's filters: plans and the resource directory."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.api.filters import IdFilter, SinceFilter

from ..models import (
    AnnualPlan,
    PlanStatus,
    Resource,
    ResourceCategory,
    Sector,
)


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("연도"), min_value=1, max_value=9999)
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices, label=_("상태(여러 개 가능)"))
    current = django_filters.BooleanFilter(field_name="is_current", label=_("최신 개정본만 / 지난 개정본만"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label=_("이 시각 이후 수정(ISO 8601)"))
    search = django_filters.CharFilter(method="filter_search", label=_("계획명·비전 검색"))

    class Meta:
        model = AnnualPlan
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(vision__icontains=word))
        return queryset


class ResourceFilter(django_filters.FilterSet):
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("공공·민간"))
    category = django_filters.ChoiceFilter(choices=ResourceCategory.choices, label=_("분류"))
    dong = IdFilter(method="filter_dong", label=_("이 동에 제공되는 자원(대상 동이 없으면 구 전체)"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("사용 중"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                                     label=_("이 시각 이후 수정(ISO 8601)"))

    class Meta:
        model = Resource
        fields: list[str] = []

    def filter_dong(self, queryset, name: str, value: int):
        # ResourceQuerySet.serving's rule without its is_active (that is the ``active`` filter); subqueries, so
        # no join multiplies the rows.
        through = Resource.dongs.through.objects
        return queryset.filter(Q(pk__in=through.filter(dong_id=value).values("resource_id"))
                               | ~Q(pk__in=through.values("resource_id")))
