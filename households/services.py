"""Every write to households that matters: in a transaction, audited.

Views, API actions, admin actions and tasks all call these; none repeats their rules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import diff, log_action, log_actions
from welfare.models import DONG_ROLES, Role
from welfare.scoping import has_role, membership

from .models import (
    ASSESSMENT_DAYS,
    CHARACTERISTIC_FIELDS,
    ISOLATION_ITEMS,
    LINK_STATUSES_NEEDING_REASON,
    OPEN_STAGES,
    PLAN_DAYS,
    CadencePolicy,
    CareStatus,
    Case,
    CaseGoal,
    CaseNeed,
    CaseStage,
    CaseStageChange,
    CheckIn,
    Consent,
    ConsentScope,
    ContactResult,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    IsolationScreening,
    LeftReason,
    LinkStatus,
    MemberEvent,
    MemberEventKind,
    Relation,
    Resident,
    SensitiveProfile,
    ServiceLink,
    Visit,
    VisitNeed,
    isolation_risk,
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


class RuleError(ValidationError):
    """A business rule refused the change; the message is for the user."""


class StaleVersion(Exception):
    """Someone else saved the record since this form was opened."""


CONTACT_MADE = frozenset({ContactResult.MET, ContactResult.REFUSED})
APPROVERS = (Role.DONG_LEAD, Role.DISTRICT_ADMIN)


def _today() -> dt.date:
    return timezone.localdate()


def has_active_consent(resident: Resident, scope: str, on: dt.date | None = None) -> bool:
    return resident.consents.active(on).filter(scope=scope).exists()


# Composition ------------------------------------------------------------------------------------------------


@transaction.atomic
def resident_join(*, household: Household, by, data: dict[str, Any], on: dt.date) -> Resident:
    if data.get("relation") == Relation.HEAD and household.residents.current().filter(relation=Relation.HEAD).exists():
        raise RuleError(_("이미 세대주가 있습니다. 전입한 뒤 세대주 변경으로 바꾸세요."))
    resident = resident_add(household=household, by=by, data={**data, "moved_in_on": on})
    MemberEvent.objects.create(household=household, resident=resident, kind=MemberEventKind.JOINED, on=on,
                               recorded_by=by)
    return resident


@transaction.atomic
def resident_leave(*, resident: Resident, by, on: dt.date, reason: str, new_head: Resident | None = None,
                   note: str = "") -> Resident:
    """A resident leaves on a date; the row stays, so who lived there before is never lost."""
    if resident.left_on is not None:
        raise RuleError(_("이미 세대에서 이탈한 가구원입니다."))
    if reason not in LeftReason.values:
        raise RuleError(_("이탈 사유를 고르세요."))
    household = resident.household
    if resident.relation == Relation.HEAD:
        others = household.residents.current().exclude(pk=resident.pk)
        if new_head is None and others.exists():
            raise RuleError(_("세대주가 이탈하면 새 세대주를 지정해야 합니다."))
        if new_head is not None:
            head_change(household=household, new_head=new_head, by=by, on=on, previous_head_relation=Relation.OTHER_RELATIVE)
    resident.refresh_from_db()
    resident.left_on, resident.left_reason = on, reason
    resident.save(update_fields=["left_on", "left_reason", "updated_at", "relation"])
    MemberEvent.objects.create(household=household, resident=resident, kind=MemberEventKind.LEFT, on=on,
                               reason=reason, note=note, recorded_by=by)
    log_action(resident, "households.resident.left", user=by, changes={"left_on": str(on), "reason": reason})
    return resident


@transaction.atomic
def head_change(*, household: Household, new_head: Resident, by, on: dt.date,
                previous_head_relation: str = Relation.SPOUSE) -> Resident:
    if new_head.household_id != household.pk or new_head.left_on is not None:
        raise RuleError(_("현재 이 세대의 가구원만 세대주가 될 수 있습니다."))
    if new_head.relation == Relation.HEAD:
        return new_head
    household.residents.current().filter(relation=Relation.HEAD).update(relation=previous_head_relation)
    new_head.relation = Relation.HEAD
    new_head.save(update_fields=["relation", "updated_at"])
    MemberEvent.objects.create(household=household, resident=new_head, kind=MemberEventKind.HEAD_CHANGED, on=on,
                               recorded_by=by)
    log_action(new_head, "households.resident.head_changed", user=by, changes={"on": str(on)})
    return new_head


# Follow-ups -------------------------------------------------------------------------------------------------


def propose_next_contact(*, household: Household, risk_level: str, after: dt.date) -> dt.date:
    """The next contact date the cadence policy proposes (editable on the form)."""
    policy = CadencePolicy.for_district(household.dong.district_id)
    in_service = household.cases.filter(stage=CaseStage.IN_SERVICE).exists()
    return policy.next_contact(after=after, risk_level=risk_level, in_service=in_service)


def followup_schedule(*, household: Household, due_on: dt.date, reason: str, assigned_to=None,
                      note: str = "", by=None) -> FollowUp | None:
    """Open a follow-up unless one is already open for this household and reason (the constraint decides).

    ``by`` is the person who asked for it from a page; the automatic ones (visits, jobs) are logged by their caller.
    """
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(household=household, due_on=due_on, reason=reason,
                                                assigned_to=assigned_to or household.assigned_official, note=note)
    except IntegrityError:
        return None
    if by is not None:
        log_action(follow_up, "households.followup.created", user=by,
                   changes={"reason": reason, "due_on": str(due_on)})
    return follow_up


@transaction.atomic
def followup_cancel(*, follow_up: FollowUp, by) -> FollowUp:
    """Cancel an open follow-up; one already done or cancelled is refused."""
    cancelled = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CANCELLED, closed_at=timezone.now()
    )
    if cancelled != 1:  # compare-and-set: a second click, or a visit that met it meanwhile
        raise RuleError(_("이미 완료되었거나 취소된 접촉 예정입니다."))
    follow_up.refresh_from_db()
    log_action(follow_up, "households.followup.cancelled", user=by, changes={"reason": follow_up.reason})
    return follow_up


def _close_follow_ups(household: Household, *, visit: Visit | None, reasons, status=FollowUpStatus.DONE) -> int:
    return FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN, reason__in=list(reasons)).update(
        status=status, visit=visit, closed_at=timezone.now()
    )


# Check-ins ---------------------------------------------------------------------------------------------------


def checkin_record(*, household: Household, by, source: str, is_alert: bool, note: str = "",
                   at: dt.datetime | None = None, external_id: str | None = None) -> tuple[CheckIn, bool]:
    """Record a sign of life (or an alert); returns (check_in, created).

    A gateway's ``external_id`` makes a resent message find the first check-in instead of adding a second.
    """
    external_id = (external_id or "").strip() or None
    if external_id is not None:
        existing = CheckIn.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(household=household, source=source, is_alert=is_alert, note=note,
                                              at=at or timezone.now(), external_id=external_id, recorded_by=by)
            log_action(check_in, "households.checkin.recorded", user=by,
                       changes={"source": source, "alert": is_alert})
            if is_alert:
                from .jobs import raise_checkin_alert

                # An alert cannot wait for the hourly silence watch: follow-up and notices now, same transaction.
                raise_checkin_alert(check_in=check_in)
    except IntegrityError:
        # Two deliveries of the same message raced past the lookup: the unique id let one in.
        existing = CheckIn.objects.filter(external_id=external_id).first() if external_id else None
        if existing is None:
            raise
        return existing, False
    return check_in, True


# Visits ------------------------------------------------------------------------------------------------------


@dataclass
class VisitOutcome:
    """What to do with the household and the case when the visit found the person deceased or moved away."""

    end_care: bool = False
    resident: Resident | None = None
    propose_case_closing: bool = False


@dataclass
class VisitData:
    kind: str
    contact_result: str
    risk_level: str
    visited_at: dt.datetime | None = None
    observations: str = ""
    next_contact_on: dt.date | None = None
    needs: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, severity, note)
    staff_present: list = field(default_factory=list)
    outcome: VisitOutcome = field(default_factory=VisitOutcome)


def visit_record(*, household: Household, by, data: VisitData, token: uuid.UUID | None = None) -> tuple[Visit, bool]:
    """Log a visit; returns (visit, created). The same token twice returns the first visit, unchanged."""
    if token is not None:
        existing = Visit.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return _visit_record(household=household, by=by, data=data, token=token), True
    except IntegrityError:
        # Two submissions raced past the lookup: the unique token let exactly one in.
        if token is not None:
            existing = Visit.objects.filter(submission_token=token).first()
            if existing is not None:
                return existing, False
        raise


def _visit_record(*, household: Household, by, data: VisitData, token) -> Visit:
    household = Household.objects.select_for_update().select_related("dong").get(pk=household.pk)
    visited_at = data.visited_at or timezone.now()
    visit_day = timezone.localdate(visited_at)
    case = household.cases.open().first()
    ends = data.contact_result in (ContactResult.DECEASED, ContactResult.MOVED_AWAY)
    next_on = None if ends and data.outcome.end_care else (
        data.next_contact_on or propose_next_contact(household=household, risk_level=data.risk_level, after=visit_day)
    )
    visit = Visit.objects.create(
        household=household, case=case, visited_at=visited_at, kind=data.kind, contact_result=data.contact_result,
        observations=data.observations, risk_level=data.risk_level, next_contact_on=next_on, recorded_by=by,
        submission_token=token,
    )
    if data.staff_present:
        visit.staff_present.set(data.staff_present)
    VisitNeed.objects.bulk_create(
        [VisitNeed(visit=visit, domain=d, severity=s, note=n) for d, s, n in data.needs]
    )
    # The household's contact dates: an unanswered door is a visit, not a contact.
    household.risk_level = data.risk_level
    if data.contact_result in CONTACT_MADE and (household.last_contact_on is None or visit_day >= household.last_contact_on):
        household.last_contact_on = visit_day
    household.next_contact_on = next_on
    fields = ["risk_level", "last_contact_on", "next_contact_on", "updated_at"]
    if household.assigned_official_id is None:
        household.assigned_official = by
        fields.append("assigned_official")
    if ends and data.outcome.end_care:
        household.status = CareStatus.NOT_UNDER_CARE
        fields.append("status")
    household.save(update_fields=fields)

    # The cadence follow-up is met by any visit; the others only when someone was actually reached.
    _close_follow_ups(household, visit=visit, reasons=[FollowUpReason.CADENCE])
    if data.contact_result in CONTACT_MADE:
        _close_follow_ups(household, visit=visit, reasons=set(FollowUpReason.values) - {FollowUpReason.CADENCE,
                                                                                       FollowUpReason.MANUAL})
    if ends and data.outcome.end_care:
        _close_follow_ups(household, visit=None, reasons=FollowUpReason.values, status=FollowUpStatus.CANCELLED)
    elif next_on is not None:
        followup_schedule(household=household, due_on=next_on, reason=FollowUpReason.CADENCE,
                          assigned_to=household.assigned_official)

    if ends and data.outcome.resident is not None and data.outcome.resident.left_on is None:
        reason = LeftReason.DECEASED if data.contact_result == ContactResult.DECEASED else LeftReason.MOVED_OUT
        _leave_without_successor(data.outcome.resident, by=by, on=visit_day, reason=reason)
    if ends and data.outcome.propose_case_closing and case is not None and case.can_transition_to(CaseStage.CLOSING):
        reason = "deceased" if data.contact_result == ContactResult.DECEASED else "moved_out"
        case_transition(case=case, to=CaseStage.CLOSING, by=by, expected_version=case.version,
                        note=_("방문 결과에 따른 종결 제안"), closing_reason=reason)
    log_action(visit, "households.visit.recorded", user=by,
               changes={"result": data.contact_result, "risk": data.risk_level, "needs": [d for d, _s, _n in data.needs]})
    return visit


def _leave_without_successor(resident: Resident, *, by, on: dt.date, reason: str) -> None:
    """A death or a move found on a visit: the resident leaves; a remaining member becomes head if needed."""
    successor = None
    if resident.relation == Relation.HEAD:
        successor = resident.household.residents.current().exclude(pk=resident.pk).order_by("birth_date", "id").first()
    resident_leave(resident=resident, by=by, on=on, reason=reason, new_head=successor)


# Cases -------------------------------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, household: Household, client: Resident, by, source: str, opened_on: dt.date | None = None,
              case_class: str = "general", assigned_official=None, summary: str = "",
              previous_case: Case | None = None) -> Case:
    """Open a case at intake. The person's consent to collection and use must be on record."""
    opened_on = opened_on or _today()
    if client.household_id != household.pk or client.left_on is not None:
        raise RuleError(_("사례 대상자는 이 세대의 현재 가구원이어야 합니다."))
    if not has_active_consent(client, ConsentScope.COLLECT_USE, opened_on):
        raise RuleError(_("대상자의 개인정보 수집·이용 동의가 기록되어 있지 않아 사례를 접수할 수 없습니다."))
    if previous_case is not None and (previous_case.household_id != household.pk or previous_case.is_open):
        raise RuleError(_("재발 사례는 같은 세대의 종결된 사례에서만 열 수 있습니다."))
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if household.cases.open().exists():
        raise RuleError(_("이 세대에는 이미 진행 중인 사례가 있습니다."))
    case = Case.objects.create(
        household=household, client=client, opened_on=opened_on, source=source, case_class=case_class,
        assigned_official=assigned_official or household.assigned_official or by,
        assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
        plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS), summary=summary, previous_case=previous_case,
    )
    CaseStageChange.objects.create(case=case, household=household, from_stage="", to_stage=CaseStage.INTAKE, by=by,
                                   note=_("재발로 새 사례 접수") if previous_case else "")
    if household.status != CareStatus.UNDER_CARE:
        Household.objects.filter(pk=household.pk).update(status=CareStatus.UNDER_CARE, updated_at=timezone.now())
    log_action(case, "households.case.created", user=by, changes={"source": source,
                                                                   "previous_case": getattr(previous_case, "pk", None)})
    return case


