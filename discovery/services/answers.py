"""One truth for a Ministry list's target: its answer (result code) and its crisis report's outcome.

A target is a crisis report received through a list. The dong answers the Ministry with a result code; the
report closes with an outcome. They say the same thing, so neither is written alone:

- resolving the report (the report page, the API) writes the answer the outcome gives (:func:`target_sync`);
- answering on the round page resolves the open report with the outcome the answer means
  (:data:`ANSWER_OUTCOMES`, through :func:`discovery.services.resolution.report_resolve` and its rules), or,
  when the report is already resolved, picks among the answers its outcome allows (:func:`results_allowed`).

An answer of support (공공·민간 지원, a lonely-death risk group) needs the household and its service: the report
page records them (case opened, service link, referral), and the answer follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from welfare.common.updates import model_update

from ..models import (
    BigDataTarget,
    CrisisReport,
    ListSystem,
    LonelyDeathResult,
    ReportOutcome,
    ReportStatus,
    TargetResult,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PUBLIC = "public"
B, L = TargetResult, LonelyDeathResult

# The outcome an answer given on the round page closes an open report with; answers missing here (support,
# risk groups) are recorded by resolving the report on its page.
ANSWER_OUTCOMES: dict[str, dict[str, str]] = {
    ListSystem.BLIND_SPOT: {B.NO_NEED: ReportOutcome.NO_NEED, B.NOT_LOCATED: ReportOutcome.UNREACHABLE,
                            B.REFUSED: ReportOutcome.REFUSED},
    ListSystem.LONELY_DEATH: {L.NOT_AT_RISK: ReportOutcome.NO_NEED, L.DECEASED: ReportOutcome.NO_NEED,
                              L.NOT_LOCATED: ReportOutcome.UNREACHABLE, L.REFUSED: ReportOutcome.REFUSED},
}
SUPPORT_OUTCOMES = frozenset({ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY, ReportOutcome.REFERRED})
# A lonely-death household's risk level → its risk group (the first allowed answer); unknown levels → 저위험군.
RISK_GROUPS = {"emergency": L.RISK_HIGH, "high": L.RISK_HIGH, "medium": L.RISK_MEDIUM, "low": L.RISK_LOW,
               "general": L.NOT_AT_RISK}
DUPLICATE_DEPTH = 3


def _blind_spot(report: CrisisReport) -> tuple[str, ...]:
    outcome = report.outcome
    if outcome == ReportOutcome.CASE_OPENED:
        return B.SUPPORTED_PUBLIC, B.SUPPORTED_PRIVATE
    if outcome == ReportOutcome.LINKAGE_ONLY:
        link = report.service_link
        private = link is not None and link.resource.sector != PUBLIC
        return (B.SUPPORTED_PRIVATE,) if private else (B.SUPPORTED_PUBLIC,)
    if outcome == ReportOutcome.REFERRED:
        return B.SUPPORTED_PRIVATE, B.SUPPORTED_PUBLIC
    closed: dict[str, tuple[str, ...]] = {ReportOutcome.NO_NEED: (B.NO_NEED,),
                                          ReportOutcome.UNREACHABLE: (B.NOT_LOCATED,),
                                          ReportOutcome.REFUSED: (B.REFUSED,)}
    return closed.get(outcome, ())


def _lonely_death(report: CrisisReport) -> tuple[str, ...]:
    outcome = report.outcome
    if outcome in SUPPORT_OUTCOMES:
        household = report.household
        first = RISK_GROUPS.get(household.risk_level if household is not None else "", L.RISK_LOW)
        groups = (L.RISK_HIGH, L.RISK_MEDIUM, L.RISK_LOW, L.NOT_AT_RISK)
        return (first, *(g for g in groups if g != first))
    closed: dict[str, tuple[str, ...]] = {ReportOutcome.NO_NEED: (L.NOT_AT_RISK, L.DECEASED),
                                          ReportOutcome.UNREACHABLE: (L.NOT_LOCATED,),
                                          ReportOutcome.REFUSED: (L.REFUSED,)}
    return closed.get(outcome, ())


def results_allowed(system: str, report: CrisisReport, _depth: int = 0) -> tuple[str, ...]:
    """The answers the report's outcome allows, the first being the one it gives by itself; () while the report
    is open. A duplicate answers as its original does (all answers while the original is open)."""
    if report.status != ReportStatus.RESOLVED:
        return ()
    if report.outcome == ReportOutcome.DUPLICATE:
        original = report.duplicate_of
        every = tuple(code for code, _label in (L.choices if system == ListSystem.LONELY_DEATH else B.choices))
        if original is None or _depth >= DUPLICATE_DEPTH:
            return every
        target = getattr(original, "bigdata_target", None) if original.pk else None
        if target is not None and target.result_code and target.round.system == system:
            return (target.result_code,)
        return results_allowed(system, original, _depth + 1) or every
    return _lonely_death(report) if system == ListSystem.LONELY_DEATH else _blind_spot(report)


def _targets(reports: QuerySet[CrisisReport]) -> QuerySet[BigDataTarget]:
    return BigDataTarget.objects.filter(report__in=reports).select_related(
        "round", "report__household", "report__service_link__resource", "report__duplicate_of")


def target_sync(*, report: CrisisReport, by: User | None) -> None:
    """After the report is resolved: its target (if it came from a list) takes the answer its outcome gives,
    unless the answer it has is one the outcome allows; then the same for the reports recorded as its
    duplicates. Logged like an answer (verb ``discovery.bigdatatarget.answered``)."""
    for target in _targets(CrisisReport.objects.filter(pk=report.pk) | CrisisReport.objects.filter(
            duplicate_of_id=report.pk, status=ReportStatus.RESOLVED)):
        allowed = results_allowed(target.round.system, target.report)
        if not allowed or target.result_code in allowed:
            continue
        target.answered_at = timezone.now()
        model_update(target, {"result_code": allowed[0], "answered_by": by}, ("result_code", "answered_by"),
                     by=by, verb="discovery.bigdatatarget.answered")
