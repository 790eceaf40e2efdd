"""Discovery admin: every model listed with filters and search; who reported is for superusers only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from discovery import services
from discovery.models import ImportBatch
from tests.factories import UserFactory

from .factories_reports import new_report

pytestmark = pytest.mark.django_db

MODELS = ("crisisreport", "contactattempt", "householdmerge", "discoverypolicy", "riskindicator", "bigdataround",
          "bigdatatarget", "importbatch", "importrowerror", "universalvisittarget", "networkmember",
          "rewarddecision")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_every_discovery_model_has_a_searchable_filterable_changelist(client, superuser):
    client.force_login(superuser)
    for model in MODELS:
        response = client.get(reverse(f"admin:discovery_{model}_changelist"), {"q": "x"})
        assert response.status_code == 200, model


def test_reporter_identity_inline_is_shown_to_superusers_only(client, dong, superuser):
    report = new_report(dong, channel="web", reporter={"name": "비밀제보자", "phone": "01012341234"})
    url = reverse("admin:discovery_crisisreport_change", args=[report.pk])
    client.force_login(superuser)
    assert "비밀제보자" in client.get(url).content.decode()

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_crisisreport", "change_crisisreport"]))
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and "비밀제보자" not in response.content.decode()


def test_import_batch_is_read_only_and_never_shows_the_uploaded_bytes(client, dong, superuser):
    batch = ImportBatch.objects.create(district=dong.district, kind="crisis_list", file_name="list.csv",
                                       file_sha256="a" * 64, content=b"SECRET-ROW,900101-1234567")
    client.force_login(superuser)
    html = client.get(reverse("admin:discovery_importbatch_change", args=[batch.pk])).content.decode()
    assert "list.csv" in html and "SECRET-ROW" not in html
    assert client.get(reverse("admin:discovery_importbatch_add")).status_code == 403


def test_report_set_dong_moves_a_district_queue_report(dong, second_dong, district_admin):
    report = new_report(None, district=dong.district, channel="web")
    services.report_set_dong(report=report, dong=second_dong, by=district_admin)
    report.refresh_from_db()
    assert report.dong == second_dong
