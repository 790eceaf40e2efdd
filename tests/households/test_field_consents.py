"""A consent signed offline in the field app (issue 14 item 4): the pack carries each scope's legal text and the
residents' ids; the queued consent is recorded through the page's service, with its signed PDF per scope, once
whatever the number of resends; a bad signature or another dong's resident is refused and records nothing."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from households.consent_texts import CONSENT_TEXTS
from households.models import Attachment, AttachmentKind, CareStatus, Consent, ConsentMethod
from tests.factories import HouseholdFactory, ResidentFactory

from .factories_attachments import signature_png
from .test_signed_consents import data_url, pdf_text, squeezed

pytestmark = pytest.mark.django_db

PACK = "/api/v1/field/pack/"
SYNC = "/api/v1/field/sync/"


@pytest.fixture
def field(official):
    client = APIClient()
    client.force_login(official)
    return client


@pytest.fixture
def resident(dong, official):
    household = HouseholdFactory(dong=dong, assigned_official=official, status=CareStatus.UNDER_CARE)
    return ResidentFactory(household=household, relation="head", name="박서명")


def consent_item(resident, **extra) -> dict:
    return {"kind": "consent", "pack_generated_at": timezone.now().isoformat(), "item": {
        "client_id": str(uuid.uuid4()), "resident": resident.pk, "scopes": ["collect_use", "sensitive"],
        "granted_on": timezone.localdate().isoformat(), "signature": data_url(signature_png()), **extra}}


def test_the_pack_carries_the_residents_ids_and_every_scopes_legal_text(field, resident):
    pack = field.get(PACK).json()

    (household,) = [h for h in pack["households"] if h["id"] == resident.household_id]
    assert household["residents"][0]["id"] == resident.pk
    scopes = {s["value"]: s for s in pack["consent"]["scopes"]}
    assert set(scopes) == set(CONSENT_TEXTS)
    for value, text in CONSENT_TEXTS.items():
        assert scopes[value]["title"] == text.title
        assert [text.items in body for _heading, body in scopes[value]["sections"]].count(True) == 1


def test_a_consent_signed_offline_is_recorded_once_with_its_signed_pdf_per_scope(field, resident, official):
    item = consent_item(resident, representative_name="박보호", representative_relation="아들")

    first = field.post(SYNC, item, format="json")
    again = field.post(SYNC, item, format="json")

    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["status"] == "sent" and again.json()["id"] == first.json()["id"]
    consents = Consent.objects.filter(resident=resident).order_by("scope")
    assert [c.scope for c in consents] == ["collect_use", "sensitive"]
    assert all(c.method == ConsentMethod.ELECTRONIC and c.signed_at and c.recorded_by == official for c in consents)
    assert {c.representative_relation for c in consents} == {"아들"}
    pdfs = Attachment.objects.filter(owner_kind="consent", owner_id__in=[c.pk for c in consents],
                                     kind=AttachmentKind.CONSENT)
    assert pdfs.count() == 2
    sensitive = consents.get(scope="sensitive")
    text = pdf_text(pdfs.get(owner_id=sensitive.pk))
    assert squeezed(CONSENT_TEXTS["sensitive"].items) in text and "박보호" in text


def test_a_resend_without_the_receipt_still_records_nothing_twice(field, resident):
    """The service itself is idempotent by client id: even with the sync's receipt gone, no second consent."""
    from households.models import FieldSyncReceipt

    item = consent_item(resident)
    field.post(SYNC, item, format="json")
    FieldSyncReceipt.objects.all().delete()
    again = field.post(SYNC, item, format="json")

    assert again.json()["status"] == "sent" and again.json()["created"] is False
    assert Consent.objects.filter(resident=resident).count() == 2
    assert Attachment.objects.filter(owner_kind="consent").count() == 2


@pytest.mark.parametrize(("extra", "field_name"), [
    ({"signature": ""}, "signature"),
    ({"signature": "data:image/png;base64,not-base64!"}, "signature"),
    ({"signature": "data:image/jpeg;base64,AAAA"}, "signature"),
    ({"scopes": []}, "scope"),
    ({"scopes": ["collect_use", "third_party"]}, "recipients"),
    ({"granted_on": "어제"}, "granted_on"),
    ({"representative_name": "박보호"}, "representative_relation"),
])
def test_a_consent_the_rules_refuse_records_nothing_and_says_why(field, resident, extra, field_name):
    response = field.post(SYNC, consent_item(resident, **extra), format="json")

    assert response.status_code == 400 and field_name in response.json()["error"]["fields"], response.json()
    assert not Consent.objects.exists() and not Attachment.objects.exists()


def test_an_empty_drawing_is_refused(field, resident):
    from io import BytesIO

    from PIL import Image

    blank = BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(blank, format="PNG")
    response = field.post(SYNC, consent_item(resident, signature=data_url(blank.getvalue())), format="json")

    assert response.status_code == 400 and "비어" in response.json()["error"]["fields"]["signature"][0]
    assert not Consent.objects.exists()


def test_another_dongs_resident_is_refused(field, other_household):
    stranger = ResidentFactory(household=other_household, relation="head")

    response = field.post(SYNC, consent_item(stranger), format="json")

    assert response.status_code == 400 and "resident" in response.json()["error"]["fields"]
    assert not Consent.objects.exists()


def test_a_client_id_used_for_another_resident_is_refused(field, resident, dong, official):
    item = consent_item(resident)
    field.post(SYNC, item, format="json")
    other = ResidentFactory(household=resident.household, relation="spouse")
    item["item"]["resident"] = other.pk
    from households.models import FieldSyncReceipt

    FieldSyncReceipt.objects.all().delete()
    response = field.post(SYNC, item, format="json")

    assert response.status_code == 400 and "client_id" in response.json()["error"]["fields"]
    assert not Consent.objects.filter(resident=other).exists()
