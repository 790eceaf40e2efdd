"""Pages of attachments: add one to a record (a file or the tablet's camera), download it, delete it with a reason.

The record is named in the query (``?owner=case:12``) and fetched through its kind's scoped queryset
(households.attachment_owners), so another dong's record answers 404, as does another dong's attachment. The file is
served only here: streamed while it is decrypted, after an access-log entry, never cached (``no-store``), never
sniffed (``nosniff``), and as a download (``Content-Disposition: attachment``) unless it is a picture.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from welfare.common.downloads import stored_file_response
from welfare.common.requests import given_id
from welfare.errors import show_on_form
from welfare.permissions import can

from .. import services
from ..attachment_owners import OwnerKind, owner_kind, visible_owner
from ..forms import AttachmentDeleteForm, AttachmentForm
from ..models import Attachment


def _owner(request: HttpRequest, value: str | None):
    key, _sep, pk = (value or "").partition(":")
    found = visible_owner(request.user, key, number) if (number := given_id(pk)) else None
    if found is None:
        raise Http404
    return found


def _require(request: HttpRequest, kind: OwnerKind) -> None:
    if not can(request.user, kind.capability):
        raise PermissionDenied


def attachment_add(request: HttpRequest) -> HttpResponse:
    owner_param = request.GET.get("owner") or request.POST.get("owner")
    kind, owner = _owner(request, owner_param)
    _require(request, kind)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _attachment, created = services.attachment_add(by=request.user, data=services.AttachmentInput(
                owner=owner, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                file=form.cleaned_data["upload"], document_date=form.cleaned_data["document_date"],
                client_id=form.cleaned_data["client_id"]))
        except services.RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("문서를 첨부했습니다.") if created else _("이미 올린 문서입니다."))
            return redirect(kind.url(owner))
    return render(request, "households/attachments/form.html", {
        "form": form, "owner_label": kind.describe(owner), "owner_url": kind.url(owner), "owner_param": owner_param,
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
    })


def _visible(request: HttpRequest, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.visible_to(request.user).live(), pk=pk)


def file_response(attachment: Attachment, chunks) -> HttpResponse:
    """The download of an attachment (this page and the API): see welfare.common.downloads."""
    return stored_file_response(
        chunks, content_type=attachment.content_type, size=attachment.size, inline=attachment.is_image,
        filename=attachment.download_name)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible(request, pk)
    return file_response(attachment, services.attachment_read(attachment=attachment, by=request.user))


def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible(request, pk)
    kind = owner_kind(attachment.owner_kind)
    if kind is None:
        raise Http404
    _require(request, kind)
    owner = kind.visible(request.user).select_related(*kind.select_related).get(pk=attachment.owner_id)
    form = AttachmentDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_delete(attachment=attachment, by=request.user, reason=form.cleaned_data["reason"])
        except services.RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("문서를 삭제했습니다. 삭제 기록은 접근 기록에 남습니다."))
            return redirect(kind.url(owner))
    return render(request, "households/attachments/delete.html", {
        "form": form, "attachment": attachment, "owner_label": kind.describe(owner), "owner_url": kind.url(owner),
    })


urlpatterns = [
    path("attachments/new/", attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment_delete"),
]
