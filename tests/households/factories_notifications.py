"""Notifications for the notification tests (synthetic titles; one dedupe key each)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from welfare.models import Notification, NotificationKind


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    kind = NotificationKind.OVERDUE_FOLLOW_UP
    title = factory.Sequence(lambda n: f"접촉 기한 경과: 서울특별시 성동구 왕십리로 {n + 1}")
    url = factory.Sequence(lambda n: f"/households/{n + 1}/")
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
