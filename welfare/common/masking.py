"""Masking of resident-registration-number-shaped values in free text (import error rows, messages).

A registration number is ``YYMMDD-GSSSSSC`` (G: 1–8). Anything shaped like one — with a hyphen, a space or
nothing between the halves, and not part of a longer run of digits — keeps its birth date and the digit G and
loses the rest: ``900101-1******``. The check is by shape only (a wrong date is masked too): text that reaches a
page, a CSV or the database must not carry a number that might be real.
"""

from __future__ import annotations

import re

_RRN_SHAPED = re.compile(r"(?<!\d)(\d{6})[ \t]*[-‐‑–—]?[ \t]*([1-8])\d{6}(?!\d)")


def mask_rrns(text: str) -> str:
    """``text`` with every registration-number-shaped value masked to ``YYMMDD-G******``."""
    if not text:
        return text
    return _RRN_SHAPED.sub(lambda m: f"{m.group(1)}-{m.group(2)}******", text)


def has_rrn(text: str) -> bool:
    return bool(text) and _RRN_SHAPED.search(text) is not None
