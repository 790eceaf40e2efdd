"""One JSON error shape for the whole API (kept free of viewset imports: DRF loads it from settings)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def error_handler(exc, context):
    """One JSON shape for every error: ``{"error": {"code", "message", "fields"}}``; never a stack trace."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
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
