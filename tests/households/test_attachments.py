"""Attachments on a household's records: the pages and the service (issue 14).

Bad input is refused with a Korean message and nothing is half-saved; pictures lose their EXIF and GPS; the stored
bytes are ciphertext; another dong's attachment answers 404; every download and deletion is in the access log.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from PIL import Image

from households.models import Attachment, AttachmentKind
from households.services import RuleError
from households.services.attachments import AttachmentInput, attachment_add
from welfare.common import blobs
from welfare.models import AccessLog

from .factories_attachments import (
    attach,
    bomb_png,
    clean_pdf,
    heic_bytes,
    jpeg_with_gps,
    pdf_with_javascript,
    pdf_with_launch,
    png_bytes,
    upload,
)
from .factories_cases import make_case
from .factories_visits import VisitFactory

pytestmark = pytest.mark.django_db


def stored_files() -> set[Path]:
    return {p for p in Path(storages["attachments"].location).rglob("*") if p.is_file()}


def add_url(owner: str) -> str:
    return f"{reverse('households:attachment_add')}?owner={owner}"


def post_file(client, owner: str, name: str, data: bytes, **fields):
    body = {"kind": "photo", "title": "현관 앞 우편물", "document_date": "", "client_id": "", **fields,
            "file": upload(name, data)}
    return client.post(add_url(owner), body)


# Adding -------------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_encrypted_without_exif_and_gps(client_for, official, household):
    original = jpeg_with_gps()
    before = stored_files()

    response = post_file(client_for(official), f"household:{household.pk}", "IMG_0001.JPG", original)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.household_id, attachment.owner_kind, attachment.content_type) == (
        household.pk, "household", "image/jpeg")
    [path] = stored_files() - before
    stored = path.read_bytes()
    assert stored.startswith(blobs.MAGIC) and original not in stored and b"TestMakerCorp" not in stored
    plain = blobs.read_decrypted(storages["attachments"], attachment.storage_name)
    assert b"Exif" not in plain and b"TestMakerCorp" not in plain and b"PhoneModelX" not in plain
    assert not Image.open(io.BytesIO(plain)).getexif()  # no tag at all, GPS included
    assert attachment.size == len(plain)


def test_a_png_loses_its_text_chunks_and_a_heic_becomes_a_jpeg(official, household):
    png = attach(household, official, png_bytes(text="주소: 왕십리로 1"))
    heic = attach(household, official, heic_bytes(), title="아이폰 사진")

    assert png.content_type == "image/png"
    assert "왕십리로".encode() not in blobs.read_decrypted(storages["attachments"], png.storage_name)
    assert (heic.content_type, heic.width, heic.height) == ("image/jpeg", 64, 48)
    assert blobs.read_decrypted(storages["attachments"], heic.storage_name).startswith(b"\xff\xd8\xff")


def test_a_pdf_is_kept_as_it_is(official, household):
    pdf = clean_pdf("application form")

    attachment = attach(household, official, pdf, kind=AttachmentKind.APPLICATION, title="기초생활 신청서")

    assert attachment.content_type == "application/pdf"
    assert blobs.read_decrypted(storages["attachments"], attachment.storage_name) == pdf


@pytest.mark.parametrize(("name", "data", "message"), [
    ("report.pdf", b"MZ\x90\x00 an executable named report.pdf", "내용으로 확인"),
    ("photo.jpg", b"<html><script>alert(1)</script>", "내용으로 확인"),
    ("empty.pdf", b"", "빈 파일(0바이트)"),
    ("bomb.png", bomb_png(), "화소 수가 너무 많습니다"),
    ("form.pdf", pdf_with_javascript(), "자바스크립트나 실행 동작(JavaScript)"),
    ("form.pdf", pdf_with_launch(), "실행 동작(Launch)"),
    ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "손상되었거나 읽을 수 없습니다"),
])
def test_bad_files_are_refused_in_korean_and_nothing_is_half_saved(client_for, official, household, name, data,
                                                                    message):
    before = stored_files()

    response = post_file(client_for(official), f"household:{household.pk}", name, data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Attachment.objects.exists()
    assert stored_files() == before


def test_an_oversized_file_is_refused(client_for, official, household, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = stored_files()

    response = post_file(client_for(official), f"household:{household.pk}", "scan.pdf", clean_pdf() + b" " * 2000)

    assert response.status_code == 200
    assert "이하만 올릴 수 있습니다" in response.context["form"].errors["file"][0]
    assert not Attachment.objects.exists() and stored_files() == before


def test_a_failure_after_the_file_was_written_removes_it(official, household, monkeypatch):
    before = stored_files()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("households.services.attachments.log_action", broken)
    with pytest.raises(RuntimeError):
        attach(household, official)

    assert not Attachment.objects.exists() and stored_files() == before


def test_the_same_client_id_twice_makes_one_attachment(client_for, official, household):
    client = client_for(official)
    owner = f"household:{household.pk}"

    first = post_file(client, owner, "a.jpg", jpeg_with_gps(), client_id="tablet-7-0001")
    files = stored_files()
    again = post_file(client, owner, "a.jpg", jpeg_with_gps(), client_id="tablet-7-0001")

    assert first.status_code == again.status_code == 302
    assert Attachment.objects.count() == 1 and stored_files() == files


def test_a_client_id_used_for_another_record_is_refused(official, household):
    resident = household.residents.get()
    attach(household, official, client_id="tablet-7-0002")

    with pytest.raises(RuleError) as refused:
        attach(resident, official, client_id="tablet-7-0002")

    assert "client_id" in refused.value.message_dict


def test_attachments_go_on_each_kind_of_record(client_for, official, household):
    resident = household.residents.get()
    case = make_case(household)
    consent = resident.consents.create(scope="collect_use", granted_on="2026-01-05", method="written")
    client = client_for(official)

    for owner in (f"resident:{resident.pk}", f"case:{case.pk}", f"consent:{consent.pk}"):
        assert post_file(client, owner, "scan.pdf", clean_pdf(), kind="application").status_code == 302

    assert set(Attachment.objects.values_list("owner_kind", "household_id")) == {
        ("resident", household.pk), ("case", household.pk), ("consent", household.pk)}
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    for attachment in Attachment.objects.all():
        assert page.count(f'href="{reverse("households:attachment_download", args=[attachment.pk])}"') == 1
    assert f"사례 #{case.pk}" in page
    case_page = client.get(reverse("households:case_detail", args=[household.pk, case.pk])).content.decode()
    assert reverse("households:attachment_download", args=[Attachment.objects.get(owner_kind="case").pk]) \
        in case_page


def _reads_attachments(sql: str) -> bool:
    # The page's own reads of the table (the consent section's query looks into it from a subquery).
    return sql.startswith(('SELECT "households_attachment".', 'SELECT DISTINCT "households_attachment".'))


def test_a_household_without_attachments_skips_the_visibility_query(client_for, official, household):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(official)
    url = reverse("households:detail", args=[household.pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    attachments = [q["sql"] for q in ctx.captured_queries if _reads_attachments(q["sql"])]
    assert len(attachments) == 1 and "EXISTS" not in attachments[0]  # one look-up on the household's index
    assert "owner_kind" in attachments[0]  # the kinds present: none

    assert post_file(client, f"household:{household.pk}", "scan.pdf", clean_pdf(), kind="application").status_code \
        == 302
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    attachments = [q["sql"] for q in ctx.captured_queries if _reads_attachments(q["sql"])]
    assert len(attachments) == 2 and "EXISTS" in attachments[1]  # then the scoped list, as before
    assert reverse("households:attachment_download", args=[Attachment.objects.get().pk]) in page


def test_another_dongs_record_takes_no_attachment(client_for, official, other_household):
    response = post_file(client_for(official), f"household:{other_household.pk}", "a.jpg", jpeg_with_gps())

    assert response.status_code == 404 and not Attachment.objects.exists()


def test_a_planner_cannot_attach(client_for, planner, household):
    assert client_for(planner).get(add_url(f"household:{household.pk}")).status_code == 404


def test_the_form_offers_the_camera(client_for, official, household):
    page = client_for(official).get(add_url(f"household:{household.pk}")).content.decode()

    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert 'name="client_id"' in page


# Reading ------------------------------------------------------------------------------------------------------


def test_a_download_is_logged_streamed_and_never_cached(client_for, official, household):
    pdf = clean_pdf()
    attachment = attach(household, official, pdf, kind=AttachmentKind.LETTER, title="집주인 통지서")

    response = client_for(official).get(reverse("households:attachment_download", args=[attachment.pk]))

    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    entry = AccessLog.objects.filter(verb="households.attachment.viewed").get()
    assert (entry.user, entry.household_id, entry.object_id) == (official, household.pk, str(attachment.pk))


def test_a_picture_is_shown_inline(client_for, official, household):
    attachment = attach(household, official)

    response = client_for(official).get(reverse("households:attachment_download", args=[attachment.pk]))

    assert response["Content-Type"] == "image/jpeg" and response["Content-Disposition"].startswith("inline;")


def test_another_dongs_attachment_answers_404(client_for, official, other_dong_official, other_household, planner):
    attachment = attach(other_household, other_dong_official)
    url = reverse("households:attachment_download", args=[attachment.pk])

    assert client_for(official).get(url).status_code == 404
    assert client_for(planner).get(url).status_code == 404  # aggregates only
    assert not AccessLog.objects.filter(verb="households.attachment.viewed").exists()



def test_visibility_looks_up_each_attachments_owner_and_keeps_another_dongs_out(
        official, other_dong_official, household, other_household):
    mine = [attach(owner, official) for owner in (household, household.residents.get(), make_case(household),
                                                  VisitFactory(household=household))]
    theirs = [attach(owner, other_dong_official) for owner in (other_household, other_household.residents.get(),
                                                               VisitFactory(household=other_household))]
    visible = Attachment.objects.visible_to(official)
    sql = str(visible.query)

    assert set(visible) == set(mine) and set(Attachment.objects.visible_to(other_dong_official)) == set(theirs)
    # A correlated EXISTS per owner kind: the database reads the owners of the attachments it reads. An
    # "owner_id IN (every visible record)" made PostgreSQL hash all the visits of the user's dongs (177 ms at
    # 100,000 households for one household page with a visit's photo).
    assert sql.count("EXISTS") >= 5 and '"owner_id" IN (SELECT' not in sql


# Deleting -----------------------------------------------------------------------------------------------------


def test_deleting_asks_for_a_reason_and_keeps_a_tombstone(client_for, official, household, django_capture_on_commit_callbacks):
    before = stored_files()
    attachment = attach(household, official, title="잘못 올린 사진")
    client = client_for(official)
    url = reverse("households:attachment_delete", args=[attachment.pk])
    [path] = stored_files() - before

    short = client.post(url, {"reason": "실수"})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "다른 세대 사진을 잘못 올림"})

    assert short.status_code == 200 and "5자 이상" in short.context["form"].errors["reason"][0]
    assert done.status_code == 302
    attachment.refresh_from_db()
    assert attachment.deleted_by == official and attachment.storage_name == "" and not path.exists()
    entry = AccessLog.objects.get(verb="households.attachment.deleted")
    assert entry.reason == "다른 세대 사진을 잘못 올림"
    assert entry.changes["title"] == "잘못 올린 사진" and entry.changes["sha256"] == attachment.sha256
    assert client.get(reverse("households:attachment_download", args=[attachment.pk])).status_code == 404


def test_the_household_page_lists_attachments_in_a_constant_number_of_queries(
        client_for, official, household, django_assert_max_num_queries):
    resident = household.residents.get()
    case = make_case(household)
    client = client_for(official)
    url = reverse("households:detail", args=[household.pk])
    attach(household, official)
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for owner in (household, household, resident, resident, case, case):
        attach(owner, official)

    with django_assert_max_num_queries(len(few.captured_queries) + 3) as many:  # one per kind of owner shown
        response = client.get(url)

    assert response.content.decode().count("/households/attachments/") >= 7
    assert len(many.captured_queries) <= len(few.captured_queries) + 3


def test_attachment_input_validates_title_and_date(official, household):
    with pytest.raises(RuleError) as refused:
        attachment_add(by=official, data=AttachmentInput(owner=household, kind="nope", title=" ",
                                                         file=io.BytesIO(jpeg_with_gps()),
                                                         document_date=__import__("datetime").date(1990, 1, 1)))
    assert set(refused.value.message_dict) == {"kind", "title", "document_date"}
