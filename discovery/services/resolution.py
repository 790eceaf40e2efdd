"""Discovery services: resolution."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households import services as household_services
from households.models import (
    CaseSource,
)
from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError

from ..models import (
    OUTCOMES_NEEDING_REASON,
    AttemptMethod,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    ReportOutcome,
    ReportStatus,
)
from .access import _require_editor, _require_open, _require_visible
from .answers import target_sync
from .matching import _screening
from .rewards import reward_evaluate

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Contact attempts and resolution ---------------------------------------------------------------------------


@transaction.atomic
def contact_attempt_record(*, report: CrisisReport, by: User, method: str, reached: bool, note: str = "",
                           at: dt.datetime | None = None, client_id: str | None = None) -> ContactAttempt:
    """One try to reach the person: visit, phone, welfare mail, or a neighbour's or 통장's confirmation.

    ``client_id`` (the field app's queued item) makes a resend return the first attempt, unchanged."""
    _require_editor(by)
    _require_visible(report, by)
    report = CrisisReport.objects.select_for_update().get(pk=report.pk)  # also serialises two sends of one item
    client_id = (client_id or "").strip() or None
    if client_id is not None and (earlier := ContactAttempt.objects.filter(client_id=client_id).first()) is not None:
        if earlier.report_id != report.pk:
            raise RuleError({"client_id": [_("이미 사용한 client_id입니다.")]})
        return earlier
    _require_open(report)
    if method not in AttemptMethod.values:
        raise RuleError({"method": [_("접촉 방법을 고르세요.")]})
    at = at or timezone.now()
    note = (note or "").strip()
    checks = bounds.Checks().moment("at", at, future=_("접촉 일시가 미래입니다."))
    checks.text("note", note, bounds.max_length(ContactAttempt, "note")).done()
    if at < report.received_at - dt.timedelta(minutes=5):
        raise RuleError({"at": [_("접촉 일시가 접수 일시보다 앞섭니다.")]})
    attempt = ContactAttempt.objects.create(report=report, by=by, method=method, reached=reached, note=note, at=at,
                                            client_id=client_id)
    values: dict[str, Any] = {"updated_at": timezone.now(), **_screening(report)}
    if report.first_contacted_at is None or at < report.first_contacted_at:
        values["first_contacted_at"] = at
    CrisisReport.objects.filter(pk=report.pk).update(**values)
    log_action(report, "discovery.contactattempt.recorded", user=by, household_id=report.household_id,
               changes={"method": method, "reached": reached})
    return attempt


def attempts_needed(report: CrisisReport) -> int:
    """Unreached attempts still needed before the report may close as unreachable."""
    policy = DiscoveryPolicy.for_district(report.district_id)
    failed = report.attempts.filter(reached=False).count()
    return max(0, policy.unreachable_attempts - failed)


@transaction.atomic
def report_resolve(*, report: CrisisReport, by: User, outcome: str, reason: str = "",
                   case_data: dict[str, Any] | None = None, link_data: dict[str, Any] | None = None,
                   duplicate_of: CrisisReport | None = None, handoff_note: str = "") -> CrisisReport:
    """Close the report with its outcome. "case opened" opens the case, "linkage only" makes the service link;
    both then ask the reward rules about the informant. A report from a Ministry list gives its target the
    answer the outcome means (:func:`discovery.services.answers.target_sync`). A resolved report is read-only."""
    _require_editor(by)
    _require_visible(report, by)
    report = CrisisReport.objects.select_for_update(of=("self",)).select_related("household__dong").get(
        pk=report.pk)
    _require_open(report)
    if outcome not in ReportOutcome.values:
        raise RuleError({"outcome": [_("처리 결과를 고르세요.")]})
    reason = (reason or "").strip()
    handoff_note = (handoff_note or "").strip()
    if outcome in OUTCOMES_NEEDING_REASON and not reason:
        raise RuleError({"reason": [_("%(outcome)s(으)로 종결하려면 사유를 적어 주세요.") % {
            "outcome": ReportOutcome(outcome).label}]})
    bounds.Checks().text("reason", reason, bounds.max_length(CrisisReport, "outcome_reason")).text(
        "handoff_note", handoff_note, bounds.NOTE_TEXT).done()
    values: dict[str, Any] = {"outcome": outcome, "outcome_reason": reason}
    if outcome == ReportOutcome.UNREACHABLE:
        missing = attempts_needed(report)
        if missing:
            raise RuleError(_("소재 미확인으로 종결하려면 연락이 닿지 않은 접촉 시도가 %(n)s번 더 필요합니다.") % {
                "n": missing})
        if not handoff_note:
            raise RuleError({"handoff_note": [_("사실조사로 넘길 인계 메모를 적어 주세요.")]})
        values["handoff_note"] = handoff_note
    elif handoff_note:
        values["handoff_note"] = handoff_note
    household = report.household
    if outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY) and household is None:
        raise RuleError(_("먼저 제보를 세대에 연결하세요 (후보 세대를 고르거나 새 세대를 만드세요)."))
    if outcome == ReportOutcome.CASE_OPENED:
        case_data = dict(case_data or {})
        client = case_data.pop("client", None)
        if client is None:
            raise RuleError({"client": [_("사례 대상자(현재 가구원)를 고르세요.")]})
        assert household is not None  # checked above
        case = household_services.case_open(
            household=household, client=client, by=by, source=CaseSource.REPORT,
            opened_on=case_data.get("opened_on"), case_class=case_data.get("case_class") or "general",
            assigned_official=case_data.get("assigned_official") or report.assigned_official,
            summary=case_data.get("summary") or report.details[:1000],
        )
        values["case"] = case
    elif outcome == ReportOutcome.LINKAGE_ONLY:
        link_data = dict(link_data or {})
        resource = link_data.pop("resource", None)
        if resource is None:
            raise RuleError({"resource": [_("연계할 자원을 고르세요.")]})
        if resource.district_id != report.district_id:
            raise RuleError({"resource": [_("다른 구의 자원입니다.")]})
        assert household is not None  # checked above
        values["service_link"] = household_services.service_link_create(
            household=household, resource=resource, by=by, data=link_data)
    elif outcome == ReportOutcome.DUPLICATE:
        if duplicate_of is None:
            raise RuleError({"duplicate_of": [_("중복된 원래 제보를 고르세요.")]})
        if duplicate_of.pk == report.pk or duplicate_of.district_id != report.district_id or not (
                CrisisReport.objects.visible_to(by).filter(pk=duplicate_of.pk).exists()):
            raise RuleError({"duplicate_of": [_("같은 구의 다른 제보만 원래 제보로 고를 수 있습니다.")]})
        values["duplicate_of"] = duplicate_of
        if report.household_id is None and duplicate_of.household_id is not None:
            values["household_id"] = duplicate_of.household_id
    now = timezone.now()
    values.update(status=ReportStatus.RESOLVED, resolved_at=now, updated_at=now)
    if report.assigned_official_id is None:
        values["assigned_official"] = by
    CrisisReport.objects.filter(pk=report.pk).update(**values)
    report.refresh_from_db()
    log_action(report, "discovery.crisisreport.resolved", user=by, household_id=report.household_id,
               reason=reason, changes={"outcome": outcome, "case": report.case_id, "link": report.service_link_id,
                                       "duplicate_of": report.duplicate_of_id})
    target_sync(report=report, by=by)
    if outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY):
        reward_evaluate(report=report, by=by)
    return report
