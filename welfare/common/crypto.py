"""Encryption at rest of personal bytes (uploaded lists, attachments) with the product's field keys.

``FIELD_ENCRYPTION_KEY`` holds one or more Fernet keys (comma-separated): the first encrypts, every key
decrypts, so a key is rotated by putting the new one first and re-encrypting (``rotate``) before the old one is
removed. The same keys protect the encrypted model fields (registration numbers, sensitive profiles).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt_bytes", "encrypt_bytes", "is_encrypted", "rotate"]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _keys() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEY
    return _fernet(tuple(keys if isinstance(keys, (list, tuple)) else [keys]))


def encrypt_bytes(data: bytes) -> bytes:
    """The ciphertext (a Fernet token: AES-128-CBC with an HMAC) of ``data`` under the first key."""
    return _keys().encrypt(bytes(data))


def decrypt_bytes(token: bytes) -> bytes:
    """The plaintext of a token from ``encrypt_bytes`` under any configured key; ``InvalidToken`` otherwise."""
    return _keys().decrypt(bytes(token))


def rotate(token: bytes) -> bytes:
    """The same plaintext re-encrypted under the first (newest) key."""
    return _keys().rotate(bytes(token))


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is a token one of the keys opens (used by the migration that encrypts old uploads)."""
    try:
        decrypt_bytes(data)
    except (InvalidToken, TypeError, ValueError):
        return False
    return True
