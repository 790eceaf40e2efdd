"""Reading an uploaded list: the file type by its content, the text encoding, the header and each row.

Nothing here writes to the database. :class:`ListReader` opens the bytes of an upload, finds the header and
yields one :class:`ParsedRow` or :class:`RowError` per data row, streaming (CSV through a text wrapper over the
bytes, XLSX through openpyxl's read-only parser), so memory stays flat whatever the number of rows.
:mod:`discovery.importing` writes the good rows in chunks.

Line numbers are the ones the user sees in the spreadsheet: the first row of the file is line 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.common import phones
from welfare.common.addresses import address_key
from welfare.common.cells import is_formula
from welfare.common.textkeys import dong_key, header_key

from .models import ImportKind

CSV, XLSX = "csv", "xlsx"
MAX_CELL_CHARS = 1000  # a longer cell refuses its row
MAX_CELLS = 50  # a row with more (non-empty trailing) cells is refused
RAW_CHARS = 500  # the refused row kept as text for the error list
HEADER_SCAN_ROWS = 10  # title lines above the header are tolerated, up to this many rows
# A zip that inflates to more than this is refused before parsing (a "zip bomb"); real lists are far smaller.
MAX_XLSX_INFLATED_BYTES = 200 * 1024 * 1024
PRIORITY_HIGH_SCORE = 80  # a numeric priority (0–100) at or above this makes the report urgent

# The csv module refuses fields over 128 KB with an error that would abort the file; the row limits below
# refuse such rows one by one instead. Raising the (process-wide) limit only ever accepts more.
csv.field_size_limit(max(csv.field_size_limit(), settings.IMPORT_MAX_BYTES))


class ImportFileError(Exception):
    """The file cannot be imported at all; the message is for the user. Raised before any row is written."""


def not_a_spreadsheet() -> str:
    return _("CSV 또는 XLSX 파일만 올릴 수 있습니다.")


# --- File type and encoding ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


def file_format(content: bytes) -> str:
    """``"xlsx"`` for a zip holding ``xl/workbook.xml``, ``"csv"`` for text; anything else is refused.

    The extension is not looked at: a renamed text file is text, a renamed picture is refused.
    """
    if not content or not content.strip():
        raise ImportFileError(_("빈 파일입니다."))
    if content.startswith(_OLE2):
        raise ImportFileError(_("예전 엑셀 형식(XLS)은 읽을 수 없습니다. 엑셀에서 XLSX나 CSV로 저장해 올려 주세요."))
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFileError(_("XLSX 파일이 손상되어 열 수 없습니다.")) from exc
        if not any(info.filename == "xl/workbook.xml" for info in infos):
            raise ImportFileError(not_a_spreadsheet())
        if sum(info.file_size for info in infos) > MAX_XLSX_INFLATED_BYTES:
            raise ImportFileError(_("압축을 푼 크기가 너무 큰 XLSX 파일입니다."))
        return XLSX
    detect_encoding(content)
    return CSV


def detect_encoding(content: bytes) -> str:
    """A byte-order mark decides; else strict UTF-8; else CP949 (a superset of EUC-KR). Binary is refused."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "유니코드 텍스트" export
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        if _decodes_as_text(content, encoding):
            return encoding
    raise ImportFileError(
        _("CSV 또는 XLSX 파일만 올릴 수 있습니다. 텍스트로 읽을 수 없는 파일입니다(UTF-8 또는 CP949로 저장해 주세요).")
    )


