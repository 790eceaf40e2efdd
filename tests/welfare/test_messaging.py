"""Outbound messages (welfare.messaging): consent, quiet hours, idempotency, templates, the backends (a local
fake gateway, never an outside call) and the district's log page."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.exceptions import Retry
from django.urls import reverse

from welfare.errors import RuleError
from welfare.messaging import services
from welfare.messaging.backends import GatewayUnavailable
from welfare.messaging.models import MessagePurpose, MessageState, MessageTemplate, OutboundMessage
from welfare.messaging.services import MessageRequest, deliver, message_send, release_due, template_save

SEOUL = ZoneInfo("Asia/Seoul")
NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=SEOUL)
NIGHT = dt.datetime(2026, 12, 3, 23, 30, tzinfo=SEOUL)
PHONE = "010-2345-6789"


def _request(district, key="report:1:received", consent=True, phone=PHONE, **extra):
    return MessageRequest(
        purpose=extra.pop("purpose", MessagePurpose.REPORT_RECEIVED),
        phone=phone,
        idempotency_key=key,
        consent=consent,
        district_id=district.pk,
        context=extra.pop("context", {"receipt": "A1B2C3", "dong": "왕십리도선동", "link": "http://x/s"}),
        **extra,
    )


@pytest.fixture
def outbox(settings, tmp_path):
    settings.MESSAGING_BACKEND = "file"
    settings.MESSAGING_FILE_PATH = str(tmp_path / "outbox.jsonl")

    def lines():
        path = tmp_path / "outbox.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return lines


@pytest.mark.django_db
def test_a_message_by_day_is_sent_once_and_keeps_only_the_masked_number(
    seongdong, outbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = message_send(_request(seongdong), now=NOON)
        again = message_send(_request(seongdong), now=NOON)
    assert again.pk == message.pk
    assert OutboundMessage.objects.count() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 1
    assert message.phone == "" and message.phone_masked == "010-****-6789"
    assert "[성동구]" in message.body and "A1B2C3" in message.body
    sent = outbox()
    assert (
        len(sent) == 1
        and sent[0]["to"] == "01023456789"
        and sent[0]["idempotency_key"] == "report:1:received"
    )
    # A redelivered task finds the row sent and sends nothing.
    assert deliver(message.pk, now=NOON) == MessageState.SENT
    assert len(outbox()) == 1


@pytest.mark.django_db
def test_without_consent_nothing_is_sent_nor_the_number_kept(
    seongdong, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = message_send(_request(seongdong, consent=False), now=NOON)
    assert callbacks == []
    assert message.state == MessageState.NO_CONSENT and message.phone == ""
    assert deliver(message.pk, now=NOON) == MessageState.NO_CONSENT
    assert outbox() == []


@pytest.mark.django_db
def test_at_night_the_message_waits_for_the_morning(seongdong, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = message_send(_request(seongdong), now=NIGHT)
    assert message.state == MessageState.HELD
    assert message.send_after == dt.datetime(2026, 12, 4, 8, 0, tzinfo=SEOUL)
    assert deliver(message.pk, now=NIGHT + dt.timedelta(hours=3)) == MessageState.HELD
    assert outbox() == []
    assert release_due(dt.datetime(2026, 12, 4, 7, 59, tzinfo=SEOUL)) == 0
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 1, tzinfo=SEOUL), tick=False):
        assert release_due() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT and len(outbox()) == 1


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (dt.datetime(2026, 12, 3, 20, 59, tzinfo=SEOUL), dt.datetime(2026, 12, 3, 20, 59, tzinfo=SEOUL)),
        (dt.datetime(2026, 12, 3, 21, 0, tzinfo=SEOUL), dt.datetime(2026, 12, 4, 8, 0, tzinfo=SEOUL)),
        (dt.datetime(2026, 12, 4, 2, 0, tzinfo=SEOUL), dt.datetime(2026, 12, 4, 8, 0, tzinfo=SEOUL)),
        (dt.datetime(2026, 12, 4, 8, 0, tzinfo=SEOUL), dt.datetime(2026, 12, 4, 8, 0, tzinfo=SEOUL)),
    ],
)
def test_release_time_follows_the_quiet_hours_in_seoul(local, expected):
    assert services.release_time(local.astimezone(dt.UTC)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["02-123-4567", "12345", ""])
def test_a_number_that_cannot_take_a_text_is_refused(seongdong, phone):
    with pytest.raises(RuleError) as error:
        message_send(_request(seongdong, phone=phone), now=NOON)
    assert "phone" in error.value.error_dict
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_the_districts_own_wording_is_used_and_checked(seongdong, district_admin, official, outbox):
    with pytest.raises(RuleError) as error:
        template_save(
            district=seongdong,
            purpose=MessagePurpose.REPORT_STATUS,
            body="{receipt} {household_name}",
            channel="sms",
            alimtalk_code="",
            active=True,
            by=district_admin,
        )
    assert "{household_name}" in error.value.error_dict["body"][0].messages[0]
    with pytest.raises(RuleError):
        template_save(
            district=seongdong,
            purpose=MessagePurpose.REPORT_STATUS,
            body="{receipt}",
            channel="sms",
            alimtalk_code="",
            active=True,
            by=official,
        )
    template = template_save(
        district=seongdong,
        purpose=MessagePurpose.REPORT_STATUS,
        body="성동구청입니다. {receipt} 건은 {status}",
        channel="alimtalk",
        alimtalk_code="SD_STATUS_01",
        active=True,
        by=district_admin,
    )
    message = message_send(
        _request(
            seongdong,
            key="report:1:status",
            purpose=MessagePurpose.REPORT_STATUS,
            context={"receipt": "A1B2C3", "status": "연락드렸습니다"},
        ),
        now=NOON,
    )
    assert message.template_id == template.pk and message.channel == "alimtalk"
    assert message.body == "성동구청입니다. A1B2C3 건은 연락드렸습니다"


# --- The HTTP gateway adapter against a fake gateway on a free local port ------------------------------------


class FakeGateway(BaseHTTPRequestHandler):
    answers: list[tuple[int, dict]] = []
    received: list[tuple[dict, dict]] = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        FakeGateway.received.append((dict(self.headers), json.loads(self.rfile.read(length))))
        status, body = FakeGateway.answers.pop(0)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.answers, FakeGateway.received = [], []
    settings.MESSAGING_BACKEND = "http"
    settings.MESSAGING_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.MESSAGING_GATEWAY_KEY = "test-key"
    settings.MESSAGING_SENDER = "0222860000"
    yield FakeGateway
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_gateway_gets_the_message_with_its_idempotency_key(seongdong, gateway):
    gateway.answers = [(200, {"id": "gw-778"})]
    message = message_send(_request(seongdong), now=NOON)
    assert deliver(message.pk, now=NOON) == MessageState.SENT
    headers, body = gateway.received[0]
    assert headers["Authorization"] == "Bearer test-key" and headers["Idempotency-Key"] == "report:1:received"
    assert body["to"] == "01023456789" and body["from"] == "0222860000" and "A1B2C3" in body["text"]
    message.refresh_from_db()
    assert message.gateway_id == "gw-778" and message.backend == "http"


@pytest.mark.django_db
def test_an_unavailable_gateway_is_retried_then_the_message_fails(seongdong, gateway):
    gateway.answers = [(503, {"error": "busy"}), (503, {"error": "busy"})]
    message = message_send(_request(seongdong), now=NOON)
    with pytest.raises(GatewayUnavailable):
        deliver(message.pk, now=NOON)
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED and message.attempts == 1 and "503" in message.error
    assert deliver(message.pk, now=NOON, final_attempt=True) == MessageState.FAILED


@pytest.mark.django_db
def test_a_refused_message_fails_at_once(seongdong, gateway):
    gateway.answers = [(400, {"error": "bad number"})]
    message = message_send(_request(seongdong), now=NOON)
    assert deliver(message.pk, now=NOON) == MessageState.FAILED
    assert len(gateway.received) == 1


@pytest.mark.django_db
def test_the_task_retries_until_the_gateway_answers(seongdong, gateway, django_capture_on_commit_callbacks):
    from welfare.messaging.tasks import send_message

    gateway.answers = [(503, {}), (200, {"id": "gw-2"})]
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
            message = message_send(
                _request(seongdong), now=NOON
            )  # the task runs after commit and asks a retry
        message = OutboundMessage.objects.get()
        assert message.state == MessageState.QUEUED and message.attempts == 1
        assert send_message.apply(args=[message.pk]).get() == MessageState.SENT  # the retry
        assert send_message.apply(args=[message.pk]).get() == MessageState.SENT  # a redelivery sends nothing
    message.refresh_from_db()
    assert message.attempts == 2 and message.gateway_id == "gw-2"
    assert [h["Idempotency-Key"] for h, _b in gateway.received] == ["report:1:received"] * 2


# --- The district's pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_log_shows_masked_numbers_in_constant_queries(
    seongdong, yeongdeungpo, district_admin, client_for, django_assert_max_num_queries
):
    for n in range(3):
        message_send(_request(seongdong, key=f"k{n}", consent=n != 2), now=NIGHT)
    message_send(_request(yeongdeungpo, key="other", phone="010-9999-1111"), now=NOON)
    client = client_for(district_admin)
    url = reverse("district:message_log")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert page.count("010-****-6789") == 3 and "01023456789" not in page and "2345-6789" not in page
    assert "9999-1111" not in page and "****-1111" not in page  # another district's message
    for n in range(20):
        message_send(_request(seongdong, key=f"more{n}"), now=NOON)
    with django_assert_max_num_queries(12):
        client.get(url)
    assert client.get(url, {"state": "no_consent"}).content.decode().count("010-****-6789") == 1


@pytest.mark.django_db
def test_pages_are_the_district_admins(official, district_admin, client_for, seongdong):
    assert client_for(official).get(reverse("district:message_log")).status_code == 403
    assert client_for(official).get(reverse("district:messages")).status_code == 403
    client = client_for(district_admin)
    assert "살펴봐 주세요" in client.get(reverse("district:messages")).content.decode()
    url = reverse("district:message_edit", args=["visit_reminder"])
    response = client.post(url, {"body": "{dong} 방문 {date} {oops}", "channel": "sms"})
    assert response.status_code == 200 and not MessageTemplate.objects.exists()
    response = client.post(
        url, {"body": "{dong}에서 {date} {time}에 찾아뵙겠습니다.", "channel": "sms", "active": "on"}
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get(district=seongdong, purpose="visit_reminder").body.startswith(
        "{dong}에서"
    )
    assert client.get(reverse("district:message_edit", args=["nope"])).status_code == 404
