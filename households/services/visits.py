"""Households services: visits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    NOT_MET_BY_VISIT,
    CareStatus,
    Case,
    CaseStage,
    ContactResult,
    FollowUpReason,
    FollowUpStatus,
    Household,
    LeftReason,
    NeedDomain,
    Relation,
    Resident,
    RiskLevel,
    Severity,
    Visit,
    VisitKind,
    VisitNeed,
)
from .cases import case_move, case_transition, next_stages
from .composition import resident_leave
from .followups import _close_follow_ups, followup_schedule, propose_next_contact
from .rules import CONTACT_MADE

if TYPE_CHECKING:
    from django.contrib.auth.models import User


ENDING_RESULTS = (ContactResult.DECEASED, ContactResult.MOVED_AWAY)
# A visiting nurse's visits (방문간호사, "health_visits_only"): at the home or by phone, alone or beside an
# official, and needs in the domains of the person's body and safety (the first three of the Ministry's list).
HEALTH_VISIT_KINDS = (VisitKind.HOME, VisitKind.PHONE, VisitKind.WITH_NURSE)
HEALTH_NEED_DOMAINS = (NeedDomain.SAFETY, NeedDomain.HEALTH, NeedDomain.DAILY_LIVING)


@dataclass(frozen=True)
class VisitScope:
    """The visit kinds and need domains a user may record (the form offers these; the service checks them)."""

    kinds: tuple[str, ...]
    domains: tuple[str, ...]


def visit_scope(user) -> VisitScope:
    if can(user, "health_visits_only") and not getattr(user, "is_superuser", False):
        return VisitScope(tuple(HEALTH_VISIT_KINDS), tuple(HEALTH_NEED_DOMAINS))
    return VisitScope(tuple(VisitKind.values), tuple(NeedDomain.values))


def scope_errors(user, data: VisitData) -> dict[str, str]:
    """A kind or a need domain outside the user's :func:`visit_scope` (the nurse's health visits)."""
    scope = visit_scope(user)
    errors: dict[str, str] = {}
    if data.kind in VisitKind.values and data.kind not in scope.kinds:
        errors["kind"] = _("방문간호사는 가정 방문, 전화 상담, 방문간호사 동행 방문만 기록합니다.")
    labels = dict(NeedDomain.choices)
    outside = [labels[d] for d, s, _n in data.recorded_needs() if d in labels and d not in scope.domains]
    if outside:
        errors["needs"] = _("방문간호사는 건강 관련 영역(안전, 건강, 일상생활유지)의 욕구만 기록합니다: %(domains)s") % {
            "domains": ", ".join(str(x) for x in outside)}
    return errors
OBSERVATIONS_MAX = bounds.LONG_TEXT
NEED_NOTE_MAX = bounds.max_length(VisitNeed, "note")


@dataclass(frozen=True)
class VisitOutcome:
    """What to do with the household and the case when the visit found the person deceased or moved away.

    ``end_care`` is required (True or False) for those two results; for any other result the outcome is ignored.
    """

    end_care: bool | None = None
    resident: Resident | None = None
    propose_case_closing: bool = False


@dataclass(frozen=True)
class VisitData:
    """Everything a visit records; :func:`visit_record` validates it (error keys are these names, a need's
    ``need_<domain>``)."""

    kind: str
    contact_result: str
    risk_level: str
    visited_at: dt.datetime | None = None
    observations: str = ""
    next_contact_on: dt.date | None = None
    # (domain, severity, note); a severity of "" with a note is refused, with neither the row is ignored.
    needs: Sequence[tuple[str, str, str]] = ()
    staff_present: Sequence[AbstractBaseUser | int] = ()
    # 상황 변화 있음: the household's in-service case goes to reassessment (see _circumstances_changed).
    circumstances_changed: bool = False
    outcome: VisitOutcome = field(default_factory=VisitOutcome)

    @property
    def ends(self) -> bool:
        return self.contact_result in ENDING_RESULTS

    def recorded_needs(self) -> list[tuple[str, str, str]]:
        return [(d, s, (n or "").strip()) for d, s, n in self.needs if s]


def staff_of(household: Household) -> QuerySet:
    """Active users whose membership covers the household's dong: who can be named present on a visit."""
    return (
        get_user_model().objects.filter(is_active=True, staff__dongs=household.dong_id)
        .distinct().order_by("last_name", "first_name", "username")
    )


