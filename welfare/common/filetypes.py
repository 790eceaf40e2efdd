"""What an uploaded file is, by its content (never by its name or the browser's word), and whether a PDF may
carry active content.

``sniff(head)`` reads the first bytes: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (its 8-byte signature) and
HEIC/HEIF (an ISO-BMFF ``ftyp`` box with a HEIF brand). Anything else is ``None``.

``pdf_active_content(data)`` names the first action a viewer could run — ``/JavaScript``, ``/JS``,
``/Launch`` — found in the PDF's objects: the bytes outside its streams (names written with ``#xx`` escapes
are decoded first) and the object streams (``/ObjStm``, where PDF 1.5+ keeps compressed objects), decompressed
within a budget. Other streams (page contents, images, fonts) hold no dictionary keys and are skipped, so a
photo's bytes cannot look like ``/JS`` by chance.
"""

from __future__ import annotations

import re
import zlib

PDF, JPEG, PNG, HEIC = "pdf", "jpeg", "png", "heic"
CONTENT_TYPES = {PDF: "application/pdf", JPEG: "image/jpeg", PNG: "image/png", HEIC: "image/heic"}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", HEIC: "heic"}
HEAD_BYTES = 32

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}

ACTIVE_NAMES = (b"JavaScript", b"Launch", b"JS")  # in the order they are reported
# Object streams are small (objects only); a file whose object streams inflate beyond this is refused.
OBJECT_STREAM_BUDGET = 32 * 1024 * 1024

_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = re.compile(rb"endstream")


def sniff(head: bytes) -> str | None:
    """The type of a file from its first ``HEAD_BYTES`` bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


class UnreadablePdf(ValueError):
    """The PDF's object streams could not be read (unknown filter, damaged, or larger than the budget)."""


def _active(segment: bytes) -> str | None:
    names = {_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) for raw in _NAME.findall(segment)}
    return next((name.decode() for name in ACTIVE_NAMES if name in names), None)


def _inflate(data: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, budget + 1)
    except zlib.error as exc:
        raise UnreadablePdf("an object stream does not inflate") from exc
    if len(out) > budget:
        raise UnreadablePdf("object streams larger than the budget")
    return out


def pdf_active_content(view) -> str | None:
    """The first active name (``"JavaScript"``, ``"JS"``, ``"Launch"``) the PDF's objects use, else None.
    ``view``: the bytes, or an ``mmap`` of the file. Raises ``UnreadablePdf`` when an object stream cannot be
    checked."""
    budget = OBJECT_STREAM_BUDGET
    position = 0
    while True:
        start = _STREAM.search(view, position)
        outside = view[position:start.start() if start else len(view)]
        if found := _active(outside):
            return found
        if start is None:
            return None
        end = _ENDSTREAM.search(view, start.end())
        stop = end.start() if end else len(view)
        # The stream's dictionary ends just before "stream": an object stream says /Type /ObjStm there.
        dictionary = view[max(0, start.start() - 2048):start.start()].rsplit(b" obj", 1)[-1]
        dictionary = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary)
        if b"ObjStm" in dictionary:
            if b"/Filter" in dictionary and b"FlateDecode" not in dictionary:
                raise UnreadablePdf("an object stream with an unsupported filter")
            body = view[start.end():stop]
            inflated = _inflate(body, budget) if b"/Filter" in dictionary else body
            budget -= len(inflated)
            if found := _active(inflated):
                return found
        if end is None:
            return None
        position = end.end()
