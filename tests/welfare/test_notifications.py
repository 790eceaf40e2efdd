"""In-app notifications: the bell, the list, marking read, opening one (never off the site)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.households.factories_notifications import NotificationFactory
from welfare.models import Notification
from welfare.notifications import notification_mark_read, notify_many

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def _unread(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- The bell ----------------------------------------------------------------------------------------------------


def test_bell_shows_the_users_unread_count(official, lead, client_for):
    # given three unread and one read notification for the official, and one for someone else
    NotificationFactory.create_batch(3, user=official)
    NotificationFactory(user=official, read_at=timezone.now())
    NotificationFactory(user=lead)
    # when the official opens any page
    response = client_for(official).get(reverse("home"))
    # then the bell links to the list and counts the official's own unread ones
    html = response.content.decode()
    assert 'class="bell" href="/notifications/"' in html
    assert 'data-unread="3"' in html


def test_bell_has_no_count_when_everything_is_read(official, client_for):
    NotificationFactory(user=official, read_at=timezone.now())
    html = client_for(official).get(reverse("home")).content.decode()
    assert 'class="bell"' in html
    assert "data-unread" not in html


def test_bell_caps_a_large_count(official, client_for):
    notify_many([Notification(user=official, kind="other", title=f"알림 {i}", dedupe_key=f"k{i}") for i in range(120)])
    html = client_for(official).get(reverse("home")).content.decode()
    assert 'data-unread="120">99+<' in html


def test_anonymous_visitors_get_no_bell_and_no_query_for_it(client):
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("login")).content.decode()
    assert 'class="bell"' not in html
    assert not any("welfare_notification" in q["sql"] for q in ctx.captured_queries)


def test_bell_counts_once_per_request(official, client_for):
    # given the list page, which shows the unread count in its header as well as in the bell
    NotificationFactory.create_batch(2, user=official)
    client = client_for(official)
    with CaptureQueriesContext(connection) as ctx:
        client.get(LIST)
    # then one COUNT serves both (cached on the request)
    counts = [q for q in ctx.captured_queries if "COUNT" in q["sql"] and "read_at" in q["sql"]]
    assert len(counts) == 1


# --- The list ----------------------------------------------------------------------------------------------------


def test_list_shows_own_notifications_newest_first_with_unread_in_bold(official, lead, client_for):
    now = timezone.now()
    NotificationFactory(user=official, title="오래된 알림", created_at=now - dt.timedelta(days=2), read_at=now)
    NotificationFactory(user=official, title="새 알림", created_at=now - dt.timedelta(hours=1))
    NotificationFactory(user=lead, title="팀장 알림")
    html = client_for(official).get(LIST).content.decode()
    assert html.index("새 알림") < html.index("오래된 알림")
    assert "<strong>새 알림</strong>" in html
    assert "<strong>오래된 알림</strong>" not in html
    assert "팀장 알림" not in html
    assert "모두 읽음" in html


def test_list_without_notifications_shows_an_empty_state(official, client_for):
    html = client_for(official).get(LIST).content.decode()
    assert 'class="empty"' in html
    assert "모두 읽음" not in html


def test_list_is_paginated(official, client_for):
    now = timezone.now()
    for i in range(30):
        NotificationFactory(user=official, title=f"알림 번호 {i:02d}", created_at=now - dt.timedelta(minutes=i))
    client = client_for(official)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "알림 번호 00" in first and "알림 번호 24" in first and "알림 번호 25" not in first
    assert "알림 번호 25" in second and "알림 번호 29" in second
    assert 'class="pagination"' in first


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_the_same_number_of_queries_for_3_or_25_rows(official, client_for):
    # Session, user, membership (base.html), the unread COUNT (bell and header, once), the page COUNT and the
    # page itself: nothing per row, since a notification's title and link are stored on it.
    client = client_for(official)
    NotificationFactory.create_batch(3, user=official)
    few = _list_queries(client)
    NotificationFactory.create_batch(22, user=official, read_at=timezone.now())
    many = _list_queries(client)
    assert few == many


# --- Marking read ------------------------------------------------------------------------------------------------


def test_mark_all_read_marks_only_the_users_own(official, lead, client_for):
    NotificationFactory.create_batch(3, user=official)
    NotificationFactory(user=lead)
    response = client_for(official).post(reverse("notifications:read_all"), {"page": "2"}, follow=True)
    assert response.redirect_chain[0][0] == "/notifications/?page=2"
    assert _unread(official) == 0
    assert _unread(lead) == 1
    assert "알림 3건을 읽음으로 표시했습니다." in response.content.decode()


def test_mark_one_read(official, client_for):
    kept, read = NotificationFactory.create_batch(2, user=official)
    response = client_for(official).post(reverse("notifications:read", args=[read.pk]))
    assert response.status_code == 302
    read.refresh_from_db()
    kept.refresh_from_db()
    assert read.read_at is not None
    assert kept.read_at is None


def test_marking_read_needs_a_post(official, client_for):
    notification = NotificationFactory(user=official)
    client = client_for(official)
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert _unread(official) == 1


def test_another_users_notification_is_404(official, lead, client_for):
    theirs = NotificationFactory(user=lead)
    client = client_for(official)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert _unread(lead) == 1


def test_service_ignores_ids_of_other_users(official, lead):
    mine = NotificationFactory(user=official)
    theirs = NotificationFactory(user=lead)
    changed = notification_mark_read(user=official, ids=[mine.pk, theirs.pk])
    assert changed == 1
    assert _unread(lead) == 1


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Opening one ------------------------------------------------------------------------------------------------


def test_opening_marks_read_and_goes_to_its_page(official, household, client_for):
    notification = NotificationFactory(user=official, url=f"/households/{household.pk}/")
    response = client_for(official).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "/\t/evil.example",
    "javascript:alert(1)",
    "households/1/",
    "",
])
def test_opening_never_redirects_off_the_site(official, client_for, url):
    notification = NotificationFactory(user=official, url=url)
    response = client_for(official).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


# --- Creating in bulk -------------------------------------------------------------------------------------------


def test_notify_many_counts_only_new_rows_and_never_duplicates(official, lead):
    def rows():
        return [
            Notification(user=official, kind="other", title="가", dedupe_key="a"),
            Notification(user=official, kind="other", title="가", dedupe_key="a"),  # same key twice in one call
            Notification(user=lead, kind="other", title="나", dedupe_key="a"),  # same key, other user
        ]

    assert notify_many(rows()) == 2
    assert notify_many(rows() + [Notification(user=lead, kind="other", title="다", dedupe_key="b")]) == 1
    assert Notification.objects.count() == 3


def test_notify_many_cuts_long_titles_and_drops_links_too_long_to_keep(official):
    notify_many([Notification(user=official, kind="other", title="가" * 300, url="/x/" + "y" * 400, dedupe_key="k")])
    row = Notification.objects.get()
    assert len(row.title) == 200
    assert row.url == ""
