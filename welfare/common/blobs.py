"""Files at rest, encrypted in chunks, through Django's storage API (attachments: ``STORAGES["attachments"]``).

Fernet encrypts a whole buffer at once; a 5 MB photo or a 10 MB scan is therefore cut into frames of
``CHUNK_BYTES`` of plaintext, each its own Fernet token (``welfare.common.crypto``: the first key encrypts, every
key decrypts). The stored file is::

    MAGIC | (length: 4 bytes big-endian | token, raw bytes)*

and the plaintext of each token starts with the frame's number (8 bytes) and a last-frame flag (1 byte), so a
frame dropped, repeated, reordered or cut off at the end is refused (``BlobError``) instead of being served as
a shorter or shuffled file. Neither writing nor reading holds more than a frame in memory.
"""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import Iterator
from typing import IO, BinaryIO

from django.core.files import File
from django.core.files.storage import Storage

from .crypto import InvalidToken, _keys

MAGIC = b"DWBLOB1\n"
CHUNK_BYTES = 64 * 1024
_LENGTH = struct.Struct(">I")
_HEADER = struct.Struct(">QB")  # frame number, last frame (0/1)
# A token of CHUNK_BYTES of plaintext is about that plus 100 bytes; anything much longer is not ours.
_MAX_TOKEN = CHUNK_BYTES + _HEADER.size + 1024


class BlobError(ValueError):
    """The stored bytes are not an intact file of ours (wrong key, damaged, truncated or tampered with)."""


def _read_exactly(source: IO[bytes] | File, size: int) -> bytes:
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def encrypted_frames(source: BinaryIO) -> Iterator[bytes]:
    """The stored form of ``source`` (read from its current position to the end), a frame at a time."""
    fernet = _keys()
    yield MAGIC
    number = 0
    current = _read_exactly(source, CHUNK_BYTES)
    while True:
        following = _read_exactly(source, CHUNK_BYTES) if len(current) == CHUNK_BYTES else b""
        last = not following
        token = base64.urlsafe_b64decode(fernet.encrypt(_HEADER.pack(number, int(last)) + current))
        yield _LENGTH.pack(len(token)) + token
        if last:
            return
        number, current = number + 1, following


def decrypted_chunks(stored: IO[bytes] | File) -> Iterator[bytes]:
    """The plaintext of a stored file, a chunk (at most ``CHUNK_BYTES``) at a time; ``BlobError`` when the file
    is not intact."""
    fernet = _keys()
    if _read_exactly(stored, len(MAGIC)) != MAGIC:
        raise BlobError("not an encrypted blob")
    expected = 0
    while True:
        prefix = _read_exactly(stored, _LENGTH.size)
        if len(prefix) != _LENGTH.size:
            raise BlobError("truncated: the last frame is missing")
        (length,) = _LENGTH.unpack(prefix)
        if not 0 < length <= _MAX_TOKEN:
            raise BlobError("damaged frame length")
        token = _read_exactly(stored, length)
        if len(token) != length:
            raise BlobError("truncated frame")
        try:
            plain = fernet.decrypt(base64.urlsafe_b64encode(token))
        except InvalidToken as exc:
            raise BlobError("a frame does not decrypt with the configured keys") from exc
        number, last = _HEADER.unpack_from(plain)
        if number != expected:
            raise BlobError("frames out of order")
        yield plain[_HEADER.size:]
        if last:
            if stored.read(1):
                raise BlobError("bytes after the last frame")
            return
        expected += 1


class _FrameReader(io.RawIOBase):
    """A read-only, forward-only file over :func:`encrypted_frames`, for ``Storage.save`` (which reads its
    content in chunks: the filesystem storage through ``File.chunks()``, S3 through ``upload_fileobj``)."""

    def __init__(self, source: BinaryIO) -> None:
        self._frames = encrypted_frames(source)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._frames)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def save_encrypted(storage: Storage, name: str, source: BinaryIO) -> str:
    """Store ``source`` encrypted under ``name`` (or the free name the storage picks); returns the stored name."""
    stream = io.BufferedReader(_FrameReader(source), buffer_size=CHUNK_BYTES)
    return storage.save(name, File(stream, name=name))


def open_decrypted(storage: Storage, name: str) -> Iterator[bytes]:
    """The plaintext of a stored file, streamed: opened lazily, closed when the iteration ends or is dropped."""
    handle = storage.open(name, "rb")
    try:
        yield from decrypted_chunks(handle)
    finally:
        handle.close()


def read_decrypted(storage: Storage, name: str) -> bytes:
    """The whole plaintext (tests and small files only)."""
    return b"".join(open_decrypted(storage, name))
