"""Attachments over time: crisis reports take them (discovery registers its kind), linking a report and merging
households carry them, and the retention job removes the files of anonymised records (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from discovery.services import household_merge, report_link_household
from households.jobs import retention
from households.models import Attachment, AttachmentKind, Household
from tests.discovery.factories_network import report
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.models import AccessLog

from .factories_attachments import attach, clean_pdf, jpeg_with_gps, upload
from .test_jobs_retention import NOW, expired  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def on_disk(attachment: Attachment) -> Path:
    return Path(storages["attachments"].path(attachment.storage_name))


def test_a_report_takes_attachments_within_its_own_scope(client_for, official, lead, dong, seongdong,
                                                          other_dong_official):
    own = report(dong)
    queued = report(None, district=seongdong)  # the district queue: leads and admins only
    url = reverse("households:attachment_add")

    response = client_for(official).post(f"{url}?owner=report:{own.pk}", {
        "kind": "letter", "title": "집주인 퇴거 통지", "file": upload("letter.pdf", clean_pdf())})
    refused = client_for(official).post(f"{url}?owner=report:{queued.pk}", {
        "kind": "photo", "title": "현관", "file": upload("a.jpg", jpeg_with_gps())})
    attachment = Attachment.objects.get()

    assert response.status_code == 302 and response["Location"].endswith(f"/discovery/reports/{own.pk}/#attachments")
    assert refused.status_code == 404
    assert (attachment.owner_kind, attachment.owner_id, attachment.household_id) == ("report", own.pk, None)
    download = reverse("households:attachment_download", args=[attachment.pk])
    assert download in client_for(official).get(reverse("discovery:report_detail", args=[own.pk])).content.decode()
    assert client_for(other_dong_official).get(download).status_code == 404
    assert client_for(lead).get(download).status_code == 200


def test_linking_a_report_brings_its_attachments_to_the_household(official, dong, household):
    own = report(dong)
    attachment = attach(own, official)

    report_link_household(report=own, household=household, by=official)

    attachment.refresh_from_db()
    assert attachment.household_id == household.pk


def test_merging_households_moves_their_attachments(official, dong):
    survivor, duplicate = HouseholdFactory(dong=dong), HouseholdFactory(dong=dong)
    ResidentFactory(household=survivor, relation="head")
    moved = attach(duplicate, official)

    household_merge(survivor=survivor, duplicate=duplicate, by=official, reason="같은 주소 중복 등록")

    moved.refresh_from_db()
    assert moved.household_id == survivor.pk and not Household.objects.filter(pk=duplicate.pk).exists()


def test_retention_removes_the_files_of_anonymised_households(expired, official, django_capture_on_commit_callbacks):  # noqa: F811
    resident = expired.residents.get()
    photo = attach(expired, official, title="김순자 님 댁 현관")
    scan = attach(resident.consents.create(scope="collect_use", granted_on="2017-12-01", method="written"),
                  official, clean_pdf(), kind=AttachmentKind.CONSENT, title="동의서")
    files = [on_disk(photo), on_disk(scan)]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention(NOW)

    assert counts["attachments"] == 2
    assert not any(path.exists() for path in files)
    for attachment in Attachment.objects.all():
        assert attachment.deleted_at == NOW and attachment.storage_name == "" and attachment.title == "(익명화됨)"
    assert AccessLog.objects.filter(verb="households.household.anonymised").count() == 1


def test_the_nightly_run_removes_a_file_left_behind(official, household):
    attachment = attach(household, official)
    path = on_disk(attachment)
    # A deletion committed but whose file removal never ran (the process died after the commit).
    Attachment.objects.filter(pk=attachment.pk).update(deleted_at=NOW, deleted_reason="중복 업로드 정리")

    counts = retention(NOW)

    assert counts["attachment_files_removed"] == 1 and not path.exists()
    attachment.refresh_from_db()
    assert attachment.storage_name == "" and attachment.file_removed_at is not None


def test_rotating_the_keys_rewrites_each_file_under_the_newest_key(official, household, settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from welfare.common import blobs

    old_key = settings.FIELD_ENCRYPTION_KEY[0]
    photo = attach(household, official)
    plain = blobs.read_decrypted(storages["attachments"], photo.storage_name)
    old_path = on_disk(photo)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new_key, old_key]

    out = StringIO()
    call_command("rotate_attachment_keys", stdout=out)

    photo.refresh_from_db()
    assert "1 attachment files" in out.getvalue() and not old_path.exists()
    settings.FIELD_ENCRYPTION_KEY = [new_key]  # the old key dropped: the file still opens
    assert blobs.read_decrypted(storages["attachments"], photo.storage_name) == plain
