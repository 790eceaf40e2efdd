"""Households services: the case conference (사례회의) record (issue 16 item 3).

``conference_record`` is the one way a case leaves the conference stage with its decision written down: it
validates the record, sets the case's class from the decision (일반 / 고난도), writes the agreed plan items as the
case's service-plan goals, and moves the case through :func:`~households.services.cases.case_move` (so the
stage machine's rules, the audit, the plan-agreement limit and the informant-reward announcement all apply):
selected → planning, not selected → closing with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError

from ..models import (
    DECISION_CLASS,
    Case,
    CaseConference,
    CaseGoal,
    CaseStage,
    ClosingReason,
    ConferenceBody,
    ConferenceDecision,
    ConferenceKind,
    ConferencePartner,
    ConferencePlanItem,
    NeedDomain,
)
from .cases import _bump, assignable_officials, case_move, require_casework

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REASON_MAX = bounds.NOTE_TEXT
ORGANISATION_MAX = bounds.max_length(ConferencePartner, "organisation")
PERSON_MAX = bounds.max_length(ConferencePartner, "person")
ITEM_TEXT_MAX = bounds.max_length(ConferencePlanItem, "text")
PROVIDER_MAX = bounds.max_length(ConferencePlanItem, "provider")
MAX_ROWS = 30  # partners or plan items of one conference: more is a runaway form, not a meeting


class PartnerInput(NamedTuple):
    """A partner organisation present at the conference, and who came for it (name, role)."""

    organisation: str
    person: str = ""


class PlanItemInput(NamedTuple):
    """An agreed plan item: the need domain it answers, what, by whom, by when."""

    domain: str
    text: str
    provider: str
    target_on: dt.date | None


def _same(conference: CaseConference, held_on: dt.date | None, kind: str, body: str, decision: str) -> bool:
    return (conference.held_on, conference.kind, conference.body, conference.decision) == (
        held_on, kind, body, decision)


def _partner_errors(partners: list[PartnerInput]) -> str | None:
    if len(partners) > MAX_ROWS:
        return _("참석 기관은 %(n)s곳까지 적을 수 있습니다.") % {"n": MAX_ROWS}
    for number, row in enumerate(partners, start=1):
        if not row.organisation:
            return _("%(n)s번째 참석 기관의 기관명을 적어 주세요.") % {"n": number}
        problem = (bounds.text_problem(row.organisation, ORGANISATION_MAX)
                   or bounds.text_problem(row.person, PERSON_MAX))
        if problem:
            return _("%(n)s번째 참석 기관: %(problem)s") % {"n": number, "problem": problem}
    return None


def _item_errors(items: list[PlanItemInput], held_on: dt.date | None) -> str | None:
    if len(items) > MAX_ROWS:
        return _("계획 항목은 %(n)s개까지 적을 수 있습니다.") % {"n": MAX_ROWS}
    for number, row in enumerate(items, start=1):
        if row.domain not in NeedDomain.values:
            return _("%(n)s번째 계획 항목의 욕구 영역을 고르세요.") % {"n": number}
        if not row.text:
            return _("%(n)s번째 계획 항목의 내용을 적어 주세요.") % {"n": number}
        if row.target_on is None:
            return _("%(n)s번째 계획 항목의 목표일을 적어 주세요.") % {"n": number}
        problem = (bounds.text_problem(row.text, ITEM_TEXT_MAX) or bounds.text_problem(row.provider, PROVIDER_MAX)
                   or bounds.day_problem(row.target_on, earliest=held_on, latest=bounds.within_years()))
        if problem:
            return _("%(n)s번째 계획 항목: %(problem)s") % {"n": number, "problem": problem}
    return None


def conference_errors(*, case: Case, held_on: dt.date | None, kind: str, body: str, staff: list[User],
                      partners: list[PartnerInput], decision: str, reason: str,
                      plan_items: list[PlanItemInput]) -> dict[str, str]:
    """Every rule of the record, by field (the page's form and the API show the same sentences)."""
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("회의일을 적어 주세요.")
    elif held_on > seoul_today():
        errors["held_on"] = _("회의일이 미래입니다.")
    elif held_on < case.opened_on:
        errors["held_on"] = _("회의일은 사례 접수일(%(day)s) 이후여야 합니다.") % {"day": f"{case.opened_on:%Y-%m-%d}"}
    elif (problem := bounds.day_problem(held_on)) is not None:
        errors["held_on"] = problem
    if kind not in ConferenceKind.values:
        errors["kind"] = _("회의 구분을 고르세요.")
    if body not in ConferenceBody.values:
        errors["body"] = _("회의 주관을 고르세요.")
    if decision not in ConferenceDecision.values:
        errors["decision"] = _("회의 결정을 고르세요.")
    if decision == ConferenceDecision.NOT_SELECTED and not reason:
        errors["reason"] = _("미선정이면 그 사유를 적어 주세요.")
    elif (problem := bounds.text_problem(reason, REASON_MAX)) is not None:
        errors["reason"] = problem
    allowed = set(assignable_officials(case.household).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in staff):
        errors["staff"] = _("이 동의 직원만 참석 직원으로 고를 수 있습니다.")
    if not staff and not partners:
        errors["staff"] = _("참석한 직원이나 기관을 하나 이상 적어 주세요.")
    if (problem := _partner_errors(partners)) is not None:
        errors["partners"] = problem
    if decision == ConferenceDecision.NOT_SELECTED and plan_items:
        errors["plan_items"] = _("미선정 사례에는 계획 항목을 적지 않습니다.")
    elif (problem := _item_errors(plan_items, held_on)) is not None:
        errors["plan_items"] = problem
    return errors


@transaction.atomic
def conference_record(*, case: Case, by: User, held_on: dt.date | None, kind: str, body: str,
                      staff: Iterable[User] = (), partners: Iterable[PartnerInput | tuple] = (), decision: str,
                      reason: str = "", plan_items: Iterable[PlanItemInput | tuple] = ()
                      ) -> tuple[CaseConference, bool]:
    """Record the conference of a case in stage conference and apply its decision; ``(conference, created)``.

    One decision per stay in the stage: the same record submitted again (a double click, a resent request) finds
    the conference already recorded and changes nothing (``created`` False); a different one is refused.
    """
    require_casework(by)
    staff = list(dict.fromkeys(staff))
    rows = [PartnerInput(*(str(v or "").strip() for v in p)) for p in partners]
    present = [p for p in rows if p.organisation or p.person]
    items = [PlanItemInput(*p) for p in plan_items]
    items = [p._replace(text=(p.text or "").strip(), provider=(p.provider or "").strip()) for p in items]
    reason = (reason or "").strip()
    # The case row locked: two submits of the same form queue here, and the second sees the first's move.
    locked = Case.objects.select_for_update().filter(pk=case.pk).values_list("stage", "version").first()
    if locked is None:
        raise RuleError(_("사례를 찾을 수 없습니다."))
    case.stage, case.version = locked
    if case.stage != CaseStage.CONFERENCE:
        latest = case.conferences.select_related("decided_change").first()
        last_change = case.stage_changes.order_by("-at", "-id").values_list("pk", flat=True).first()
        if (latest is not None and latest.decided_change_id == last_change
                and _same(latest, held_on, kind, body, decision)):
            return latest, False
        raise RuleError(_("사례회의 단계의 사례만 회의 결과를 기록할 수 있습니다. (지금: %(stage)s)") % {
            "stage": CaseStage(case.stage).label})
    errors = conference_errors(case=case, held_on=held_on, kind=kind, body=body, staff=staff, partners=present,
                               decision=decision, reason=reason, plan_items=items)
    if errors:
        raise RuleError(errors)
    assert held_on is not None  # conference_errors refuses a missing day
    conference = CaseConference.objects.create(case=case, held_on=held_on, kind=kind, body=body,
                                               decision=decision, reason=reason, created_by=by)
    conference.staff.set(staff)
    ConferencePartner.objects.bulk_create(
        [ConferencePartner(conference=conference, organisation=p.organisation, person=p.person) for p in present])
    previous_class = case.case_class
    if decision in DECISION_CLASS:
        # The class is the conference's decision (the case page and the API no longer edit it).
        _bump(case, case.version, case_class=DECISION_CLASS[decision])
        needs = {n.domain: n for n in case.needs.all()}
        for item in items:
            assert item.target_on is not None  # _item_errors refuses an item without a target day
            goal = CaseGoal.objects.create(case=case, need=needs.get(item.domain), text=item.text,
                                           target_on=item.target_on)
            ConferencePlanItem.objects.create(conference=conference, domain=item.domain, text=item.text,
                                              provider=item.provider, target_on=item.target_on, goal=goal)
        case_move(case=case, to=CaseStage.PLANNING, by=by, expected_version=case.version, conference_decided=True,
                  note=_("사례회의 %(decision)s") % {"decision": ConferenceDecision(decision).label})
    else:
        case_move(case=case, to=CaseStage.CLOSING, by=by, expected_version=case.version, conference_decided=True,
                  note=_("사례회의 미선정"), closing_reason=ClosingReason.NOT_ELIGIBLE, closing_note=reason)
    conference.decided_change = case.stage_changes.order_by("-at", "-id").first()
    conference.save(update_fields=["decided_change"])
    log_action(case, "households.case.conference_recorded", user=by, changes={
        "conference": conference.pk, "held_on": str(held_on), "kind": kind, "body": body, "decision": decision,
        "case_class": [previous_class, case.case_class], "staff": [u.pk for u in staff],
        "partners": len(present), "plan_items": len(items)})
    return conference, True
