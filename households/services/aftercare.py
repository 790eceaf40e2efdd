"""After-care (사후관리, DOMAIN §2 rows 12–13, §6): the outcome of an after-care contact ends or continues it.

No problem at the last after-care contact → the case is archived (보관); at an earlier one → it stays in after-care.
A relapse → the official chooses: back to reassessment (the same case) or a new case linked to this one
(``case_reopen``, which archives this one); either way the case's pending after-care contacts are cancelled.
The case page and the API case endpoint both call :func:`aftercare_record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError, StaleVersion

from ..models import AFTERCARE_REASONS, Case, CaseSource, CaseStage, FollowUp, FollowUpStatus
from .cases import case_move, case_reopen, require_casework

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NOTE_MAX = bounds.max_length(FollowUp, "note")


class AftercareOutcome(models.TextChoices):
    NO_PROBLEM = "no_problem", gettext_lazy("문제 없음")
    RELAPSE = "relapse", gettext_lazy("재발(위기 재발생)")


class RelapsePath(models.TextChoices):
    REASSESSMENT = "reassessment", gettext_lazy("이 사례를 재사정으로 돌림")
    NEW_CASE = "new_case", gettext_lazy("새 사례 접수(이전 사례와 연결)")


@dataclass(frozen=True)
class AftercareResult:
    case: Case
    follow_up: FollowUp | None
    last: bool
    new_case: Case | None = None


def aftercare_check(*, outcome: str, relapse_to: str, note: str, source: str) -> None:
    errors: dict[str, str] = {}
    if outcome not in AftercareOutcome.values:
        errors["outcome"] = _("사후관리 결과를 고르세요.")
    elif outcome == AftercareOutcome.RELAPSE:
        if relapse_to not in RelapsePath.values:
            errors["relapse_to"] = _("재발이면 재사정으로 돌릴지, 새 사례로 접수할지 고르세요.")
        elif relapse_to == RelapsePath.NEW_CASE and source not in CaseSource.values:
            errors["source"] = _("발굴 경로를 고르세요.")
    if (problem := bounds.text_problem(note, NOTE_MAX)) is not None:
        errors["note"] = problem
    if errors:
        raise RuleError(errors)


@transaction.atomic
def aftercare_record(*, case: Case, by: User, outcome: str, expected_version: int, note: str = "",
                     relapse_to: str = "", source: str = CaseSource.VISIT) -> AftercareResult:
    """Record the outcome of the case's next after-care contact (the earliest still open; made early is fine).

    A case closed but not yet in after-care moves to after-care first (both moves are in its history)."""
    require_casework(by)
    note = (note or "").strip()
    aftercare_check(outcome=outcome, relapse_to=relapse_to, note=note, source=source)
    if case.version != expected_version:
        raise StaleVersion
    if case.stage not in (CaseStage.CLOSED, CaseStage.FOLLOW_UP):
        raise RuleError(_("종결되었거나 사후관리 중인 사례에만 사후관리 결과를 기록합니다."))
    pending = FollowUp.objects.select_for_update().filter(case=case, status=FollowUpStatus.OPEN,
                                                          reason__in=AFTERCARE_REASONS).order_by("due_on", "id")
    contacts = list(pending)
    follow_up = contacts[0] if contacts else None
    if follow_up is not None:
        follow_up.status, follow_up.closed_at = FollowUpStatus.DONE, timezone.now()
        follow_up.note = note[:NOTE_MAX] or str(AftercareOutcome(outcome).label)
        follow_up.save(update_fields=["status", "closed_at", "note"])
    last = len(contacts) <= 1
    if case.stage == CaseStage.CLOSED:
        case_move(case=case, to=CaseStage.FOLLOW_UP, by=by, expected_version=case.version,
                  note=_("사후관리 접촉"))
    new_case = None
    label = AftercareOutcome(outcome).label
    if outcome == AftercareOutcome.NO_PROBLEM and last:
        case_move(case=case, to=CaseStage.ARCHIVED, by=by, expected_version=case.version, aftercare_outcome=True,
                  note=_("사후관리 최종 접촉: %(outcome)s") % {"outcome": label})
    elif outcome == AftercareOutcome.RELAPSE and relapse_to == RelapsePath.REASSESSMENT:
        case_move(case=case, to=CaseStage.REASSESSMENT, by=by, expected_version=case.version,
                  aftercare_outcome=True, note=_("사후관리 중 재발: 재사정"))
    elif outcome == AftercareOutcome.RELAPSE:
        new_case = case_reopen(previous=case, by=by, source=source, summary=note)
        case.refresh_from_db()
    log_action(case, "households.case.aftercare_recorded", user=by, changes={
        "outcome": outcome, "relapse_to": relapse_to if outcome == AftercareOutcome.RELAPSE else "",
        "follow_up": getattr(follow_up, "pk", None), "last": last, "stage": case.stage,
        "new_case": getattr(new_case, "pk", None)})
    return AftercareResult(case=case, follow_up=follow_up, last=last, new_case=new_case)
