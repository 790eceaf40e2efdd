"""Static-file storages that work out each file's URL once per process.

A page names a dozen static files (``{% static %}``: the style sheets, scripts and icons of base.html), and
Django's storages build each URL anew on every page: the manifest storage looks the file's hashed name up, splits,
joins, quotes and unquotes it; the plain one joins it to ``STATIC_URL``. A URL depends only on the name, the
settings and, for the manifest, the manifest read at start-up, none of which changes while the process runs (a
changed ``STATIC_URL`` or ``STORAGES`` gives a new storage object, and with it an empty memo).
tests/welfare/test_static_storage.py compares the URLs with the storages' own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import storage
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseManifestStorage


class MemoizedURLs:
    """Storage mixin: ``url(name)`` answered from a per-instance memo (``force`` always works it out)."""

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)  # type: ignore[misc]  # the manifest storage's signature
        urls = self.__dict__.setdefault("_memoized_urls", {})
        key = (name, settings.DEBUG)  # the manifest storage writes unhashed names while DEBUG is on
        url = urls.get(key)
        if url is None:
            url = urls[key] = super().url(name)  # type: ignore[misc]
        return url


class StaticFilesStorage(MemoizedURLs, storage.StaticFilesStorage):
    """Development (``DEBUG``): files served as they are."""


class CompressedManifestStaticFilesStorage(MemoizedURLs, WhiteNoiseManifestStorage):
    """Production: hashed names from the manifest, compressed copies (whitenoise)."""
