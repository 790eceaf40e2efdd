"""Households services: households."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import AccessAction
from welfare.permissions import can

from ..models import (
    CHARACTERISTIC_FIELDS,
    Consent,
    ConsentScope,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    Resident,
    SensitiveProfile,
)

HOUSEHOLD_FIELDS = (
    "dong", "road_address", "address_detail", "postal_code", "housing_type", *CHARACTERISTIC_FIELDS, "benefit_status",
    "risk_level", "status", "assigned_official", "next_contact_on", "area", "ban",
)
if TYPE_CHECKING:
    from django.contrib.auth.models import User

RESIDENT_FIELDS = ("name", "birth_date", "sex", "relation", "phone", "moved_in_on")


SENSITIVE_TEXTS = ("physical_health", "mental_health", "addiction")


def household_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """The implausible values of a household's input, by field (the form shows them, the services refuse them):
    a next contact before EARLIEST_RECORD_DATE or beyond NEXT_CONTACT_MAX_DAYS from today."""
    return bounds.Checks().day("next_contact_on", data.get("next_contact_on"),
                               latest=bounds.within_next_contact()).errors


def consent_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """A consent given before EARLIEST_RECORD_DATE or in the future, kept beyond PLAUSIBLE_FUTURE_YEARS, or
    recipients longer than the column."""
    checks = bounds.Checks().day("granted_on", data.get("granted_on"), latest=seoul_today())
    granted = data.get("granted_on") or seoul_today()
    checks.day("expires_on", data.get("expires_on"), latest=bounds.within_years(max(granted, seoul_today())))
    checks.text("recipients", data.get("recipients"), bounds.max_length(Consent, "recipients"))
    return checks.errors


def sensitive_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    checks = bounds.Checks()
    for name in SENSITIVE_TEXTS:
        checks.text(name, data.get(name), bounds.NOTE_TEXT)
    return checks.errors


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise RuleError(errors)


def _require_editor(by: User) -> None:
    if not can(by, "edit_casework"):
        raise RuleError(_("세대 정보를 바꿀 권한이 없습니다."))


def _area_problems(data: dict[str, Any], dong_id: int | None) -> dict[str, list[str]]:
    area = data.get("area")
    if area is not None and dong_id is not None and area.dong_id != dong_id:
        return {"area": [_("이 세대의 행정동에 속한 통을 고르세요.")]}
    return {}


def _derived_area(data: dict[str, Any], dong_id: int | None) -> dict[str, Any]:
    """The 통 from the address when none was chosen (the 통s' street lists decide; none fits: left empty)."""
    if data.get("area") is not None or dong_id is None or not data.get("road_address"):
        return data
    from ..ownership import AreaMatcher

    area_id = AreaMatcher([dong_id]).area_id(dong_id, data["road_address"])
    return {**data, "area_id": area_id} if area_id else data


@transaction.atomic
def household_create(*, by: User, data: dict[str, Any], head: dict[str, Any] | None = None) -> Household:
    """A household and, optionally, its head of household in one step; its 통 from the address unless chosen."""
    _require_editor(by)
    dong = data.get("dong")
    _refuse({**household_problems(data), **_area_problems(data, getattr(dong, "pk", None))})
    data = _derived_area(data, getattr(dong, "pk", None))
    household = Household.objects.create(**{k: v for k, v in data.items() if k in (*HOUSEHOLD_FIELDS, "area_id")})
    log_action(household, "households.household.created", user=by)
    if head:
        resident_add(household=household, by=by, data=head)
    return household


@transaction.atomic
def household_update(*, household: Household, by: User, data: dict[str, Any]) -> Household:
    _require_editor(by)
    if "next_contact_on" in data and data["next_contact_on"] != household.next_contact_on:
        _refuse(household_problems(data))  # a stored date is kept as it is; a new one must be plausible
    dong = data.get("dong") or household.dong
    _refuse(_area_problems(data, dong.pk))
    if "area" in data and data["area"] is None and data.get("road_address", household.road_address):
        derived = _derived_area({**data, "road_address": data.get("road_address", household.road_address)}, dong.pk)
        if derived.get("area_id"):
            data = {**data, "area": dong.areas.get(pk=derived["area_id"])}
    household, changes = model_update(household, data, HOUSEHOLD_FIELDS, by=by, verb="households.household.updated")
    if "next_contact_on" in changes and household.next_contact_on is not None:
        # The open cadence follow-up is the next contact (the daily sweep keeps the two equal): a date typed
        # here moves it, or the sweep would put the old date back.
        FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN,
                                reason=FollowUpReason.CADENCE).update(due_on=household.next_contact_on)
    return household


