"""The plan as an XLSX workbook (openpyxl): overview, areas and tasks, budget by department and by source,
dong targets with their actuals and pace. Numbers are written as numbers, with thousands formats; every cell goes through welfare.common.cells.safe_cell, so
a typed text that looks like a formula stays text.

The actuals and pace come from plans.dashboard.plan_progress, the same read model as the dashboard page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from welfare.common.cells import safe_row
from welfare.common.dates import seoul_today
from welfare.common.xlsx import finish_sheet, number_format

from . import selectors
from .dashboard import plan_progress
from .models import AnnualPlan, MilestoneStatus

THOUSANDS = "#,##0"
DECIMAL = "#,##0.##"
PERCENT = "0%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")


def _sheet(book: Workbook, title: str, header: list[str], widths: list[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(safe_row(header))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    return sheet


def _format(sheet: Worksheet, columns: dict[int, str], first_row: int = 2) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, (int, float)):
                cell.number_format = number_format(cell.value, columns[cell.column])


def plan_workbook(plan: AnnualPlan, *, dong_ids: Iterable[int], today: dt.date | None = None) -> bytes:
    today = today or seoul_today()
    book = Workbook()
    book.remove(book.active)
    status_labels = dict(MilestoneStatus.choices)

    overview = _sheet(book, _("개요"), [_("항목"), _("내용")], [18, 80])
    for label, value in (
        (_("계획명"), plan.title), (_("자치구"), plan.district.name), (_("연도"), plan.year),
        (_("개정 차수"), plan.revision), (_("상태"), plan.get_status_display()), (_("비전"), plan.vision),
        (_("목표 상향률(%)"), float(plan.uplift_percent)),
        (_("승인일"), timezone.localtime(plan.approved_at).strftime("%Y-%m-%d") if plan.approved_at else ""),
        (_("실적 기준일"), today.strftime("%Y-%m-%d")),
    ):
        overview.append(safe_row([label, value]))

    tasks = _sheet(book, _("추진과제"), [
        _("추진 영역"), _("세부 사업"), _("담당 부서"), _("담당자"), _("예산(원)"), _("재원"), _("성과지표"), _("단위"),
        _("기준값"), _("목표값"), _("1분기"), _("2분기"), _("3분기"), _("4분기"),
    ], [24, 32, 16, 10, 16, 8, 24, 8, 10, 10, 22, 22, 22, 22])
    for area in selectors.plan_areas(plan):
        for task in area.tasks.all():
            quarters = {q: [] for q in (1, 2, 3, 4)}
            for m in task.milestones.all():
                quarters[m.quarter].append(f"{m.text} ({status_labels[m.status]})")
            tasks.append(safe_row([
                area.title, task.title, task.department.name, task.lead, task.budget_krw,
                task.get_funding_source_display(), task.indicator, task.indicator_unit,
                None if task.baseline is None else float(task.baseline),
                None if task.target is None else float(task.target),
                *("\n".join(quarters[q]) for q in (1, 2, 3, 4)),
            ]))
    _format(tasks, {5: THOUSANDS, 9: DECIMAL, 10: DECIMAL})

    totals = selectors.budget_totals(plan)
    by_department = _sheet(book, _("부서별 예산"), [_("담당 부서"), _("예산(원)")], [24, 18])
    for name, amount in totals.by_department:
        by_department.append(safe_row([name, amount]))
    by_department.append(safe_row([_("합계"), totals.total]))
    by_source = _sheet(book, _("재원별 예산"), [_("재원"), _("예산(원)")], [12, 18])
    for _code, label, amount in totals.by_source:
        by_source.append(safe_row([label, amount]))
    by_source.append(safe_row([_("합계"), totals.total]))
    for sheet in (by_department, by_source):
        _format(sheet, {2: THOUSANDS})
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER_FONT

    board = plan_progress(plan, dong_ids=dong_ids, today=today, with_trends=False)
    targets = _sheet(book, _("동별 목표"), [
        _("행정동"), _("지표"), _("단위"), _("작년 실적"), _("목표"), _("실적"), _("기대 실적(진도)"), _("목표 대비"),
        _("진도 판정"),
    ], [14, 20, 6, 10, 10, 10, 14, 10, 10])
    for dong, cell in sorted(board.rows, key=lambda r: (r[0].dong_name, board.metrics.index(r[1].metric))):
        targets.append(safe_row([
            dong.dong_name, cell.label, cell.unit, cell.baseline, cell.target, cell.actual,
            round(float(cell.expected), 1), (cell.actual / cell.target) if cell.target else None, cell.pace_label,
        ]))
    _format(targets, {4: THOUSANDS, 5: THOUSANDS, 6: THOUSANDS, 7: DECIMAL, 8: PERCENT})

    out = BytesIO()
    for sheet in book.worksheets:
        finish_sheet(sheet)
    book.save(out)
    return out.getvalue()
