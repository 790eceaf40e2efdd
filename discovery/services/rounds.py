"""Rounds of the Ministry's lists (빅데이터 차수: the blind-spot list and the lonely-death list): progress per
dong, the dong's answer for each target (one truth with its crisis report: :mod:`.answers`), and the export.

The export is personal data the Ministry shared for one purpose (사회보장급여법 Art. 12, PIPA): it asks for a
reason, is written to the access log, masks names and carries only what the reply needs (DOMAIN §5 R5, R7).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import LinkStatus, ServiceLink
from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.csv_stream import StreamedFile, in_language, stream_csv
from welfare.common.updates import model_update
from welfare.common.xlsx_stream import stream_xlsx
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import membership, personal_dong_ids, visible_dong_ids

from ..models import (
    ALL_RESULT_CHOICES,
    BigDataRound,
    BigDataTarget,
    ReportOutcome,
    ReportStatus,
    RiskIndicator,
    UnmappedIndicator,
    result_choices,
)
from .answers import ANSWER_OUTCOMES, results_allowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DUE_SOON_DAYS = 7
EXPORT_FORMATS = ("csv", "xlsx")


def rounds_visible_to(user) -> QuerySet[BigDataRound]:
    if getattr(user, "is_superuser", False):
        return BigDataRound.objects.all()
    staff = membership(user)
    if staff is None:
        return BigDataRound.objects.none()
    return BigDataRound.objects.filter(district_id=staff.district_id)


def rounds_with_counts(user, system: str = "") -> QuerySet[BigDataRound]:
    """Each round (of one list, or of both) with its targets and answered targets in the dongs the user may
    see: one grouped query."""
    mine = Q(targets__dong_id__in=visible_dong_ids(user))
    rounds = rounds_visible_to(user)
    if system:
        rounds = rounds.filter(system=system)
    return rounds.annotate(
        target_count=Count("targets", filter=mine),
        answered_count=Count("targets", filter=mine & ~Q(targets__result_code="")),
    ).order_by("-received_on", "-year", "-number", "system")


def days_left(round_: BigDataRound, today: dt.date | None = None) -> int:
    return (round_.due_on - (today or timezone.localdate())).days


@dataclass(frozen=True)
class DongProgress:
    dong_id: int
    name: str
    targets: int
    answered: int
    days_left: int

    @property
    def unanswered(self) -> int:
        return self.targets - self.answered

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def alarm(self) -> bool:
        """Red: answers still missing and the due date a week away or past."""
        return self.unanswered > 0 and self.days_left <= DUE_SOON_DAYS


def round_progress(round_: BigDataRound, user, today: dt.date | None = None) -> list[DongProgress]:
    """Per dong of the round's district the user may see: targets, answered, days left. One grouped query."""
    in_round = Q(bigdata_targets__round=round_)
    dongs = (
        Dong.objects.filter(district_id=round_.district_id, pk__in=visible_dong_ids(user))
        .annotate(targets=Count("bigdata_targets", filter=in_round),
                  answered=Count("bigdata_targets", filter=in_round & ~Q(bigdata_targets__result_code="")))
        .order_by("name").values_list("pk", "name", "targets", "answered")
    )
    left = days_left(round_, today)
    return [DongProgress(pk, name, targets, answered, left) for pk, name, targets, answered in dongs]


def with_linked_services(targets: QuerySet[BigDataTarget]) -> QuerySet[BigDataTarget]:
    """Targets with their report's service link and the links of the case it opened: two more queries."""
    return targets.select_related("report__service_link__resource").prefetch_related(
        Prefetch("report__case__service_links",
                 queryset=ServiceLink.objects.select_related("resource").order_by("requested_on", "pk")))


def linked_services(target: BigDataTarget) -> list[ServiceLink]:
    """The services the target's household was linked to through its report: the report's own link and those of
    the case it opened (declined ones left out)."""
    report = target.report
    links = [report.service_link] if report.service_link is not None else []
    if report.case is not None:
        links += [link for link in report.case.service_links.all() if link.pk != report.service_link_id]
    return [link for link in links if link.status != LinkStatus.DECLINED]


def services_text(target: BigDataTarget) -> str:
    return "; ".join(f"{link.resource.name}({link.get_status_display()})" for link in linked_services(target))


def dong_targets(round_: BigDataRound, dong: Dong) -> QuerySet[BigDataTarget]:
    """The targets of one dong, with their report, answerer, indicators (known and as written) and linked
    services: constant queries per page."""
    return with_linked_services(
        BigDataTarget.objects.filter(round=round_, dong=dong)
        .select_related("report__household", "report__case", "report__duplicate_of", "answered_by", "round")
        .prefetch_related(Prefetch("indicators", queryset=RiskIndicator.objects.order_by("code")))
        .prefetch_related(Prefetch("unmapped_indicators", queryset=UnmappedIndicator.objects.order_by("name")))
        .order_by("result_code", "report__receipt_code", "pk")
    )


