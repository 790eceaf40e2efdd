"""Helpers for list-import and round tests: rounds, sample files as bytes (CSV in any encoding, XLSX), batches."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.utils import timezone

from discovery import imports
from discovery.models import BigDataRound, ImportBatch, ImportKind, ImportStatus
from welfare.common.crypto import encrypt_bytes

CRISIS_HEADER = ["성명", "생년월일", "주소", "상세주소", "행정동", "연락처", "위기지표", "우선순위"]
UNIVERSAL_HEADER = ["성명", "생년월일", "주소", "상세주소", "행정동", "연락처", "성별"]
NEWBORN_HEADER = ["보호자", "아동명", "출생일", "주소", "상세주소", "행정동", "연락처"]


def make_round(district, *, year: int = 2025, number: int = 1, due_in_days: int = 30) -> BigDataRound:
    today = timezone.localdate()
    return BigDataRound.objects.create(district=district, year=year, number=number,
                                       received_on=today - dt.timedelta(days=10),
                                       due_on=today + dt.timedelta(days=due_in_days))


def crisis_row(n: int, dong: str = "왕십리도선동", *, indicators: str = "elec_arrears, nhi_arrears",
               priority: str = "중", birth: str | None = None) -> list[str]:
    return [f"김민{n:03d}", birth or f"1950-01-{n % 28 + 1:02d}", f"서울특별시 성동구 왕십리로 {n}", f"{n}호", dong,
            f"010-0{n % 1000:03d}-{n % 10000:04d}", indicators, priority]


def csv_bytes(header: list[str], rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header: list, rows: list[list], *, text_cells: tuple = ()) -> bytes:
    """An XLSX of the rows; ``text_cells`` (row, column), 1-based, are stored as text even if they look like formulas."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for row, column in text_cells:
        sheet.cell(row=row, column=column).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_batch(district, content: bytes, *, kind: str = ImportKind.CRISIS_LIST, round=None, by=None,
               file_name: str = "list.csv") -> ImportBatch:
    """A batch written straight to the table (setup only), claimed as the task would."""
    return ImportBatch.objects.create(
        district=district, kind=kind, round=round, file_name=file_name,
        file_sha256=hashlib.sha256(content).hexdigest(), content=encrypt_bytes(content), uploaded_by=by,
        status=ImportStatus.RUNNING, started_at=timezone.now(),
    )


def run(batch: ImportBatch) -> imports.ImportCounts:
    batch = ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)
    return imports.batch_import(batch=batch)
