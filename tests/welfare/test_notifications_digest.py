"""The daily e-mail digest of unread notifications, and the job runs shown to admins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from tests.factories import UserFactory
from tests.households.factories_notifications import NotificationFactory
from welfare.jobs import jobs, run_job
from welfare.models import JobRun, JobStatus, Notification
from welfare.notifications import email_digest

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def with_email(official, lead):
    official.email = "official@dong.example.go.kr"
    official.save()
    lead.email = "lead@dong.example.go.kr"
    lead.save()
    return official, lead


def test_one_mail_per_user_with_unread_notifications(with_email, mailoutbox, settings):
    # given two unread for the official, one for the lead, and a read one for the lead
    settings.SITE_URL = "https://welfare.example.go.kr"
    official, lead = with_email
    first, second = NotificationFactory.create_batch(2, user=official)
    NotificationFactory(user=lead)
    NotificationFactory(user=lead, read_at=timezone.now(), title="이미 읽은 알림")
    # when the digest runs
    counts = email_digest(NOW)
    # then each gets one mail counting only their unread items, with links that open them on the site
    assert counts == {"users": 2, "emails": 2, "notifications": 3, "failed": 0}
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"official@dong.example.go.kr", "lead@dong.example.go.kr"}
    mail = by_address["official@dong.example.go.kr"]
    assert mail.subject == "[찾동 복지] 읽지 않은 알림 2건"
    assert first.title in mail.body and second.title in mail.body
    assert f"https://welfare.example.go.kr/notifications/{first.pk}/open/" in mail.body
    assert "https://welfare.example.go.kr/notifications/" in mail.body
    assert "이미 읽은 알림" not in by_address["lead@dong.example.go.kr"].body
    assert by_address["lead@dong.example.go.kr"].subject == "[찾동 복지] 읽지 않은 알림 1건"


def test_notifications_are_mailed_once(with_email, mailoutbox):
    official, _ = with_email
    NotificationFactory(user=official)
    email_digest(NOW)
    # when the digest runs again (a forced run, or the next day with nothing new)
    again = email_digest(NOW + dt.timedelta(days=1))
    # then nothing is sent twice; only what arrived since goes out the next time
    assert again["emails"] == 0
    assert len(mailoutbox) == 1
    NotificationFactory(user=official, title="다음 날 알림")
    email_digest(NOW + dt.timedelta(days=2))
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[찾동 복지] 읽지 않은 알림 1건"
    assert "다음 날 알림" in mailoutbox[1].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_users_without_an_address_or_inactive_get_no_mail(official, lead, mailoutbox):
    # given the official has no address and the lead's account is switched off
    lead.email = "lead@dong.example.go.kr"
    lead.is_active = False
    lead.save()
    NotificationFactory(user=official)
    NotificationFactory(user=lead)
    counts = email_digest(NOW)
    assert counts["emails"] == 0
    assert mailoutbox == []
    # their notifications stay unsent, for the site
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_a_long_list_is_cut_and_the_rest_counted(with_email, mailoutbox):
    official, _ = with_email
    NotificationFactory.create_batch(35, user=official)
    email_digest(NOW)
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "[찾동 복지] 읽지 않은 알림 35건"
    assert body.count("/open/") == 30
    assert "외 5건은 사이트에서 확인하세요." in body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 35


def test_digest_can_be_switched_off(with_email, mailoutbox, settings):
    settings.NOTIFICATION_DIGEST_ENABLED = False
    official, _ = with_email
    NotificationFactory(user=official)
    assert email_digest(NOW)["emails"] == 0
    assert mailoutbox == []


class RefusingBackend(EmailBackend):
    """Delivers like locmem but refuses one address, as a mail server refusing a recipient would."""

    def send_messages(self, messages):
        if any("refused@" in address for message in messages for address in message.to):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_a_refused_mail_leaves_its_notifications_for_the_next_run(official, lead, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.welfare.test_notifications_digest.RefusingBackend"
    official.email = "refused@dong.example.go.kr"
    official.save()
    lead.email = "lead@dong.example.go.kr"
    lead.save()
    NotificationFactory(user=official)
    NotificationFactory(user=lead)
    counts = email_digest(NOW)
    assert (counts["emails"], counts["failed"]) == (1, 1)
    assert [m.to for m in mailoutbox] == [["lead@dong.example.go.kr"]]
    assert list(Notification.objects.filter(emailed_at__isnull=True).values_list("user", flat=True)) == [official.pk]


def test_digest_is_a_daily_job_recorded_as_a_job_run(with_email, mailoutbox):
    official, _ = with_email
    NotificationFactory(user=official)
    job = jobs()["email_digest"]
    assert (job.window, job.label) == ("day", "알림 메일 요약")
    run = run_job("email_digest", now=NOW)
    assert run.status == JobStatus.DONE
    assert run.counts["emails"] == 1
    # the same day again: the window is taken, nothing is sent
    assert run_job("email_digest", now=NOW + dt.timedelta(hours=3)) is None
    assert len(mailoutbox) == 1


def test_digest_runs_a_constant_number_of_queries(with_email, mailoutbox, django_assert_max_num_queries):
    # One read of every pending notification with its user, then one UPDATE: not a query per user or row.
    official, lead = with_email
    for user in (official, lead, *UserFactory.create_batch(5, email="x@dong.example.go.kr")):
        NotificationFactory.create_batch(3, user=user)
    with django_assert_max_num_queries(2):
        counts = email_digest(NOW)
    assert counts["emails"] == 7


# --- Job runs in the admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_with_runs(admin_client):
    now = timezone.now()
    JobRun.objects.create(job="schedule_followups", run_key="2026-11-24", status=JobStatus.DONE, started_at=now,
                          finished_at=now + dt.timedelta(seconds=1.5), counts={"created": 12, "households": 40})
    JobRun.objects.create(job="mark_overdue", run_key="2026-11-24T07", status=JobStatus.FAILED, started_at=now,
                          finished_at=now, attempts=2,
                          error="Traceback (most recent call last):\n  ...\nOperationalError: server closed")
    return admin_client


def test_job_runs_are_listed_for_admins_with_duration_counts_and_error(admin_client_with_runs):
    html = admin_client_with_runs.get("/admin/welfare/jobrun/").content.decode()
    assert "schedule_followups" in html and "mark_overdue" in html
    assert "1.50 s" in html
    assert "created 12, households 40" in html
    assert "OperationalError: server closed" in html


def test_job_runs_filter_by_status_and_are_read_only(admin_client_with_runs):
    failed = admin_client_with_runs.get("/admin/welfare/jobrun/", {"status__exact": "failed"})
    assert [run.job for run in failed.context["cl"].result_list] == ["mark_overdue"]
    by_job = admin_client_with_runs.get("/admin/welfare/jobrun/", {"job": "schedule_followups"})
    assert [run.job for run in by_job.context["cl"].result_list] == ["schedule_followups"]
    run = JobRun.objects.get(job="mark_overdue")
    detail = admin_client_with_runs.get(f"/admin/welfare/jobrun/{run.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client_with_runs.get("/admin/welfare/jobrun/add/").status_code == 403


def test_notifications_are_listed_for_admins(admin_client, official):
    NotificationFactory(user=official, title="관리자 화면의 알림")
    response = admin_client.get("/admin/welfare/notification/")
    assert response.status_code == 200
    assert "관리자 화면의 알림" in response.content.decode()
