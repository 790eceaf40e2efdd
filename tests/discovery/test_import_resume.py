"""Resumable imports (issue 12 item 1): each chunk is committed with the batch's last line, a run that stops is
continued from there (no row imported twice, no error row stored twice), a batch whose heartbeat is stale is
claimed again (redelivery) or picked up by the ``import_sweep`` job, and the page says "중단됨 — 다시 시작"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from discovery import imports
from discovery.models import (
    BigDataRound,
    BigDataTarget,
    CrisisReport,
    ImportBatch,
    ImportRowError,
    ImportStatus,
)
from discovery.tasks import import_batch_run
from households.models import Household
from welfare.jobs import run_job
from welfare.models import AccessLog

from .factories_imports import (
    CRISIS_HEADER,
    UNIVERSAL_HEADER,
    crisis_row,
    csv_bytes,
    make_batch,
    make_round,
)

pytestmark = pytest.mark.django_db


def fetch(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)


class Killed(Exception):
    """Stands for the worker dying in the middle of a chunk."""


def kill_during_chunk(monkeypatch, writer, number: int, seen: list[int]) -> None:
    """The writer dies inside chunk ``number`` (after writing its rows, before the commit); every line handed to
    the writer is recorded in ``seen``."""
    real = writer.write
    calls = {"n": 0}

    def write(self, rows):
        calls["n"] += 1
        seen.extend(row.line for row in rows)
        written = real(self, rows)
        if calls["n"] == number:
            raise Killed
        return written

    monkeypatch.setattr(writer, "write", write)


def mixed_rows() -> list[list[str]]:
    """12 data rows (lines 2–13): 9 people, one of them twice (lines 3 and 12), 2 bad rows (lines 6 and 11)."""
    rows = [crisis_row(n) for n in range(1, 11)]
    rows[4] = crisis_row(5, birth="어제")
    rows[9] = crisis_row(10, dong="없는동")
    return rows + [crisis_row(2), crisis_row(11)]


def test_a_run_killed_mid_chunk_resumes_after_the_last_committed_line_and_imports_each_row_once(
        dong, monkeypatch):
    # given a 12-row list, in chunks of 3, whose run dies inside the third chunk
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, mixed_rows()), round=make_round(dong.district))
    first_seen: list[int] = []
    kill_during_chunk(monkeypatch, imports.CrisisWriter, 3, first_seen)
    with pytest.raises(Killed):
        imports.batch_import(batch=fetch(batch), chunk_rows=3)

    # then two chunks are committed and the batch records their last line and counts
    stopped = fetch(batch)
    assert (stopped.resume_line, stopped.processed_rows, stopped.total_rows) == (7, 6, 12)
    assert CrisisReport.objects.count() == 5 and ImportRowError.objects.count() == 1

    # when the batch runs again
    monkeypatch.undo()
    second_seen: list[int] = []
    kill_during_chunk(monkeypatch, imports.CrisisWriter, 99, second_seen)
    counts = imports.batch_import(batch=fetch(batch), chunk_rows=3)

    # then it read on from line 8: no committed line reached the writer twice
    assert min(second_seen) == 8
    assert not set(second_seen) & {line for line in first_seen if line <= 7}
    # and the counts are those of an uninterrupted run: 9 people created, the repeated one already there once
    assert (counts.total, counts.processed, counts.created, counts.duplicates, counts.errors) == (12, 12, 9, 1, 2)
    assert CrisisReport.objects.filter(import_batch=batch.pk).count() == 9
    assert BigDataTarget.objects.count() == 9
    assert list(ImportRowError.objects.order_by("line").values_list("line", flat=True)) == [6, 11]
    done = fetch(batch)
    assert (done.created_count, done.duplicate_count, done.error_count, done.resume_line) == (9, 1, 2, 13)


def test_an_uninterrupted_run_counts_the_same(dong):
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, mixed_rows()), round=make_round(dong.district))

    counts = imports.batch_import(batch=fetch(batch), chunk_rows=3)

    assert (counts.created, counts.duplicates, counts.errors) == (9, 1, 2)


def test_a_resumed_universal_list_puts_two_new_people_of_one_address_in_one_household(dong, monkeypatch):
    # given two people turning 65 at one new address, in chunks on both sides of a kill
    born = timezone.localdate().replace(day=1) - dt.timedelta(days=365 * 65 - 60)
    rows = [[f"사람{n}", f"{born:%Y%m%d}", f"서울특별시 성동구 마조로 {n}", "", "왕십리도선동", "", "여"]
            for n in range(1, 5)]
    rows[3][2] = rows[0][2]  # lines 2 and 5: the same address
    batch = make_batch(dong.district, csv_bytes(UNIVERSAL_HEADER, rows), kind="turning_65")
    kill_during_chunk(monkeypatch, imports.UniversalWriter, 2, [])
    with pytest.raises(Killed):
        imports.batch_import(batch=fetch(batch), chunk_rows=2)
    monkeypatch.undo()

    counts = imports.batch_import(batch=fetch(batch), chunk_rows=2)

    # then 4 people, 3 households: the second person at the address joined the household the first run made
    assert counts.created == 4
    assert Household.objects.count() == 3
    assert Household.objects.filter(road_address=rows[0][2]).get().residents.count() == 2


# --- Claims, heartbeats, takeover -------------------------------------------------------------------------------


def running_batch(dong, *, silent_for: float, attempts: int = 1, rows: int = 4) -> ImportBatch:
    round_ = BigDataRound.objects.filter(district=dong.district).first() or make_round(dong.district)
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, rows + 1)]),
                       round=round_)
    then = timezone.now() - dt.timedelta(seconds=silent_for)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=then, heartbeat_at=then, attempts=attempts)
    return fetch(batch)


def test_a_running_batch_with_a_fresh_heartbeat_is_not_claimed(dong, settings):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS - 5)

    assert imports.batch_claim(batch.pk) is None
    assert import_batch_run(batch.pk) is None
    assert CrisisReport.objects.count() == 0


def test_a_batch_whose_heartbeat_is_stale_is_claimed_again_and_finished(dong, settings):
    # given a batch whose worker died after committing 2 of its 4 rows
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 5)
    first = imports.batch_claim(batch.pk)
    assert first is not None
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=first)
    _stop_after_first_chunk(batch, first)
    stale = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 5)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=stale)

    # when the redelivered task runs
    result = import_batch_run(batch.pk)

    # then it goes on from line 3: every row once, the batch done after its second claim in this test
    batch.refresh_from_db()
    assert (result["created"], result["processed"]) == (4, 4)
    assert (batch.status, batch.attempts, batch.created_count) == (ImportStatus.DONE, 3, 4)
    assert CrisisReport.objects.count() == 4


def _stop_after_first_chunk(batch: ImportBatch, claimed_at) -> None:
    class Stop(Exception):
        pass

    real = imports.CrisisWriter.write
    calls = {"n": 0}

    def write(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Stop
        return real(self, rows)

    imports.CrisisWriter.write = write
    try:
        with pytest.raises(Stop):
            imports.batch_import(batch=fetch(batch), chunk_rows=2, claimed_at=claimed_at)
    finally:
        imports.CrisisWriter.write = real
    assert fetch(batch).resume_line == 3


def test_a_run_whose_claim_was_taken_over_commits_nothing_more(dong, settings):
    # given a run presumed dead: another worker claimed the batch while it was writing a chunk
    batch = running_batch(dong, silent_for=0)
    real = imports.CrisisWriter.write

    def write(self, rows):
        written = real(self, rows)
        ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() + dt.timedelta(seconds=1))
        return written

    imports.CrisisWriter.write = write
    try:
        with pytest.raises(imports.ClaimLost):
            imports.batch_import(batch=batch, chunk_rows=2)
    finally:
        imports.CrisisWriter.write = real

    # then its chunk was rolled back: the new claimant starts from line 1
    assert CrisisReport.objects.count() == 0
    assert fetch(batch).resume_line == 0


def test_a_batch_claimed_too_often_is_not_claimed_again(dong, settings):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 5, attempts=imports.MAX_ATTEMPTS)

    assert imports.batch_claim(batch.pk) is None


def test_the_heartbeat_moves_while_a_batch_runs(dong, settings):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS - 5)

    imports.batch_import(batch=batch, chunk_rows=2)

    batch.refresh_from_db()
    assert (timezone.now() - batch.heartbeat_at).total_seconds() < 5


# --- The sweep --------------------------------------------------------------------------------------------------


def test_the_sweep_resumes_stalled_batches_and_leaves_live_ones(dong, settings,
                                                               django_capture_on_commit_callbacks):
    # given a batch whose worker vanished, one waiting whose message was lost, one alive, one claimed too often
    vanished = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 60)
    lost = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 60, rows=3)
    ImportBatch.objects.filter(pk=lost.pk).update(status=ImportStatus.PENDING, started_at=None, heartbeat_at=None,
                                                  uploaded_at=timezone.now() - dt.timedelta(hours=1))
    alive = running_batch(dong, silent_for=1, rows=2)
    hopeless = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 60, attempts=imports.MAX_ATTEMPTS,
                             rows=5)

    # when the hourly sweep runs (the task runs eagerly here, on commit)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_job("import_sweep")

    # then the stalled ones are finished, the live one untouched, the hopeless one interrupted for a restart
    assert run.counts == {"resumed": 2, "interrupted": 1}
    states = dict(ImportBatch.objects.values_list("pk", "status"))
    assert states == {vanished.pk: "done", lost.pk: "done", alive.pk: "running", hopeless.pk: "interrupted"}
    assert "다시 시작" in ImportBatch.objects.get(pk=hopeless.pk).error_message
    assert CrisisReport.objects.count() == 4  # the vanished and the lost batch share their first three people


def test_the_sweep_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="welfare: import_sweep")
    assert (task.task, task.args, task.enabled) == ("welfare.run_job", '["import_sweep"]', True)


# --- The page: "중단됨 — 다시 시작" ------------------------------------------------------------------------------


def test_a_stalled_batch_page_says_interrupted_and_offers_a_restart(client_for, district_admin, dong, settings):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 5)
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_by=district_admin)
    client = client_for(district_admin)

    html = client.get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()
    progress = client.get(reverse("discovery:import_progress", args=[batch.pk])).json()
    listing = client.get(reverse("discovery:import_list")).content.decode()

    assert "중단됨 — " in html and reverse("discovery:import_restart", args=[batch.pk]) in html
    assert "js/import_progress.js" not in html and 'http-equiv="refresh"' not in html
    assert (progress["status"], progress["status_label"], progress["running"]) == ("interrupted", "중단됨", False)
    assert "중단됨" in listing


def test_a_live_batch_page_says_running_without_a_restart(client_for, district_admin, dong):
    batch = running_batch(dong, silent_for=1)

    html = client_for(district_admin).get(reverse("discovery:import_detail", args=[batch.pk])).content.decode()

    assert "처리 중" in html and "import-restart" not in html


def test_restart_resumes_the_batch_and_is_logged(client_for, district_admin, dong, settings,
                                                 django_capture_on_commit_callbacks):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 5, attempts=imports.MAX_ATTEMPTS)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.INTERRUPTED, error_message="멈춤")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(district_admin).post(reverse("discovery:import_restart", args=[batch.pk]))

    batch.refresh_from_db()
    assert response.status_code == 302
    assert (batch.status, batch.created_count, batch.attempts) == (ImportStatus.DONE, 4, 1)
    assert AccessLog.objects.filter(verb="discovery.importbatch.restarted", user=district_admin).exists()


def test_a_live_batch_cannot_be_restarted(client_for, district_admin, dong, django_capture_on_commit_callbacks):
    batch = running_batch(dong, silent_for=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(district_admin).post(reverse("discovery:import_restart", args=[batch.pk]),
                                                   follow=True)

    assert callbacks == []
    assert "다시 시작할 수 없습니다" in response.content.decode()
    assert fetch(batch).status == ImportStatus.RUNNING


@pytest.mark.parametrize("actor", ["official", "planner"])
def test_only_uploaders_may_restart(request, client_for, actor, dong, settings):
    batch = running_batch(dong, silent_for=settings.IMPORT_STALE_SECONDS + 5)

    response = client_for(request.getfixturevalue(actor)).post(reverse("discovery:import_restart", args=[batch.pk]))

    assert response.status_code == 403
    assert fetch(batch).status == ImportStatus.RUNNING


def test_uploading_the_same_file_while_its_batch_is_stuck_resumes_it(client_for, district_admin, dong, settings,
                                                                      django_capture_on_commit_callbacks):
    # given the file's batch, stuck "처리 중" after its worker died
    content = csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(1, 4)])
    round_ = make_round(dong.district)
    batch = make_batch(dong.district, content, round=round_, by=district_admin)
    stale = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 5)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=stale, heartbeat_at=stale, attempts=1)

    # when the same file is uploaded again
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(district_admin).post(reverse("discovery:import_create"), {
            "kind": "crisis_list", "round": round_.pk, "file": SimpleUploadedFile("again.csv", content)},
            follow=True)

    # then it is the same batch, started again and finished, and the page says so
    assert ImportBatch.objects.count() == 1
    assert fetch(batch).status == ImportStatus.DONE and CrisisReport.objects.count() == 3
    assert "멈춘 곳부터 이어서 처리합니다" in response.content.decode()
