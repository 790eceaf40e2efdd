"""One data row of a list: checked against the columns, the district's dongs and the indicator catalogue, it
becomes a :class:`ParsedRow` (written later, set-based) or a :class:`RowError` (kept for the error list)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.common import phones
from welfare.common.addresses import address_key
from welfare.common.cells import is_formula
from welfare.common.textkeys import dong_key

from ..models import ROUND_LISTS, ImportKind
from .columns import (
    ADDRESS,
    BIRTH,
    CHILD,
    DETAIL,
    DONG,
    INDICATORS,
    NAME,
    PARENT,
    PHONE,
    PRIORITY,
    REFERENCE,
    SEX,
    field_label,
)
from .values import (
    MAX_INDICATOR_NAME,
    Indicator,
    find_indicator,
    parse_date,
    parse_priority,
    parse_sex,
    split_indicators,
)

MAX_CELL_CHARS = 1000  # a longer cell refuses its row
MAX_CELLS = 50  # a row with more (non-empty trailing) cells is refused
RAW_CHARS = 500  # the refused row kept as text for the error list
MAX_REFERENCE = 40  # BigDataTarget.ssis_ref


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
    # Names the catalogue does not know, as written: the row is imported and the names wait to be mapped.
    unknown_indicators: tuple[str, ...] = ()
    ssis_ref: str = ""
    priority: str = ""
    priority_score: int | None = None
    parent: str = ""
    child_name: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str
    raw: str


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
        unknown: tuple[str, ...] = ()
        level, score = "", None
        reference = get(cells, REFERENCE)
        if len(reference) > MAX_REFERENCE:
            problems.append(_("행복e음 관리번호가 너무 깁니다(%(max)d자까지).") % {"max": MAX_REFERENCE})
        if self.kind in ROUND_LISTS:
            indicator_ids, unknown = self._indicators(get(cells, INDICATORS), problems)
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
            sex=parse_sex(get(cells, SEX)), indicator_ids=indicator_ids, unknown_indicators=unknown,
            ssis_ref=reference if self.kind in ROUND_LISTS else "", priority=level,
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

    def _indicators(self, text: str, problems: list[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The catalogue's indicators the cell names, and the names it does not know (kept as written, never a
        reason to refuse the row: a district admin maps them later)."""
        tokens = split_indicators(text)
        if not tokens:
            problems.append(_("위기지표가 비어 있습니다."))
            return (), ()
        found: dict[int, None] = {}
        unknown: dict[str, None] = {}
        for token in tokens:
            item = find_indicator(self.indicators, token)
            if item is None:
                unknown[token[:MAX_INDICATOR_NAME]] = None
            else:
                found[item.pk] = None
        return tuple(found), tuple(unknown)
