"""The client's address, taken only from what the server and its trusted proxies wrote.

``X-Forwarded-For`` is a list the client starts: anything it sends comes first, and each proxy appends the
address it received the request from. Only the entries appended by our own proxies can be believed, so the
address is read from the right, as many places as there are trusted proxies (``TRUSTED_PROXY_COUNT``):

- ``TRUSTED_PROXY_COUNT = 0`` (the default: the application server faces the clients): ``REMOTE_ADDR``; the
  header is ignored whatever it says.
- ``TRUSTED_PROXY_COUNT = N``: the N-th entry from the right, i.e. the address the outermost trusted proxy saw.
  With one reverse proxy (nginx ``proxy_add_x_forwarded_for``) that is the right-most entry.
- The header has fewer than N entries: every entry present was then appended by a trusted proxy (a client's own
  entries would stand left of all N), so the left-most one is used; it is not a value the client chose.
- No header, or the chosen entry is not an IP address: ``REMOTE_ADDR``.

One helper for every use: the access log's address, the public form's rate limit and the login lockout
(django-axes, through ``welfare.audit.client_ip``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def forwarded_entries(request: HttpRequest) -> list[str]:
    """The ``X-Forwarded-For`` entries, left (the client's claim) to right (the last proxy's)."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as far as the configured trusted proxies vouch for it (see the module's text)."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    entries = forwarded_entries(request)
    if not entries:
        return remote
    chosen = entries[-trusted] if len(entries) >= trusted else entries[0]
    return _address(chosen) or remote
