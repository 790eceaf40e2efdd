"""The shared API pieces: the scoped base viewset every viewset inherits first (pagination and filters plugged in);
the error shape lives in welfare.api.errors."""

from __future__ import annotations

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from welfare.audit import log_action
from welfare.models import AccessAction

from .filters import KnownParametersFilter
from .pagination import KeysetCursorPage, KeysetOrderingFilter


class ScopedViewSetMixin:
    """Every API viewset inherits this first: its queryset is always ``Model.objects.visible_to(user)``, so another
    dong's object is 404 exactly as on the pages."""

    def get_queryset(self):
        request: Request = self.request  # type: ignore[attr-defined]  # the viewset this mixes into has it
        return self.base_queryset().visible_to(request.user)

    def base_queryset(self):  # pragma: no cover - each viewset defines it
        raise NotImplementedError


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ApiViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The common parts: keyset cursor, filter backends (an unknown query parameter is a 400), and the access log for personal records. A service's
    RuleError or StaleVersion needs nothing here: the API's one error handler (welfare.api.errors) maps them.

    ``list_verb``: one access-log entry per list request (the count and the filters; not one per row).
    ``retrieve_verb``: one entry per object opened, as the pages write.
    """

    pagination_class = KeysetCursorPage
    filter_backends = [KnownParametersFilter, DjangoFilterBackend, KeysetOrderingFilter]
    ordering = ("-id",)
    ordering_aliases: dict[str, str] = {}
    list_verb: str | None = None
    retrieve_verb: str | None = None

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True).data
        if self.list_verb:
            log_action(None, self.list_verb, user=request.user, action=AccessAction.VIEW,
                       changes={"count": len(page or ()), "filters": self._logged_params(request)})
        return self.get_paginated_response(data)

    @staticmethod
    def _logged_params(request) -> dict[str, str]:
        # Bounded, and without NUL (jsonb refuses it): unknown parameters reach here unvalidated.
        params = [(k, v) for k, v in request.query_params.items() if k != "cursor"][:30]
        return {k.replace("\x00", "")[:50]: v.replace("\x00", "")[:200] for k, v in params}

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.retrieve_verb:
            log_action(instance, self.retrieve_verb, user=request.user, action=AccessAction.VIEW)
        return Response(self.get_serializer(instance).data)

    def refetch(self, pk: int):
        """The object again through the scoped queryset, with the annotations the serializer reads."""
        return self.get_queryset().get(pk=pk)

