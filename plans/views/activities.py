"""The plan's activity records: capacity-building trainings, awards and public-private partnerships.

Dong officials and leads read their district's records; planners and district admins write (others 403).
Another district's record is 404. The rules live in plans.services.activities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import membership, visible_dong_ids

from .. import services
from ..forms import AwardForm, PartnershipForm, TrainingForm, YearFilterForm
from ..models import Award, Partnership, Training

PAGE_SIZE = 25


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    form: type
    save: Callable[..., Any]
    date_field: str
    title: Any
    singular: Any
    related: tuple[str, ...]


KINDS = {
    "training": Kind("training", Training, TrainingForm, services.training_save, "held_on",
                     _("역량강화 교육"), _("교육"), ("dong", "plan")),
    "award": Kind("award", Award, AwardForm, services.award_save, "awarded_on",
                  _("포상"), _("포상"), ("plan",)),
    "partnership": Kind("partnership", Partnership, PartnershipForm, services.partnership_save,
                        "signed_on", _("민관 협약"), _("협약"), ("plan",)),
}


def _can_write(request: HttpRequest) -> bool:
    return can(request.user, "edit_plans") and membership(request.user) is not None


def _visible(request: HttpRequest, kind: Kind) -> QuerySet:
    """Rows of the districts whose dongs the user sees (a dong official reads the whole district's records)."""
    districts = Dong.objects.filter(pk__in=visible_dong_ids(request.user)).values("district_id")
    return kind.model.objects.filter(district_id__in=districts).select_related(*kind.related)


def _list(request: HttpRequest, kind: Kind) -> HttpResponse:
    if not visible_dong_ids(request.user):
        raise PermissionDenied
    rows = _visible(request, kind).order_by(f"-{kind.date_field}", "-id")
    filter_form = YearFilterForm(request.GET or None)
    if filter_form.is_valid() and filter_form.cleaned_data["year"]:
        rows = rows.filter(**{f"{kind.date_field}__year": filter_form.cleaned_data["year"]})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, f"plans/activity/{kind.key}_list.html", {
        "kind": kind, "page": page, "rows": page.object_list, "filter_form": filter_form,
        "query_string": params.urlencode(), "can_write": _can_write(request),
        "create_url": f"plans:{kind.key}_create",
    })


def _form(request: HttpRequest, kind: Kind, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(_visible(request, kind), pk=pk) if pk is not None else None
    if not _can_write(request):
        raise PermissionDenied
    district = membership(request.user).district
    form = kind.form(request.POST or None, instance=instance, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            kind.save(by=request.user, **{kind.key: instance}, **form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("저장했습니다."))
            return redirect(f"plans:{kind.key}_list")
    return render(request, "plans/activity/form.html", {
        "kind": kind, "form": form, "object": instance,
        "list_url": f"plans:{kind.key}_list",
    })


def training_list(request: HttpRequest) -> HttpResponse:
    return _list(request, KINDS["training"])


def training_create(request: HttpRequest) -> HttpResponse:
    return _form(request, KINDS["training"])


def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, KINDS["training"], pk)


def award_list(request: HttpRequest) -> HttpResponse:
    return _list(request, KINDS["award"])


def award_create(request: HttpRequest) -> HttpResponse:
    return _form(request, KINDS["award"])


def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, KINDS["award"], pk)


def partnership_list(request: HttpRequest) -> HttpResponse:
    return _list(request, KINDS["partnership"])


def partnership_create(request: HttpRequest) -> HttpResponse:
    return _form(request, KINDS["partnership"])


def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, KINDS["partnership"], pk)
