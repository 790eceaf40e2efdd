"""API permissions: the same capabilities as the pages (kept free of viewset imports: DRF loads it from settings)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from welfare.permissions import can


class IsEditor(permissions.BasePermission):
    """Writes need the ``edit_casework`` capability, as on the pages (dong officials, team leads, admins)."""

    message = _("이 역할로는 기록할 수 없습니다.")
    capability = "edit_casework"

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can(request.user, self.capability)


def capability_permission(name: str) -> type[permissions.BasePermission]:
    """A DRF permission class for one capability on writes: ``permission_classes = [capability_permission("edit_plans")]``."""
    return type(f"Can_{name}", (IsEditor,), {"capability": name})