@transaction.atomic
def resident_add(*, household: Household, by: User, data: dict[str, Any]) -> Resident:
    _require_editor(by)
    resident = Resident(household=household, **{k: v for k, v in data.items() if k in RESIDENT_FIELDS})
    resident.set_rrn(data.get("rrn") or "")
    resident.save()
    log_action(resident, "households.resident.created", user=by)
    return resident


@transaction.atomic
def resident_update(*, resident: Resident, by: User, data: dict[str, Any]) -> Resident:
    """A blank ``rrn`` keeps the stored number (the form never shows it back); a new one is logged as changed."""
    _require_editor(by)
    resident, _changes = model_update(resident, data, (*RESIDENT_FIELDS, "rrn"), by=by,
                                      verb="households.resident.updated", secret=("rrn",))
    return resident


REVEAL_REASON_MIN = 5


def rrn_reveal(*, resident: Resident, by: User, reason: str) -> str:
    """The full number, once, for a stated reason (at least 5 characters) that goes into the access log as a
    ``reveal`` entry (the monthly access review counts them)."""
    _require_editor(by)
    reason = " ".join(reason.split())
    if len(reason) < REVEAL_REASON_MIN:
        raise RuleError({"reason": _("확인 사유를 %(min)d자 이상 고르거나 적어 주세요.") % {"min": REVEAL_REASON_MIN}})
    log_action(resident, "households.resident.rrn_revealed", user=by, reason=reason, action=AccessAction.REVEAL)
    return resident.rrn_encrypted


@transaction.atomic
def consent_record(*, resident: Resident, by: User, data: dict[str, Any]) -> Consent:
    """A consent as given (scope, date, method, recipients, retention)."""
    _require_editor(by)
    errors: dict[str, Any] = dict(consent_problems(data))
    if data.get("scope") == ConsentScope.THIRD_PARTY and not data.get("recipients"):
        errors["recipients"] = _("제3자 제공 동의에는 제공받는 자를 적어야 합니다.")
    if "expires_on" not in errors and data.get("expires_on") and data.get("granted_on") and \
            data["expires_on"] < data["granted_on"]:
        errors["expires_on"] = _("보유 기한은 동의일 이후여야 합니다.")
    if errors:
        raise RuleError(errors)
    consent = Consent.objects.create(resident=resident, recorded_by=by, **data)
    log_action(consent, "households.consent.created", user=by, household_id=resident.household_id)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User, on: dt.date) -> Consent:
    _require_editor(by)
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    log_action(consent, "households.consent.withdrawn", user=by, household_id=consent.resident.household_id)
    return consent


@transaction.atomic
def sensitive_profile_save(*, resident: Resident, by: User, data: dict[str, Any]) -> SensitiveProfile:
    if not can(by, "view_sensitive"):
        raise RuleError(_("민감정보를 다룰 권한이 없습니다."))
    _refuse(sensitive_problems(data))
    profile, created = SensitiveProfile.objects.get_or_create(resident=resident, defaults={"updated_by": by})
    for name, value in data.items():
        setattr(profile, name, value)
    profile.updated_by = by
    profile.save()
    # The log names the fields touched, never their contents.
    log_action(
        profile,
        "households.sensitiveprofile.created" if created else "households.sensitiveprofile.updated",
        user=by, household_id=resident.household_id, changes={"fields": sorted(data)},
    )
    return profile
