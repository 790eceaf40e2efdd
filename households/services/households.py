"""Households services: households."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from welfare.audit import diff, log_action

from ..models import (
    CHARACTERISTIC_FIELDS,
    Consent,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    Resident,
    SensitiveProfile,
)

HOUSEHOLD_FIELDS = (
    "dong", "road_address", "address_detail", "postal_code", "housing_type", *CHARACTERISTIC_FIELDS, "benefit_status",
    "risk_level", "status", "assigned_official", "next_contact_on",
)
RESIDENT_FIELDS = ("name", "birth_date", "sex", "relation", "phone", "moved_in_on")


@transaction.atomic
def household_create(*, by, data: dict[str, Any], head: dict[str, Any] | None = None) -> Household:
    """A household and, optionally, its head of household in one step."""
    household = Household.objects.create(**{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    log_action(household, "households.household.created", user=by)
    if head:
        resident_add(household=household, by=by, data=head)
    return household


@transaction.atomic
def household_update(*, household: Household, by, data: dict[str, Any]) -> Household:
    old = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    for name in HOUSEHOLD_FIELDS:
        if name in data:
            setattr(household, name, data[name])
    household.save()
    changes = diff(household, old, HOUSEHOLD_FIELDS)
    if "next_contact_on" in changes and household.next_contact_on is not None:
        # The open cadence follow-up is the next contact (the daily sweep keeps the two equal): a date typed
        # here moves it, or the sweep would put the old date back.
        FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN,
                                reason=FollowUpReason.CADENCE).update(due_on=household.next_contact_on)
    if changes:
        log_action(household, "households.household.updated", user=by, changes=changes)
    return household


@transaction.atomic
def resident_add(*, household: Household, by, data: dict[str, Any]) -> Resident:
    resident = Resident(household=household, **{k: v for k, v in data.items() if k in RESIDENT_FIELDS})
    resident.set_rrn(data.get("rrn") or "")
    resident.save()
    log_action(resident, "households.resident.created", user=by)
    return resident


@transaction.atomic
def resident_update(*, resident: Resident, by, data: dict[str, Any]) -> Resident:
    old = {f: getattr(resident, f) for f in RESIDENT_FIELDS}
    old_hash = resident.rrn_hash
    for name in RESIDENT_FIELDS:
        if name in data:
            setattr(resident, name, data[name])
    if data.get("rrn"):  # a blank field keeps the stored number; the form never shows it back
        resident.set_rrn(data["rrn"])
    resident.save()
    changes = diff(resident, old, RESIDENT_FIELDS)
    if resident.rrn_hash != old_hash:
        changes["rrn"] = "(changed)"
    if changes:
        log_action(resident, "households.resident.updated", user=by, changes=changes)
    return resident


def rrn_reveal(*, resident: Resident, by, reason: str) -> str:
    """The full number, once, for a stated reason that goes into the access log."""
    if not reason.strip():
        raise ValueError("A reason is required to reveal a registration number.")
    log_action(resident, "households.resident.rrn_revealed", user=by, reason=reason.strip())
    return resident.rrn_encrypted


@transaction.atomic
def consent_record(*, resident: Resident, by, data: dict[str, Any]) -> Consent:
    consent = Consent.objects.create(resident=resident, recorded_by=by, **data)
    log_action(consent, "households.consent.created", user=by, household_id=resident.household_id)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, on) -> Consent:
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    log_action(consent, "households.consent.withdrawn", user=by, household_id=consent.resident.household_id)
    return consent


@transaction.atomic
def sensitive_profile_save(*, resident: Resident, by, data: dict[str, Any]) -> SensitiveProfile:
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
