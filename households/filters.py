from __future__ import annotations

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import translated_choices
from welfare.common.filter_forms import FormClassOnce
from welfare.common.model_choices import OptionsChoiceFilter
from welfare.models import Dong
from welfare.scoping import visible_dongs

from .models import CareStatus, Household, HousingType, RiskLevel


def _visible_dongs(request):
    if request is None:
        return Dong.objects.none()
    return Dong.objects.visible_to(request.user)


def _visible_dong_options(request) -> list:
    """The same dongs as :func:`_visible_dongs`, read compiled once: the options of the list's dong select."""
    return visible_dongs(request.user) if request is not None else []


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Rows without a date sort last in both directions, on SQLite and PostgreSQL alike.

    NULLS LAST only on a nullable column (a NOT NULL one keeps the plain order its index serves), and the id
    tie-breaker follows the column's direction: each sort is served by one index of the sort-indexes migration.
    """

    descending_fmt = _("%s (내림차순)")  # django-filter's own "%s (descending)" showed in English

    def build_choices(self, fields, labels):
        return translated_choices(self, super().build_choices(fields, labels))

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        column = F(name)
        nulls_last = True if self.model is None or self.model._meta.get_field(name).null else None
        return column.desc(nulls_last=nulls_last) if value.startswith("-") else column.asc(nulls_last=nulls_last)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if not value:
            return qs
        # The order only: which index reads it is the reader's choice (HouseholdQuerySet.read_in_order), so the
        # page's COUNT keeps its own index.
        return qs.order_by(*with_tie_breaker(qs.query.order_by))


def with_tie_breaker(ordering) -> list:
    """The ordering with ``id`` last, in the first column's direction, so a page is stable when many rows share a
    value and one index (column, id) serves both directions."""
    ordering = [o for o in ordering if o not in ("id", "-id", "pk", "-pk")]
    first = ordering[0] if ordering else "-id"
    descending = first.startswith("-") if isinstance(first, str) else getattr(first, "descending", False)
    return [*ordering, "-id" if descending else "id"]


class HouseholdFilter(FormClassOnce):
    q = django_filters.CharFilter(method="filter_search", label=_("검색"))
    # Each enum's labels translated once per language (translated_choices): the filter bar is on every list page.
    dong = OptionsChoiceFilter(queryset=_visible_dongs, options=_visible_dong_options, label=_("행정동"),
                               empty_label=_("전체 동"))
    risk_level = django_filters.ChoiceFilter(choices=translated_choices(RiskLevel, RiskLevel.choices),
                                             label=_("위기도"), empty_label=_("전체"))
    status = django_filters.ChoiceFilter(choices=translated_choices(CareStatus, CareStatus.choices),
                                         label=_("관리 상태"), empty_label=_("전체"))
    housing_type = django_filters.ChoiceFilter(choices=translated_choices(HousingType, HousingType.choices),
                                               label=_("주거 형태"), empty_label=_("전체"))
    sort = NullsLastOrderingFilter(
        label=_("정렬"),
        fields=(
            ("updated_at", "updated"),
            ("next_contact_on", "next_contact"),
            ("last_contact_on", "last_contact"),
            ("road_address", "address"),
        ),
        field_labels={
            # django-filter keys an ascending label by the field, a descending one by "-" and the parameter.
            "updated_at": _("수정일 (오래된 순)"), "-updated": _("수정일 (최근 순)"),
            "next_contact_on": _("다음 접촉일 (빠른 순)"), "-next_contact": _("다음 접촉일 (늦은 순)"),
            "last_contact_on": _("최근 접촉일 (오래된 순)"), "-last_contact": _("최근 접촉일 (최근 순)"),
            "road_address": _("주소 (가나다순)"), "-address": _("주소 (역순)"),
        },
        empty_label=_("기본(최근 수정)"),
    )

    class Meta:
        model = Household
        fields = ["q", "dong", "risk_level", "status", "housing_type"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
