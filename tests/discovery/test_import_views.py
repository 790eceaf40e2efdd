"""The import pages and the Celery task: upload, batch page, progress JSON, error CSV, list, claim, scoping."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery import imports
from discovery.models import BigDataRound, CrisisReport, ImportBatch, ImportRowError, ImportStatus
from discovery.tasks import import_batch_run
from tests.factories import DongFactory, staff_user
from welfare.common.crypto import encrypt_bytes
from welfare.models import AccessLog, Role

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round, xlsx_bytes

pytestmark = pytest.mark.django_db

CREATE = reverse("discovery:import_create")
LIST = reverse("discovery:import_list")


def upload(client, content: bytes, *, name="list.csv", kind="crisis_list", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(CREATE, data)


def new_round_fields(year=2025, number=2) -> dict:
    today = timezone.localdate()
    return {"new_year": year, "new_number": number, "new_received_on": f"{today:%Y-%m-%d}",
            "new_due_on": f"{today + dt.timedelta(days=40):%Y-%m-%d}"}


# --- Permissions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["official", "planner"])
def test_officials_and_planners_may_not_upload(request, client_for, actor):
    client = client_for(request.getfixturevalue(actor))

    assert client.get(CREATE).status_code == 403
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("actor", ["lead", "district_admin"])
def test_leads_and_district_admins_see_the_upload_form(request, client_for, actor):
    response = client_for(request.getfixturevalue(actor)).get(CREATE)

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


# --- Upload → task → batch ----------------------------------------------------------------------------------------


def test_an_upload_with_a_new_round_runs_the_import_on_commit(client_for, district_admin, dong,
                                                              django_capture_on_commit_callbacks):
    # given a CP949 crisis list
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1), crisis_row(2, "마장동")], encoding="cp949")

    # when the admin uploads it with a new round typed inline (the task runs eagerly on commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client_for(district_admin), content, **new_round_fields())

    # then the round and batch exist, the import ran, and the page is the batch's
    batch = ImportBatch.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302 and response["Location"] == reverse("discovery:import_detail", args=[batch.pk])
    assert batch.round == BigDataRound.objects.get(year=2025, number=2)
    assert (batch.status, batch.encoding, batch.created_count, batch.uploaded_by) == ("done", "cp949", 2,
                                                                                       district_admin)
    assert bytes(batch.content) == b"" and batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert CrisisReport.objects.filter(channel="bigdata").count() == 2
    assert AccessLog.objects.filter(verb="discovery.importbatch.created", user=district_admin).exists()


def test_the_same_file_again_is_the_same_batch_and_creates_nothing(client_for, district_admin, dong,
                                                                   django_capture_on_commit_callbacks):
    round_ = make_round(dong.district)
    content = csv_bytes(CRISIS_HEADER, [crisis_row(1)])
    client = client_for(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, content, round=round_.pk)

    # when the same bytes come again under another name, with a new round typed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, content, name="renamed.csv", **new_round_fields(number=3))

    # then it is the existing batch: no batch, no round, no report, no task
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("discovery:import_detail", args=[batch.pk])
    assert callbacks == []
    assert BigDataRound.objects.count() == 1 and CrisisReport.objects.count() == 1
    assert "이미 올렸습니다" in client.get(response["Location"]).content.decode()


def test_random_bytes_are_refused_with_a_clear_message(client_for, district_admin, dong):
    round_ = make_round(dong.district)

    response = upload(client_for(district_admin), os.urandom(2048) + b"\x00", name="list.xlsx", round=round_.pk)

    assert response.status_code == 200
    assert "CSV 또는 XLSX 파일만 올릴 수 있습니다" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_xlsx_that_is_really_text_is_read_as_csv(client_for, district_admin, dong,
                                                   django_capture_on_commit_callbacks):
    round_ = make_round(dong.district)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(1)]), name="list.xlsx",
               round=round_.pk)

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.encoding, batch.created_count) == ("done", "utf-8", 1)


def test_a_file_over_the_size_limit_is_refused(client_for, district_admin, dong, settings):
    settings.IMPORT_MAX_BYTES = 100
    round_ = make_round(dong.district)

    response = upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(10)]),
                      round=round_.pk)

    assert "파일이 너무 큽니다" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_crisis_list_needs_a_round_and_the_typed_values_are_kept(client_for, district_admin, dong):
    response = upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(1)]), new_year=2025)

    html = response.content.decode()
    assert response.status_code == 200
    assert "새 차수를 만들려면 이 칸도 적으세요" in html
    assert 'name="new_year" value="2025"' in html
    assert ImportBatch.objects.count() == 0


def test_a_round_number_that_exists_is_refused_on_the_form(client_for, district_admin, dong):
    make_round(dong.district, year=2025, number=2)

    response = upload(client_for(district_admin), csv_bytes(CRISIS_HEADER, [crisis_row(1)]), **new_round_fields())

    assert "이미 있습니다" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_file_missing_a_required_column_fails_with_the_reason_and_writes_nothing(
        client_for, district_admin, dong, django_capture_on_commit_callbacks):
    round_ = make_round(dong.district)
    content = csv_bytes(["성명", "주소"], [["김민", "왕십리로 1"]])

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(district_admin), content, round=round_.pk)

    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    assert "필수 열이 없습니다" in batch.error_message and "생년월일" in batch.error_message
    assert CrisisReport.objects.count() == 0 and ImportRowError.objects.count() == 0
    page = client_for(district_admin).get(response["Location"]).content.decode()
    assert "필수 열이 없습니다" in page


def test_hostile_rows_are_refused_one_by_one_through_the_whole_path(client_for, district_admin, dong,
                                                                   django_capture_on_commit_callbacks):
    round_ = make_round(dong.district)
    rows = [crisis_row(1), crisis_row(2)[:7] + ['=HYPERLINK("http://evil","x")'],
            crisis_row(3)[:3] + ["가" * 2000] + crisis_row(3)[4:], crisis_row(4)]
    content = xlsx_bytes(CRISIS_HEADER, rows, text_cells=[(3, 8)])  # a formula stored as text, not computed

    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(district_admin), content, name="list.xlsx", round=round_.pk)

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.encoding, batch.created_count, batch.error_count) == ("done", "xlsx", 2, 2)
    assert list(ImportRowError.objects.values_list("line", flat=True)) == [3, 4]


# --- Batch page, progress, errors ----------------------------------------------------------------------------


@pytest.fixture
def finished_batch(dong, district_admin):
    round_ = make_round(dong.district)
    rows = [crisis_row(n) for n in range(1, 4)] + [crisis_row(9, birth="어제"), crisis_row(8, dong="없는동"),
                                                     crisis_row(7)[:7] + ["-2+3+cmd|'/C calc'!A0"]]
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows), round=round_, by=district_admin)
    imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    return batch


def test_the_batch_page_shows_counts_and_the_error_rows_with_their_lines(client_for, district_admin,
                                                                         finished_batch):
    client = client_for(district_admin)
    url = reverse("discovery:import_detail", args=[finished_batch.pk])

    # 8 queries: session, user, membership (scoping), the batch with its round and uploader, the count and the
    # page of error rows, the names the list used that the catalogue does not know (one grouped query), and the
    # notification badge of the base template; whatever the number of error rows
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert [e.line for e in response.context["page"].object_list] == [5, 6, 7]
    assert "없는동" in html and "생년월일" in html
    assert reverse("discovery:import_errors_csv", args=[finished_batch.pk]) in html
    assert "http-equiv=\"refresh\"" not in html  # done: no refresh
    assert len(queries) == 8


def test_a_running_batch_page_refreshes_without_javascript_and_loads_the_poller(client_for, district_admin, dong):
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(1)]), round=make_round(dong.district),
                       by=district_admin)

    html = client_for(district_admin).get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()

    assert '<noscript><meta http-equiv="refresh"' in html
    assert "js/import_progress.js" in html and "<progress" in html
    assert reverse("discovery:import_progress", args=[batch.pk]) in html


def test_the_progress_json_reports_the_counts(client_for, district_admin, finished_batch):
    response = client_for(district_admin).get(reverse("discovery:import_progress", args=[finished_batch.pk]))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"].split(", ")
    assert response.json() == {
        "status": "done", "status_label": "완료", "running": False, "total": 6, "processed": 6, "percent": 100,
        "created": 3, "duplicates": 0, "errors": 3, "error_message": "",
    }


def test_the_error_csv_is_utf8_with_bom_and_neutralises_formulas(client_for, district_admin, finished_batch):
    response = client_for(district_admin).get(reverse("discovery:import_errors_csv", args=[finished_batch.pk]))

    body = response.content
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "행 번호,사유,원본"
    assert lines[1].startswith("5,")
    assert "없는동" in text
    # no cell of the download starts like a formula (the refused formula sits inside the quoted raw text)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert any("-2+3+cmd" in c for c in cells)
    assert AccessLog.objects.filter(verb="discovery.importerrors.exported", user=district_admin).exists()


def test_a_raw_row_starting_like_a_formula_is_prefixed_in_the_error_csv(client_for, district_admin, dong):
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, [["=1+cmd"] + crisis_row(1)[1:]]),
                       round=make_round(dong.district), by=district_admin)
    imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk))

    text = client_for(district_admin).get(reverse("discovery:import_errors_csv", args=[batch.pk])).content.decode()

    assert "'=1+cmd" in text


def test_another_districts_batch_is_404_on_every_page(client_for, finished_batch, other_district_dong):
    outsider = staff_user(Role.DISTRICT_ADMIN, district=other_district_dong.district, username="ydp_admin")
    client = client_for(outsider)

    for name in ("import_detail", "import_progress", "import_errors_csv"):
        assert client.get(reverse(f"discovery:{name}", args=[finished_batch.pk])).status_code == 404


def test_a_lead_sees_only_the_batches_they_uploaded(client_for, lead, finished_batch, dong):
    mine = make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(1)]), round=finished_batch.round, by=lead)
    client = client_for(lead)

    assert client.get(reverse("discovery:import_detail", args=[finished_batch.pk])).status_code == 404
    assert [b.pk for b in client.get(LIST).context["page"].object_list] == [mine.pk]


def test_the_import_list_runs_constant_queries_and_never_loads_the_bytes(client_for, district_admin, dong):
    round_ = make_round(dong.district)
    client = client_for(district_admin)

    def count(n):
        for i in range(n):
            make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(i)]) + f"#{n}".encode(), round=round_,
                       by=district_admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return queries

    few, many = count(1), count(12)

    # 6 queries: session, user, membership, count, the page (round and uploader joined), the notification badge;
    # the same for 1 or 13 batches
    assert len(few) == len(many) == 6
    assert not any('"content"' in q["sql"] for q in many.captured_queries)


def test_an_empty_import_list_says_so(client_for, district_admin):
    assert "아직 올린 명단이 없습니다" in client_for(district_admin).get(LIST).content.decode()


# --- The task --------------------------------------------------------------------------------------------------


def pending_batch(dong, by=None, rows=None):
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, rows or [crisis_row(1), crisis_row(2)]),
                       round=make_round(dong.district), by=by)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PENDING, started_at=None)
    return batch


def test_the_task_imports_and_marks_the_batch_done(dong):
    batch = pending_batch(dong)

    result = import_batch_run.delay(batch.pk).get()

    batch.refresh_from_db()
    assert result["created"] == 2
    assert batch.status == ImportStatus.DONE and batch.finished_at is not None


def test_calling_the_task_twice_processes_once(dong):
    batch = pending_batch(dong)

    first = import_batch_run(batch.pk)
    second = import_batch_run(batch.pk)

    assert first["created"] == 2 and second is None
    assert CrisisReport.objects.count() == 2


def test_a_batch_claimed_by_another_worker_is_left_alone(dong):
    batch = pending_batch(dong)
    assert imports.batch_claim(batch.pk) is not None  # another worker holds it

    assert import_batch_run(batch.pk) is None
    assert CrisisReport.objects.count() == 0


def test_a_batch_whose_worker_died_long_ago_is_claimed_again(dong, settings):
    batch = pending_batch(dong)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, started_at=long_ago)

    assert import_batch_run(batch.pk)["created"] == 2


def test_the_task_returns_early_for_a_batch_that_is_gone(db):
    assert import_batch_run(987654) is None


def test_the_task_marks_a_broken_file_failed(dong):
    batch = pending_batch(dong)
    ImportBatch.objects.filter(pk=batch.pk).update(content=encrypt_bytes(b"PK\x03\x04 not really a zip"))

    result = import_batch_run(batch.pk)

    batch.refresh_from_db()
    assert "failed" in result
    assert batch.status == ImportStatus.FAILED and "손상" in batch.error_message
    assert CrisisReport.objects.count() == 0


def test_a_dong_of_another_district_is_an_unknown_dong(dong, other_district_dong):
    DongFactory(district=other_district_dong.district, name="문래동")
    batch = pending_batch(dong, rows=[crisis_row(1, "문래동")])

    import_batch_run(batch.pk)

    assert "이 구에 없는 행정동" in ImportRowError.objects.get(batch=batch).reason