def _bump(case: Case, expected_version: int, **values) -> None:
    """Compare-and-set on the version: a stale form changes nothing."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        raise StaleVersion
    case.refresh_from_db()


@transaction.atomic
def case_transition(*, case: Case, to: str, by, expected_version: int, note: str = "", closing_reason: str = "",
                    closing_note: str = "") -> Case:
    # A stale form is refused as stale first: its stage may be old, so a rule message would mislead.
    # (The compare-and-set in _bump still decides a race.)
    if case.version != expected_version:
        raise StaleVersion
    if not case.can_transition_to(to):
        raise RuleError(_("%(frm)s 단계에서 %(to)s 단계로 옮길 수 없습니다.") % {
            "frm": CaseStage(case.stage).label, "to": CaseStage(to).label if to in CaseStage.values else to})
    values: dict[str, Any] = {"stage": to}
    if to == CaseStage.CLOSING:
        if not (closing_reason or case.closing_reason):
            raise RuleError(_("종결을 제안하려면 종결 사유를 고르세요."))
        values["closing_reason"] = closing_reason or case.closing_reason
        if closing_note:
            values["closing_note"] = closing_note
    if to == CaseStage.CLOSED:
        if not has_role(by, *APPROVERS):
            raise RuleError(_("종결은 팀장이 승인합니다."))
        values["closed_on"] = _today()
    if case.stage == CaseStage.CLOSING and to == CaseStage.IN_SERVICE and not has_role(by, *APPROVERS):
        raise RuleError(_("종결 제안의 반려는 팀장이 합니다."))
    if to == CaseStage.IN_SERVICE and case.stage == CaseStage.PLANNING and not case.goals.exists():
        raise RuleError(_("서비스 제공계획에 목표를 하나 이상 적어야 서비스를 시작할 수 있습니다."))
    previous = case.stage
    _bump(case, expected_version, **values)
    CaseStageChange.objects.create(case=case, household_id=case.household_id, from_stage=previous, to_stage=to,
                                   by=by, note=note)
    if to == CaseStage.CLOSED:
        # After closure: a check at about +1 month (DOMAIN §6).
        followup_schedule(household=case.household, due_on=case.closed_on + dt.timedelta(days=30),
                          reason=FollowUpReason.CADENCE, assigned_to=case.assigned_official)
    log_action(case, "households.case.transitioned", user=by, changes={"from": previous, "to": to, "note": note})
    return case


CASE_EDITABLE = ("case_class", "assigned_official", "summary")


@transaction.atomic
def case_update(*, case: Case, by, expected_version: int, data: dict[str, Any]) -> Case:
    old = {f: getattr(case, f) for f in CASE_EDITABLE}
    values = {f: data[f] for f in CASE_EDITABLE if f in data}
    _bump(case, expected_version, **values)
    changes = diff(case, old, CASE_EDITABLE)
    if changes:
        log_action(case, "households.case.updated", user=by, changes=changes)
    return case


@transaction.atomic
def case_needs_save(*, case: Case, by, expected_version: int, needs: list[tuple[str, str, int, str]]) -> Case:
    """Replace the needs assessment: (domain, severity, priority, note) per domain."""
    _bump(case, expected_version)
    keep = {d for d, _s, _p, _n in needs}
    case.needs.exclude(domain__in=keep).delete()
    for domain, severity, priority, note in needs:
        CaseNeed.objects.update_or_create(case=case, domain=domain,
                                          defaults={"severity": severity, "priority": priority, "note": note})
    log_action(case, "households.case.needs_assessed", user=by, changes={"domains": sorted(keep)})
    return case


@transaction.atomic
def case_goal_add(*, case: Case, by, text: str, target_on: dt.date, need: CaseNeed | None = None) -> CaseGoal:
    if target_on < case.opened_on:
        raise RuleError(_("목표일은 접수일 이후여야 합니다."))
    goal = CaseGoal.objects.create(case=case, text=text, target_on=target_on, need=need)
    log_action(case, "households.case.goal_added", user=by, changes={"goal": text, "target_on": str(target_on)})
    return goal


@transaction.atomic
def case_goal_achieve(*, goal: CaseGoal, by, on: dt.date) -> CaseGoal:
    """Mark a service-plan goal achieved on a day between the case's opening and today, once."""
    case = goal.case
    if not case.is_open:
        raise RuleError(_("종결된 사례의 목표는 바꿀 수 없습니다."))
    if on < case.opened_on:
        raise RuleError(_("달성일은 사례 접수일(%(day)s) 이후여야 합니다.") % {"day": f"{case.opened_on:%Y-%m-%d}"})
    if on > _today():
        raise RuleError(_("달성일이 미래입니다."))
    # Compare-and-set: a double click or a second official finds the goal already achieved.
    if CaseGoal.objects.filter(pk=goal.pk, achieved_on__isnull=True).update(achieved_on=on) != 1:
        raise RuleError(_("이미 달성으로 표시한 목표입니다."))
    goal.achieved_on = on
    log_action(case, "households.case.goal_achieved", user=by,
               changes={"goal": goal.text, "goal_id": goal.pk, "achieved_on": str(on)})
    return goal


