"""Bench scenario of attachments (issue 14): a 5 MB phone photo uploaded through the attachment page (sniffed,
re-encoded without EXIF, encrypted in 64 KiB frames into STORAGES["attachments"]) and downloaded again (decrypted
and streamed a frame at a time). Times, and the peak resident memory of each step beside the process's memory
before it: the download must not hold the file whole. Everything written is rolled back and the stored files are
removed."""

from __future__ import annotations

import io
import random
import time

from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from households.models import Attachment, Household
from households.services.attachments import storage

from .core import Bench, Row, counted_queries, rolled_back
from .imports import peak_rss

PHOTO_BYTES = 5 * 1024 * 1024
MAX_RUNS = 5


def synthetic_photo(target_bytes: int = PHOTO_BYTES, *, seed: int = 14) -> bytes:
    """A JPEG of about ``target_bytes`` (within 5%): tiles of random pixels, cropped to the height that gives the
    size (noise compresses like a detailed photo, so 5 MB is about 5 megapixels, as a phone's photo has)."""
    rng = random.Random(seed)
    tile = Image.frombytes("RGB", (256, 256), bytes(rng.getrandbits(8) for _ in range(256 * 256 * 3)))
    canvas = Image.new("RGB", (256 * 12, 256 * 9))
    for x in range(12):
        for y in range(9):
            canvas.paste(tile.rotate(90 * ((x * 7 + y) % 4)), (x * 256, y * 256))
    low, high = 16, canvas.height
    best = b""
    for _ in range(12):
        height = (low + high) // 2
        out = io.BytesIO()
        canvas.crop((0, 0, canvas.width, height)).save(out, format="JPEG", quality=93)
        best = out.getvalue()
        if abs(len(best) - target_bytes) < target_bytes * 0.05:
            break
        low, high = (height, high) if len(best) < target_bytes else (low, height)
    return best


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def attachment_photo(bench: Bench) -> list[Row]:
    client = bench.login("official")
    household = Household.objects.visible_to(_user("official")).order_by("pk").first()
    if household is None:
        raise CommandError("The demo official sees no household.")
    photo = synthetic_photo()
    runs = min(bench.runs, MAX_RUNS)
    url = f"{reverse('households:attachment_add')}?owner=household:{household.pk}"
    names: list[str] = []
    uploads: list[float] = []
    downloads: list[float] = []
    upload_peak = download_peak = before_upload = before_download = 0.0
    queries = 0
    try:
        with rolled_back():
            for run in range(runs):
                before_upload = max(before_upload, _rss_mb())
                with peak_rss() as rss, counted_queries() as counted:
                    began = time.perf_counter()
                    response = client.post(url, {"kind": "photo", "title": f"벤치 사진 {run}", "client_id": "",
                                                 "file": _named(photo, "IMG_5MB.JPG")})
                    uploads.append((time.perf_counter() - began) * 1000)
                if response.status_code != 302:
                    raise CommandError(f"upload answered {response.status_code}")
                upload_peak, queries = max(upload_peak, rss["mb"]), counted[0]
                attachment = Attachment.objects.order_by("-pk").first()
                names.append(attachment.storage_name)
                download_url = reverse("households:attachment_download", args=[attachment.pk])
                before_download = max(before_download, _rss_mb())
                with peak_rss() as rss:
                    began = time.perf_counter()
                    received = sum(len(chunk) for chunk in client.get(download_url).streaming_content)
                    downloads.append((time.perf_counter() - began) * 1000)
                download_peak = max(download_peak, rss["mb"])
                if received != attachment.size:
                    raise CommandError(f"downloaded {received} bytes of {attachment.size}")
            stored = attachment.size
    finally:
        for name in names:  # the rows are rolled back: their files go too
            storage().delete(name)
    uploads.sort()
    downloads.sort()
    mb = len(photo) / 1024 / 1024
    rows = [
        Row("attachment_photo", f"upload {mb:.1f} MB JPEG (page, re-encoded, encrypted)", uploads[len(uploads) // 2],
            uploads[-1], queries,
            note=f"peak RSS {upload_peak:.0f} MB (process {before_upload:.0f} MB before; the decoded picture is held "
                 f"while re-encoding, the test client builds the request in memory); stored {stored / 1e6:.1f} MB"),
        Row("attachment_photo", "download (decrypted, streamed)", downloads[len(downloads) // 2], downloads[-1],
            note=f"peak RSS {download_peak:.0f} MB (process {before_download:.0f} MB before: "
                 f"+{max(0.0, download_peak - before_download):.1f} MB for a {stored / 1e6:.1f} MB file, streamed "
                 f"in 64 KiB frames); {runs} runs, rolled back"),
    ]
    bench.write(f"  upload {uploads[len(uploads) // 2]:.0f} ms, download {downloads[len(downloads) // 2]:.0f} ms; "
                f"peak RSS upload {upload_peak:.0f} MB, download {download_peak:.0f} MB "
                f"(before: {before_download:.0f} MB)")
    return rows


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle
