"""Bounded uploads (issue 12 item 2): rows per upload, the inflated size of an XLSX (refused before parsing) and
the error rows stored per batch (the first N kept, the rest counted and said so), each with a small generated
file and the setting lowered in the test."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from discovery import imports
from discovery.models import CrisisReport, ImportBatch, ImportRowError, ImportStatus

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, round_, *, name="list.csv"):
    return client.post(reverse("discovery:import_create"),
                       {"kind": "crisis_list", "round": round_.pk, "file": SimpleUploadedFile(name, content)})


# --- Rows per upload --------------------------------------------------------------------------------------------


def test_a_csv_over_the_row_cap_is_refused_at_upload_with_a_clear_message(client_for, district_admin, dong,
                                                                          settings):
    settings.IMPORT_MAX_ROWS = 5
    round_ = make_round(dong.district)

    response = upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(6)]),
                      round_)

    assert response.status_code == 200
    assert "행이 너무 많습니다. 한 번에 5행까지 올릴 수 있습니다" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_csv_at_the_row_cap_is_imported(client_for, district_admin, dong, settings,
                                          django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_ROWS = 5
    round_ = make_round(dong.district)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, 6)]), round_)

    assert (ImportBatch.objects.get().status, CrisisReport.objects.count()) == (ImportStatus.DONE, 5)


def test_an_xlsx_over_the_row_cap_fails_in_the_worker_before_any_row_is_written(dong, settings):
    settings.IMPORT_MAX_ROWS = 5
    batch = make_batch(dong.district, xlsx_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, 8)]),
                       round=make_round(dong.district), file_name="list.xlsx")

    from discovery.tasks import import_batch_run

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PENDING, started_at=None)
    result = import_batch_run(batch.pk)

    batch.refresh_from_db()
    assert "행이 너무 많습니다" in result["failed"]
    assert batch.status == ImportStatus.FAILED and "5행까지" in batch.error_message
    assert CrisisReport.objects.count() == 0 and ImportRowError.objects.count() == 0


# --- The inflated size of an XLSX -----------------------------------------------------------------------------


def bomb(inflated: int) -> bytes:
    """A small XLSX-looking zip whose sheet inflates to ``inflated`` bytes of one repeated row."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        archive.writestr("xl/worksheets/sheet1.xml", row * (inflated // len(row)))
    return out.getvalue()


def test_an_xlsx_that_inflates_past_the_cap_is_refused_at_upload_before_parsing(client_for, district_admin, dong,
                                                                                 settings, monkeypatch):
    # given a 200 KB cap and a zip of a few KB that inflates to 2 MB
    settings.IMPORT_MAX_XLSX_INFLATED_BYTES = 200_000
    content = bomb(2_000_000)
    assert len(content) < 20_000
    import openpyxl

    def never(*args, **kwargs):  # pragma: no cover - called only if the check failed
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)

    response = upload(client_for(district_admin), content, make_round(dong.district), name="list.xlsx")

    assert "압축을 풀면 0.190735 MB가 넘는 XLSX 파일은 올릴 수 없습니다" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_an_xlsx_under_the_inflated_cap_is_read(settings):
    settings.IMPORT_MAX_XLSX_INFLATED_BYTES = 200_000
    content = xlsx_bytes(CRISIS_HEADER, [crisis_row(1)])

    assert imports.file_format(content) == imports.XLSX


# --- Error rows stored per batch ------------------------------------------------------------------------------


@pytest.fixture
def many_errors(dong, district_admin, settings):
    """A list of 3 good and 8 bad rows (an unknown dong), imported in chunks of 3 with room for 3 error rows."""
    settings.IMPORT_MAX_ERROR_ROWS = 3
    rows = [crisis_row(n, dong="없는동") if n % 3 else crisis_row(n) for n in range(1, 12)]
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows), round=make_round(dong.district),
                       by=district_admin)
    counts = imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=3)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    return batch, counts


def test_only_the_first_error_rows_are_stored_and_the_rest_counted(many_errors):
    batch, counts = many_errors

    batch.refresh_from_db()
    assert (counts.created, counts.errors, counts.errors_dropped) == (3, 8, 5)
    assert (batch.error_count, batch.error_rows_dropped, batch.error_rows_kept) == (8, 5, 3)
    assert list(ImportRowError.objects.order_by("line").values_list("line", flat=True)) == [2, 3, 5]


def test_the_page_and_the_csv_say_how_many_error_rows_were_not_kept(client_for, district_admin, many_errors):
    batch, _counts = many_errors
    client = client_for(district_admin)

    html = client.get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()
    text = client.get(reverse("discovery:import_errors_csv", args=[batch.pk])).content.decode("utf-8-sig")

    message = "오류 행이 많아 처음 3행만 보관했습니다. 나머지 5행은 세기만 했습니다"
    assert message in html
    lines = text.splitlines()
    assert len(lines) == 1 + 3 + 1 and message in lines[-1]


def test_a_resumed_batch_keeps_no_more_error_rows_than_the_cap(dong, settings, monkeypatch):
    # given a run killed in its third chunk after two chunks of errors were stored
    settings.IMPORT_MAX_ERROR_ROWS = 3
    rows = [crisis_row(n, dong="없는동") if n % 3 else crisis_row(n) for n in range(1, 12)]
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows), round=make_round(dong.district))
    real = imports.CrisisWriter.write
    calls = {"n": 0}

    def dying(self, good):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real(self, good)

    monkeypatch.setattr(imports.CrisisWriter, "write", dying)
    with pytest.raises(RuntimeError):
        imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=3)
    monkeypatch.setattr(imports.CrisisWriter, "write", real)

    counts = imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=3)

    assert (counts.errors, counts.errors_dropped) == (8, 5)
    assert ImportRowError.objects.count() == 3
