"""API permissions: the same roles as the pages (kept free of viewset imports: DRF loads it from settings)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from welfare.models import Role
from welfare.scoping import has_role

EDITORS = (Role.DONG_OFFICIAL, Role.DONG_LEAD, Role.DISTRICT_ADMIN)


class IsEditor(permissions.BasePermission):
    """Writes are for the roles that may write on the pages: dong officials, team leads, district admins."""

    message = _("이 역할로는 기록할 수 없습니다.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or has_role(request.user, *EDITORS)
