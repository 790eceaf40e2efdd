"""A real Celery worker on Redis runs the scheduled jobs: enqueue, run, check the database; a worker killed
mid-task leaves the task to be redelivered and finished with no duplicate rows; a Redis restart loses nothing.

Run with ``DATABASE_URL=postgres://…`` (CI does); Redis is a private redis-server the session starts and stops
(the restart test restarts that one). See conftest.py for how it and the worker are started and why these tests
fail rather than skip without the services.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db.models import Count
from django.utils import timezone

from households.models import FollowUp, FollowUpReason, FollowUpStatus, Household
from plans.models import DongMonthFigure
from tests.factories import DistrictFactory, DongFactory
from welfare.models import JobRun, JobStatus

from .conftest import VISIBILITY_TIMEOUT, enqueue, restart_redis, wait_for

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def households_under_care(count: int, *, dong=None) -> list[int]:
    """``count`` households under care, contacted over the last 40 days, in a few bulk INSERTs."""
    dong = dong or DongFactory(district=DistrictFactory(name="신뢰성구"), name="신뢰성동")
    today = timezone.localdate()
    rows = [
        Household(dong=dong, road_address=f"서울특별시 성동구 왕십리로 {i % 300 + 1}", address_detail=f"{i}호",
                  housing_type="apartment", status="under_care", risk_level=("high", "medium", "low")[i % 3],
                  last_contact_on=today - dt.timedelta(days=i % 40))
        for i in range(count)
    ]
    Household.objects.bulk_create(rows, batch_size=2000)
    return list(Household.objects.filter(dong=dong).values_list("pk", flat=True))


def open_cadence_follow_ups() -> dict[int, int]:
    """Household id → number of its open cadence follow-ups."""
    rows = (FollowUp.objects.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE)
            .values("household").annotate(n=Count("id")).values_list("household", "n"))
    return dict(rows)


def done_run(job: str, *, key_contains: str = "", workers=(), timeout: float = 40) -> JobRun:
    return wait_for(
        lambda: JobRun.objects.filter(job=job, status=JobStatus.DONE, run_key__contains=key_contains).first(),
        timeout=timeout, what=f"a finished {job} run", workers=workers)


def test_worker_runs_enqueued_jobs_and_the_database_shows_their_rows(services, start_worker):
    # given 300 households under care and no follow-up yet
    households = households_under_care(300)
    worker = start_worker()
    # when two jobs are enqueued on the broker
    enqueue(services, "schedule_followups")
    enqueue(services, "plan_figures")
    # then the worker runs both; each JobRun is done and its rows are in the database
    followups = done_run("schedule_followups", workers=[worker])
    figures = done_run("plan_figures", workers=[worker])
    assert (followups.attempts, followups.counts["created"]) == (1, 300)
    per_household = open_cadence_follow_ups()
    assert set(per_household) == set(households)
    assert set(per_household.values()) == {1}
    assert figures.counts["figures"] > 0
    assert DongMonthFigure.objects.filter(dong__name="신뢰성동").count() == figures.counts["figures"]


def test_worker_killed_mid_task_is_redelivered_and_finishes_without_duplicates(services, start_worker, tmp_path):
    # given 3,000 households under care, and a worker that pauses once after the job's work is committed and
    # before its JobRun is marked done (welfare.jobs._pause_for_tests: inert outside these tests)
    households = households_under_care(3000)
    marker = tmp_path / "paused"
    pause = {"WELFARE_TEST_PAUSE_AFTER_WORK": "6", "WELFARE_TEST_PAUSE_MARKER": str(marker)}
    first = start_worker(**pause)
    task_id = enqueue(services, "schedule_followups").id
    wait_for(marker.exists, timeout=30, what="the worker to pause after the job's work", workers=[first])

    # when the worker is SIGKILLed there (main process and pool child: nothing acknowledged, nothing restored)
    first.kill()
    assert "succeeded" not in first.log()
    run = JobRun.objects.get(job="schedule_followups")
    assert run.status == JobStatus.RUNNING  # orphaned
    assert len(open_cadence_follow_ups()) == len(households)  # but the work itself was committed
    # and another worker starts once Redis's visibility timeout for the unacknowledged message has passed
    # (which, being longer than the task time limit, also makes the orphaned "running" claim stale)
    ready_at = run.started_at + dt.timedelta(seconds=VISIBILITY_TIMEOUT + 0.5)
    time.sleep(max(0.0, (ready_at - timezone.now()).total_seconds()))
    second = start_worker(**pause)  # the marker exists: no pause this time

    # then the message is redelivered to it, the run is claimed again and finished
    done = done_run("schedule_followups", workers=[first, second])
    assert task_id in second.log()
    assert done.pk == run.pk
    assert done.attempts == 2
    assert done.counts["created"] == 0  # the first attempt's rows were kept, none made twice
    # and every household has exactly one open follow-up, with no other follow-up rows at all
    per_household = open_cadence_follow_ups()
    assert set(per_household) == set(households)
    assert set(per_household.values()) == {1}
    assert FollowUp.objects.count() == len(households)


def test_redis_restart_between_runs_loses_no_follow_up(services, start_worker):
    # given a worker that has scheduled follow-ups for 2,000 households
    dong = DongFactory(district=DistrictFactory(name="신뢰성구"), name="신뢰성동")
    households = households_under_care(2000, dong=dong)
    worker = start_worker()
    enqueue(services, "schedule_followups")
    done_run("schedule_followups", workers=[worker])
    before = set(FollowUp.objects.values_list("pk", "household_id", "due_on", "status"))
    assert len(before) == len(households)

    # when Redis restarts with nothing persisted, and meanwhile 500 more households come under care
    restart_redis()
    added = set(households_under_care(500, dong=dong)) - set(households)
    assert len(added) == 500
    # and the job is run again on the same worker (forced: today's window is taken)
    enqueue(services, "schedule_followups", force=True)

    # then the worker has reconnected by itself and runs the new task
    second = done_run("schedule_followups", key_contains="manual", workers=[worker])
    assert worker.alive()
    assert "Connection to broker lost" in worker.log()
    # nothing that lived in PostgreSQL was lost or changed, nothing was duplicated, and the new households
    # have their follow-ups
    after = set(FollowUp.objects.values_list("pk", "household_id", "due_on", "status"))
    assert before <= after
    assert second.counts["created"] == len(added)
    per_household = open_cadence_follow_ups()
    assert set(per_household) == set(households) | added
    assert set(per_household.values()) == {1}
