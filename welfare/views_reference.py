"""Reference data in the district pages (capability ``manage_reference_data``): the district's dongs, and the
tables the apps register (``welfare.reference_data``: the risk indicators). Writes go through services, logged."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import RuleError
from .models import Dong
from .reference_data import table
from .services.reference import dong_update
from .views_district import district_context, district_for, district_url

CAPABILITY = "manage_reference_data"


class DongForm(forms.ModelForm):
    class Meta:
        model = Dong
        fields = ["name", "admin_code", "is_high_risk"]
        help_texts = {"admin_code": gettext_lazy("행정안전부 행정동 코드 10자리. 모르면 비워 두세요.")}

    def validate_unique(self):
        pass  # the service checks names and codes and says which field


def _context(request: HttpRequest, district, **extra) -> dict:
    return district_context(request, district, **extra)


def dongs(request: HttpRequest) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    rows = Dong.objects.filter(district=district).order_by("name")
    return render(request, "welfare/district/dongs.html", _context(request, district, dongs=rows))


def dong_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    dong = get_object_or_404(Dong, pk=pk, district=district)
    form = DongForm(request.POST or None, instance=Dong.objects.get(pk=dong.pk))
    if request.method == "POST" and form.is_valid():
        try:
            dong_update(dong=dong, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 정보를 저장했습니다.") % {"name": dong.name})
            return redirect(district_url(request, district, "district:dongs"))
    return render(request, "welfare/district/reference_form.html", _context(
        request, district, form=form, title=dong.name, back=district_url(request, district, "district:dongs"),
        tab="dongs"))


def _table(key: str):
    found = table(key)
    if found is None:
        raise Http404
    return found


def reference_list(request: HttpRequest, key: str) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    found = _table(key)
    if found.url_name:
        return redirect(district_url(request, district, found.url_name))
    rows = [(row, [getattr(row, attr) for _label, attr in found.columns]) for row in found.rows()]
    return render(request, "welfare/district/reference_list.html", _context(
        request, district, table=found, rows=rows, tab=f"ref-{key}"))


def reference_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    found = _table(key)
    row = get_object_or_404(found.rows(), pk=pk)
    form = found.form(row, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found.save(row=row, by=request.user, data=form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, found.saved_message)
            return redirect(district_url(request, district, "district:reference", key))
    return render(request, "welfare/district/reference_form.html", _context(
        request, district, form=form, title=str(row), back=district_url(request, district, "district:reference", key),
        tab=f"ref-{key}"))
