"""Consent signed on the tablet: the legal text per scope, the signature, the representative, the signed PDF attached
to each consent; and the warning where a consent without a signature or a scanned form is used (issue 14)."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from households.consent_texts import CONSENT_TEXTS
from households.models import Attachment, AttachmentKind, Consent
from welfare.common import blobs

from .factories_attachments import attach, clean_pdf, signature_png, upload
from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def consent_url(household, resident) -> str:
    return reverse("households:consent_add", args=[household.pk, resident.pk])


def signed_post(**extra) -> dict:
    return {"scope": ["collect_use", "sensitive"], "granted_on": timezone.localdate().isoformat(),
            "method": "electronic", "signature": data_url(signature_png()), **extra}


def pdf_text(attachment: Attachment) -> str:
    """The PDF's text without white space (lines wrap anywhere in Korean text)."""
    data = blobs.read_decrypted(storages["attachments"], attachment.storage_name)
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_the_form_shows_the_legal_text_of_every_scope_and_a_signature_pad(client_for, official, household):
    resident = household.residents.get()

    page = client_for(official).get(consent_url(household, resident)).content.decode()

    for text in CONSENT_TEXTS.values():
        assert text.title in page and text.law in page and text.items in page
    assert 'id="signature-pad"' in page and "js/signature.js" in page
    assert 'name="representative_name"' in page and 'name="representative_relation"' in page


def test_a_signed_consent_gets_one_signed_pdf_per_scope(client_for, official, household):
    resident = household.residents.get()

    response = client_for(official).post(consent_url(household, resident), signed_post())

    assert response.status_code == 302
    consents = list(Consent.objects.order_by("scope"))
    assert [c.scope for c in consents] == ["collect_use", "sensitive"]
    assert all(c.method == "electronic" and c.signed_at is not None for c in consents)
    for consent in consents:
        [pdf] = Attachment.objects.filter(owner_kind="consent", owner_id=consent.pk)
        assert (pdf.kind, pdf.content_type, pdf.household_id) == (AttachmentKind.CONSENT, "application/pdf",
                                                                  household.pk)
        text = pdf_text(pdf)
        legal = CONSENT_TEXTS[consent.scope]
        for part in (legal.title, legal.law, legal.purpose, legal.items, legal.refusal):
            assert squeezed(part) in text
        assert squeezed(resident.name) in text and squeezed(official.get_full_name()) in text
        assert squeezed(timezone.localdate().strftime("%Y년 %m월 %d일")) in text
        assert "본인" in text


def test_a_representative_signs_with_the_relation(client_for, official, household):
    resident = household.residents.get()

    missing = client_for(official).post(consent_url(household, resident),
                                        signed_post(scope=["third_party"], recipients="성동푸드뱅크",
                                                    representative_name="김영희"))
    done = client_for(official).post(consent_url(household, resident),
                                     signed_post(scope=["third_party"], recipients="성동푸드뱅크",
                                                 representative_name="김영희", representative_relation="딸"))

    assert missing.status_code == 200 and "representative_relation" in missing.context["form"].errors
    assert done.status_code == 302
    consent = Consent.objects.get()
    assert (consent.representative_name, consent.representative_relation, consent.recipients) == (
        "김영희", "딸", "성동푸드뱅크")
    text = pdf_text(Attachment.objects.get())
    assert "대리인김영희" in text and "관계:딸" in text and "성동푸드뱅크" in text


@pytest.mark.parametrize(("post", "field", "message"), [
    ({"signature": ""}, "signature", "화면에 서명을 받아 주세요"),
    ({"signature": data_url(signature_png(blank=True))}, "signature", "서명이 비어 있습니다"),
    ({"signature": "data:image/png;base64,bm90IGEgcG5n"}, "signature", "서명 이미지를 읽을 수 없습니다"),
    ({"scope": []}, "scope", ""),
    ({"scope": ["third_party"]}, "recipients", "제공받는 자"),
])
def test_a_signed_consent_needs_its_parts(client_for, official, household, post, field, message):
    resident = household.residents.get()

    response = client_for(official).post(consent_url(household, resident), signed_post(**post))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Consent.objects.exists() and not Attachment.objects.exists()


def test_a_paper_consent_with_its_scan(client_for, official, household):
    resident = household.residents.get()

    response = client_for(official).post(consent_url(household, resident), {
        "scope": ["collect_use"], "granted_on": timezone.localdate().isoformat(), "method": "written",
        "signature": "", "scan": upload("scan.pdf", clean_pdf("paper form"))})

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_at is None
    assert Attachment.objects.get().owner_id == consent.pk


def test_a_bad_scan_keeps_nothing(client_for, official, household):
    resident = household.residents.get()

    response = client_for(official).post(consent_url(household, resident), signed_post(
        scan=upload("scan.pdf", b"%PDF-1.4 /OpenAction << /S /JavaScript /JS (x) >>")))

    assert response.status_code == 200 and "scan" in response.context["form"].errors
    assert not Consent.objects.exists() and not Attachment.objects.exists()


def test_a_consent_without_evidence_says_so_where_it_is_used(client_for, official, dong):
    household = household_with_client(dong, consents=("collect_use", "third_party"))
    resident = household.residents.get()
    case = make_case(household)
    client = client_for(official)
    open_url = reverse("households:case_open", args=[household.pk])
    link_url = reverse("households:link_add", args=[household.pk, case.pk])
    warning = "서명이나 스캔한 동의서가 없습니다"

    unsigned = client.get(open_url).content.decode(), client.get(link_url).content.decode()
    household_page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    for consent in resident.consents.all():
        attach(consent, official, clean_pdf(), kind=AttachmentKind.CONSENT, title="동의서 스캔")
    signed = client.get(open_url).content.decode(), client.get(link_url).content.decode()

    assert all(warning in page for page in unsigned)
    assert "서명·동의서 없음" in household_page
    assert not any(warning in page for page in signed)


def test_a_deleted_scan_is_no_evidence(official, dong, django_capture_on_commit_callbacks):
    from households.services import attachment_delete, consent_without_evidence

    household = household_with_client(dong, consents=("collect_use",))
    resident = household.residents.get()
    consent = resident.consents.get()
    scan = attach(consent, official, clean_pdf(), kind=AttachmentKind.CONSENT, title="동의서 스캔")
    assert consent_without_evidence(resident, "collect_use") is None

    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=scan, by=official, reason="흐리게 스캔되어 다시 받음")

    assert consent_without_evidence(resident, "collect_use") == consent
