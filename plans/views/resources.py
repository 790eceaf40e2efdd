"""The resource directory: every staff member reads their district's; planners and admins keep it. The rules
live in plans.services.resources."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import membership

from .. import services
from ..forms import ResourceFilterForm, ResourceForm
from ..models import Resource

PAGE_SIZE = 25


def _require_manager(request: HttpRequest) -> None:
    if not can(request.user, "manage_resources"):
        raise PermissionDenied


def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None, user=request.user)
    queryset = (
        form.apply(Resource.objects.visible_to(request.user))
        .prefetch_related(Prefetch("dongs", queryset=Dong.objects.order_by("name")))
        .order_by("sector", "category", "name", "id")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "plans/resource_list.html", {
        "form": form, "page": page, "query_string": params.urlencode(),
        # The guide and the new-resource form are a district's: a superuser without one keeps the directory in
        # the admin, so neither link is offered where it would be refused.
        "in_district": membership(request.user) is not None,
        "can_manage": can(request.user, "manage_resources"),
    })


def resource_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    staff = membership(request.user)
    if staff is None:  # a superuser without a district keeps the directory in the admin
        raise PermissionDenied
    form = ResourceForm(request.POST or None, district=staff.district)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(district=staff.district, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("자원 '%(name)s'을(를) 등록했습니다.") % {"name": resource.name})
            return redirect("plans:resource_list")
    return render(request, "plans/resource_form.html", {"form": form, "creating": True})


def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    resource = get_object_or_404(Resource.objects.visible_to(request.user).select_related("district"), pk=pk)
    name = resource.name
    form = ResourceForm(request.POST or None, instance=resource, district=resource.district)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_update(resource=resource, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("자원 '%(name)s'을(를) 저장했습니다.") % {"name": resource.name})
            return redirect("plans:resource_list")
    return render(request, "plans/resource_form.html",
                  {"form": form, "resource": resource, "resource_name": name, "creating": False})
