"""Request body limits (welfare.limits, issue 12 item 3): a body over the limit of its kind is a 413 before Django
reads it; an unannounced (chunked) body is a 411. Real oversized bodies, against small limits set here."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from discovery.models import CrisisReport, ImportBatch
from tests.discovery.factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_round
from welfare.models import ApiToken
from welfare.wsgi import application

pytestmark = pytest.mark.django_db

REPORT = reverse("report:create")
SMALL = override_settings(ANONYMOUS_MAX_BODY_BYTES=2_000, REQUEST_MAX_BODY_BYTES=8_000, IMPORT_MAX_BYTES=30_000)


def tip(dong, details: str) -> dict:
    return {"subject_description": "혼자 사시는 할아버지", "risk_signals": ["isolation"], "details": details,
            "where": f"dong:{dong.pk}"}


@SMALL
def test_an_anonymous_tip_over_the_anonymous_limit_is_413_and_nothing_is_saved(client, dong):
    from urllib.parse import urlencode

    # A form without a file (url-encoded) has the anonymous limit; a multipart one may carry a photo (below).
    response = client.post(REPORT, urlencode(tip(dong, "가" * 3_000), doseq=True),
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert "요청 본문이 너무 큽니다" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not CrisisReport.objects.exists()


@SMALL
@override_settings(PUBLIC_REPORT_PHOTO_MAX_BYTES=20_000)
def test_a_public_photo_over_its_limit_is_413(client, dong):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from welfare.limits import MULTIPART_ENVELOPE_BYTES

    photo = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (20_000 + MULTIPART_ENVELOPE_BYTES),
                               content_type="image/jpeg")
    response = client.post(REPORT, {**tip(dong, "사진"), "photo": photo})
    assert response.status_code == 413
    assert not CrisisReport.objects.exists()


@SMALL
def test_an_anonymous_tip_within_the_limit_is_saved(client, dong):
    response = client.post(REPORT, tip(dong, "우편물이 쌓여 있어요."))

    assert response.status_code == 302
    assert CrisisReport.objects.count() == 1


@SMALL
def test_a_signed_in_page_post_has_the_higher_limit(client_for, official, household):
    # 5 KB: over the anonymous limit, under the signed-in one (the form then answers as usual, no 413).
    url = reverse("households:edit", args=[household.pk])
    client = client_for(official)

    assert client.post(url, {"note": "x" * 5_000}).status_code == 200
    assert client.post(url, {"note": "x" * 9_000}).status_code == 413


@SMALL
def test_an_api_body_over_the_limit_is_the_json_413(db, official, household):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=official, name='t')[1]}")

    response = client.post("/api/v1/visits/", {"household": household.pk, "summary": "x" * 9_000}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert "요청 본문이 너무 큽니다" in response.json()["error"]["message"]


@SMALL
def test_the_upload_endpoint_takes_the_import_limit(client_for, district_admin, dong):
    round_ = make_round(dong.district)
    content = csv_bytes(CRISIS_HEADER, [crisis_row(n) for n in range(200)])
    assert 8_000 < len(content) < 30_000
    client = client_for(district_admin)

    response = client.post(reverse("discovery:import_create"), {
        "kind": "crisis_list", "file": SimpleUploadedFile("list.csv", content), "round": round_.pk})

    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


@override_settings(ANONYMOUS_MAX_BODY_BYTES=2_000, REQUEST_MAX_BODY_BYTES=8_000, IMPORT_MAX_BYTES=10_000)
def test_an_upload_over_the_import_limit_and_its_envelope_is_413(client_for, district_admin, dong):
    round_ = make_round(dong.district)
    content = b"x" * (10_000 + 70 * 1024)

    response = client_for(district_admin).post(reverse("discovery:import_create"), {
        "kind": "crisis_list", "file": SimpleUploadedFile("list.csv", content), "round": round_.pk})

    assert response.status_code == 413
    assert ImportBatch.objects.count() == 0


class Recording(io.BytesIO):
    """The WSGI input: records whether anyone read from it."""

    touched = False

    def read(self, *args):
        self.touched = True
        return super().read(*args)

    def readline(self, *args):
        self.touched = True
        return super().readline(*args)


def call(path: str, body: bytes, **environ) -> tuple[str, dict, bytes, Recording]:
    stream = Recording(body)
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
           "wsgi.url_scheme": "http", "wsgi.input": stream, "wsgi.errors": io.StringIO(),
           "CONTENT_TYPE": "application/x-www-form-urlencoded", **environ}
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    content = b"".join(application(env, start_response))
    return answer["status"], answer["headers"], content, stream


@SMALL
def test_the_body_is_refused_before_any_byte_of_it_is_read(dong, same_connection):
    body = b"details=" + b"a" * 1_000_000  # a real megabyte, announced

    status, _headers, _content, stream = call(REPORT, body, CONTENT_LENGTH=str(len(body)))

    assert status.startswith("413")
    assert not stream.touched
    assert not CrisisReport.objects.exists()


@SMALL
@pytest.mark.parametrize("path, json_body", [(REPORT, False), ("/api/v1/visits/", True)])
def test_a_chunked_body_without_a_length_is_411(dong, same_connection, path, json_body):
    status, headers, content, stream = call(path, b"a" * 100_000, HTTP_TRANSFER_ENCODING="chunked")

    assert status.startswith("411")
    assert not stream.touched
    if json_body:
        assert json.loads(content)["error"]["code"] == "length_required"
    assert not CrisisReport.objects.exists()


@SMALL
def test_a_bogus_authorization_header_gets_no_further_than_401(dong, same_connection):
    body = json.dumps({"summary": "x" * 5_000}).encode()

    status, _headers, _content, _stream = call("/api/v1/visits/", body, CONTENT_LENGTH=str(len(body)),
                                               CONTENT_TYPE="application/json", HTTP_AUTHORIZATION="Bearer nope")

    assert status.startswith("401")


@pytest.fixture
def same_connection():
    """The WSGI handler closes "obsolete" connections around each request: unhooked, as Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
