"""Outbound messages (SMS / 알림톡): one service for every message the product sends to a phone.

* :mod:`.templates` — the default wording of each purpose and the placeholders it may use; a district keeps its
  own wording (``MessageTemplate``, 구 설정 › 메시지 문구).
* :mod:`.services` — :func:`~.services.message_send` records the message (the log: masked number, purpose,
  template, state) and queues it; consent is required (without it the row says so and nothing is sent), quiet
  hours hold it until the morning (Asia/Seoul); :func:`~.services.deliver` sends one message through the backend.
* :mod:`.backends` — ``MESSAGING_BACKEND``: ``console`` (default), ``file`` (JSON lines) or ``http`` (an SMS /
  알림톡 gateway). Tests never call outside.
* :mod:`.tasks` — the Celery task that delivers, with retries; the unique idempotency key means a retried or
  redelivered task never sends twice, and the key also goes to the gateway.

The core names no app: apps call :func:`~.services.message_send` with their own context and reference.
"""
