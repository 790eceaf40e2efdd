"""The offline field app's consent: signed with a finger on the tablet without a connection, queued on the device
with its signature, and recorded when the connection returns through the same service as the page
(:func:`households.services.consents.consents_sign`): one consent per scope, each with its signed PDF attached,
idempotent by the device's ``client_id`` (a resend records nothing twice)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from ..field_registry import SyncResult, register_sync_kind
from ..models import Consent, ConsentMethod, Resident
from .consents import SignedConsentInput, consents_sign, signature_from_data_url
from .field_sync import refused, rule_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _day(item: dict[str, Any], name: str, errors: dict[str, list[str]], *, required: bool = False):
    value = str(item.get(name) or "").strip()
    if not value:
        if required:
            errors[name] = [_("날짜를 적어 주세요.")]
        return None
    day = parse_date(value) if len(value) == 10 else None
    if day is None:
        errors[name] = [_("날짜 형식이 올바르지 않습니다.")]
    return day


@register_sync_kind("consent")
def sync_consent(user: User, item: dict[str, Any], pack_at: str) -> SyncResult:
    try:
        token = uuid.UUID(str(item.get("client_id", "")))
    except ValueError:
        return refused({"client_id": [_("client_id가 올바른 UUID가 아닙니다.")]})
    try:
        resident_id = int(str(item.get("resident")))
    except (TypeError, ValueError):
        resident_id = 0
    resident = (Resident.objects.visible_to(user).select_related("household__dong__district")
                .filter(pk=resident_id).first())
    if resident is None:
        return refused({"resident": [_("이 가구원을 찾을 수 없거나 볼 권한이 없습니다(다른 동으로 옮겨졌을 수 있습니다).")]})
    errors: dict[str, list[str]] = {}
    granted_on = _day(item, "granted_on", errors, required=True)
    expires_on = _day(item, "expires_on", errors)
    scopes = item.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        errors["scope"] = [_("동의 범위를 하나 이상 고르세요.")]
        scopes = []
    try:
        signature = signature_from_data_url(str(item.get("signature") or ""))
    except ValidationError as error:
        errors.update(rule_errors(error))
        signature = None
    if errors:
        return refused(errors)
    representative = str(item.get("representative_name") or "").strip()
    method = ConsentMethod.GUARDIAN if item.get("method") == ConsentMethod.GUARDIAN else ConsentMethod.ELECTRONIC
    data = SignedConsentInput(
        scopes=scopes, granted_on=granted_on, client_id=token, method=method,
        recipients=str(item.get("recipients") or ""), expires_on=expires_on,
        representative_name=representative,
        representative_relation=str(item.get("representative_relation") or "").strip(),
        signature_png=signature,
    )
    sent_before = Consent.objects.filter(client_id=token).exists()
    try:
        consents = consents_sign(resident=resident, by=user, data=data)
    except ValidationError as error:
        return refused(rule_errors(error))
    return SyncResult(status="sent", id=consents[0].pk, created=not sent_before)
