"""Households services: cases (통합사례관리) — open, reopen, move, edit, needs and goals.

Every rule of a case write lives here (or in the model's constraints): the forms and the API serializers only
turn their input into these typed arguments. Refusals are :class:`~welfare.errors.RuleError` (field-level where
a field is at fault, named as the arguments are) or :class:`~welfare.errors.StaleVersion`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.common.updates import model_update
from welfare.errors import RuleError, StaleVersion
from welfare.permissions import can, roles_with

from ..models import (
    AFTERCARE_MOVES,
    CONFERENCE_MOVES,
    OPEN_STAGES,
    CareStatus,
    Case,
    CaseClass,
    CaseGoal,
    CaseNeed,
    CaseSource,
    CaseStage,
    CaseStageChange,
    ConsentScope,
    FollowUpStatus,
    Household,
    NeedDomain,
    Resident,
    Severity,
)
from ..models.cases import due_dates, entry_due_dates
from ..selection import Selection, announce
from .approvals import announce_closing_step
from .case_schedule import (
    aftercare_cancel_pending,
    aftercare_schedule,
    policy_of,
    reassessment_reminder_close,
)
from .rules import has_active_consent
from .transfers import check_owner_change

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NEED_PRIORITY_MAX = 10
SUMMARY_MAX = bounds.LONG_TEXT
CLOSING_NOTE_MAX = bounds.NOTE_TEXT
STAGE_NOTE_MAX = bounds.max_length(CaseStageChange, "note")
NEED_NOTE_MAX = bounds.max_length(CaseNeed, "note")
GOAL_TEXT_MAX = bounds.max_length(CaseGoal, "text")


def require_casework(by: User | None) -> None:
    """Case and service-link writes need the ``edit_casework`` capability."""
    if not can(by, "edit_casework"):
        raise RuleError(_("사례를 기록할 권한이 없습니다."))


def assignable_officials(household: Household, keep_id: int | None = None) -> QuerySet:
    """Active staff of the household's dong who can be assigned a case (and whoever holds it now)."""
    users = get_user_model().objects.filter(
        staff__role__in=roles_with("be_assigned"), staff__dongs=household.dong_id, is_active=True
    )
    if keep_id:
        users = get_user_model().objects.filter(Q(pk__in=users.values("pk")) | Q(pk=keep_id))
    return users.order_by("last_name", "first_name", "username").distinct()


def _check_official(household: Household, official: User | None, keep_id: int | None = None) -> None:
    if official is not None and not assignable_officials(household, keep_id).filter(pk=official.pk).exists():
        raise RuleError({"assigned_official": _("이 동에 배정할 수 있는 직원이 아닙니다.")})


def _check_choice(field: str, value: str, choices: Iterable[str]) -> None:
    if value not in choices:
        raise RuleError({field: _("올바른 값을 고르세요.")})


@transaction.atomic
def case_open(*, household: Household, client: Resident, by: User, source: str, opened_on: dt.date | None = None,
              case_class: str = CaseClass.GENERAL, assigned_official: User | None = None, summary: str = "",
              previous_case: Case | None = None) -> Case:
    """Open a case at intake. The person's consent to collection and use must be on record."""
    require_casework(by)
    if not source:  # no default: the discovery figures count every case by its source
        raise RuleError({"source": _("발굴 경로를 고르세요.")})
    _check_choice("source", source, CaseSource.values)
    _check_choice("case_class", case_class, CaseClass.values)
    opened_on = opened_on or seoul_today()
    if opened_on > seoul_today():
        raise RuleError({"opened_on": _("접수일이 미래입니다.")})
    bounds.Checks().day("opened_on", opened_on).text("summary", summary, SUMMARY_MAX).done()
    if client.household_id != household.pk or client.left_on is not None:
        raise RuleError(_("사례 대상자는 이 세대의 현재 가구원이어야 합니다."))
    if not has_active_consent(client, ConsentScope.COLLECT_USE, opened_on):
        raise RuleError(_("대상자의 개인정보 수집·이용 동의가 기록되어 있지 않아 사례를 접수할 수 없습니다."))
    if previous_case is not None and (previous_case.household_id != household.pk or previous_case.is_open):
        raise RuleError(_("재발 사례는 같은 세대의 종결된 사례에서만 열 수 있습니다."))
    _check_official(household, assigned_official, keep_id=getattr(previous_case, "assigned_official_id", None))
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if household.cases.open().exists():
        raise RuleError(_("이 세대에는 이미 진행 중인 사례가 있습니다."))
    case = Case.objects.create(
        household=household, client=client, opened_on=opened_on, source=source, case_class=case_class,
        assigned_official=assigned_official or household.assigned_official or by,
        summary=summary, previous_case=previous_case, **due_dates(opened_on),
    )
    CaseStageChange.objects.create(case=case, household=household, from_stage="", to_stage=CaseStage.INTAKE, by=by,
                                   note=_("재발로 새 사례 접수") if previous_case else "")
    if household.status != CareStatus.UNDER_CARE:
        Household.objects.filter(pk=household.pk).update(status=CareStatus.UNDER_CARE, updated_at=timezone.now())
    log_action(case, "households.case.created", user=by, changes={"source": source,
                                                                   "previous_case": getattr(previous_case, "pk", None)})
    return case