def _decodes_as_text(content: bytes, encoding: str) -> bool:
    """Strict decoding of the whole file in 1 MB steps (no full copy), with no control characters but tab/CR/LF."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    step = 1 << 20
    try:
        for start in range(0, len(content), step):
            if _CONTROL.search(decoder.decode(content[start:start + step], final=False)):
                return False
        return not _CONTROL.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


# --- Raw rows ------------------------------------------------------------------------------------------------


def _sniff_delimiter(first_line: str) -> str:
    """Comma, tab or semicolon: whichever the header line holds most of (outside quotes); comma by default."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(content: bytes, encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    yield from csv.reader(text, delimiter=_sniff_delimiter(first_line))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """The first sheet, streamed. Any failure of the parser on a hostile or damaged file is a broken file."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on bad input; all mean "broken file"
        raise ImportFileError(_("XLSX 파일이 손상되어 열 수 없습니다.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("XLSX 파일에 시트가 없습니다."))
        sheet = workbook.worksheets[0]
        # A declared dimension of A1:XFD1048576 would pad every row to 16,384 cells: read rows as they are.
        sheet.reset_dimensions()
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(v) for v in values]
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above, a damaged sheet part
            raise ImportFileError(_("XLSX 파일을 끝까지 읽지 못했습니다(손상된 파일).")) from exc
    finally:
        workbook.close()


def raw_rows(content: bytes, fmt: str, encoding: str = "") -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every row of the file, trailing empty cells dropped; empty rows yield ``[]``."""
    rows = _xlsx_rows(content) if fmt == XLSX else _csv_rows(content, encoding)
    for line, cells in enumerate(rows, start=1):
        end = len(cells)
        while end and not (cells[end - 1] or "").strip():
            end -= 1
        yield line, cells[:end]


# --- Columns -------------------------------------------------------------------------------------------------

NAME, BIRTH, SEX, ADDRESS, DETAIL, DONG, PHONE, INDICATORS, PRIORITY, PARENT, CHILD = (
    "name", "birth_date", "sex", "address", "address_detail", "dong", "phone", "indicators", "priority",
    "parent", "child_name",
)

# Header names, already normalised by :func:`header_key` (no spaces, underscores, brackets; lower case).
SYNONYMS: dict[str, tuple[str, ...]] = {
    NAME: ("성명", "이름", "대상자명", "대상자성명", "대상자", "수급자명", "name", "fullname", "personname"),
    BIRTH: ("생년월일", "생일", "출생일", "출생일자", "출생년월일", "birthdate", "birth", "dateofbirth", "dob",
            "born", "bornon", "birthday"),
    SEX: ("성별", "sex", "gender"),
    ADDRESS: ("주소", "도로명주소", "주소지", "거주지", "거주지주소", "도로명", "address", "roadaddress", "addr"),
    DETAIL: ("상세주소", "주소상세", "동호수", "동호", "addressdetail", "detailaddress", "detail", "address2"),
    DONG: ("행정동", "동", "행정동명", "동명", "관할동", "관할행정동", "dong", "admindong", "dongname"),
    PHONE: ("연락처", "전화번호", "전화", "휴대전화", "휴대폰", "핸드폰", "휴대전화번호", "phone", "mobile", "tel",
            "telephone", "phonenumber", "contact"),
    INDICATORS: ("위기지표", "지표", "위기정보", "위기지표명", "발굴지표", "위기유형", "indicators", "indicator",
                 "riskindicators", "riskindicator", "risks"),
    PRIORITY: ("우선순위", "우선순위점수", "우선순위등급", "위기도점수", "priority", "priorityscore", "score"),
    PARENT: ("보호자", "보호자명", "보호자성명", "부모", "부모성명", "산모", "산모성명", "parent", "parentname",
             "guardian", "guardianname", "mother"),
    CHILD: ("아동명", "아동성명", "출생아", "출생아성명", "출생아명", "아기이름", "영아성명", "child", "childname", "baby",
            "babyname", "newborn"),
}
# On a newborn list the child's birth date is what matters; a "생년월일" column may be the parent's.
NEWBORN_BIRTH = ("출생일", "출생일자", "출생아생년월일", "아동생년월일", "birthdate", "birth", "bornon", "born",
                 "생년월일", "dateofbirth", "dob")

REQUIRED: dict[str, tuple[str, ...]] = {
    ImportKind.CRISIS_LIST: (NAME, BIRTH, ADDRESS, DONG, INDICATORS),
    ImportKind.TURNING_65: (NAME, BIRTH, ADDRESS, DONG),
    ImportKind.NEWBORN: (PARENT, BIRTH, ADDRESS, DONG),
}


def field_label(field: str, kind: str = "") -> str:
    labels = {
        NAME: _("성명"), BIRTH: _("출생일") if kind == ImportKind.NEWBORN else _("생년월일"), SEX: _("성별"),
        ADDRESS: _("주소"), DETAIL: _("상세주소"), DONG: _("행정동"), PHONE: _("연락처"), INDICATORS: _("위기지표"),
        PRIORITY: _("우선순위"), PARENT: _("보호자"), CHILD: _("아동명"),
    }
    return str(labels[field])


_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")  # "(YYYYMMDD)" in an indicator's name


def match_columns(cells: list[str], kind: str) -> dict[str, int]:
    """Field → column index for the header cells; a field's earliest synonym wins over a later one."""
    synonyms = {**SYNONYMS, BIRTH: NEWBORN_BIRTH} if kind == ImportKind.NEWBORN else SYNONYMS
    rank: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        for field, names in synonyms.items():
            if key in names:
                candidate = (names.index(key), index)
                if field not in rank or candidate < rank[field]:
                    rank[field] = candidate
    taken: dict[int, str] = {}
    columns: dict[str, int] = {}
    for field, (_r, index) in sorted(rank.items(), key=lambda item: item[1]):
        if index not in taken:  # one column answers one field
            taken[index] = field
            columns[field] = index
    return columns


# --- Values --------------------------------------------------------------------------------------------------

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


# --- Rows ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    name: str
    birth_date: dt.date
    address: str
    address_detail: str
    address_key: str
    dong_id: int
    phone: str = ""
    sex: str = ""
    indicator_ids: tuple[int, ...] = ()
    priority: str = ""
    priority_score: int | None = None
    parent: str = ""
    child_name: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str
    raw: str


@dataclass(frozen=True)
class Indicator:
    pk: int
    code: str
    name: str
    signal: str


def indicator_lookup(indicators: Iterable) -> dict[str, Indicator]:
    """Code, Korean name (with and without its bracketed note) and English name → indicator."""
    out: dict[str, Indicator] = {}
    for row in indicators:
        item = Indicator(row.pk, row.code, row.name_ko, row.signal)
        for alias in (row.code, row.name_ko, _BRACKETS.sub("", row.name_ko), row.name_en):
            key = _indicator_key(alias)
            if key:
                out.setdefault(key, item)
    return out


def _indicator_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text or "")).lower()


