"""Uploaded lists as personal data (issue 11, item 8): error rows never keep a registration number in clear text
(stored, on the batch page, in errors.csv), the uploaded file is stored encrypted and deleted when the import
ends or after IMPORT_UPLOAD_RETENTION_DAYS by the nightly retention job, and an unfinished batch whose file was
deleted goes on when the same file is uploaded again."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from discovery import imports
from discovery.models import CrisisReport, ImportBatch, ImportRowError, ImportStatus
from discovery.tasks import import_batch_run
from households.jobs.retention import retention
from welfare.common import crypto
from welfare.common.masking import has_rrn, mask_rrns

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round, run

pytestmark = pytest.mark.django_db

CLEAR = "900101-1234567"


def stored_content(batch: ImportBatch) -> bytes:
    return bytes(ImportBatch.objects.values_list("content", flat=True).get(pk=batch.pk))


def fetch(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)


# --- Masking ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, masked", [
    ("900101-1234567", "900101-1******"),
    ("김민수,9001011234567,서울", "김민수,900101-1******,서울"),
    ("번호 900101 - 2234567 입니다", "번호 900101-2****** 입니다"),
    ("000229–4123456", "000229-4******"),
    ("전화 010-1234-5678", "전화 010-1234-5678"),  # a phone number is not a registration number
    ("19900101-1234567", "19900101-1234567"),  # part of a longer run of digits: not RRN-shaped
    ("900101-9234567", "900101-9234567"),  # no such 7th digit
    ("", ""),
])
def test_rrn_shaped_values_are_masked(text, masked):
    assert mask_rrns(text) == masked
    assert has_rrn(masked) is False


def test_error_rows_keep_no_registration_number_on_the_page_or_in_the_csv(client_for, district_admin, dong):
    # given a list whose refused rows carry registration numbers (one in the birth-date column, one in a note-like
    # extra column)
    bad_birth = crisis_row(1, birth=CLEAR)
    unknown_dong = crisis_row(2, dong="없는동") + ["주민번호 850505 2345678"]
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER + ["비고"], [bad_birth + [""], unknown_dong]),
                       round=make_round(dong.district), by=district_admin)

    # when it is imported
    run(batch)

    # then the stored rows, the page and errors.csv show the numbers masked, never in clear text
    stored = list(ImportRowError.objects.filter(batch=batch).values_list("reason", "raw"))
    assert len(stored) == 2
    assert not any(has_rrn(reason) or has_rrn(raw) for reason, raw in stored)
    assert "900101-1******" in stored[0][1] and "850505-2******" in stored[1][1]
    client = client_for(district_admin)
    html = client.get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()
    text = client.get(reverse("discovery:import_errors_csv", args=[batch.pk])).content.decode("utf-8-sig")
    for shown in (html, text):
        assert "1234567" not in shown and "2345678" not in shown
        assert "900101-1******" in shown


# --- Encrypted at rest, deleted when done ------------------------------------------------------------------------


def test_the_upload_is_stored_encrypted_and_deleted_when_the_import_is_done(client_for, district_admin, dong):
    content = csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, 4)])
    round_ = make_round(dong.district)
    batch, created = imports.batch_create(by=district_admin, kind="crisis_list", file_name="list.csv",
                                          content=content, round=round_)
    assert created
    stored = stored_content(batch)
    assert stored != content and "김민001".encode() not in stored and b"010-0" not in stored
    assert crypto.decrypt_bytes(stored) == content
    assert fetch(batch).upload_kept

    import_batch_run.apply(args=[batch.pk])
    done = fetch(batch)
    assert done.status == ImportStatus.DONE and CrisisReport.objects.count() == 3
    assert stored_content(batch) == b"" and done.upload_deleted_at is not None
    html = client_for(district_admin).get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()
    assert "지움" in html


def test_a_failed_import_deletes_its_upload(district_admin, dong):
    batch, _ = imports.batch_create(by=district_admin, kind="crisis_list", file_name="list.csv",
                                    content=csv_bytes(CRISIS_HEADER, []) + b"", round=make_round(dong.district))
    import_batch_run.apply(args=[batch.pk])
    failed = fetch(batch)
    assert failed.status == ImportStatus.FAILED and "데이터 행이 없습니다" in failed.error_message
    assert stored_content(batch) == b"" and failed.upload_deleted_at is not None


# --- Retention ---------------------------------------------------------------------------------------------------


def aged(batch: ImportBatch, *, days: float) -> ImportBatch:
    then = timezone.now() - dt.timedelta(days=days)
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=then, started_at=then, heartbeat_at=then)
    return fetch(batch)


def test_the_retention_job_deletes_old_unfinished_uploads_and_keeps_recent_or_live_ones(dong, settings):
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 7
    round_ = make_round(dong.district)
    rows = [crisis_row(n) for n in range(1, 3)]

    def batch(n: int) -> ImportBatch:
        return make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows + [crisis_row(10 + n)]), round=round_)

    interrupted = aged(batch(1), days=8)
    ImportBatch.objects.filter(pk=interrupted.pk).update(status=ImportStatus.INTERRUPTED)
    stuck = aged(batch(2), days=9)  # "running", its worker long gone
    recent = aged(batch(3), days=6)
    ImportBatch.objects.filter(pk=recent.pk).update(status=ImportStatus.INTERRUPTED)
    live = aged(batch(4), days=8)  # still running: a fresh heartbeat
    ImportBatch.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now())

    counts = retention(timezone.now())

    assert counts["uploads_deleted"] == 2 and counts["unfinished_uploads_deleted"] == 2
    for gone in (interrupted, stuck):
        after = fetch(gone)
        assert stored_content(gone) == b"" and after.upload_deleted_at is not None
        assert after.status == ImportStatus.INTERRUPTED and "보관 기간(7일)" in after.error_message
        assert not imports.restartable(after)
        assert imports.batch_claim(after.pk) is None  # a redelivered task cannot run it without its file
    for kept in (recent, live):
        assert crypto.is_encrypted(stored_content(kept)) and fetch(kept).upload_kept


def test_uploading_the_same_file_again_resumes_a_batch_whose_file_was_deleted(
        client_for, district_admin, dong, settings, django_capture_on_commit_callbacks):
    # given a batch that imported its first chunk, stopped, and lost its file to the retention period
    content = csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, 6)])
    round_ = make_round(dong.district)
    batch = make_batch(dong.district, content, round=round_, by=district_admin)
    imports.batch_import(batch=fetch(batch), chunk_rows=2)  # all 5 rows: reset to "after line 3" below
    first_two = list(CrisisReport.objects.order_by("pk").values_list("pk", flat=True)[:2])
    CrisisReport.objects.exclude(pk__in=first_two).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(resume_line=3, processed_rows=2, created_count=2,
                                                   status=ImportStatus.INTERRUPTED)
    aged(batch, days=settings.IMPORT_UPLOAD_RETENTION_DAYS + 1)
    retention(timezone.now())
    page = client_for(district_admin).get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()
    assert "같은 파일 다시 올리기" in page and 'id="import-restart"' not in page

    # when the same file is uploaded again
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(district_admin).post(reverse("discovery:import_create"), {
            "kind": "crisis_list", "round": round_.pk, "file": SimpleUploadedFile("again.csv", content)},
            follow=True)

    # then the batch goes on after line 3: every row once, and the file is deleted again at the end
    assert "멈춘 곳부터 이어서 처리합니다" in response.content.decode()
    after = fetch(batch)
    assert after.status == ImportStatus.DONE and ImportBatch.objects.count() == 1
    assert CrisisReport.objects.count() == 5 and after.created_count == 5
    assert stored_content(batch) == b""


# --- The data migration ------------------------------------------------------------------------------------------


def test_the_migration_encrypts_old_uploads_and_masks_old_error_rows(dong):
    migration = importlib.import_module("discovery.migrations.0005_import_upload_encrypted")
    plain = csv_bytes(CRISIS_HEADER, [crisis_row(1)])
    open_batch = make_batch(dong.district, plain, round=make_round(dong.district))
    ImportBatch.objects.filter(pk=open_batch.pk).update(content=plain, status=ImportStatus.INTERRUPTED)
    done_batch = make_batch(dong.district, plain + b"\r\n", round=open_batch.round)
    ImportBatch.objects.filter(pk=done_batch.pk).update(content=plain, status=ImportStatus.DONE)
    ImportRowError.objects.create(batch=open_batch, line=2, reason=f"생년월일 {CLEAR} 오류", raw=f"김민수,{CLEAR}")

    migration.forwards(apps, None)

    assert crypto.decrypt_bytes(stored_content(open_batch)) == plain
    assert stored_content(done_batch) == b"" and fetch(done_batch).upload_deleted_at is not None
    row = ImportRowError.objects.get(batch=open_batch)
    assert (row.reason, row.raw) == ("생년월일 900101-1****** 오류", "김민수,900101-1******")
    migration.forwards(apps, None)  # twice is harmless: nothing is encrypted twice
    assert crypto.decrypt_bytes(stored_content(open_batch)) == plain
