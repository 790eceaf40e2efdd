"""Households services: consents signed on the tablet (or recorded with a scanned form), and what a consent in use
has as evidence.

``consents_sign`` records one consent per scope ticked, in one transaction: when the person (or a representative,
with the relation) signed on screen, each consent gets its signed PDF (scope text, date, official, signature;
``households.consent_pdf``) as an attachment of kind "consent"; a scanned paper form is attached the same way. If any
part fails, nothing is kept: no consent, no row, no file.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from welfare.audit import log_action
from welfare.common import bounds, filetypes
from welfare.common.people import display_name
from welfare.errors import RuleError

from .. import consent_pdf
from ..models import Attachment, AttachmentKind, Consent, ConsentMethod, ConsentScope, Resident
from .attachments import AttachmentInput, attachment_add, collect_files
from .households import _require_editor, consent_problems

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_SIDE = 3000
SIGNATURE_PREFIX = "data:image/png;base64,"


@dataclass(frozen=True)
class SignedConsentInput:
    scopes: Sequence[str]
    granted_on: dt.date
    method: str
    recipients: str = ""
    expires_on: dt.date | None = None
    representative_name: str = ""
    representative_relation: str = ""
    signature_png: bytes | None = None  # the signature drawn on screen, as PNG
    scan: IO[bytes] | None = field(default=None, compare=False)  # a scanned paper form (PDF or photo)
    client_id: uuid.UUID | None = None  # the offline field app's id: a resend returns the consents it recorded


def signature_from_data_url(value: str) -> bytes | None:
    """The PNG bytes of a signature pad's ``data:image/png;base64,...`` value (the page's hidden field, the offline
    queue's item); None when nothing was drawn. A value that is not such a PNG is refused as unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(SIGNATURE_PREFIX) or len(value) > SIGNATURE_MAX_BYTES * 4 // 3 + 100:
        raise RuleError({"signature": [_("서명 이미지를 읽을 수 없습니다. 다시 서명해 주세요.")]})
    try:
        return base64.b64decode(value[len(SIGNATURE_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RuleError({"signature": [_("서명 이미지를 읽을 수 없습니다. 다시 서명해 주세요.")]}) from exc


def signature_problem(png: bytes | None) -> str | None:
    """Why a drawn signature cannot be used, or None: a PNG of sane size with some ink on it."""
    if not png:
        return _("화면에 서명을 받아 주세요.")
    if len(png) > SIGNATURE_MAX_BYTES or filetypes.sniff(png[:filetypes.HEAD_BYTES]) != filetypes.PNG:
        return _("서명 이미지를 읽을 수 없습니다. 다시 서명해 주세요.")
    try:
        with Image.open(io.BytesIO(png)) as image:
            if max(image.size) > SIGNATURE_MAX_SIDE:
                return _("서명 이미지를 읽을 수 없습니다. 다시 서명해 주세요.")
            image.load()
            alpha = image.getchannel("A") if "A" in image.getbands() else ImageOps.invert(image.convert("L"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return _("서명 이미지를 읽을 수 없습니다. 다시 서명해 주세요.")
    if alpha.getbbox() is None:
        return _("서명이 비어 있습니다. 서명란에 서명을 받아 주세요.")
    return None


def _problems(data: SignedConsentInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    scopes = list(dict.fromkeys(data.scopes))
    if not scopes:
        errors["scope"] = [_("동의 범위를 하나 이상 고르세요.")]
    elif any(s not in ConsentScope.values for s in scopes):
        errors["scope"] = [_("알 수 없는 동의 범위입니다.")]
    errors.update(consent_problems({"granted_on": data.granted_on, "expires_on": data.expires_on,
                                    "recipients": data.recipients}))
    if ConsentScope.THIRD_PARTY in scopes and not data.recipients.strip():
        errors["recipients"] = [_("제3자 제공 동의에는 제공받는 자를 적어야 합니다.")]
    if data.expires_on and data.expires_on < data.granted_on and "expires_on" not in errors:
        errors["expires_on"] = [_("보유 기한은 동의일 이후여야 합니다.")]
    checks = bounds.Checks()
    checks.text("representative_name", data.representative_name, bounds.max_length(Consent, "representative_name"))
    checks.text("representative_relation", data.representative_relation,
                bounds.max_length(Consent, "representative_relation"))
    errors.update(checks.errors)
    name, relation = data.representative_name.strip(), data.representative_relation.strip()
    if name and not relation:
        errors["representative_relation"] = [_("대리인과 정보주체의 관계를 적어 주세요.")]
    if relation and not name:
        errors["representative_name"] = [_("대리인의 성명을 적어 주세요.")]
    if data.method == ConsentMethod.GUARDIAN and not name:
        errors["representative_name"] = [_("법정대리인이 동의할 때는 대리인의 성명과 관계를 적어 주세요.")]
    if data.method not in ConsentMethod.values:
        errors["method"] = [_("동의 방법을 고르세요.")]
    if (data.method == ConsentMethod.ELECTRONIC or data.signature_png) \
            and (problem := signature_problem(data.signature_png)):
        errors["signature"] = [problem]
    return errors


def consents_sign(*, resident: Resident, by: User, data: SignedConsentInput) -> list[Consent]:
    """One consent per scope ticked, each with its signed PDF and/or the scanned form attached. With a
    ``client_id`` (the offline field app), a resend of the same consent records nothing twice: it returns the
    consents the first send recorded, even when two sends race."""
    _require_editor(by)
    if data.client_id is not None and (earlier := _sent_before(resident, data.client_id)) is not None:
        return earlier
    try:
        return _consents_sign(resident=resident, by=by, data=data)
    except IntegrityError:
        if data.client_id is not None and (earlier := _sent_before(resident, data.client_id)) is not None:
            return earlier
        raise


def _sent_before(resident: Resident, client_id: uuid.UUID) -> list[Consent] | None:
    earlier = list(Consent.objects.filter(client_id=client_id).order_by("pk"))
    if not earlier:
        return None
    if any(c.resident_id != resident.pk for c in earlier):
        raise RuleError({"client_id": [_("이미 사용한 client_id입니다.")]})
    return earlier


@transaction.atomic
def _consents_sign(*, resident: Resident, by: User, data: SignedConsentInput) -> list[Consent]:
    errors = _problems(data)
    if errors:
        raise RuleError(errors)
    signed = bool(data.signature_png)
    method = data.method
    if signed and method not in (ConsentMethod.ELECTRONIC, ConsentMethod.GUARDIAN):
        method = ConsentMethod.ELECTRONIC
    now = timezone.now()
    dong = resident.household.dong
    consents = []
    with collect_files():
        for scope in dict.fromkeys(data.scopes):
            consent = Consent.objects.create(
                resident=resident, scope=scope, granted_on=data.granted_on, method=method,
                recipients=data.recipients.strip() if scope == ConsentScope.THIRD_PARTY else "",
                expires_on=data.expires_on, representative_name=data.representative_name.strip(),
                representative_relation=data.representative_relation.strip(),
                signed_at=now if signed else None, recorded_by=by, client_id=data.client_id,
            )
            log_action(consent, "households.consent.created", user=by, household_id=resident.household_id,
                       changes={"signed": signed, "scan": data.scan is not None})
            label = ConsentScope(scope).label
            if signed:
                pdf = consent_pdf.render(consent_pdf.SignedConsent(
                    scope=scope, resident_name=resident.name, resident_birth_date=resident.birth_date,
                    dong_name=f"{dong.district.name} {dong.name}", granted_on=data.granted_on, signed_at=now,
                    recipients=consent.recipients, expires_on=data.expires_on,
                    representative_name=consent.representative_name,
                    representative_relation=consent.representative_relation,
                    official_name=display_name(by), consent_id=consent.pk,
                    signature_png=data.signature_png or b"",
                ))
                attachment_add(by=by, data=AttachmentInput(
                    owner=consent, kind=AttachmentKind.CONSENT, title=_("%(scope)s 동의서 (전자서명)") % {"scope": label},
                    file=io.BytesIO(pdf), document_date=data.granted_on))
            if data.scan is not None:
                data.scan.seek(0)
                try:
                    attachment_add(by=by, data=AttachmentInput(
                        owner=consent, kind=AttachmentKind.CONSENT,
                        title=_("%(scope)s 동의서 (스캔)") % {"scope": label}, file=data.scan,
                        document_date=data.granted_on))
                except RuleError as error:  # the file's refusal belongs to the form's "scan" field
                    if not hasattr(error, "error_dict"):
                        raise
                    raise RuleError({"scan" if name == "file" else name: messages
                                     for name, messages in error.message_dict.items()}) from error
            consents.append(consent)
    return consents


# Evidence -----------------------------------------------------------------------------------------------------------

def with_evidence(queryset: QuerySet) -> QuerySet:
    """Consents annotated with ``has_evidence``: a signed PDF or a scanned form (a live attachment of kind
    "consent") is on the record."""
    return queryset.annotate(has_evidence=Exists(
        Attachment.objects.live().filter(owner_kind="consent", owner_id=OuterRef("pk"),
                                         kind=AttachmentKind.CONSENT)))


def consent_without_evidence(resident: Resident, scope: str, on: dt.date | None = None) -> Consent | None:
    """The person's active consent of ``scope`` when none of the active ones has a signature or a scanned form on
    record (shown as a warning where the consent is used: opening a case, a private referral); None when one has,
    or when there is no active consent at all (the services refuse that case themselves)."""
    active = list(with_evidence(resident.consents.active(on).filter(scope=scope)).order_by("-granted_on", "-pk"))
    if not active or any(c.has_evidence for c in active):
        return None
    return active[0]


def unsigned_consents(residents: QuerySet, scope: str, on: dt.date | None = None) -> dict[int, Consent]:
    """For each of ``residents`` whose active consents of ``scope`` all lack a signature or a scanned form: the
    newest of them, by resident id. One query."""
    active = with_evidence(Consent.objects.active(on).filter(scope=scope, resident__in=residents)
                           .select_related("resident")).order_by("resident_id", "-granted_on", "-pk")
    found: dict[int, Consent] = {}
    evidenced: set[int] = set()
    for consent in active:
        if consent.has_evidence:
            evidenced.add(consent.resident_id)
        else:
            found.setdefault(consent.resident_id, consent)
    return {pk: consent for pk, consent in found.items() if pk not in evidenced}
