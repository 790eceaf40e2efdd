"""The Celery task that delivers one message (thin: the service decides)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .backends import GatewayUnavailable


@shared_task(name="welfare.send_message", bind=True, max_retries=6, acks_late=True)
def send_message(self, message_id: int) -> str:
    """Deliver message ``message_id``; safe to run twice (the row is sent once). An unavailable gateway is retried
    with backoff (1, 2, 4 … 32 minutes); the last attempt marks the message failed."""
    from .services import deliver

    final = self.request.retries >= self.max_retries
    try:
        return deliver(message_id, final_attempt=final)
    except (GatewayUnavailable, OperationalError, InterfaceError) as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from None
