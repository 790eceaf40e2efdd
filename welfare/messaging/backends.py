"""Where a message goes (``MESSAGING_BACKEND``): the console (default), a file of JSON lines, or an HTTP SMS /
알림톡 gateway.

The HTTP adapter posts one JSON object per message to ``MESSAGING_GATEWAY_URL`` with the bearer key
``MESSAGING_GATEWAY_KEY`` and the header ``Idempotency-Key`` (the message's key: a gateway that honours it never
delivers twice, even when our worker dies between its send and our save). It expects a 2xx answer with
``{"id": "..."}``. 429 and 5xx answers and network errors are :class:`GatewayUnavailable` (retried); any other
answer is :class:`GatewayRefused` (the message fails, with the gateway's reason).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

log = logging.getLogger("welfare.messaging")


class GatewayUnavailable(Exception):
    """Try again later."""


class GatewayRefused(Exception):
    """The gateway will never take this message (bad number, unknown template code...)."""


@dataclass(frozen=True)
class Outgoing:
    to: str
    text: str
    channel: str
    template_code: str
    idempotency_key: str


class ConsoleBackend:
    name = "console"

    def send(self, message: Outgoing) -> str:
        log.info(
            "message to %s (%s): %s", message.to[:3] + "****" + message.to[-4:], message.channel, message.text
        )
        return f"console:{message.idempotency_key}"


class FileBackend:
    name = "file"

    def send(self, message: Outgoing) -> str:
        path = Path(settings.MESSAGING_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "to": message.to,
            "text": message.text,
            "channel": message.channel,
            "template_code": message.template_code,
            "idempotency_key": message.idempotency_key,
        }
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"file:{message.idempotency_key}"


class HttpGatewayBackend:
    name = "http"

    def __init__(self, url: str, key: str, sender: str, timeout: float) -> None:
        self.url, self.key, self.sender, self.timeout = url, key, sender, timeout

    def send(self, message: Outgoing) -> str:
        payload = {
            "to": message.to,
            "from": self.sender,
            "text": message.text,
            "channel": message.channel,
            "template_code": message.template_code,
            "idempotency_key": message.idempotency_key,
        }
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting, checked to be http(s))
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(10_000)
        except urllib.error.HTTPError as error:
            reason = error.read(300).decode("utf-8", "replace")
            if error.code == 429 or error.code >= 500:
                raise GatewayUnavailable(f"HTTP {error.code} {reason}") from None
            raise GatewayRefused(f"HTTP {error.code} {reason}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise GatewayUnavailable(str(error)) from None
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        return str(answer.get("id", "") if isinstance(answer, dict) else "")[:80]


def get_backend():
    name = settings.MESSAGING_BACKEND
    if name == "file":
        return FileBackend()
    if name == "http":
        url = settings.MESSAGING_GATEWAY_URL
        if not url.startswith(("http://", "https://")):
            raise GatewayRefused("MESSAGING_GATEWAY_URL must be an http(s) URL")
        return HttpGatewayBackend(
            url, settings.MESSAGING_GATEWAY_KEY, settings.MESSAGING_SENDER, settings.MESSAGING_GATEWAY_TIMEOUT
        )
    return ConsoleBackend()
