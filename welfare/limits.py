"""Request body limits, enforced before Django reads a byte of the body.

Three limits, by the kind of request (settings):

- ``ANONYMOUS_MAX_BODY_BYTES`` (64 KB): a request from no signed-in user and without an ``Authorization`` header —
  the public tip-off form (/report/), the login form;
- ``IMPORT_MAX_BYTES`` (plus room for the multipart envelope): the upload endpoints named in
  ``REQUEST_UPLOAD_URL_NAMES`` (the list imports), for a signed-in user;
- ``ATTACHMENT_MAX_BYTES`` (plus the envelope): the attachment uploads named in ``ATTACHMENT_UPLOAD_URL_NAMES``
  (the page, the signed-consent form and ``POST /api/v1/attachments/``), signed in or with a token;
- ``PUBLIC_REPORT_PHOTO_MAX_BYTES`` (plus the envelope): a multipart post of the public door (``PUBLIC_UPLOAD_URL_NAMES``:
  /report/, which may carry one photo), from anyone;
- ``REQUEST_MAX_BODY_BYTES`` (1 MB): every other request (pages and the API).

A larger ``Content-Length`` answers 413 at once (JSON in the API's error shape under /api/). A body whose length is
not announced (``Transfer-Encoding: chunked``) answers 411: Django reads a WSGI body up to its Content-Length only,
so such a body would be dropped silently anyway. A request carrying an ``Authorization`` header is measured against
the signed-in limit: DRF checks the token afterwards and refuses a bad one (401) before it parses the body.

Under WSGI (gunicorn) the body is then read through Django's ``LimitedStream``, never beyond Content-Length. (Under
ASGI Django spools the body before any middleware runs: there the server's own limit must be set.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.html import escape
from django.utils.translation import gettext as _

# Room for the multipart envelope of an upload (boundaries, the other fields) beyond the file itself.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


def _declared_length(request: HttpRequest) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


def body_limit(request: HttpRequest) -> int:
    """The most bytes a body of this request may have."""
    signed_in = request.user.is_authenticated if hasattr(request, "user") else False
    if not signed_in and not request.META.get("HTTP_AUTHORIZATION"):
        if (request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
                and _url_name(request) in settings.PUBLIC_UPLOAD_URL_NAMES):  # the public door's optional photo
            return settings.PUBLIC_REPORT_PHOTO_MAX_BYTES + MULTIPART_ENVELOPE_BYTES
        return settings.ANONYMOUS_MAX_BODY_BYTES
    name = _url_name(request)
    if signed_in and name in settings.REQUEST_UPLOAD_URL_NAMES:
        return settings.IMPORT_MAX_BYTES + MULTIPART_ENVELOPE_BYTES
    if name in settings.ATTACHMENT_UPLOAD_URL_NAMES:
        # Signed in, or carrying a token (checked by DRF before it parses the body).
        return max(settings.ATTACHMENT_MAX_BYTES + MULTIPART_ENVELOPE_BYTES, settings.REQUEST_MAX_BODY_BYTES)
    return settings.REQUEST_MAX_BODY_BYTES


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    page = (f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{status}</title></head>'
            f"<body><h1>{escape(message)}</h1></body></html>")
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Placed after AuthenticationMiddleware (it asks whether someone is signed in) and before any view, form or
    CSRF check reads ``request.POST``. A request without a body costs nothing (no session read)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None and request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refusal(request, 411, "length_required",
                            _("요청 본문의 길이(Content-Length)를 알려 주어야 합니다."))
        if length:
            limit = body_limit(request)
            if length > limit:
                return _refusal(request, 413, "request_too_large",
                                _("요청 본문이 너무 큽니다(%(size)s, 최대 %(limit)s).")
                                % {"size": filesizeformat(length), "limit": filesizeformat(limit)})
        return self.get_response(request)