@transaction.atomic
def case_reopen(*, previous: Case, by, source: str, summary: str = "") -> Case:
    """Relapse after closure: a new case linked to the old one."""
    return case_open(household=previous.household, client=previous.client, by=by, source=source,
                     case_class=previous.case_class, assigned_official=previous.assigned_official,
                     summary=summary, previous_case=previous)


# Service links -----------------------------------------------------------------------------------------------


@transaction.atomic
def service_link_create(*, household: Household, resource, by, case: Case | None = None,
                        need: CaseNeed | None = None, data: dict[str, Any] | None = None) -> ServiceLink:
    data = data or {}
    if case is not None and case.household_id != household.pk:
        raise RuleError(_("다른 세대의 사례입니다."))
    if not resource.is_active:
        raise RuleError(_("사용이 중지된 자원입니다."))
    if resource.sector == "private":
        person = case.client if case is not None else household.residents.current().filter(relation=Relation.HEAD).first()
        if person is None or not has_active_consent(person, ConsentScope.THIRD_PARTY):
            raise RuleError(_("민간 기관에 연계하려면 대상자의 제3자 제공 동의가 필요합니다."))
    link = ServiceLink.objects.create(household=household, case=case, need=need, resource=resource, created_by=by,
                                      **{k: v for k, v in data.items() if k in LINK_FIELDS})
    log_action(link, "households.servicelink.created", user=by, changes={"resource": resource.name})
    return link


