"""One JSON error shape for the whole API, and the one place that maps the core's errors to it (kept free of
viewset imports: DRF loads it from settings).

A service's :class:`~welfare.errors.RuleError` answers 400 with its field names kept (``{"field": [...]}``; a
sentence about the whole input under ``non_field_errors``); :class:`~welfare.errors.StaleVersion` answers 409
``stale_version``.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

from welfare.errors import StaleVersion


class Conflict(exceptions.APIException):
    """409: someone saved the record since the client read it (a service raised StaleVersion)."""

    status_code = 409
    default_detail = _("다른 사용자가 먼저 저장했습니다. 최신 내용을 받아 다시 시도하세요.")
    default_code = "stale_version"


def validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError (a service's RuleError, a model's clean()) as ``{field: [sentences]}``: the
    service's field names kept, ``__all__`` and a plain sentence under ``non_field_errors``."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": list(exc.messages)}
    return {("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()}


def error_handler(exc, context):
    """One JSON shape for every error: ``{"error": {"code", "message", "fields"}}``; never a stack trace."""
    if isinstance(exc, DjangoValidationError):  # RuleError included
        exc = exceptions.ValidationError(validation_fields(exc))
    elif isinstance(exc, StaleVersion):
        exc = Conflict()
    # DRF answers these itself, but ``exc`` must be its own kind for the code below (get_object_or_404 → not_found).
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handler answers (JSON-free, no trace when DEBUG=False)
    data = response.data
    fields = {}
    if isinstance(exc, exceptions.ValidationError):
        message = str(_("입력값을 확인하세요."))
        fields = flat_errors(data)
    else:
        message = str(data.get("detail", data)) if isinstance(data, dict) else str(data)
    code = getattr(exc, "default_code", "error")
    if isinstance(getattr(exc, "detail", None), exceptions.ErrorDetail):
        code = exc.detail.code
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def flat_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{name: [sentences]}`` whatever their nesting: a nested object's field is
    ``reporter.name``, an item of a list ``needs.0.note`` (DRF gives ``{"0": {...}}`` or ``[{}, {...}]``)."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            for name, messages in flat_errors(value, f"{prefix}.{key}" if prefix else str(key)).items():
                out.setdefault(name, []).extend(messages)
    elif isinstance(data, list) and any(isinstance(item, (dict, list)) for item in data):
        for index, item in enumerate(data):
            for name, messages in flat_errors(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(name, []).extend(messages)
    elif isinstance(data, list):
        if data:
            out[prefix or "non_field_errors"] = [str(m) for m in data]
    else:
        out[prefix or "non_field_errors"] = [str(data)]
    return out


def server_error(request, *args, **kwargs):
    """JSON 500 for /api/: the message, never the trace."""
    from django.http import JsonResponse

    return JsonResponse({"error": {"code": "server_error", "message": str(_("서버 오류가 발생했습니다.")),
                                   "fields": {}}}, status=500)


def not_found(request, exception=None):
    """404 for a URL no route matches: JSON in the API's shape under /api/ (a malformed id, a path that does not
    exist), Django's page elsewhere (``handler404``)."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"error": {"code": "not_found", "message": str(exceptions.NotFound.default_detail),
                                       "fields": {}}}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
