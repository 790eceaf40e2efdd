"""Resident registration numbers (주민등록번호): validation, keyed hash and masking.

The number is ``YYMMDD-GSSSSSC``. ``G`` gives the century and sex (1/2: 1900s, 3/4: 2000s, 5–8: the same
for foreign residents; odd is male). No check-digit test: numbers issued from October 2020 carry none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000}


def normalize(raw: str) -> str:
    """Digits only, or a ValidationError that says what is wrong."""
    value = re.sub(r"[\s\-]", "", raw or "")
    if not value.isdigit() or len(value) != 13:
        raise ValidationError(_("주민등록번호는 숫자 13자리(예: 900101-1234567)여야 합니다."), code="rrn_format")
    sex_digit = value[6]
    if sex_digit not in _CENTURY:
        raise ValidationError(_("주민등록번호 뒷자리 첫 숫자는 1~8이어야 합니다."), code="rrn_sex_digit")
    birth_date(value)  # raises on an impossible date
    return value


def birth_date(value: str) -> dt.date:
    year = _CENTURY[value[6]] + int(value[0:2])
    try:
        born = dt.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise ValidationError(_("주민등록번호 앞자리가 실제 생년월일이 아닙니다."), code="rrn_birth_date") from None
    if born > dt.date.today():
        raise ValidationError(_("주민등록번호의 생년월일이 미래입니다."), code="rrn_birth_date")
    return born


def sex(value: str) -> str:
    return "M" if int(value[6]) % 2 == 1 else "F"


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised number: finds an exact number without decrypting anything."""
    return hmac.new(settings.RRN_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    return f"{value[:6]}-{value[6]}******" if value else ""
