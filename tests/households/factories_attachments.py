"""Files for the attachment tests, made here (no fixtures on disk): photos with EXIF and GPS, PNGs, a HEIC, clean
and active PDFs, a decompression bomb, a signature drawn as PNG."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from households.models import Attachment, AttachmentKind
from households.services.attachments import AttachmentInput, attachment_add


def jpeg_with_gps(size=(64, 48), *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = image.getexif()
    exif[0x010F] = "TestMakerCorp"  # Make
    exif[0x0110] = "PhoneModelX"  # Model
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (37.0, 33.0, 12.5)  # latitude
    gps[3], gps[4] = "E", (127.0, 2.0, 30.0)  # longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes(size=(40, 30), *, text: str = "") -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def heic_bytes(size=(64, 48)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (20, 160, 60)).save(out, format="HEIF")
    return out.getvalue()


def noisy_jpeg(target_bytes: int, *, seed: int = 7) -> bytes:
    """A JPEG of random pixels of about ``target_bytes`` (noise compresses badly: a phone-photo-sized file)."""
    import random

    rng = random.Random(seed)
    side = 256
    while True:
        tile = bytes(rng.getrandbits(8) for _ in range(side * side * 3))
        image = Image.frombytes("RGB", (side, side), tile)
        scale = max(1, int((target_bytes / (side * side * 1.9)) ** 0.5) + 1)
        big = Image.new("RGB", (side * scale, side * scale))
        for x in range(scale):
            for y in range(scale):
                big.paste(image.rotate(90 * ((x + y) % 4)), (x * side, y * side))
        out = io.BytesIO()
        big.save(out, format="JPEG", quality=95)
        if out.tell() >= target_bytes * 0.9:
            return out.getvalue()
        side *= 2  # pragma: no cover - the first guess is big enough


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A PNG header claiming ``width`` × ``height`` pixels (1.6 gigapixels) with a tiny compressed body: decoded, it
    would take gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    body = zlib.compress(b"\x00" * 100_000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def clean_pdf(text: str = "hello") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    body = b"%PDF-1.7\n"
    for number, content in enumerate(objects, start=1):
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_with_javascript(*, escaped: bool = False) -> bytes:
    name = b"/J#61vaScript" if escaped else b"/JavaScript"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
                 b"<< /Type /Pages /Kids [] /Count 0 >>",
                 b"<< /S " + name + b" /JS (app.alert\\(1\\)) >>"])


def pdf_with_launch() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
                 b"<< /Type /Pages /Kids [] /Count 0 >>",
                 b"<< /S /Launch /F (cmd.exe) >>"])


def pdf_with_javascript_in_object_stream() -> bytes:
    """PDF 1.5+: the action dictionary sits compressed inside an object stream (/ObjStm)."""
    inner = b"3 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    packed = zlib.compress(inner)
    stream = (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(packed)).encode()
              + b" >>\nstream\n" + packed + b"\nendstream")
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
                 b"<< /Type /Pages /Kids [] /Count 0 >>", stream])


def pdf_with_binary_stream_looking_like_js() -> bytes:
    """An image stream whose raw bytes happen to contain "/JS ": not an action, must not be refused."""
    data = b"\x00\x01/JS \x02/Launch\x03" * 10
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
                 b"<< /Type /XObject /Subtype /Image /Length " + str(len(data)).encode() + b" >>\nstream\n" + data
                 + b"\nendstream"])


def signature_png(*, blank: bool = False) -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(30, 150), (200, 40), (380, 160), (560, 60)], fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def attach(owner, by, data: bytes | None = None, *, kind: str = AttachmentKind.PHOTO, title: str = "현관 사진",
           client_id: str = "") -> Attachment:
    attachment, _created = attachment_add(by=by, data=AttachmentInput(
        owner=owner, kind=kind, title=title, file=io.BytesIO(data if data is not None else jpeg_with_gps()),
        client_id=client_id))
    return attachment