_INDICATOR_SPLIT = re.compile(r"[,;/|\n]+")


def raw_text(cells: list[str]) -> str:
    """The row as one CSV line (for the error list), cut to :data:`RAW_CHARS`."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([c[:RAW_CHARS] for c in cells[:MAX_CELLS + 1]])
    text = out.getvalue()
    return text if len(text) <= RAW_CHARS else text[:RAW_CHARS - 1] + "…"


class RowValidator:
    """Checks one data row against the columns, the district's dongs and the indicator catalogue."""

    def __init__(self, *, kind: str, columns: dict[str, int], dongs: dict[str, int],
                 indicators: dict[str, Indicator] | None = None, allowed_dong_ids: frozenset[int] | None = None,
                 today: dt.date | None = None):
        self.kind = kind
        self.columns = columns
        self.dongs = dongs
        self.indicators = indicators or {}
        self.allowed = allowed_dong_ids
        self.today = today or timezone.localdate()

    def _get(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return unicodedata.normalize("NFC", cells[index] or "").strip()

    def __call__(self, line: int, cells: list[str]) -> ParsedRow | RowError:
        shape = self._shape_error(cells)
        if shape:
            return RowError(line, shape, raw_text(cells))
        problems: list[str] = []
        get = self._get
        name, parent, child = get(cells, NAME), get(cells, PARENT), get(cells, CHILD)
        person = parent if self.kind == ImportKind.NEWBORN else name
        if not person:
            problems.append(_("%(field)s이(가) 비어 있습니다.") % {"field": field_label(
                PARENT if self.kind == ImportKind.NEWBORN else NAME)})
        for label, value, limit in ((NAME, name, 50), (PARENT, parent, 50), (CHILD, child, 50)):
            if len(value) > limit:
                problems.append(_("%(field)s이(가) 너무 깁니다(%(limit)d자까지).") % {
                    "field": field_label(label), "limit": limit})
        birth_text = get(cells, BIRTH)
        birth = parse_date(birth_text)
        if not birth_text:
            problems.append(_("%(field)s이(가) 비어 있습니다.") % {"field": field_label(BIRTH, self.kind)})
        elif birth is None:
            problems.append(_("%(field)s 형식이 잘못되었습니다: “%(value)s” (예: 1950-01-02, 19500102)") % {
                "field": field_label(BIRTH, self.kind), "value": birth_text[:40]})
        elif birth > self.today:
            problems.append(_("%(field)s이(가) 미래입니다: %(value)s") % {
                "field": field_label(BIRTH, self.kind), "value": f"{birth:%Y-%m-%d}"})
        address, detail = get(cells, ADDRESS), get(cells, DETAIL)
        if not address:
            problems.append(_("주소가 비어 있습니다."))
        elif len(address) > 200 or len(detail) > 100:
            problems.append(_("주소가 너무 깁니다(주소 200자, 상세주소 100자까지)."))
        dong_id = self._dong(get(cells, DONG), problems)
        phone = phones.digits(get(cells, PHONE))
        if len(phone) > 20:
            problems.append(_("연락처가 너무 깁니다."))
        indicator_ids: tuple[int, ...] = ()
        level, score = "", None
        if self.kind == ImportKind.CRISIS_LIST:
            indicator_ids = self._indicators(get(cells, INDICATORS), problems)
            priority = parse_priority(get(cells, PRIORITY))
            if priority is None:
                problems.append(_("우선순위를 알 수 없습니다: “%(value)s” (상·중·하 또는 0–100 점수)") % {
                    "value": get(cells, PRIORITY)[:40]})
            else:
                level, score = priority
        if problems:
            return RowError(line, " ".join(problems)[:300], raw_text(cells))
        return ParsedRow(
            line=line, name=name, birth_date=birth, address=address, address_detail=detail,
            address_key=address_key(address, detail), dong_id=dong_id, phone=phone,
            sex=_SEX.get(header_key(get(cells, SEX)), ""), indicator_ids=indicator_ids, priority=level,
            priority_score=score, parent=parent, child_name=child,
        )

    @staticmethod
    def _shape_error(cells: list[str]) -> str:
        if len(cells) > MAX_CELLS:
            return _("열이 너무 많습니다(%(n)d개, %(max)d개까지).") % {"n": len(cells), "max": MAX_CELLS}
        for index, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL_CHARS:
                reason = _("%(col)d번째 칸이 너무 깁니다(%(n)d자, %(max)d자까지).") % {
                    "col": index, "n": len(cell), "max": MAX_CELL_CHARS}
                if "\n" in cell:
                    reason += " " + _("따옴표가 닫히지 않아 여러 줄이 한 칸으로 읽혔을 수 있습니다.")
                return reason
        for index, cell in enumerate(cells, start=1):
            if is_formula(cell):
                return _("%(col)d번째 칸이 수식처럼 시작합니다(=, +, -, @ 또는 탭). 값만 남겨 다시 올려 주세요.") % {
                    "col": index}
        return ""

    def _dong(self, text: str, problems: list[str]) -> int:
        if not text:
            problems.append(_("행정동이 비어 있습니다."))
            return 0
        dong_id = self.dongs.get(dong_key(text))
        if dong_id is None:
            problems.append(_("이 구에 없는 행정동입니다: “%(value)s”") % {"value": text[:40]})
            return 0
        if self.allowed is not None and dong_id not in self.allowed:
            problems.append(_("담당하지 않는 행정동입니다: “%(value)s”") % {"value": text[:40]})
            return 0
        return dong_id

    def _indicators(self, text: str, problems: list[str]) -> tuple[int, ...]:
        tokens = [t.strip() for t in _INDICATOR_SPLIT.split(text) if t.strip()]
        if not tokens:
            problems.append(_("위기지표가 비어 있습니다."))
            return ()
        found: dict[int, None] = {}
        unknown = []
        for token in tokens:
            item = self.indicators.get(_indicator_key(token)) or self.indicators.get(
                _indicator_key(_BRACKETS.sub("", token)))
            if item is None:
                unknown.append(token[:30])
            else:
                found[item.pk] = None
        if unknown:
            problems.append(_("알 수 없는 위기지표: %(names)s") % {"names": ", ".join(f"“{u}”" for u in unknown[:5])})
        return tuple(found)


# --- The reader ----------------------------------------------------------------------------------------------


class ListReader:
    """Opens an upload: format, encoding and header are known after construction (or ImportFileError)."""

    def __init__(self, content: bytes, kind: str):
        self.content = content
        self.kind = kind
        self.format = file_format(content)
        self.encoding = detect_encoding(content) if self.format == CSV else ""
        self.header_line, self.columns, self.header_cells = self._find_header()

    def _find_header(self) -> tuple[int, dict[str, int], list[str]]:
        first: tuple[int, list[str]] | None = None
        for line, cells in raw_rows(self.content, self.format, self.encoding):
            if line > HEADER_SCAN_ROWS:
                break
            if not cells:
                continue
            first = first or (line, cells)
            columns = match_columns(cells, self.kind)
            if len(columns) >= 2:
                return line, columns, cells
        if first is None:
            raise ImportFileError(_("빈 파일입니다: 머리글도 데이터도 없습니다."))
        line, cells = first
        columns = match_columns(cells, self.kind)
        self._check_required(columns, cells)
        return line, columns, cells  # pragma: no cover - _check_required raises: fewer than 2 columns matched

    def _check_required(self, columns: dict[str, int], cells: list[str]) -> None:
        missing = [f for f in REQUIRED[self.kind] if f not in columns]
        if missing:
            found = ", ".join(f"“{c.strip()[:30]}”" for c in cells[:MAX_CELLS] if c.strip()) or "—"
            raise ImportFileError(_("필수 열이 없습니다: %(missing)s. 파일의 머리글: %(found)s") % {
                "missing": ", ".join(field_label(f, self.kind) for f in missing), "found": found})

    def check(self) -> None:
        """Required columns present: called before any row is read."""
        self._check_required(self.columns, self.header_cells)

    def data_rows(self) -> Iterator[tuple[int, list[str]]]:
        """Non-empty rows after the header."""
        for line, cells in raw_rows(self.content, self.format, self.encoding):
            if line > self.header_line and any((c or "").strip() for c in cells):
                yield line, cells

    def count(self) -> int:
        """A first pass over the whole file: the row count for the progress bar, and any damage found early."""
        return sum(1 for _row in self.data_rows())

    def rows(self, validator: RowValidator) -> Iterator[ParsedRow | RowError]:
        for line, cells in self.data_rows():
            yield validator(line, cells)
