"""Korean phone numbers, through Google's ``phonenumbers`` library: stored as national digits, shown with
hyphens as Koreans write them (010-1234-5678, 02-123-4567)."""

from __future__ import annotations

import phonenumbers

REGION = "KR"


def digits(value: str | None) -> str:
    """Only the digits; a number that spreadsheets stripped of its leading zero (``1012345678``) gets it back,
    and ``+82 10-…`` becomes ``010…``."""
    raw = "".join(ch for ch in value or "" if ch.isdigit())
    if (value or "").lstrip().startswith("+82") and raw.startswith("82"):
        national = raw[2:]  # "+82 (0)10-…" keeps its written trunk zero once
        raw = national if national.startswith("0") else "0" + national
    if len(raw) == 10 and raw.startswith("1"):
        raw = "0" + raw
    return raw


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None


def is_valid(value: str | None) -> bool:
    """A number that could be dialled in Korea (mobile, Seoul 02, regional, 070, 15xx…)."""
    number = digits(value)
    if not number:
        return False
    if not number.startswith("0"):
        # 1588-xxxx and friends: 8 digits, no trunk zero.
        parsed = _parse(number)
        return parsed is not None and len(number) == 8 and phonenumbers.is_possible_number(parsed)
    if not 9 <= len(number) <= 11:
        return False
    parsed = _parse(number)
    return parsed is not None and phonenumbers.is_possible_number(parsed)


def display(value: str | None) -> str:
    """``01012345678`` → ``010-1234-5678``; ``0212345678`` → ``02-1234-5678``; anything that is not a
    valid number (junk, a foreign number, too few digits) as given."""
    if value and len(value) == 11 and value.startswith("010") and value.isascii() and value.isdigit():
        # Most stored numbers: a mobile number as 11 digits, formatted without parsing (what the library gives,
        # tested; a list of 200 households shows about 800 of them).
        return f"{value[:3]}-{value[3:7]}-{value[7:]}"
    parsed = _parse(digits(value)) if is_valid(value) else None
    if parsed is None:
        return value or ""
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return formatted.replace(" ", "-")
