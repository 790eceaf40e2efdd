"""The hourly sweep that queues waiting messages whose time has come (``release_messages``)."""

from __future__ import annotations

import datetime as dt

from ..jobs import register
from .services import release_due


@register("release_messages", label="야간 보류 메시지 발송", window="hour")
def release_messages(now: dt.datetime) -> dict[str, int]:
    return {"queued": release_due(now)}
