"""manage.py bench --scenario attachment_photo on a small demo: a 5 MB photo up and down, figures printed, and
nothing kept (no row, no stored file)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command

from households.models import Attachment
from welfare.demo.bench.attachments import PHOTO_BYTES, synthetic_photo

pytestmark = pytest.mark.django_db


def test_the_photo_is_phone_sized():
    assert abs(len(synthetic_photo()) - PHOTO_BYTES) < PHOTO_BYTES * 0.05


def test_the_scenario_uploads_and_downloads_and_keeps_nothing():
    call_command("seed_demo", households=60, stdout=StringIO())
    files = {p for p in Path(storages["attachments"].location).rglob("*") if p.is_file()}
    out = StringIO()

    call_command("bench", households=60, runs=1, warmup=0, scenario="attachment_photo", stdout=out)

    text = out.getvalue()
    assert "attachment_photo  upload 5." in text and "download (decrypted, streamed)" in text
    assert "peak RSS" in text
    assert not Attachment.objects.exists()
    assert {p for p in Path(storages["attachments"].location).rglob("*") if p.is_file()} == files
