"""Road-name address normalisation: two spellings of one address get one key, so reports find households."""

from __future__ import annotations

import re

from .textkeys import nfkc

_CITY = re.compile(r"^(서울특별시|서울시|서울)\s*")
_GU = re.compile(r"^[가-힣]{1,5}구\s+")
_PARENS = re.compile(r"\([^)]*\)")
_NOISE = re.compile(r"[\s,.\-·]+")


def address_key(road_address: str, detail: str = "") -> str:
    """``서울특별시 성동구 왕십리로 123, 101동 1203호 (행당동)`` → ``왕십리로123101동1203호``."""
    text = nfkc(f"{road_address or ''} {detail or ''}")
    text = _PARENS.sub(" ", text).strip()
    text = _CITY.sub("", text)
    text = _GU.sub("", text)
    text = re.sub(r"(\d+)\s*번지", r"\1", text)
    return _NOISE.sub("", text).lower()[:200]
