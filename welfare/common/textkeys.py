"""Keys that make two spellings of the same Korean text equal (names, dongs, spreadsheet headers)."""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")
# Middle dots as Koreans type them: "·", "・" and "ㆍ" (U+318D, which NFKC turns into U+119E).
_DOTS = "·・ㆍ\u119e"
_HEADER_NOISE = re.compile(rf"[\s_\-.{_DOTS}*:#/]+")


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def compact(text: str | None) -> str:
    """NFKC without any white space: what makes two spellings of a name the same."""
    return re.sub(r"\s+", "", nfkc(text))


def header_key(text: str) -> str:
    """``" 생년월일(YYYYMMDD) "`` → ``"생년월일"``, ``"Birth_Date"`` → ``"birthdate"``."""
    text = nfkc(text).lstrip("\ufeff")
    return _HEADER_NOISE.sub("", _BRACKETS.sub("", text)).lower()


def dong_key(name: str) -> str:
    """``"마장 동"``, ``"행당제1동"``, ``"금호2.3가동 주민센터"`` → the same keys as the district's dong names."""
    text = compact(name)
    text = re.sub(r"(동)?(행정복지센터|주민센터)$", r"\1", text)
    text = re.sub(r"제(\d+)동$", r"\1동", text)
    return re.sub(rf"[{_DOTS}.,]", "", text)
