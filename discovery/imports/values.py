"""The values of a list's cells: dates, sex, priority and the crisis indicators named in a cell."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from welfare.common.textkeys import header_key

PRIORITY_HIGH_SCORE = 80  # a numeric priority (0–100) at or above this makes the report urgent

_DATE_SEPARATED = re.compile(
    r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value: str) -> dt.date | None:
    """1950-01-02, 1950.01.02, 1950. 1. 2., 19500102, 1950/1/2, 1950년 1월 2일; None when not a real date."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = _DATE_SEPARATED.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if not match:
        return None
    try:
        day = dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return day if day.year >= 1900 else None


_SEX = {"남": "M", "남자": "M", "남성": "M", "m": "M", "male": "M", "1": "M", "3": "M",
        "여": "F", "여자": "F", "여성": "F", "f": "F", "female": "F", "2": "F", "4": "F"}
_PRIORITY_WORDS = {
    "high": ("상", "높음", "높", "high", "h", "긴급", "상위"),
    "medium": ("중", "보통", "중간", "medium", "m", "mid"),
    "low": ("하", "낮음", "낮", "low", "l", "하위"),
}


def parse_sex(value: str) -> str:
    """``"M"``, ``"F"``, or ``""`` when empty or not understood (남/여, male/female, the RRN's 1–4 digit)."""
    return _SEX.get(header_key(value), "")


def parse_priority(value: str) -> tuple[str, int | None] | None:
    """``("high"|"medium"|"low", score)``, ``("", None)`` when empty, None when not understood."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).lower()
    if not text:
        return "", None
    for level, words in _PRIORITY_WORDS.items():
        if text in words:
            return level, None
    if re.fullmatch(r"\d{1,4}(\.\d+)?", text):
        score = min(round(float(text)), 10_000)
        return ("high" if score >= PRIORITY_HIGH_SCORE else ""), score
    return None


# --- Indicators ----------------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")  # "(YYYYMMDD)" in an indicator's name
_INDICATOR_SPLIT = re.compile(r"[,;/|\n]+")
# Spaces, underscores, hyphens, full stops and the middle dots Koreans type ("휴·폐업" is "휴폐업").
_KEY_NOISE = re.compile(r"[\s_\-.·・ㆍ\u119e]+")
MAX_INDICATOR_NAME = 100


@dataclass(frozen=True)
class Indicator:
    pk: int
    code: str
    name: str
    signal: str


def indicator_key(text: str) -> str:
    """The key two spellings of one indicator name share: NFKC, no spaces, dots or dashes, lower case."""
    return _KEY_NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def indicator_lookup(indicators: Iterable, aliases: Iterable[tuple[str, int]] = ()) -> dict[str, Indicator]:
    """Code, Korean name (with and without its bracketed note), English name and every alias ``(key,
    indicator pk)`` → indicator."""
    out: dict[str, Indicator] = {}
    by_pk: dict[int, Indicator] = {}
    for row in indicators:
        item = Indicator(row.pk, row.code, row.name_ko, row.signal)
        by_pk[row.pk] = item
        for alias in (row.code, row.name_ko, _BRACKETS.sub("", row.name_ko), row.name_en):
            key = indicator_key(alias)
            if key:
                out.setdefault(key, item)
    for key, pk in aliases:
        if key and pk in by_pk:
            out.setdefault(key, by_pk[pk])
    return out


def catalogue_lookup() -> dict[str, Indicator]:
    """The whole catalogue with its aliases: two queries."""
    from ..models import RiskIndicator, RiskIndicatorAlias

    return indicator_lookup(RiskIndicator.objects.all(), RiskIndicatorAlias.objects.values_list("key", "indicator_id"))


def split_indicators(text: str) -> list[str]:
    """The indicator names of one cell (comma, semicolon, slash, bar or line separated)."""
    return [t.strip() for t in _INDICATOR_SPLIT.split(text) if t.strip()]


def find_indicator(lookup: dict[str, Indicator], token: str) -> Indicator | None:
    """The indicator a name means, by code, name or alias, with or without its bracketed note."""
    return lookup.get(indicator_key(token)) or lookup.get(indicator_key(_BRACKETS.sub("", token)))


def unknown_key(token: str) -> str:
    """The key an unknown name is kept under (its bracketed note left out when something remains)."""
    return indicator_key(_BRACKETS.sub("", token)) or indicator_key(token)
