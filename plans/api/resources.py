"""``/api/v1/resources/``: the district's resource directory, read only (Resource.objects.visible_to: the districts
the user works in; a directory, not personal data, so planners see it too and nothing is written to the access log).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.filters import SearchFilter

from plans.models import Resource, ResourceCategory, Sector
from welfare.api.base import ApiViewSet
from welfare.api.filters import IdFilter, SinceFilter
from welfare.api.router import router
from welfare.api.schema import LIST_ERRORS, READ_ERRORS


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


class ResourceSerializer(serializers.ModelSerializer):
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    dongs = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("비어 있으면 구 전체"))

    class Meta:
        model = Resource
        fields = ("id", "name", "provider", "sector", "sector_display", "category", "category_display",
                  "funding_source", "eligibility", "contact", "dongs", "is_active", "created_at", "updated_at")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="자원 목록", responses={200: ResourceSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="자원", responses={200: ResourceSerializer, **READ_ERRORS}),
)
class ResourceViewSet(ApiViewSet):
    """The resource directory of the districts the user works in (public and private resources)."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    filter_backends = [*ApiViewSet.filter_backends, SearchFilter]
    search_fields = ("name", "provider", "eligibility", "funding_source")
    ordering_fields = ("name", "updated_at", "id")
    ordering = ("name", "id")

    def base_queryset(self):
        return Resource.objects.prefetch_related("dongs")


router.register("resources", ResourceViewSet, basename="resources")