LINK_FIELDS = ("requested_on", "start_on", "end_on", "amount_krw", "frequency", "funding_source", "note")


@transaction.atomic
def service_link_transition(*, link: ServiceLink, to: str, by, reason: str = "", on: dt.date | None = None) -> ServiceLink:
    link = ServiceLink.objects.select_for_update().get(pk=link.pk)
    if not link.can_move_to(to):
        raise RuleError(_("%(frm)s 상태에서 %(to)s 상태로 바꿀 수 없습니다.") % {
            "frm": LinkStatus(link.status).label, "to": LinkStatus(to).label if to in LinkStatus.values else to})
    if to in LINK_STATUSES_NEEDING_REASON and not reason.strip():
        raise RuleError(_("거절·중단 사유를 적어 주세요."))
    on = on or _today()
    previous = link.status
    link.status = to
    if reason:
        link.status_reason = reason.strip()
    if to == LinkStatus.IN_SERVICE and link.start_on is None:
        link.start_on = on
    if to == LinkStatus.COMPLETED:
        link.completed_on = on
        link.end_on = link.end_on or on
    link.save()
    log_action(link, "households.servicelink.transitioned", user=by, changes={"from": previous, "to": to})
    return link


# Work-list bulk actions --------------------------------------------------------------------------------------

