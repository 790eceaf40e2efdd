"""The field app's two pages: its home (the pack, the queue and the sync report) and the offline household page.
Both are shells without personal data: the service worker keeps them, and static/js/field/offline.js fills them
from the pack on the device."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from welfare.permissions import can


def _require_field_user(request: HttpRequest) -> None:
    if not can(request.user, "record_visits"):
        raise PermissionDenied


def field_home(request: HttpRequest) -> HttpResponse:
    _require_field_user(request)
    return render(request, "households/field/home.html", {"pack_hours": settings.OFFLINE_PACK_HOURS})


def field_household(request: HttpRequest) -> HttpResponse:
    _require_field_user(request)
    return render(request, "households/field/household.html", {"pack_hours": settings.OFFLINE_PACK_HOURS})


urlpatterns = [
    path("field/", field_home, name="field_home"),
    path("field/household/", field_household, name="field_household"),
]
