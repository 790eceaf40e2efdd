"""The response that serves a stored personal file (an attachment): streamed, never cached, never sniffed, and a
download (``Content-Disposition: attachment``) unless it is a picture shown inline."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

_UNSAFE = set('\\/:*?"<>|\r\n\t\x00')


def safe_filename(title: str, extension: str, *, default: str = "attachment") -> str:
    stem = "".join(ch for ch in title if ch not in _UNSAFE).strip() or default
    return f"{stem[:80]}.{extension}"


def stored_file_response(chunks: Iterable[bytes], *, content_type: str, size: int, filename: str,
                         inline: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file runs nothing (a browser's PDF viewer gets no script either).
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