def needs_errors(needs: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """The needs' rules: known codes, one row per domain, no note without a severity."""
    errors: dict[str, str] = {}
    labels = dict(NeedDomain.choices)
    seen: set[str] = set()
    for domain, severity, note in needs:
        if domain not in labels or (severity and severity not in Severity.values):
            errors["needs"] = _("욕구 영역과 정도를 목록에서 고르세요.")
        elif domain in seen:
            errors["needs"] = _("욕구 영역마다 하나만 적으세요.")
        elif (note or "").strip() and not severity:
            errors[f"need_{domain}"] = _("%(domain)s: 내용을 적었으면 정도를 고르세요.") % {"domain": labels[domain]}
        elif (problem := bounds.text_problem((note or "").strip(), NEED_NOTE_MAX)) is not None:
            errors[f"need_{domain}"] = f"{labels[domain]}: {problem}"
        seen.add(domain)
    return errors


def visit_validate(*, household: Household, data: VisitData) -> None:
    """The visit's rules; every fault at once, under the input's names."""
    errors: dict[str, str] = {}
    if data.kind not in VisitKind.values:
        errors["kind"] = _("올바른 방법을 고르세요.")
    if data.contact_result not in ContactResult.values:
        errors["contact_result"] = _("올바른 접촉 결과를 고르세요.")
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = _("올바른 위기도를 고르세요.")
    checks = bounds.Checks().moment("visited_at", data.visited_at, future=_("방문 일시가 미래입니다."))
    checks.text("observations", data.observations, OBSERVATIONS_MAX)
    errors.update({name: messages[0] for name, messages in checks.errors.items()})
    errors.update(needs_errors(data.needs))
    visit_day = timezone.localdate(data.visited_at) if data.visited_at and "visited_at" not in errors \
        else timezone.localdate()
    if data.next_contact_on is not None and data.next_contact_on < visit_day:
        errors["next_contact_on"] = _("다음 접촉 예정일은 방문일 이후여야 합니다.")
    elif data.next_contact_on is not None and data.next_contact_on > bounds.within_next_contact(visit_day):
        errors["next_contact_on"] = _("다음 접촉 예정일은 방문일부터 %(days)s일 이내(%(day)s까지)여야 합니다.") % {
            "days": bounds.next_contact_max_days(), "day": f"{bounds.within_next_contact(visit_day):%Y-%m-%d}"}
    if data.staff_present:
        ids = {getattr(person, "pk", person) for person in data.staff_present}
        if staff_of(household).filter(pk__in=ids).count() != len(ids):
            errors["staff_present"] = _("같은 동 직원만 동행 직원으로 고를 수 있습니다.")
    resident = data.outcome.resident
    if resident is not None and (resident.household_id != household.pk or resident.left_on is not None):
        errors["resident"] = _("이 세대의 현재 가구원을 고르세요.")
    if data.ends and data.outcome.end_care is None:
        errors["end_care"] = _("사망·전출이면 세대 관리를 종료할지 골라 주세요.")
    if errors:
        raise RuleError(errors)


def visit_record(*, household: Household, by: User, data: VisitData,
                 token: uuid.UUID | None = None, plan_next: bool = True) -> tuple[Visit, bool]:
    """Validate and log a visit; returns (visit, created). The same token twice returns the first visit, unchanged
    (before validation: a resent form may no longer validate, the resident it names having left since).

    A visit that arrives after a later one of the same household (typed offline, sent when the tablet found a
    connection) is kept as it is, but the later visit keeps deciding the household's risk, next contact and
    follow-ups. ``plan_next=False`` records the visit without planning a next contact (the field app's visit to a
    household whose care ended meanwhile)."""
    if token is not None:
        existing = Visit.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    if not can(by, "record_visits"):
        raise RuleError(_("방문을 기록할 권한이 없습니다."))
    if errors := scope_errors(by, data):
        raise RuleError(errors)
    visit_validate(household=household, data=data)
    try:
        with transaction.atomic():
            return _visit_record(household=household, by=by, data=data, token=token, plan_next=plan_next), True
    except IntegrityError:
        # Two submissions raced past the lookup: the unique token let exactly one in.
        if token is not None:
            existing = Visit.objects.filter(submission_token=token).first()
            if existing is not None:
                return existing, False
        raise


def _visit_record(*, household: Household, by: User, data: VisitData, token: uuid.UUID | None,
                  plan_next: bool = True) -> Visit:
    household = Household.objects.select_for_update().select_related("dong").get(pk=household.pk)
    visited_at = data.visited_at or timezone.now()
    visit_day = timezone.localdate(visited_at)
    case = household.cases.open().first()
    ends = data.ends
    needs = data.recorded_needs()
    superseded = Visit.objects.filter(household=household, visited_at__gt=visited_at).exists()
    next_on = None if (ends and data.outcome.end_care) or not plan_next else (
        data.next_contact_on or propose_next_contact(household=household, risk_level=data.risk_level, after=visit_day)
    )
    visit = Visit.objects.create(
        household=household, case=case, visited_at=visited_at, kind=data.kind, contact_result=data.contact_result,
        observations=data.observations, risk_level=data.risk_level, next_contact_on=next_on, recorded_by=by,
        submission_token=token, circumstances_changed=data.circumstances_changed,
    )
    if data.staff_present:
        visit.staff_present.set([p if isinstance(p, int) else p.pk for p in data.staff_present])
    VisitNeed.objects.bulk_create(
        [VisitNeed(visit=visit, domain=d, severity=s, note=n) for d, s, n in needs]
    )
    # The household's contact dates: an unanswered door is a visit, not a contact. A later visit already on
    # record keeps the household's risk and next contact (and the follow-ups it planned).
    if not superseded:
        household.risk_level = data.risk_level
        household.next_contact_on = next_on
    if data.contact_result in CONTACT_MADE and (household.last_contact_on is None or visit_day >= household.last_contact_on):
        household.last_contact_on = visit_day
    fields = ["risk_level", "last_contact_on", "next_contact_on", "updated_at"]
    if household.assigned_official_id is None and can(by, "be_assigned"):
        household.assigned_official = by
        fields.append("assigned_official")
    if ends and data.outcome.end_care:
        household.status = CareStatus.NOT_UNDER_CARE
        fields.append("status")
    household.save(update_fields=fields)

    # The cadence follow-up is met by any visit; the others only when someone was actually reached.
    if not superseded:
        _close_follow_ups(household, visit=visit, reasons=[FollowUpReason.CADENCE])
    if data.contact_result in CONTACT_MADE and not superseded:
        # After-care contacts and reassessment reminders are met by their own action, not by any visit.
        _close_follow_ups(household, visit=visit, reasons=set(FollowUpReason.values) - {
            FollowUpReason.CADENCE, FollowUpReason.MANUAL, *NOT_MET_BY_VISIT})
    if ends and data.outcome.end_care:
        _close_follow_ups(household, visit=None, reasons=FollowUpReason.values, status=FollowUpStatus.CANCELLED)
    elif next_on is not None and not superseded and plan_next:
        followup_schedule(household=household, due_on=next_on, reason=FollowUpReason.CADENCE,
                          assigned_to=household.assigned_official)

    if ends and data.outcome.resident is not None and data.outcome.resident.left_on is None:
        left = LeftReason.DECEASED if data.contact_result == ContactResult.DECEASED else LeftReason.MOVED_OUT
        _leave_without_successor(data.outcome.resident, by=by, on=visit_day, reason=left)
    if data.circumstances_changed and case is not None:
        _circumstances_changed(case, by=by, on=visit_day)
    # Only where the stage form would offer it: a case in conference leaves it by its conference record (the page
    # says the case was not moved).
    if ends and data.outcome.propose_case_closing and case is not None and CaseStage.CLOSING in next_stages(case, by):
        reason = "deceased" if data.contact_result == ContactResult.DECEASED else "moved_out"
        case_transition(case=case, to=CaseStage.CLOSING, by=by, expected_version=case.version,
                        note=_("방문 결과에 따른 종결 제안"), closing_reason=reason)
    log_action(visit, "households.visit.recorded", user=by,
               changes={"result": data.contact_result, "risk": data.risk_level, "needs": [d for d, _s, _n in needs]})
    return visit


def _circumstances_changed(case: Case, *, by: User, on: dt.date) -> None:
    """A change of circumstances found on a visit (DOMAIN §2 row 10): an in-service case moves to reassessment
    when the visitor may move cases; otherwise (another stage, or a visiting nurse) its reassessment falls due on
    the visit day, unless it is already due earlier or the case is in reassessment now."""
    if case.can_transition_to(CaseStage.REASSESSMENT) and case.stage == CaseStage.IN_SERVICE \
            and can(by, "edit_casework"):
        case_move(case=case, to=CaseStage.REASSESSMENT, by=by, expected_version=case.version,
                  note=_("방문에서 상황 변화 확인"))
        return
    if case.stage == CaseStage.REASSESSMENT:
        return
    if Case.objects.filter(pk=case.pk).filter(Q(reassessment_due_on__isnull=True) | Q(reassessment_due_on__gt=on)) \
            .update(reassessment_due_on=on, version=F("version") + 1, updated_at=timezone.now()):
        log_action(case, "households.case.reassessment_due", user=by,
                   changes={"reassessment_due_on": str(on), "why": "circumstances_changed"})


def _leave_without_successor(resident: Resident, *, by: User, on: dt.date, reason: str) -> None:
    """A death or a move found on a visit: the resident leaves; a remaining member becomes head if needed."""
    successor = None
    if resident.relation == Relation.HEAD:
        successor = resident.household.residents.current().exclude(pk=resident.pk).order_by("birth_date", "id").first()
    resident_leave(resident=resident, by=by, on=on, reason=reason, new_head=successor)

