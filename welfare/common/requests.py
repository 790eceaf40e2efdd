"""What a request names, read safely: a record's id and a page to go back to.

Both come from the client, as a form field or a query parameter, and either may be anything: ``"abc"``, an empty
string, twenty digits, a NUL, another site's address. A page answers a clear refusal or goes to its default, never
500 and never off-site.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# The largest id a database column holds (PostgreSQL's bigint, SQLite's INTEGER): a larger number names nothing.
MAX_ID = 2**63 - 1


def given_id(value: object) -> int:
    """The id written in ``value`` (``"42"``, or a JSON number), else 0, which names no record:
    ``get_object_or_404(…, pk=given_id(request.POST.get("dong")))`` answers 404 for a missing, empty, non-numeric
    or too large value instead of failing on it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else 0
    text = value.strip() if isinstance(value, str) else ""
    # At most 19 digits: a longer one names nothing, and Python refuses to read one of over 4,300 digits.
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return 0
    number = int(text)
    return number if number <= MAX_ID else 0


def given_ids(values: Iterable[object]) -> list[int]:
    """The ids written in ``values`` (a form's repeated field), in order, without what names nothing."""
    return [number for number in map(given_id, values) if number]


def local_url(request: HttpRequest, target: str | None, fallback: str) -> str:
    """``target`` when it is a page of this site written as a path (``/discovery/reports/?page=2``), else
    ``fallback``: never another host or scheme (an open redirect), never a bare word (``redirect("abc")`` takes it
    for a view's name and fails)."""
    if (target and target.startswith("/")
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return fallback
