"""``/api/v1/attachments/``: the attachments the token's user may see (list, one, its file), and uploads.

The list holds only attachments whose record the user may open (``Attachment.objects.visible_to``); another dong's
attachment answers 404, its file too. ``POST`` takes multipart form data with a ``client_id``: the same id again (a
retried upload, the field app's offline queue sending twice) answers 200 with the attachment first made, and
nothing is stored twice. The rules are households.services.attachments', as on the pages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from welfare.api.base import ApiViewSet
from welfare.api.filters import IdFilter, SinceFilter
from welfare.api.refs import ChoiceDisplayField, PersonSerializer, with_people
from welfare.api.schema import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from welfare.api.serializers import ModelSerializer, Serializer
from welfare.common.downloads import stored_file_response
from welfare.common.requests import given_id

from .. import services
from ..attachment_owners import owner_kinds, visible_owner
from ..models import Attachment, AttachmentKind


class AttachmentFilter(django_filters.FilterSet):
    household = IdFilter(field_name="household_id", label=_("세대 id"))
    owner_kind = django_filters.CharFilter(field_name="owner_kind", label=_("첨부 대상 종류"))
    owner_id = IdFilter(field_name="owner_id", label=_("첨부 대상 id"))
    kind = django_filters.ChoiceFilter(choices=AttachmentKind.choices, label=_("문서 종류"))
    added_since = SinceFilter(field_name="added_at", lookup_expr="gte", label=_("이 일시 이후 등록(포함)"))

    class Meta:
        model = Attachment
        fields = ("household", "owner_kind", "owner_id", "kind", "added_since")


class AttachmentSerializer(ModelSerializer):
    kind_display = ChoiceDisplayField(source="kind")
    added_by = PersonSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "household", "owner_kind", "owner_id", "kind", "kind_display", "title", "document_date",
                  "content_type", "size", "sha256", "width", "height", "client_id", "added_by", "added_at",
                  "download_url")
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentCreateSerializer(Serializer):
    """What a client sends (multipart): the arguments of households.services.attachment_add."""

    owner_kind = serializers.ChoiceField(choices=(), help_text=_("household, resident, case, visit, consent, report"))
    owner_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    title = serializers.CharField(max_length=200)
    document_date = serializers.DateField(required=False, allow_null=True)
    client_id = serializers.CharField(max_length=100, help_text=_(
        "기기가 이 업로드에 붙인 id. 같은 값으로 다시 보내면 처음 만든 첨부를 200으로 돌려주고 파일을 다시 저장하지 않습니다."))
    file = serializers.FileField(allow_empty_file=True, help_text=_("PDF, JPEG, PNG, HEIC (내용으로 확인)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_kind"].choices = sorted(owner_kinds())


class DownloadRenderer(BaseRenderer):
    """Lets a client ask for the file's own type (``Accept: application/pdf``); the file itself is streamed as it
    is, and an error still answers the JSON error shape."""

    media_type = "*/*"
    format = "download"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False).encode() if data is not None else b""


@extend_schema_view(
    list=extend_schema(summary="첨부 문서 목록", responses={200: AttachmentSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="첨부 문서 정보", responses={200: AttachmentSerializer, **READ_ERRORS}),
)
class AttachmentViewSet(ApiViewSet):
    """Attachments (scanned forms, photos, letters, signed consents) of the records the token's user may open."""

    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter
    ordering_fields = ("added_at", "id")
    ordering = ("-added_at", "-id")
    parser_classes = [MultiPartParser, FormParser]
    list_verb = "households.attachment.listed"
    retrieve_verb = "households.attachment.described"

    def base_queryset(self):
        return with_people(Attachment.objects.live(), "added_by")

    @extend_schema(
        summary="문서 올리기 (client_id로 멱등)",
        description="Multipart form data. Checked and stored by households.services.attachment_add: the type by "
                    "content (PDF, JPEG, PNG, HEIC), the size (`ATTACHMENT_MAX_BYTES`), pictures re-encoded "
                    "without EXIF/GPS, PDFs without JavaScript or launch actions, encrypted at rest. The same "
                    "`client_id` again answers 200 with the attachment first made.",
        request={"multipart/form-data": AttachmentCreateSerializer},
        responses={201: AttachmentSerializer, 200: AttachmentSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        if isinstance(request.data, Mapping) and (earlier := self._earlier(request)) is not None:
            return Response(self.get_serializer(earlier).data, status=status.HTTP_200_OK)
        given = AttachmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = visible_owner(request.user, data["owner_kind"], data["owner_id"])
        if found is None:
            raise serializers.ValidationError({"owner_id": [_("찾을 수 없는 기록입니다.")]})
        attachment, created = services.attachment_add(by=request.user, data=services.AttachmentInput(
            owner=found[1], kind=data["kind"], title=data["title"], file=data["file"],
            document_date=data.get("document_date"), client_id=data["client_id"]))
        return Response(self.get_serializer(self.refetch(attachment.pk)).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _earlier(self, request) -> Attachment | None:
        """The attachment this user already made with this client id for the same record (a retry)."""
        client_id = request.data.get("client_id")
        kind, owner_id = request.data.get("owner_kind"), str(request.data.get("owner_id") or "")
        if not isinstance(client_id, str) or not client_id.strip() or len(client_id) > 100 or "\x00" in client_id \
                or not isinstance(kind, str) or "\x00" in kind or not given_id(owner_id):
            return None  # the serializer refuses what cannot be stored; a look-up with it would fail in PostgreSQL
        return self.get_queryset().filter(added_by=request.user, client_id=client_id.strip(), owner_kind=kind,
                                          owner_id=given_id(owner_id)).first()

    @extend_schema(
        summary="파일 내려받기",
        description="The file, streamed as it is decrypted; `Content-Disposition: attachment` except pictures; "
                    "`Cache-Control: no-store`. Written to the access log.",
        responses={**{(200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                      for content_type in ("application/pdf", "image/jpeg", "image/png")}, **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="download", renderer_classes=[JSONRenderer, DownloadRenderer])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return stored_file_response(
            services.attachment_read(attachment=attachment, by=request.user), content_type=attachment.content_type,
            size=attachment.size, filename=attachment.download_name, inline=attachment.is_image)
