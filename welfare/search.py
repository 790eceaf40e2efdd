"""The one search box (header of every page): the query's parsing, the registry of search sources, and a search.

The core owns the page (``welfare.views_search``) but knows no record: each app registers its sources in its own
``<app>/search_sources.py`` (found with ``autodiscover_modules``): households, residents and cases (households),
crisis reports and network members (discovery). A source reads through the app's selectors, within the user's
scope (``visible_to``), and returns at most ``limit + 1`` hits in ONE query, so a search costs one query per group
whatever the data, and the extra hit says whether "more" exists without a COUNT.

How text is matched (PostgreSQL: trigram GIN indexes, see households' and discovery's search migrations; SQLite:
the same lookups, unindexed):

- a fragment of 3 characters or more: ``LIKE '%…%'`` (pg_trgm serves it from the index);
- a 2-character fragment (Korean names are 2–4 syllables, and pg_trgm needs 3): the start of a name
  (``김순…``) or its end (``…순자``), through indexes on the name and on the reversed name; two syllables in the
  middle of a four-syllable name are not found (type three);
- a phone: the digits (``010-1234-5678``, ``+82 10 …`` or the last 4) when the query is made only of phone
  characters and has at least 3 digits; a receipt code: 4 or more letters and digits, any case; a case
  number: ``#123`` or ``123``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Q
from django.db.models.functions import Reverse
from django.db.models.lookups import StartsWith

from welfare.common.registries import discover

from .common.phones import digits as phone_digits
from .common.textkeys import nfkc

MAX_LENGTH = 100  # what the box accepts; the rest is cut
MIN_LENGTH = 2  # a single character would match a fifth of all names
TRIGRAM_MIN = 3  # pg_trgm indexes fragments of 3 characters and more
PHONE_MIN_DIGITS = 3
CODE_MIN = 4
GROUP_LIMIT = 10

_PHONE_CHARS = frozenset("0123456789 -+().")
_CASE_NUMBER = re.compile(r"#?(\d{1,9})")


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed, read once: the text and the shapes it may have."""

    text: str  # NFKC, spaces collapsed, at most MAX_LENGTH
    digits: str = ""  # a phone's digits when the text is phone-shaped
    code: str = ""  # upper case, no spaces or hyphens, when it may be (part of) a receipt code
    number: int | None = None  # a case (or record) number

    @property
    def searchable(self) -> bool:
        """Long enough for the text groups (a case number alone is searched whatever its length)."""
        return len(self.text) >= MIN_LENGTH

    @property
    def is_phone(self) -> bool:
        return bool(self.digits)

    @property
    def words(self) -> str:
        """The text for names and addresses: empty when the query is a phone number or a bare number."""
        return "" if self.is_phone or self.number is not None or not self.searchable else self.text

    def matches(self, field_path: str) -> Q | None:
        """The condition on a name-like column (see the module docstring), or None when the text cannot match."""
        text = self.words.replace(" ", "")  # names carry no spaces: "김 순자" finds 김순자
        if len(text) < MIN_LENGTH:
            return None
        if len(text) >= TRIGRAM_MIN:
            return Q(**{f"{field_path}__contains": text})
        return Q(**{f"{field_path}__startswith": text}) | Q(StartsWith(Reverse(field_path), text[::-1]))

    def contains(self, field_path: str) -> Q | None:
        """A fragment of a longer text (an address): only from 3 characters, the index's minimum."""
        text = self.words
        return Q(**{f"{field_path}__contains": text}) if len(text) >= TRIGRAM_MIN else None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]")


def parse(raw: str | None) -> SearchQuery:
    # Control and format characters (a NUL, which PostgreSQL refuses in a parameter; a zero-width space pasted
    # with a name) are no part of what anyone searches for.
    text = " ".join(_CONTROL.sub("", nfkc(raw)).split())[:MAX_LENGTH]
    number = _CASE_NUMBER.fullmatch(text)
    phone = phone_digits(text) if set(text) <= _PHONE_CHARS else ""
    compact = text.replace(" ", "")
    plain = compact.replace("-", "")
    code = compact.upper() if len(plain) >= CODE_MIN and plain.isascii() and plain.isalnum() else ""
    return SearchQuery(
        text=text,
        digits=phone if len(phone) >= PHONE_MIN_DIGITS and not (number and text.startswith("#")) else "",
        code=code if not plain.isdigit() else "",
        number=int(number.group(1)) if number else None,
    )


def any_of(*conditions: Q | None) -> Q | None:
    """OR of the conditions that apply; None when none does (the source then runs no query)."""
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    combined = present[0]
    for condition in present[1:]:
        combined |= condition
    return combined


# --- The registry -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""
    tag: str = ""


def hits_of(queryset, limit: int, hit: Callable[[object], SearchHit]) -> list[SearchHit]:
    """The first ``limit + 1`` records as hits, in one query (none without a queryset: the query cannot match)."""
    return [] if queryset is None else [hit(obj) for obj in queryset[: limit + 1]]


@dataclass(frozen=True)
class SearchSource:
    """One group of results. ``find(user, query, limit)`` returns at most ``limit + 1`` hits in one query (none and
    no query when the query cannot match); ``more_url(query)`` the filtered list page, if there is one."""

    key: str
    label: str
    order: int
    find: Callable[[object, SearchQuery, int], list[SearchHit]]
    more_url: Callable[[SearchQuery], str | None] | None = None
    more_label: str = ""


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    """Add (or replace, on a reload) a source; called at import time of ``<app>/search_sources.py``."""
    _sources[source.key] = source
    return source


@cache
def _discover() -> None:
    discover("search_sources")


def sources() -> list[SearchSource]:
    _discover()
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


@dataclass
class SearchGroup:
    source: SearchSource
    hits: list[SearchHit]
    has_more: bool
    more_url: str | None


@dataclass
class SearchResult:
    query: SearchQuery
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {g.source.key: len(g.hits) for g in self.groups}

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def search(user, raw: str | None, *, limit: int = GROUP_LIMIT) -> SearchResult:
    """Every source's hits for ``raw``, within the user's scope: one query per source that can match."""
    query = parse(raw)
    result = SearchResult(query=query)
    if not query.searchable and query.number is None:
        return result
    for source in sources():
        hits = source.find(user, query, limit)
        more = len(hits) > limit
        result.groups.append(SearchGroup(
            source=source, hits=hits[:limit], has_more=more,
            more_url=source.more_url(query) if more and source.more_url else None,
        ))
    return result
