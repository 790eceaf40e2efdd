"""welfare.common.textkeys: keys that make two spellings of one Korean text equal."""

from __future__ import annotations

import pytest

from welfare.common.textkeys import compact, dong_key, header_key, nfkc


def test_nfkc_folds_full_width_forms_and_accepts_none():
    assert nfkc("ｆｕｌｌ１２") == "full12"
    assert nfkc("㈜한빛") == "(주)한빛"
    assert nfkc(None) == ""


def test_compact_drops_every_white_space():
    assert compact(" 김 순자\t") == "김순자"
    assert compact("김\u3000순자") == "김순자"  # ideographic space
    assert compact(None) == ""


@pytest.mark.parametrize("header, key", [
    (" 생년월일(YYYYMMDD) ", "생년월일"),
    ("Birth_Date", "birthdate"),
    ("\ufeff성명", "성명"),              # the BOM Excel writes before the first header
    ("연락처 *", "연락처"),
    ("주소[도로명]", "주소"),
    ("행정동·법정동", "행정동법정동"),
    ("e-mail", "email"),
])
def test_header_key(header, key):
    assert header_key(header) == key


@pytest.mark.parametrize("spellings", [
    ("마장동", "마장 동", " 마장동 ", "마장동 주민센터", "마장동행정복지센터"),
    ("행당1동", "행당제1동", "행당 제1동", "행당1동 주민센터"),
    ("금호2.3가동", "금호2·3가동", "금호2ㆍ3가동", "금호2.3가동 주민센터"),
])
def test_dong_key_gives_every_spelling_of_a_dong_one_key(spellings):
    assert len({dong_key(s) for s in spellings}) == 1


def test_dong_keys_of_different_dongs_differ():
    assert dong_key("행당1동") != dong_key("행당2동")
    assert dong_key("마장동") != dong_key("사근동")


def test_header_key_drops_every_middle_dot():
    assert header_key("행정동ㆍ법정동") == header_key("행정동・법정동") == header_key("행정동·법정동") == "행정동법정동"
