"""Re-encoding uploaded photos: only the pixels survive (no EXIF, no GPS, no maker notes, no text chunks).

The picture is turned upright first (the EXIF orientation a phone writes), then saved afresh: JPEG stays JPEG,
PNG stays PNG, HEIC (iPhone photos, read through pillow-heif) becomes JPEG. A picture larger than
``max_pixels`` is refused from its header, before its pixels are decoded (a "decompression bomb": a small file
that would inflate to gigabytes); Pillow's own bomb check is turned into the same refusal.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from . import filetypes

try:  # HEIC/HEIF (iPhone photos): only when pillow-heif is installed.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the project installs it
    HEIC_SUPPORTED = False

JPEG_QUALITY = 88
_SPOOL_BYTES = 1024 * 1024


class ImageRefused(ValueError):
    """Why a picture cannot be kept: ``reason`` is one of "too_many_pixels", "unreadable", "heic_unsupported"."""

    def __init__(self, reason: str, *, pixels: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pixels = pixels


@dataclass
class Reencoded:
    file: IO[bytes]  # positioned at 0; the caller closes it
    kind: str  # filetypes.JPEG or filetypes.PNG
    width: int
    height: int
    size: int


def reencode(source: IO[bytes], kind: str, *, max_pixels: int) -> Reencoded:
    """The picture in ``source`` (of sniffed ``kind``) saved again without any metadata, in a temporary file."""
    if kind == filetypes.HEIC and not HEIC_SUPPORTED:
        raise ImageRefused("heic_unsupported")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRefused("too_many_pixels", pixels=width * height)
            image.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused("too_many_pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ImageRefused("unreadable") from exc
    with image:
        ImageOps.exif_transpose(image, in_place=True)
        out_kind = filetypes.PNG if kind == filetypes.PNG else filetypes.JPEG
        picture: Image.Image = image
        if out_kind == filetypes.JPEG and image.mode not in ("RGB", "L"):
            picture = image.convert("RGB")
        elif out_kind == filetypes.PNG and image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            picture = image.convert("RGBA")
        # Saved without exif=, icc_profile= or pnginfo=, Pillow writes none of the original's metadata (EXIF with
        # GPS, XMP, ICC, maker notes, PNG text chunks); the info dict is emptied all the same, so a future Pillow
        # that carried it over by default would still write nothing.
        picture.info = {}
        out = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - handed to the caller, who closes it
        if out_kind == filetypes.JPEG:
            picture.save(out, format="JPEG", quality=JPEG_QUALITY)
        else:
            picture.save(out, format="PNG")
        size = out.tell()
        out.seek(0)
        return Reencoded(file=out, kind=out_kind, width=picture.width, height=picture.height, size=size)
