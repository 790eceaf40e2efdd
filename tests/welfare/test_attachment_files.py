"""The core helpers of attachments: chunked encryption at rest, type by content, PDFs with active content."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages

from tests.households.factories_attachments import (
    bomb_png,
    clean_pdf,
    heic_bytes,
    jpeg_with_gps,
    pdf_with_binary_stream_looking_like_js,
    pdf_with_javascript,
    pdf_with_javascript_in_object_stream,
    pdf_with_launch,
    png_bytes,
)
from welfare.common import blobs, filetypes
from welfare.common.images import ImageRefused, reencode


def test_a_stored_file_is_ciphertext_in_frames_and_reads_back_whole():
    data = bytes(range(256)) * 1000 + b"tail"  # 256,004 bytes: four frames, the last one short
    storage = storages["attachments"]

    name = blobs.save_encrypted(storage, "t/roundtrip.bin", io.BytesIO(data))
    with storage.open(name, "rb") as handle:
        stored = handle.read()

    assert stored.startswith(blobs.MAGIC)
    assert bytes(range(256)) not in stored and b"tail" not in stored
    assert blobs.read_decrypted(storage, name) == data
    assert max(len(chunk) for chunk in blobs.open_decrypted(storage, name)) <= blobs.CHUNK_BYTES
    storage.delete(name)


def test_an_empty_stream_is_one_final_frame():
    frames = list(blobs.encrypted_frames(io.BytesIO(b"")))
    assert b"".join(blobs.decrypted_chunks(io.BytesIO(b"".join(frames)))) == b""


@pytest.mark.parametrize("damage", ["truncated", "frame_dropped", "frames_swapped", "byte_flipped", "not_ours"])
def test_a_damaged_or_tampered_file_is_refused(damage):
    frames = list(blobs.encrypted_frames(io.BytesIO(b"x" * (blobs.CHUNK_BYTES * 3))))
    header, body = frames[0], frames[1:]
    if damage == "truncated":
        stored = header + b"".join(body[:-1])
    elif damage == "frame_dropped":
        stored = header + body[0] + body[2]
    elif damage == "frames_swapped":
        stored = header + body[1] + body[0] + body[2]
    elif damage == "byte_flipped":
        whole = bytearray(header + b"".join(body))
        whole[len(header) + 40] ^= 0x01
        stored = bytes(whole)
    else:
        stored = b"%PDF-1.7 plain text"

    with pytest.raises(blobs.BlobError):
        b"".join(blobs.decrypted_chunks(io.BytesIO(stored)))


@pytest.mark.parametrize(("data", "kind"), [
    (clean_pdf(), "pdf"), (jpeg_with_gps(), "jpeg"), (png_bytes(), "png"), (heic_bytes(), "heic"),
    (b"PK\x03\x04 a zip named photo.jpg", None), (b"<html><script>", None), (b"GIF89a", None), (b"", None),
])
def test_the_type_comes_from_the_content(data, kind):
    assert filetypes.sniff(data[:filetypes.HEAD_BYTES]) == kind


@pytest.mark.parametrize(("pdf", "found"), [
    (pdf_with_javascript(), "JavaScript"),
    (pdf_with_javascript(escaped=True), "JavaScript"),  # /J#61vaScript
    (pdf_with_launch(), "Launch"),
    (pdf_with_javascript_in_object_stream(), "JavaScript"),
    (pdf_with_binary_stream_looking_like_js(), None),  # stream bytes are not names
    (clean_pdf(), None),
])
def test_active_content_of_a_pdf_is_found_wherever_it_hides(pdf, found):
    assert filetypes.pdf_active_content(pdf) == found


def test_reencoding_keeps_the_pixels_upright_and_drops_every_tag():
    out = reencode(io.BytesIO(jpeg_with_gps(size=(64, 48), orientation=6)), "jpeg", max_pixels=10_000)
    data = out.file.read()

    assert (out.width, out.height) == (48, 64)  # turned upright from the EXIF orientation, then the tag dropped
    assert b"Exif" not in data and b"TestMakerCorp" not in data and b"PhoneModelX" not in data


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ImageRefused) as refused:
        reencode(io.BytesIO(bomb_png()), "png", max_pixels=50_000_000)
    assert refused.value.reason == "too_many_pixels"
