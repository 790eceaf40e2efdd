"""Households services: cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import diff, log_action
from welfare.errors import RuleError, StaleVersion
from welfare.scoping import has_role

from ..models import (
    ASSESSMENT_DAYS,
    PLAN_DAYS,
    CareStatus,
    Case,
    CaseGoal,
    CaseNeed,
    CaseStage,
    CaseStageChange,
    ConsentScope,
    FollowUpReason,
    Household,
    Resident,
)
from .followups import followup_schedule
from .rules import APPROVERS, _today, has_active_consent


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