BULK_EDITORS = (Role.DONG_OFFICIAL, Role.DONG_LEAD, Role.DISTRICT_ADMIN)


@dataclass
class BulkResult:
    """What a bulk action did. Skipped households were left exactly as they were."""

    done: int = 0
    skipped: int = 0  # not visible to the user: another dong's id, or one that does not exist
    not_in_dong: int = 0  # reassign only: the new official does not work in the household's dong


def _bulk_targets(households, by) -> tuple[set[int], list[Household]]:
    """The requested ids, and those of them the user may touch (scoping decides, never the form)."""
    ids = {int(getattr(h, "pk", h)) for h in households}
    visible = list(
        Household.objects.visible_to(by).filter(pk__in=ids)
        .only("pk", "dong_id", "road_address", "address_detail", "status", "assigned_official_id").order_by("pk")
    )
    return ids, visible


@transaction.atomic
def households_reschedule(*, households, by, on: dt.date) -> BulkResult:
    """Move the next contact of many households to ``on``: one UPDATE each for households and follow-ups.

    ``households`` are households or ids; those the user may not see are skipped and untouched. The open
    cadence follow-up moves with the date (one is opened where a household under care had none).
    """
    if not has_role(by, *BULK_EDITORS):
        raise RuleError(_("다음 접촉일을 바꿀 권한이 없습니다."))
    if on < _today():
        raise RuleError(_("다음 접촉일은 오늘이나 그 이후여야 합니다."))
    ids, targets = _bulk_targets(households, by)
    pks = [h.pk for h in targets]
    if pks:
        Household.objects.filter(pk__in=pks).update(next_contact_on=on, updated_at=timezone.now())
        FollowUp.objects.filter(household_id__in=pks, status=FollowUpStatus.OPEN,
                                reason=FollowUpReason.CADENCE).update(due_on=on)
        # The partial unique constraint (one open per household and reason) ignores those already moved.
        FollowUp.objects.bulk_create([
            FollowUp(household_id=h.pk, due_on=on, reason=FollowUpReason.CADENCE,
                     assigned_to_id=h.assigned_official_id)
            for h in targets if h.status in (CareStatus.UNDER_CARE, CareStatus.MONITORING)
        ], ignore_conflicts=True)
        log_actions(targets, "households.household.rescheduled", user=by,
                    reason=_("일괄 변경: 다음 접촉일 %(day)s") % {"day": f"{on:%Y-%m-%d}"})
    return BulkResult(done=len(pks), skipped=len(ids) - len(pks))