@transaction.atomic
def case_reopen(*, previous: Case, by: User, source: str, summary: str = "") -> Case:
    """Relapse after closure: a new case linked to the old one. The old case's after-care ends: its pending
    after-care contacts are cancelled and, if it was in after-care, it is archived."""
    case = case_open(household=previous.household, client=previous.client, by=by, source=source,
                     case_class=previous.case_class, assigned_official=previous.assigned_official,
                     summary=summary, previous_case=previous)
    aftercare_cancel_pending(previous)
    if previous.stage == CaseStage.FOLLOW_UP:
        case_move(case=previous, to=CaseStage.ARCHIVED, by=by, expected_version=previous.version,
                  note=_("재발로 새 사례 #%(pk)s 접수") % {"pk": case.pk}, aftercare_outcome=True)
    return case


def _bump(case: Case, expected_version: int, **values: Any) -> None:
    """Compare-and-set on the version: a stale form changes nothing."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        raise StaleVersion
    case.refresh_from_db()


def _lock(case: Case, expected_version: int) -> None:
    """Lock the case row and refuse a stale version; the caller then saves ``version + 1``."""
    current = Case.objects.select_for_update().filter(pk=case.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise StaleVersion
    case.version = expected_version + 1


def may_approve_closing(user: User | None) -> bool:
    """Closing a case, and returning a closing proposal to service, are the team lead's."""
    return can(user, "approve_closing")


def next_stages(case: Case, user: User | None) -> list[str]:
    """The moves this user may offer from the case's stage (the service still checks what is posted)."""
    # Out of after-care only through the recorded outcome of an after-care contact (services.aftercare), out of
    # conference only through the recorded conference (services.conferences).
    allowed = [s for s in CaseStage.values if case.can_transition_to(s)
               and (case.stage, s) not in AFTERCARE_MOVES | CONFERENCE_MOVES]
    if case.stage == CaseStage.CLOSING and not may_approve_closing(user):
        return []
    return allowed


def case_transition(*, case: Case, to: str, by: User, expected_version: int, note: str = "",
                    closing_reason: str = "", closing_note: str = "") -> Case:
    """Move the case one stage on (the page's form, the API). Leaving after-care is the after-care outcome's
    (:func:`households.services.aftercare.aftercare_record`), leaving conference the conference record's
    (:func:`households.services.conferences.conference_record`): both refused here."""
    return case_move(case=case, to=to, by=by, expected_version=expected_version, note=note,
                     closing_reason=closing_reason, closing_note=closing_note)


