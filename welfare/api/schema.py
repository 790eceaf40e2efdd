"""The error shape of welfare.api.errors for the OpenAPI schema, and the error responses each kind of endpoint
documents. Other apps' API modules may import these."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .serializers import Serializer


class ErrorBodySerializer(Serializer):
    code = serializers.CharField(help_text="machine code: invalid, not_found, not_authenticated, stale_version…")
    message = serializers.CharField(help_text="a sentence for a person (Korean by default)")
    # A field named "fields" (the error body's), which shadows Serializer.fields for the type checker only.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=("field name → messages: the input's names (nested ones dotted: reporter.name), "
                   "non_field_errors for the whole input"))


class ErrorSerializer(Serializer):
    error = ErrorBodySerializer()


_DESCRIPTIONS = {
    400: ("Invalid input or a business rule refused it (messages under the input's field names; a sentence about "
          "the whole input under fields.non_field_errors)"),
    401: "No credentials, or a token that does not exist or was revoked",
    403: "This role may not write (planners), or a session write without its CSRF token",
    404: "Not found, or another dong's record (never told apart)",
    409: "Stale version: someone saved the record since it was read",
    415: "A request body in a media type the endpoint does not read (send application/json, or multipart where "
         "an upload is taken)",
    429: "Too many requests for this token",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]) for code in codes}


LIST_ERRORS = errors(400, 401, 404, 429)  # 404: a cursor that was tampered with
READ_ERRORS = errors(401, 404, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 415, 429)


class KeysetOrderingFilterExtension(OpenApiFilterExtension):
    """``ordering``: the viewset's ordering fields, each ascending or descending (``-``), comma-separated."""

    target_class = "welfare.api.pagination.KeysetOrderingFilter"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        view = auto_schema.view
        names = [n for field in view.ordering_fields for n in (field, f"-{field}")]
        default = ",".join(view.ordering)
        return [build_parameter_type(
            name="ordering", location=OpenApiParameter.QUERY,
            schema={"type": "array", "items": {"type": "string", "enum": names}},
            description=f"Sort order (default `{default}`); the id always breaks ties, so the cursor is stable.",
            explode=False, style="form",
        )]