@transaction.atomic
def households_reassign(*, households, by, to_user) -> BulkResult:
    """Hand many households to another official: team leads and district admins only.

    The new official must be dong staff of each household's dong; households of other dongs are skipped.
    Open follow-ups and the open case go with the household (the case's version moves, so a form opened
    before the handover is refused as stale).
    """
    if not has_role(by, *APPROVERS):
        raise RuleError(_("담당자 변경은 팀장과 구 관리자만 할 수 있습니다."))
    staff = membership(to_user)
    if staff is None or staff.role not in DONG_ROLES or not to_user.is_active:
        raise RuleError(_("동 담당 공무원이나 팀장에게만 배정할 수 있습니다."))
    their_dongs = set(staff.dongs.values_list("pk", flat=True))
    ids, visible = _bulk_targets(households, by)
    targets = [h for h in visible if h.dong_id in their_dongs]
    pks = [h.pk for h in targets]
    if pks:
        now = timezone.now()
        Household.objects.filter(pk__in=pks).update(assigned_official=to_user, updated_at=now)
        FollowUp.objects.filter(household_id__in=pks, status=FollowUpStatus.OPEN).update(assigned_to=to_user)
        cases = list(Case.objects.filter(household_id__in=pks, stage__in=OPEN_STAGES).only("pk", "stage", "household_id"))
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            assigned_official=to_user, version=F("version") + 1, updated_at=now)
        reason = _("일괄 변경: 담당자 %(name)s") % {"name": to_user.get_full_name() or to_user.get_username()}
        log_actions(targets, "households.household.reassigned", user=by, reason=reason)
        log_actions(cases, "households.case.reassigned", user=by, reason=reason)
    return BulkResult(done=len(pks), skipped=len(ids) - len(visible), not_in_dong=len(visible) - len(targets))


# Isolation screening -----------------------------------------------------------------------------------------


@transaction.atomic
def isolation_screening_record(*, household: Household, resident: Resident, by, answers: dict[str, bool],
                               on: dt.date | None = None, apply_risk: bool = False) -> IsolationScreening:
    keys = {k for k, _label in ISOLATION_ITEMS}
    clean = {k: bool(answers.get(k)) for k in keys}
    score = sum(clean.values())
    screening = IsolationScreening.objects.create(
        household=household, resident=resident, screened_on=on or _today(), answers=clean, score=score,
        proposed_risk=isolation_risk(score), screened_by=by,
    )
    if apply_risk and household.risk_level != screening.proposed_risk:
        household_update(household=household, by=by, data={"risk_level": screening.proposed_risk})
    log_action(screening, "households.isolationscreening.created", user=by, changes={"score": score})
    return screening
