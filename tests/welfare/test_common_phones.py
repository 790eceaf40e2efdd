"""welfare.common.phones: Korean numbers stored as digits, validated and shown through ``phonenumbers``."""

from __future__ import annotations

import pytest

from welfare.common.phones import digits, display, is_valid


@pytest.mark.parametrize("written, stored, shown", [
    ("010-1234-5678", "01012345678", "010-1234-5678"),        # mobile
    ("010 1234 5678", "01012345678", "010-1234-5678"),
    ("01012345678", "01012345678", "010-1234-5678"),
    ("02-123-4567", "021234567", "02-123-4567"),              # Seoul, 9 digits
    ("(02)123-4567", "021234567", "02-123-4567"),
    ("0212345678", "0212345678", "02-1234-5678"),             # Seoul, 10 digits
    ("031-123-4567", "0311234567", "031-123-4567"),           # regional
    ("064-712-3456", "0647123456", "064-712-3456"),
    ("070-1234-5678", "07012345678", "070-1234-5678"),        # internet phone
    ("1588-1234", "15881234", "1588-1234"),                   # nationwide number, no trunk zero
    ("+82 10-1234-5678", "01012345678", "010-1234-5678"),     # international form
    ("+82-2-123-4567", "021234567", "02-123-4567"),
    ("+82 (0)10-1234-5678", "01012345678", "010-1234-5678"),
    ("1012345678", "01012345678", "010-1234-5678"),           # a spreadsheet dropped the leading zero
])
def test_valid_numbers_are_stored_as_digits_and_shown_with_hyphens(written, stored, shown):
    assert digits(written) == stored
    assert is_valid(written)
    assert display(written) == shown
    assert display(stored) == shown


@pytest.mark.parametrize("junk", ["", None, "abc", "12", "010-12", "0101234567890", "+1 202 555 0100",
                                  "82-10-1234-5678", "없음"])
def test_junk_is_invalid_and_shown_as_given(junk):
    assert not is_valid(junk)
    assert display(junk) == (junk or "")


def test_digits_keeps_only_digits():
    assert digits(None) == ""
    assert digits("전화: 02) 123 - 4567") == "021234567"
    assert digits("+1 202 555 0100") == "12025550100"  # not Korean: no trunk zero invented


def test_a_mobile_number_is_formatted_without_parsing_as_the_library_would():
    import random

    import phonenumbers

    rng = random.Random(19)
    for _ in range(300):
        number = "010" + "".join(rng.choice("0123456789") for _ in range(8))
        parsed = phonenumbers.parse(number, "KR")
        library = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "-")
        assert display(number) == library
