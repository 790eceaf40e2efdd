"""The offline field app's API: the field pack (one download, logged as an export to a device), the sync of the
queued items one by one in the order they were typed, and the session check the app makes before it sends.

The writes go through the same services as the pages (households.services.field_sync, discovery.fieldwork); these
views only translate."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from welfare.api.permissions import capability_permission
from welfare.api.schema import WRITE_ERRORS, errors
from welfare.api.serializers import Serializer
from welfare.audit import log_action
from welfare.common.requests import given_ids
from welfare.models import AccessAction
from welfare.permissions import can

from ..field_pack import field_pack
from ..field_registry import sync_kinds
from ..services.field_sync import sync_item

MAX_OPENED = 50


def _require_field_user(request: Request) -> None:
    if not can(request.user, "record_visits"):
        raise PermissionDenied(_("현장 자료는 방문을 기록하는 직원만 받을 수 있습니다."))


def _opened(raw: str) -> list[int]:
    return given_ids((raw or "").split(",")[:MAX_OPENED])


class FieldPackViewSet(viewsets.ViewSet):
    """GET: the field pack for the signed-in official (households of the coming days, never a registration
    number); each download is written to the access log."""

    @extend_schema(
        summary="현장 자료 받기 (오프라인용)",
        parameters=[OpenApiParameter("opened", str, description="최근 연 세대 번호(쉼표로 구분, 50개까지)")],
        responses={200: OpenApiTypes.OBJECT, **errors(400, 401, 403, 429)},
    )
    def list(self, request: Request) -> Response:
        _require_field_user(request)
        unknown = sorted(set(request.query_params) - {"opened"})
        if unknown:
            raise serializers.ValidationError({name: [_("알 수 없는 매개변수입니다.")] for name in unknown})
        pack = field_pack(request.user, opened=_opened(request.query_params.get("opened", "")))
        log_action(None, "households.fieldpack.downloaded", user=request.user, action=AccessAction.EXPORT,
                   reason=_("현장 자료(오프라인) 받기"),
                   changes={"households": len(pack["households"]),
                            "reports": len(pack.get("reports", {}).get("items", []))})
        response = Response(pack)
        response["Cache-Control"] = "no-store"
        return response


class SyncItemSerializer(Serializer):
    kind = serializers.ChoiceField(choices=["visit", "check_in", "consent", "contact_attempt"])
    pack_generated_at = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    item = serializers.DictField(help_text=_("기록 내용: client_id와 각 종류의 필드"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(sync_kinds())  # every kind an app registered (the schema lists them)


class SyncResultSerializer(Serializer):
    status = serializers.ChoiceField(choices=["sent", "conflict"])
    id = serializers.IntegerField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    created = serializers.BooleanField()


class FieldSyncViewSet(viewsets.ViewSet):
    """POST one queued item: recorded through the page's services, idempotent by its ``client_id``."""

    # Visiting nurses send their visits too (the services refuse what their role may not record).
    permission_classes = [IsAuthenticated, capability_permission("record_visits")]

    @extend_schema(
        summary="현장 기록 전송 (오프라인 대기열의 한 항목)",
        description="`sent`: recorded (201, or 200 when the same client_id was sent before); `conflict`: recorded, "
                    "but the server's state had moved and its rules decided (the notes say how). Refused: 400 in the "
                    "API's error shape, messages by field; the app keeps the item under '확인 필요'.",
        request=SyncItemSerializer,
        responses={201: SyncResultSerializer, 200: SyncResultSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        _require_field_user(request)
        given = SyncItemSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = sync_item(request.user, given.validated_data["kind"], dict(given.validated_data["item"]),
                           given.validated_data["pack_generated_at"])
        if result.status == "refused":
            raise serializers.ValidationError(result.errors)
        return Response(result.as_dict(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class FieldSessionViewSet(viewsets.ViewSet):
    """GET: whether the session is alive, with a fresh CSRF token for the app's writes (401 when signed out)."""

    @extend_schema(summary="현장 앱 세션 확인", responses={200: OpenApiTypes.OBJECT, **errors(401, 429)})
    def list(self, request: Request) -> Response:
        response = Response({"user": request.user.pk, "csrf": get_token(request),
                             "can_record": can(request.user, "record_visits")})
        response["Cache-Control"] = "no-store"
        return response
