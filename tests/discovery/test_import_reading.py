"""Reading an upload (discovery.imports): type by content, encodings, delimiters, headers, values, hostile cells.

These need no database: the validator gets its dong and indicator lookups as plain dicts.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import pytest

from discovery.imports import (
    CSV,
    XLSX,
    ImportFileError,
    Indicator,
    ListReader,
    ParsedRow,
    RowError,
    RowValidator,
    detect_encoding,
    file_format,
    match_columns,
    parse_date,
    parse_priority,
)
from discovery.models import ImportKind
from welfare.common.cells import is_formula
from welfare.common.textkeys import dong_key

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, xlsx_bytes

DONGS = {dong_key("왕십리도선동"): 1, dong_key("마장동"): 2, dong_key("행당1동"): 3}
INDICATORS = {
    "elecarrears": Indicator(10, "elec_arrears", "전기요금 체납", "utility_arrears"),
    "전기요금체납": Indicator(10, "elec_arrears", "전기요금 체납", "utility_arrears"),
    "nhiarrears": Indicator(11, "nhi_arrears", "건강보험료 체납", "nhi_arrears"),
    "건강보험료체납": Indicator(11, "nhi_arrears", "건강보험료 체납", "nhi_arrears"),
    "단전": Indicator(12, "elec_cut", "단전", "utility_arrears"),
}


def rows_of(content: bytes, kind: str = ImportKind.CRISIS_LIST, allowed=None) -> list[ParsedRow | RowError]:
    reader = ListReader(content, kind)
    reader.check()
    validator = RowValidator(kind=kind, columns=reader.columns, dongs=DONGS, indicators=INDICATORS,
                             allowed_dong_ids=allowed, today=dt.date(2025, 6, 1))
    return list(reader.rows(validator))


# --- Type and encoding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")])
def test_each_encoding_is_detected_and_read_the_same(encoding, expected):
    # given the same Korean rows saved in three encodings
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1), crisis_row(2, "마장동")], encoding=encoding)

    # when it is read
    reader = ListReader(content, ImportKind.CRISIS_LIST)
    rows = rows_of(content)

    # then the encoding is named and the Korean comes out right
    assert reader.format == CSV and reader.encoding == expected
    assert [(r.name, r.dong_id) for r in rows] == [("김민001", 1), ("김민002", 2)]


def test_euc_kr_bytes_are_read_as_cp949():
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1)], encoding="euc-kr")

    assert detect_encoding(content) == "cp949"
    assert rows_of(content)[0].address == "서울특별시 성동구 왕십리로 1"


def test_utf16_from_excel_unicode_text_is_read():
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1)], encoding="utf-16", delimiter="\t")

    assert rows_of(content)[0].name == "김민001"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_comma_tab_and_semicolon_delimiters_are_sniffed(delimiter):
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1, indicators="elec_arrears|nhi_arrears")], delimiter=delimiter)

    [row] = rows_of(content)

    assert row.indicator_ids == (10, 11)
    assert row.address_detail == "1호"


def test_xlsx_is_recognised_by_content_and_dates_and_numbers_come_through():
    # given an XLSX whose birth date is a real date cell and whose phone lost its leading zero as a number
    content = xlsx_bytes(CRISIS_HEADER, [["이순자", dt.datetime(1950, 1, 2), "왕십리로 5", None, "왕십리도선동",
                                          1012345678, "단전", 85]])

    # when it is read
    [row] = rows_of(content)

    # then
    assert file_format(content) == XLSX
    assert (row.birth_date, row.phone, row.priority, row.priority_score) == (dt.date(1950, 1, 2), "01012345678",
                                                                             "high", 85)


def test_random_bytes_are_not_a_spreadsheet():
    with pytest.raises(ImportFileError, match="CSV 또는 XLSX 파일만"):
        file_format(os.urandom(4096) + b"\x00")


def test_a_zip_without_a_workbook_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")

    with pytest.raises(ImportFileError, match="CSV 또는 XLSX 파일만"):
        file_format(buffer.getvalue())


def test_a_truncated_xlsx_is_reported_as_damaged():
    content = xlsx_bytes(CRISIS_HEADER, [crisis_row(1)])

    with pytest.raises(ImportFileError, match="손상"):
        ListReader(content[: len(content) // 2], ImportKind.CRISIS_LIST)


def test_an_old_xls_is_refused_with_advice():
    with pytest.raises(ImportFileError, match="XLSX나 CSV로 저장"):
        file_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_an_empty_file_is_refused():
    for content in (b"", b"   \r\n"):
        with pytest.raises(ImportFileError, match="빈 파일"):
            file_format(content)


def test_a_renamed_text_file_is_read_as_csv_whatever_its_name():
    # a ".xlsx" that is really text: the name is never looked at, only the bytes
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1)])

    assert file_format(content) == CSV


# --- Header ------------------------------------------------------------------------------------------------


def test_korean_and_english_header_synonyms_match_case_and_space_insensitively():
    korean = match_columns(["이름", "생 년 월 일", "도로명주소", "상세 주소", "동", "전화번호", "지표", "우선순위 점수"],
                           ImportKind.CRISIS_LIST)
    english = match_columns(["Name", "Birth_Date", "ADDRESS", "address_detail", "Dong", "Phone", "Indicators",
                             "Priority"], ImportKind.CRISIS_LIST)

    expected = {"name": 0, "birth_date": 1, "address": 2, "address_detail": 3, "dong": 4, "phone": 5,
                "indicators": 6, "priority": 7}
    assert korean == expected
    assert english == expected


def test_a_header_with_notes_in_brackets_and_required_marks_matches():
    assert match_columns(["*성명", "생년월일(YYYYMMDD)", "주소 [도로명]"], ImportKind.TURNING_65) == {
        "name": 0, "birth_date": 1, "address": 2}


def test_a_missing_required_column_names_it_and_the_headers_found():
    content = csv_bytes(["이름", "생년월일", "주소", "연락처"], [["김민", "1950-01-02", "왕십리로 1", "010"]])

    reader = ListReader(content, ImportKind.CRISIS_LIST)
    with pytest.raises(ImportFileError) as caught:
        reader.check()

    message = str(caught.value)
    assert "행정동" in message and "위기지표" in message
    assert "“이름”" in message and "“연락처”" in message


def test_title_lines_above_the_header_are_skipped_and_line_numbers_stay_the_spreadsheets():
    content = csv_bytes(["2025년 1차 복지사각지대 발굴 대상자"], [[], CRISIS_HEADER, crisis_row(1), ["잘못", "x"]])

    rows = rows_of(content)

    assert [r.line for r in rows] == [4, 5]
    assert isinstance(rows[1], RowError)


def test_a_newborn_list_takes_the_childs_birth_date_over_a_parents():
    columns = match_columns(["보호자", "생년월일", "출생일", "주소", "행정동"], ImportKind.NEWBORN)

    assert columns["birth_date"] == 2 and columns["parent"] == 0


# --- Values and rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1950-01-02", "1950.01.02", "19500102", "1950/1/2", "1950. 1. 2.",
                                  "1950년 1월 2일", "1950-01-02 00:00:00"])
def test_the_usual_date_spellings_are_accepted(text):
    assert parse_date(text) == dt.date(1950, 1, 2)


@pytest.mark.parametrize("text", ["1950-02-30", "02/01/1950", "500102", "어제", "1850-01-01"])
def test_impossible_or_ambiguous_dates_are_refused(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["행당1동", "행당 1동", "행당제1동", " 행당1동 ", "행당1동 주민센터"])
def test_dong_names_tolerate_spaces_and_the_je_n_dong_spelling(text):
    assert DONGS.get(dong_key(text)) == 3


@pytest.mark.parametrize("cell, hostile", [
    ("=HYPERLINK(\"http://x\")", True), ("+cmd|' /C calc'!A0", True), ("-2+3+cmd", True), ("@SUM(A1)", True),
    ("\t=1", True), ("\rx", True), ("-", False), ("-5", False), ("+82 10-1234-5678", False), ("김민", False),
    ("", False),
])
def test_formula_like_cells_are_recognised(cell, hostile):
    assert is_formula(cell) is hostile


@pytest.mark.parametrize("text, expected", [("상", ("high", None)), ("HIGH", ("high", None)), ("중", ("medium", None)),
                                            ("85", ("high", 85)), ("40", ("", 40)), ("", ("", None)),
                                            ("아마도", None)])
def test_priority_words_and_scores(text, expected):
    assert parse_priority(text) == expected


def test_bad_rows_are_refused_with_their_line_and_reason_while_good_rows_pass():
    # given a file with one good row and one bad row of each kind (header is line 1)
    content = csv_bytes(CRISIS_HEADER, [
        crisis_row(1),                                        # 2 good
        crisis_row(2, birth="1950-13-45"),                    # 3 bad date
        crisis_row(3, dong="없는동"),                          # 4 unknown dong
        ["김민", "1950-01-02", "", "", "마장동", "", "단전", ""],  # 5 empty address
        crisis_row(5, indicators="단전; 외계인 침공"),          # 6 unknown indicator: kept as written, not refused
        crisis_row(6)[:7] + ["=cmd|'/C calc'!A0"],            # 7 formula injection
        crisis_row(7)[:3] + ["가" * 1001] + crisis_row(7)[4:],  # 8 enormous cell
        crisis_row(8) + ["x"] * 60,                            # 9 too many cells
        crisis_row(9, birth="2999-01-01"),                    # 10 future birth
        ["", "1950-01-02", "왕십리로 1", "", "마장동", "", "단전", ""],  # 11 empty name
    ])

    # when it is read
    rows = rows_of(content)

    # then
    good = [r for r in rows if isinstance(r, ParsedRow)]
    bad = {r.line: r.reason for r in rows if isinstance(r, RowError)}
    assert [r.line for r in good] == [2, 6]
    assert good[1].unknown_indicators == ("외계인 침공",) and len(good[1].indicator_ids) == 1
    assert "생년월일 형식" in bad[3]
    assert "이 구에 없는 행정동" in bad[4] and "없는동" in bad[4]
    assert "주소가 비어" in bad[5]
    assert "수식" in bad[7]
    assert "너무 깁니다" in bad[8]
    assert "열이 너무 많습니다" in bad[9]
    assert "미래" in bad[10]
    assert "성명이(가) 비어" in bad[11]


def test_a_refused_row_keeps_its_text_truncated():
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1)[:3] + ["가" * 5000] + crisis_row(1)[4:]])

    [row] = rows_of(content)

    assert isinstance(row, RowError) and len(row.raw) <= 500 and row.raw.startswith("김민001,")


def test_an_unclosed_quote_is_one_enormous_cell_with_a_hint():
    text = "\r\n".join([",".join(CRISIS_HEADER), ",".join(crisis_row(1, indicators="단전")), 'x,"1950-01-02'] + ["y" * 80] * 30)

    rows = rows_of(text.encode())

    assert isinstance(rows[0], ParsedRow)
    assert isinstance(rows[1], RowError) and "따옴표" in rows[1].reason


def test_a_team_leads_upload_refuses_rows_of_other_dongs():
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1), crisis_row(2, "마장동")])

    rows = rows_of(content, allowed=frozenset({1}))

    assert isinstance(rows[0], ParsedRow)
    assert isinstance(rows[1], RowError) and "담당하지 않는 행정동" in rows[1].reason


def test_indicators_by_code_or_korean_name_with_any_separator_are_deduplicated():
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1, indicators="전기요금 체납 / elec_arrears | 단전;NHI_ARREARS")])

    [row] = rows_of(content)

    assert row.indicator_ids == (10, 12, 11)


def test_an_xlsx_with_a_huge_declared_dimension_reads_only_the_real_cells():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CRISIS_HEADER)
    sheet.append(crisis_row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    # a hostile file declaring every column of the sheet
    raw = io.BytesIO(buffer.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:H2"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(item, data)

    [row] = rows_of(out.getvalue())

    assert isinstance(row, ParsedRow)