@transaction.atomic
def case_move(*, case: Case, to: str, by: User, expected_version: int, note: str = "", closing_reason: str = "",
              closing_note: str = "", aftercare_outcome: bool = False, conference_decided: bool = False) -> Case:
    """The stage move with its rules and the dates each stage sets: in service → reassessment due (entry day +
    the district's months; kept when a closing proposal is sent back), reassessment → cleared, closed → the two
    after-care contacts, out of after-care → its pending contacts cancelled.

    ``aftercare_outcome`` is passed only by the after-care outcome (leaving follow_up), ``conference_decided`` only
    by the conference record (leaving conference); without them those moves are refused."""
    require_casework(by)
    # A stale form is refused as stale first: its stage may be old, so a rule message would mislead.
    # (The compare-and-set in _bump still decides a race.)
    if case.version != expected_version:
        raise StaleVersion
    bounds.Checks().text("note", note, STAGE_NOTE_MAX).text("closing_note", closing_note, CLOSING_NOTE_MAX).done()
    if not case.can_transition_to(to):
        raise RuleError(_("%(frm)s 단계에서 %(to)s 단계로 옮길 수 없습니다.") % {
            "frm": CaseStage(case.stage).label, "to": CaseStage(to).label if to in CaseStage.values else to})
    if (case.stage, to) in AFTERCARE_MOVES and not aftercare_outcome:
        raise RuleError(_("사후관리 중인 사례는 사후관리 결과(문제 없음·재발)를 기록해 보관하거나 재사정으로 돌립니다."))
    if (case.stage, to) in CONFERENCE_MOVES and not conference_decided:
        raise RuleError(_("사례회의 단계의 사례는 사례회의 결과(선정·미선정)를 기록해야 다음 단계로 넘어갑니다."))
    today = seoul_today()
    # Entering conference / planning starts its own limit (selection 5 days, plan agreement 15 days).
    values: dict[str, Any] = {"stage": to, **entry_due_dates(to, today)}
    if to == CaseStage.CLOSING:
        if not (closing_reason or case.closing_reason):
            raise RuleError({"closing_reason": _("종결을 제안하려면 종결 사유를 고르세요.")})
        values["closing_reason"] = closing_reason or case.closing_reason
        if closing_note:
            values["closing_note"] = closing_note
    if to == CaseStage.CLOSED:
        if not may_approve_closing(by):
            raise RuleError(_("종결은 팀장이 승인합니다."))
        values["closed_on"] = today
        values["reassessment_due_on"] = None
    if to == CaseStage.IN_SERVICE and (case.stage == CaseStage.PLANNING or case.reassessment_due_on is None):
        values["reassessment_due_on"] = policy_of(case).reassessment_due(today)
    if to == CaseStage.REASSESSMENT:
        values["reassessment_due_on"] = None
    if case.stage == CaseStage.FOLLOW_UP and to == CaseStage.REASSESSMENT:
        # A relapse found in after-care: the case is in progress again (the household's one open case).
        if Case.objects.filter(household_id=case.household_id, stage__in=sorted(OPEN_STAGES)).exists():
            raise RuleError(_("이 세대에는 이미 진행 중인 사례가 있어 재사정으로 돌릴 수 없습니다."))
        values.update(closed_on=None, closing_reason="", closing_note="")
    if case.stage == CaseStage.CLOSING and to == CaseStage.IN_SERVICE and not may_approve_closing(by):
        raise RuleError(_("종결 제안의 반려는 팀장이 합니다."))
    if to == CaseStage.IN_SERVICE and case.stage == CaseStage.PLANNING and not case.goals.exists():
        raise RuleError(_("서비스 제공계획에 목표를 하나 이상 적어야 서비스를 시작할 수 있습니다."))
    previous = case.stage
    _bump(case, expected_version, **values)
    CaseStageChange.objects.create(case=case, household_id=case.household_id, from_stage=previous, to_stage=to,
                                   by=by, note=note)
    if to == CaseStage.CLOSED:
        assert case.closed_on is not None  # _bump sets it on closing
        reassessment_reminder_close(case, status=FollowUpStatus.CANCELLED)
        aftercare_schedule(case=case, closed_on=case.closed_on)
    if to == CaseStage.REASSESSMENT:
        reassessment_reminder_close(case)
    if previous == CaseStage.FOLLOW_UP:
        aftercare_cancel_pending(case)
    log_action(case, "households.case.transitioned", user=by, changes={"from": previous, "to": to, "note": note})
    announce_closing_step(case, previous=previous, to=to, by=by, note=note)  # the lead / the official hear of it
    if previous == CaseStage.CONFERENCE:
        # The conference decided: selected (→ planning) or not (→ closing). Informant rewards wait for this.
        announce(Selection(by=by, case=case))
    return case


# The case class is not here: the case conference's decision sets it (services.conferences, issue 16 item 3).
CASE_EDITABLE = ("assigned_official", "summary")


@transaction.atomic
def case_update(*, case: Case, by: User, expected_version: int, data: Mapping[str, Any]) -> Case:
    """Edit the case's official and summary (the keys of ``data`` present among ``CASE_EDITABLE``)."""
    require_casework(by)
    if "case_class" in data:
        raise RuleError({"case_class": _("사례 구분은 사례회의 결정으로 정해집니다.")})
    if "summary" in data:
        bounds.Checks().text("summary", data["summary"], SUMMARY_MAX).done()
    if "assigned_official" in data:
        if data["assigned_official"] is None:
            raise RuleError({"assigned_official": _("담당 공무원을 고르세요.")})
        _check_official(case.household, data["assigned_official"], keep_id=case.assigned_official_id)
        check_owner_change(case, by, data["assigned_official"].pk)
    _lock(case, expected_version)
    model_update(case, data, CASE_EDITABLE, by=by, verb="households.case.updated")
    return case