def answer_choices(target: BigDataTarget) -> list[tuple[str, str]]:
    """The answers the round page offers for one target: the answers its resolved report's outcome allows, or,
    while the report is open, those that close it from here."""
    system = target.round.system
    labels = dict(result_choices(system))
    if target.report.status == ReportStatus.RESOLVED:
        codes = results_allowed(system, target.report)
    else:
        codes = tuple(ANSWER_OUTCOMES[system])
    return [(code, labels[code]) for code in codes if code in labels]


def can_answer(user, dong_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return can(user, "answer_rounds") and dong_id in personal_dong_ids(user)


@transaction.atomic
def bigdata_target_answer(*, target: BigDataTarget, by: User, result_code: str, note: str = "",
                          ssis_ref: str | None = None) -> BigDataTarget:
    """The dong's answer for one target, audited; may be corrected. The answer and the report's outcome are one
    truth (:mod:`.answers`): on an open report, an answer that closes it (비대상, 소재 불명, 거부; for the
    lonely-death list also 일반 and 사망) resolves the report with that outcome under the report's own rules
    (the note is the reason, or the hand-off note of an unreachable person); an answer of support needs the
    report resolved on its page first. On a resolved report the answer is one its outcome allows."""
    if not can_answer(by, target.dong_id):
        raise PermissionDenied
    target = (BigDataTarget.objects.select_for_update(of=("self",)).select_related("round", "report")
              .get(pk=target.pk))
    system = target.round.system
    labels = dict(result_choices(system))
    if result_code not in labels:
        raise RuleError({"result_code": _("조사 결과를 고르세요.")})
    note = (note or "").strip()
    ssis_ref = target.ssis_ref if ssis_ref is None else ssis_ref.strip()
    bounds.Checks().text("note", note, bounds.max_length(BigDataTarget, "result_note")).text(
        "ssis_ref", ssis_ref, bounds.max_length(BigDataTarget, "ssis_ref")).done()
    report = target.report
    if report.status != ReportStatus.RESOLVED:
        outcome = ANSWER_OUTCOMES[system].get(result_code)
        if outcome is None:
            raise RuleError({"result_code": _(
                "“%(result)s”은(는) 제보를 처리하면서 기록합니다: 제보 화면에서 세대를 연결하고 통합사례관리 접수, "
                "서비스 연계 또는 타기관 의뢰로 처리하면 조사 결과가 함께 바뀝니다.") % {"result": labels[result_code]}})
        from .resolution import report_resolve  # resolution imports .answers, which this module imports

        report_resolve(report=report, by=by, outcome=outcome, reason=note or str(labels[result_code]),
                       handoff_note=note if outcome == ReportOutcome.UNREACHABLE else "")
        target.refresh_from_db()
        report.refresh_from_db()
    allowed = results_allowed(system, report)
    if result_code not in allowed:
        raise RuleError({"result_code": _(
            "이 제보는 “%(outcome)s”(으)로 처리되어 조사 결과는 %(allowed)s 중에서 고를 수 있습니다.") % {
            "outcome": report.get_outcome_display(),
            "allowed": ", ".join(f"“{labels[c]}”" for c in allowed if c in labels) or "—"}})
    target.answered_at = timezone.now()
    # Logged under the report's household (BigDataTarget.access_log_household_id); a change of who answered is
    # logged too, so only the same official saving the same answer again leaves no entry.
    target, _changes = model_update(
        target, {"result_code": result_code, "result_note": note, "ssis_ref": ssis_ref, "answered_by": by},
        ("result_code", "result_note", "ssis_ref", "answered_by"), by=by, verb="discovery.bigdatatarget.answered")
    return target


# --- Export -----------------------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """김철수 → 김*수, 김수 → 김*, 남궁민수 → 남**수."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def export_header() -> list[str]:
    return [_("명단"), _("차수"), _("행정동"), _("접수번호"), _("행복e음 관리번호"), _("대상자"), _("지표"), _("결과"),
            _("제보 처리 결과"), _("연계 서비스"), _("메모"), _("회신일")]


EXPORT_CHUNK = 2000


def export_rows(round_: BigDataRound, user) -> Iterator[list[str]]:
    """One row per target of the user's dongs, from values rows (no model instances): the targets in chunks of
    2,000, and per chunk one query each for their indicators, the names as written and the linked services."""
    targets = (
        BigDataTarget.objects.filter(round=round_, dong_id__in=personal_dong_ids(user))
        .order_by("dong__name", "report__receipt_code")
        .values_list("pk", "dong__name", "report__receipt_code", "ssis_ref", "report__subject_name", "result_code",
                     "report__outcome", "result_note", "answered_at", "report__service_link_id", "report__case_id")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    results = {code: str(label) for code, label in ALL_RESULT_CHOICES}
    outcomes = {code: str(label) for code, label in ReportOutcome.choices}
    label, system = str(round_), str(round_.get_system_display())
    unmapped = _("%(name)s(미분류)")
    while chunk := list(itertools.islice(targets, EXPORT_CHUNK)):
        names = _indicator_names(chunk, unmapped)
        services = _services_texts(chunk)
        for (pk, dong, code, ssis_ref, subject, result, outcome, note, answered_at, _link, _case) in chunk:
            answered = timezone.localtime(answered_at).date().isoformat() if answered_at else ""
            yield [system, label, dong, code, ssis_ref, mask_name(subject), ", ".join(names.get(pk, ())),
                   results.get(result, ""), outcomes.get(outcome, ""), services.get(pk, ""), note, answered]


def _indicator_names(chunk: list[tuple], unmapped: str) -> dict[int, list[str]]:
    """Per target: its indicators by code, then the names as written (by name) marked 미분류. Two queries."""
    ids = [row[0] for row in chunk]
    names: dict[int, list[str]] = {}
    known = (BigDataTarget.indicators.through.objects.filter(bigdatatarget_id__in=ids)
             .order_by("riskindicator__code").values_list("bigdatatarget_id", "riskindicator__name_ko"))
    for target_id, name in known:
        names.setdefault(target_id, []).append(name)
    written = (BigDataTarget.unmapped_indicators.through.objects.filter(bigdatatarget_id__in=ids)
               .order_by("unmappedindicator__name").values_list("bigdatatarget_id", "unmappedindicator__name"))
    for target_id, name in written:
        names.setdefault(target_id, []).append(unmapped % {"name": name})
    return names


def _services_texts(chunk: list[tuple]) -> dict[int, str]:
    """Per target, what :func:`services_text` writes (the report's link, then its case's, declined ones left out),
    from one query for the chunk's links."""
    own_ids = {row[9] for row in chunk if row[9] is not None}
    case_ids = {row[10] for row in chunk if row[10] is not None}
    if not own_ids and not case_ids:
        return {}
    statuses = {code: str(label) for code, label in LinkStatus.choices}
    by_pk: dict[int, tuple] = {}
    by_case: dict[int, list[tuple]] = {}
    links = (ServiceLink.objects.filter(Q(pk__in=own_ids) | Q(case_id__in=case_ids))
             .order_by("requested_on", "pk").values_list("pk", "case_id", "resource__name", "status"))
    for link in links:
        by_pk[link[0]] = link
        if link[1] is not None:
            by_case.setdefault(link[1], []).append(link)
    texts = {}
    for row in chunk:
        pk, own, case = row[0], row[9], row[10]
        found = [by_pk[own]] if own is not None and own in by_pk else []
        found += [link for link in by_case.get(case, ()) if link[0] != own] if case is not None else []
        text = "; ".join(f"{name}({statuses.get(status, status)})" for _pk, _case, name, status in found
                         if status != LinkStatus.DECLINED)
        if text:
            texts[pk] = text
    return texts


def round_export(*, round_: BigDataRound, by: User, reason: str, fmt: str) -> StreamedFile:
    """The round's results for the user's dongs as CSV (UTF-8 with BOM, for Excel) or XLSX, logged with its
    reason before the file is made. Both are made while they are sent (the XLSX by
    :mod:`welfare.common.xlsx_stream`), one chunk of rows in memory at a time."""
    if not personal_dong_ids(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_("내려받는 사유를 적으세요."))
    if fmt not in EXPORT_FORMATS:
        raise RuleError(_("파일 형식을 고르세요."))
    count = BigDataTarget.objects.filter(round=round_, dong_id__in=personal_dong_ids(by)).count()
    log_action(round_, "discovery.round.exported", user=by, reason=reason, changes={"format": fmt, "rows": count})
    name = f"{'lonely_death' if round_.is_lonely_death else 'bigdata'}_{round_.year}_{round_.number}"
    if fmt == "csv":
        return StreamedFile(f"{name}.csv", "text/csv; charset=utf-8",
                            in_language(stream_csv(export_header(), export_rows(round_, by))), count)
    rows = stream_xlsx(str(round_), export_header(), export_rows(round_, by))
    return StreamedFile(f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        in_language(rows), count)
