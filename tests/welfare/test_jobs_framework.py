"""The job runner (welfare.jobs): a window is claimed once by a unique JobRun row; failed runs are claimed again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import welfare.jobs as registry
from households.models import FollowUp
from tests.households.factories_jobs import cared_household, seoul
from welfare.jobs import Job, jobs, run_job, run_key
from welfare.models import JobRun
from welfare.tasks import run_job as run_job_task

pytestmark = pytest.mark.django_db

FEB_1 = seoul(2024, 2, 1, 5)


@pytest.fixture
def due_household(dong):
    return cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31))


def test_every_job_of_the_default_schedule_is_registered():
    assert {"schedule_followups", "mark_overdue", "silence_watch", "universal_visits", "retention",
            "plan_figures"} <= set(jobs())


@pytest.mark.parametrize(("name", "moment", "key"), [
    ("schedule_followups", seoul(2024, 2, 29, 23, 30), "2024-02-29"),
    ("schedule_followups", seoul(2024, 3, 1, 0, 30), "2024-03-01"),  # still 29 February in UTC
    ("mark_overdue", seoul(2024, 3, 1, 0, 30), "2024-03-01T00"),
])
def test_windows_are_seoul_days_and_hours(name, moment, key):
    assert run_key(jobs()[name], moment) == key


def test_a_window_is_run_once(due_household):
    first = run_job("schedule_followups", now=FEB_1)
    second = run_job("schedule_followups", now=FEB_1 + dt.timedelta(hours=3))

    assert (first.status, first.attempts, first.counts["created"]) == ("done", 1, 1)
    assert first.finished_at is not None and first.error == ""
    assert second is None
    assert JobRun.objects.count() == 1


def test_a_window_already_claimed_by_another_worker_is_left_to_it(due_household):
    # given another beat's worker inserted the day's row a moment ago and is still running
    JobRun.objects.create(job="schedule_followups", run_key="2024-02-01", started_at=FEB_1)

    # when a second delivery arrives
    result = run_job("schedule_followups", now=FEB_1 + dt.timedelta(seconds=2))

    # then it does nothing at all
    assert result is None
    assert not FollowUp.objects.exists()
    assert JobRun.objects.get().status == "running"


def test_a_failed_run_is_claimed_again_and_finishes(due_household):
    JobRun.objects.create(job="schedule_followups", run_key="2024-02-01", started_at=FEB_1, status="failed",
                          error="OperationalError: server closed the connection")

    run = run_job("schedule_followups", now=FEB_1 + dt.timedelta(minutes=5))

    assert (run.status, run.attempts, run.error, run.counts["created"]) == ("done", 2, "", 1)
    assert FollowUp.objects.count() == 1


def test_a_run_whose_worker_died_is_claimed_again_after_the_time_limit(due_household, settings):
    started = FEB_1
    JobRun.objects.create(job="schedule_followups", run_key="2024-02-01", started_at=started)

    too_soon = run_job("schedule_followups", now=started + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT - 1))
    later = run_job("schedule_followups", now=started + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1))

    assert too_soon is None
    assert later.status == "done" and later.attempts == 2


def test_a_failing_job_records_its_error_and_raises(monkeypatch):
    def boom(now):
        raise RuntimeError("database went away")

    jobs()  # import the job modules before the registry is patched
    monkeypatch.setitem(registry._REGISTRY, "boom", Job(name="boom", label="실패 시험", window="day", func=boom))

    with pytest.raises(RuntimeError):
        run_job("boom", now=FEB_1)

    run = JobRun.objects.get(job="boom")
    assert run.status == "failed" and run.finished_at is not None
    assert "RuntimeError: database went away" in run.error


def test_force_runs_again_under_its_own_key_and_the_job_still_creates_nothing_twice(due_household):
    with time_machine.travel(FEB_1, tick=False):
        run_job("schedule_followups")
        forced = run_job("schedule_followups", force=True)

    assert forced.run_key.startswith("2024-02-01/manual-")
    assert forced.counts["created"] == 0
    assert FollowUp.objects.count() == 1


def test_an_unknown_job_is_refused_by_name():
    with pytest.raises(KeyError, match="no_such_job"):
        run_job("no_such_job")


def test_the_celery_task_runs_the_job_and_reports_its_counts(due_household):
    # Unit tests run Celery eagerly (tests/conftest.py); the real-worker tests live with the Redis suite.
    with time_machine.travel(FEB_1, tick=False):
        result = run_job_task.delay("schedule_followups").get()
        again = run_job_task.delay("schedule_followups").get()

    assert result["job"] == "schedule_followups" and result["run_key"] == "2024-02-01"
    assert result["counts"]["created"] == 1
    assert again is None
