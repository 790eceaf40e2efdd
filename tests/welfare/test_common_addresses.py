"""welfare.common.addresses: two spellings of one road-name address get one key."""

from __future__ import annotations

import pytest

from welfare.common.addresses import address_key

KEY = "왕십리로123101동1203호"


@pytest.mark.parametrize("road, detail", [
    ("서울특별시 성동구 왕십리로 123, 101동 1203호 (행당동)", ""),
    ("서울특별시 성동구 왕십리로 123", "101동 1203호"),
    ("서울시 성동구 왕십리로 123", "101동 1203호"),
    ("서울 성동구 왕십리로 123", "101동-1203호"),
    ("성동구 왕십리로 123", "101동 1203호"),
    ("왕십리로 123", "101동 1203호"),
    ("왕십리로123 101동 1203호", ""),
    ("  왕십리로 123 (행당동)", " 101동, 1203호 "),
    ("ＷＡＮＧ", ""),  # full-width forms fold (NFKC) and the key is lower case
])
def test_spellings_of_one_address_share_a_key(road, detail):
    expected = "wang" if road.startswith("Ｗ") else KEY
    assert address_key(road, detail) == expected


def test_lot_numbers_drop_beonji():
    assert address_key("성동구 행당동 123번지") == address_key("행당동 123") == "행당동123"


def test_different_addresses_have_different_keys():
    assert address_key("왕십리로 123", "101동 1203호") != address_key("왕십리로 123", "101동 1204호")
    assert address_key("왕십리로 123") != address_key("왕십리로 12")


def test_empty_input_and_a_bounded_key():
    assert address_key("") == address_key(None) == ""
    assert len(address_key("가" * 500)) == 200
