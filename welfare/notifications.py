"""Notifications: creation in bulk for the sweeps, marking read, and the daily e-mail digest.

A notification belongs to one user and is unique per ``(user, dedupe_key)``: a sweep that runs twice, or two
sweeps at once, notify once. The digest is a registered job (``email_digest``): one e-mail per user with unread
notifications that were not e-mailed yet, then ``emailed_at`` is set so the next run does not send them again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .jobs import register
from .models import Notification

log = logging.getLogger(__name__)

WRITE_BATCH = 2_000  # rows per INSERT, ids per UPDATE … WHERE id IN (…)
DIGEST_MAX_ITEMS = 30  # items listed in one e-mail; the rest are counted ("외 N건") and wait on the site
_TITLE_MAX = Notification._meta.get_field("title").max_length
_URL_MAX = Notification._meta.get_field("url").max_length


def notify_many(notifications: list[Notification]) -> int:
    """Insert notifications in bulk; the ``(user, dedupe_key)`` constraint drops any already sent.

    Returns how many were new: per batch, one indexed read of the keys that already exist, then one
    ``INSERT … ON CONFLICT DO NOTHING``. Two processes inserting the same key at the same moment both count it
    (the row itself is still stored once).
    """
    unique: dict[tuple[int, str], Notification] = {}
    for row in notifications:
        row.title = row.title[:_TITLE_MAX]  # an address may be long; the column is not
        row.url = row.url[:_URL_MAX] if len(row.url) <= _URL_MAX else ""  # a cut URL would lead nowhere
        unique.setdefault((row.user_id, row.dedupe_key), row)
    rows = list(unique.values())
    new = 0
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start:start + WRITE_BATCH]
        existing = set(
            Notification.objects.filter(
                user_id__in={row.user_id for row in batch}, dedupe_key__in={row.dedupe_key for row in batch}
            ).values_list("user_id", "dedupe_key")
        )
        fresh = [row for row in batch if (row.user_id, row.dedupe_key) not in existing]
        if fresh:
            Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        new += len(fresh)
    return new


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read: all of them, or those of ``ids`` (ids of other users'
    notifications are ignored). One UPDATE; returns how many changed."""
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def safe_target(url: str) -> str | None:
    """The notification's link if it stays on this site (a path such as ``/households/12/``), else None.

    Notifications are written by our own jobs, but the redirect after opening one must never become an open
    redirect: ``//host``, ``/\\host`` and absolute URLs are refused.
    """
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if any(ch in url for ch in "\r\n\t\\") or any(ord(ch) < 32 for ch in url):
        return None
    return url


# --- The daily e-mail digest ---------------------------------------------------------------------------------


@dataclass
class _Digest:
    email: str
    name: str
    items: list[tuple[int, str, dt.datetime]] = field(default_factory=list)  # id, title, created_at
    ids: list[int] = field(default_factory=list)


def _pending_digests() -> dict[int, _Digest]:
    """Unread, not yet e-mailed notifications of active users with an address, grouped by user (one read)."""
    rows = (
        Notification.objects.unread()
        .filter(emailed_at__isnull=True, user__is_active=True)
        .exclude(Q(user__email="") | Q(user__email__isnull=True))
        .order_by("user_id", "-created_at", "-id")
        .values_list("pk", "user_id", "user__email", "user__first_name", "user__last_name", "user__username",
                     "title", "created_at")
    )
    digests: dict[int, _Digest] = {}
    for pk, user_id, email, first, last, username, title, created in rows.iterator(chunk_size=WRITE_BATCH):
        digest = digests.get(user_id)
        if digest is None:
            # Korean order: family name first (the user list shows get_full_name the same way).
            name = f"{last}{first}".strip() or username
            digest = digests[user_id] = _Digest(email=email, name=name)
        digest.ids.append(pk)
        if len(digest.items) < DIGEST_MAX_ITEMS:
            digest.items.append((pk, title, created))
    return digests


def digest_message(digest: _Digest) -> EmailMessage:
    """One user's e-mail: the count in the subject, then each notification with a link that opens it."""
    total = len(digest.ids)
    site = settings.SITE_URL
    lines = [
        _("%(name)s님, 읽지 않은 알림이 %(count)s건 있습니다.") % {"name": digest.name, "count": total},
        "",
    ]
    for pk, title, created in digest.items:
        when = timezone.localtime(created).strftime("%Y-%m-%d %H:%M")
        lines += [f"- [{when}] {title}", f"  {site}{reverse('notifications:open', args=[pk])}"]
    hidden = total - len(digest.items)
    if hidden:
        lines += ["", ngettext("외 %(count)s건은 사이트에서 확인하세요.", "외 %(count)s건은 사이트에서 확인하세요.",
                               hidden) % {"count": hidden}]
    lines += [
        "",
        _("모든 알림: %(url)s") % {"url": f"{site}{reverse('notifications:list')}"},
        "",
        _("이 메일은 하루 한 번, 아직 읽지 않은 새 알림이 있을 때만 보냅니다. 개인정보가 담긴 내용은 사이트에서만 볼 수 "
          "있습니다."),
    ]
    subject = _("[찾동 복지] 읽지 않은 알림 %(count)s건") % {"count": total}
    return EmailMessage(subject=subject, body="\n".join(lines), to=[digest.email])


def _mark_emailed(ids: Sequence[int], now: dt.datetime) -> int:
    marked = 0
    for start in range(0, len(ids), WRITE_BATCH):
        marked += Notification.objects.filter(pk__in=ids[start:start + WRITE_BATCH], emailed_at__isnull=True).update(
            emailed_at=now)
    return marked


@register("email_digest", label="알림 메일 요약", window="day")
def email_digest(now: dt.datetime) -> dict[str, int]:
    """One e-mail per user with unread notifications not e-mailed yet (and an address), then ``emailed_at`` on
    exactly the notifications listed, so none is sent twice; one read, one SMTP connection, one UPDATE per
    2,000 notifications. A mail that fails to send leaves its notifications for the next run.

    Budget: a district's day is a few thousand notifications for a few hundred staff: well under a second plus
    the mail server's time. Switched off by ``NOTIFICATION_DIGEST_ENABLED=false``.
    """
    counts = {"users": 0, "emails": 0, "notifications": 0, "failed": 0}
    if not settings.NOTIFICATION_DIGEST_ENABLED:
        return counts
    with translation.override(settings.LANGUAGE_CODE):
        digests = _pending_digests()
        counts["users"] = len(digests)
        if not digests:
            return counts
        sent_ids: list[int] = []
        with get_connection() as connection:
            for user_id, digest in digests.items():
                try:
                    connection.send_messages([digest_message(digest)])
                except Exception:  # one bad address or a refused recipient must not stop the others
                    log.exception("digest e-mail to user %s failed", user_id)
                    counts["failed"] += 1
                    continue
                counts["emails"] += 1
                sent_ids += digest.ids
    counts["notifications"] = _mark_emailed(sent_ids, now)
    return counts
