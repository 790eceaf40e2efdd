"""/api/v1/attachments/: list and download within the token's scope, upload idempotent by client id (issue 14)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import storages

from households.models import Attachment
from tests.households.factories_attachments import attach, bomb_png, clean_pdf, jpeg_with_gps, upload
from tests.households.factories_cases import make_case
from welfare.models import AccessLog

from .conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/attachments/"


def stored_files() -> set[Path]:
    return {p for p in Path(storages["attachments"].location).rglob("*") if p.is_file()}


def body(owner, data: bytes, **extra) -> dict:
    kind = type(owner).__name__.lower()
    return {"owner_kind": {"crisisreport": "report"}.get(kind, kind), "owner_id": owner.pk, "kind": "photo",
            "title": "현관 사진", "client_id": "tablet-3-000042", "file": upload("IMG_0042.JPG", data), **extra}


def test_an_upload_with_a_client_id_is_made_once(api_client_for, official, household):
    client = api_client_for(official)

    first = client.post(URL, body(household, jpeg_with_gps()), format="multipart")
    files = stored_files()
    # The connection dropped before the answer came: the device sends the same upload again.
    again = client.post(URL, body(household, jpeg_with_gps()), format="multipart")

    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert again.json()["id"] == first.json()["id"]
    assert Attachment.objects.count() == 1 and stored_files() == files
    row = first.json()
    assert (row["household"], row["owner_kind"], row["content_type"], row["client_id"]) == (
        household.pk, "household", "image/jpeg", "tablet-3-000042")
    assert row["download_url"] == f"{URL}{row['id']}/download/"


def test_an_upload_needs_a_client_id_and_a_visible_record(api_client_for, official, other_household, household):
    client = api_client_for(official)

    no_id = client.post(URL, {**body(household, jpeg_with_gps()), "client_id": ""}, format="multipart")
    elsewhere = client.post(URL, body(other_household, jpeg_with_gps()), format="multipart")

    assert "client_id" in error_of(no_id)["fields"]
    assert error_of(elsewhere)["fields"] == {"owner_id": ["찾을 수 없는 기록입니다."]}
    assert not Attachment.objects.exists()


def test_a_nul_in_the_owner_kind_is_refused_not_a_500(api_client_for, official, household):
    # The retry look-up read owner_kind raw: PostgreSQL refuses a NUL in a text parameter
    response = api_client_for(official).post(URL, body(household, jpeg_with_gps(), owner_kind="household\x00"),
                                             format="multipart")

    assert response.status_code == 400 and "owner_kind" in error_of(response)["fields"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "빈 파일"), (b"not an image at all", "내용으로 확인"), (bomb_png(), "화소 수가 너무 많습니다"),
    (b"%PDF-1.4\n1 0 obj << /S /Launch /F (x.exe) >> endobj", "실행 동작(Launch)"),
])
def test_a_bad_file_answers_400_with_its_korean_reason(api_client_for, official, household, data, message):
    before = stored_files()

    response = api_client_for(official).post(URL, body(household, data), format="multipart")

    assert response.status_code == 400
    assert message in error_of(response)["fields"]["file"][0]
    assert not Attachment.objects.exists() and stored_files() == before


def test_list_and_download_stay_within_the_tokens_scope(api_client_for, official, other_dong_official, household,
                                                        other_household):
    pdf = clean_pdf("hospital letter")
    mine = attach(make_case(household), official, pdf, kind="letter", title="병원 소견서")
    theirs = attach(other_household, other_dong_official)
    client = api_client_for(official)

    listed = client.get(URL, {"household": household.pk})
    everything = client.get(URL)
    download = client.get(f"{URL}{mine.pk}/download/")
    hidden = client.get(f"{URL}{theirs.pk}/download/"), client.get(f"{URL}{theirs.pk}/")

    assert [row["id"] for row in listed.json()["results"]] == [mine.pk]
    assert [row["id"] for row in everything.json()["results"]] == [mine.pk]
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert download["Content-Disposition"].startswith("attachment;") and "no-store" in download["Cache-Control"]
    assert [r.status_code for r in hidden] == [404, 404]
    assert error_of(hidden[0])["code"] == "not_found"
    viewed = AccessLog.objects.get(verb="households.attachment.viewed")
    assert (viewed.user, viewed.household_id, viewed.token_id is not None) == (official, household.pk, True)


def test_a_download_may_ask_for_the_files_own_type(api_client_for, official, household):
    attachment = attach(household, official, clean_pdf(), kind="application", title="신청서")

    response = api_client_for(official).get(f"{URL}{attachment.pk}/download/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_list_runs_a_constant_number_of_queries(api_client_for, official, household,
                                                     django_assert_num_queries, django_assert_max_num_queries):
    client = api_client_for(official)
    attach(household, official)
    client.get(URL)  # warms the content-type cache the access log uses
    with django_assert_max_num_queries(100) as few:
        client.get(URL, {"household": household.pk})
    for _ in range(6):
        attach(household, official, io.BytesIO(jpeg_with_gps()).getvalue())

    # token, user and membership, visible dongs, the rows (scoping as subqueries), the access-log entry
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"household": household.pk})

    assert len(response.json()["results"]) == 7
    assert len(few.captured_queries) <= 6


def test_a_planner_may_not_upload(api_client_for, planner, household):
    response = api_client_for(planner).post(URL, body(household, jpeg_with_gps()), format="multipart")

    assert response.status_code == 403 and not Attachment.objects.exists()


def test_an_upload_may_be_larger_than_other_requests_up_to_its_own_limit(api_client_for, official, household,
                                                                          settings):
    settings.REQUEST_MAX_BODY_BYTES = 100_000
    settings.ATTACHMENT_MAX_BYTES = 400_000
    client = api_client_for(official)
    scan = clean_pdf("scan") + b"\n%" + b" " * 300_000  # a 300 KB PDF: above the request limit, within its own

    taken = client.post(URL, body(household, scan, kind="application"), format="multipart")
    refused = client.post(URL, body(household, scan + b" " * 400_000, client_id="tablet-3-000043"),
                          format="multipart")

    assert taken.status_code == 201, taken.content
    assert refused.status_code == 413 and error_of(refused)["code"] == "request_too_large"
