"""The shared API pieces: the scoped base viewset every viewset inherits first, pagination, the error shape."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, viewsets
from rest_framework.response import Response


class ScopedViewSetMixin:
    """Every API viewset inherits this first: its queryset is always ``Model.objects.visible_to(user)``, so another
    dong's object is 404 exactly as on the pages."""

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def base_queryset(self):  # pragma: no cover - each viewset defines it
        raise NotImplementedError


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RuleErrorMixin:
    """Turns a service's RuleError into a 400 with the service's sentence."""

    def handle_exception(self, exc):
        from households.services import RuleError, StaleVersion

        if isinstance(exc, StaleVersion):
            return Response({"error": {"code": "stale_version", "fields": {},
                                       "message": str(_("다른 사용자가 먼저 저장했습니다. 최신 내용을 받아 다시 시도하세요."))}},
                            status=409)
        if isinstance(exc, RuleError):
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
        return super().handle_exception(exc)