class NeedInput(NamedTuple):
    """One domain of the needs assessment; ``severity`` "" means "not a need"."""

    domain: str
    severity: str
    priority: int | None = None
    note: str = ""


@transaction.atomic
def case_needs_save(*, case: Case, by: User, expected_version: int, needs: Iterable[NeedInput | tuple]) -> Case:
    """Replace the needs assessment. A domain without a severity is no need; it may carry no note or priority
    (refused on ``<domain>_severity``)."""
    require_casework(by)
    rows = [NeedInput(*n) for n in needs]
    errors: dict[str, str] = {}
    kept: list[NeedInput] = []
    for row in rows:
        _check_choice("needs", row.domain, NeedDomain.values)
        note = (row.note or "").strip()
        if not row.severity:
            if note or row.priority:
                errors[f"{row.domain}_severity"] = _("정도를 고르거나 내용을 지우세요.")
            continue
        _check_choice(f"{row.domain}_severity", row.severity, Severity.values)
        if (problem := bounds.text_problem(note, NEED_NOTE_MAX)) is not None:
            errors[f"{row.domain}_note"] = problem
        priority = row.priority or 1
        if not 1 <= priority <= NEED_PRIORITY_MAX:
            errors[f"{row.domain}_priority"] = _("우선순위는 1에서 10 사이입니다.")
        kept.append(row._replace(priority=priority, note=note))
    if errors:
        raise RuleError(errors)
    _bump(case, expected_version)
    keep = {n.domain for n in kept}
    case.needs.exclude(domain__in=keep).delete()
    for need in kept:
        CaseNeed.objects.update_or_create(case=case, domain=need.domain, defaults={
            "severity": need.severity, "priority": need.priority, "note": need.note})
    log_action(case, "households.case.needs_assessed", user=by, changes={"domains": sorted(keep)})
    return case


@transaction.atomic
def case_goal_add(*, case: Case, by: User, text: str, target_on: dt.date, need: CaseNeed | None = None) -> CaseGoal:
    require_casework(by)
    if not text.strip():
        raise RuleError({"text": _("목표를 적어 주세요.")})
    if target_on < case.opened_on:
        raise RuleError({"target_on": _("목표일은 접수일 이후여야 합니다.")})
    # A target beyond PLAUSIBLE_FUTURE_YEARS is a typo (20266 for 2026), never a plan.
    bounds.Checks().text("text", text.strip(), GOAL_TEXT_MAX).day(
        "target_on", target_on, latest=bounds.within_years()).done()
    if need is not None and need.case_id != case.pk:
        raise RuleError({"need": _("이 사례의 욕구가 아닙니다.")})
    goal = CaseGoal.objects.create(case=case, text=text.strip(), target_on=target_on, need=need)
    log_action(case, "households.case.goal_added", user=by, changes={"goal": goal.text, "target_on": str(target_on)})
    return goal


@transaction.atomic
def case_goal_achieve(*, goal: CaseGoal, by: User, on: dt.date) -> CaseGoal:
    """Mark a service-plan goal achieved on a day between the case's opening and today, once."""
    require_casework(by)
    case = goal.case
    if not case.is_open:
        raise RuleError({"on": _("종결된 사례의 목표는 바꿀 수 없습니다.")})
    if on < case.opened_on:
        raise RuleError({"on": _("달성일은 사례 접수일(%(day)s) 이후여야 합니다.") % {
            "day": f"{case.opened_on:%Y-%m-%d}"}})
    if on > seoul_today():
        raise RuleError({"on": _("달성일이 미래입니다.")})
    # Compare-and-set: a double click or a second official finds the goal already achieved.
    if CaseGoal.objects.filter(pk=goal.pk, achieved_on__isnull=True).update(achieved_on=on) != 1:
        raise RuleError({"on": _("이미 달성으로 표시한 목표입니다.")})
    goal.achieved_on = on
    log_action(case, "households.case.goal_achieved", user=by,
               changes={"goal": goal.text, "goal_id": goal.pk, "achieved_on": str(on)})
    return goal
