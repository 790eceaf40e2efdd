"""Big-data rounds (빅데이터 차수): progress per dong, the dong's answer for each target, and the export.

The export is personal data the Ministry shared for one purpose (사회보장급여법 Art. 12, PIPA): it asks for a
reason, is written to the access log, masks names and carries only what the reply needs (DOMAIN §5 R5, R7).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.cells import safe_row
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import membership, personal_dong_ids, visible_dong_ids

from ..models import BigDataRound, BigDataTarget, RiskIndicator, TargetResult

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


def rounds_with_counts(user) -> QuerySet[BigDataRound]:
    """Each round with its targets and answered targets in the dongs the user may see: one grouped query."""
    mine = Q(targets__dong_id__in=visible_dong_ids(user))
    return rounds_visible_to(user).annotate(
        target_count=Count("targets", filter=mine),
        answered_count=Count("targets", filter=mine & ~Q(targets__result_code="")),
    ).order_by("-year", "-number")


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


def dong_targets(round_: BigDataRound, dong: Dong) -> QuerySet[BigDataTarget]:
    """The targets of one dong, with their report, answerer and indicators: constant queries per page."""
    return (
        BigDataTarget.objects.filter(round=round_, dong=dong)
        .select_related("report", "answered_by")
        .prefetch_related(Prefetch("indicators", queryset=RiskIndicator.objects.order_by("code")))
        .order_by("result_code", "report__receipt_code", "pk")
    )


def can_answer(user, dong_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return can(user, "answer_rounds") and dong_id in personal_dong_ids(user)


@transaction.atomic
def bigdata_target_answer(*, target: BigDataTarget, by: User, result_code: str, note: str = "") -> BigDataTarget:
    """The dong's result for one target (공공 지원, 민간 지원, 비대상, 소재 불명, 거부), audited; may be corrected."""
    if not can_answer(by, target.dong_id):
        raise PermissionDenied
    if result_code not in TargetResult.values:
        raise RuleError(_("조사 결과를 고르세요."))
    note = (note or "").strip()
    if len(note) > 300:
        raise RuleError(_("메모는 300자까지 적을 수 있습니다."))
    target = BigDataTarget.objects.select_for_update().select_related("report").get(pk=target.pk)
    target.answered_at = timezone.now()
    # Logged under the report's household (BigDataTarget.access_log_household_id); a change of who answered is
    # logged too, so only the same official saving the same answer again leaves no entry.
    target, _changes = model_update(
        target, {"result_code": result_code, "result_note": note, "answered_by": by},
        ("result_code", "result_note", "answered_by"), by=by, verb="discovery.bigdatatarget.answered")
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
    return [_("차수"), _("행정동"), _("접수번호"), _("대상자"), _("지표"), _("결과"), _("메모"), _("회신일")]


def export_rows(round_: BigDataRound, user) -> Iterator[list[str]]:
    targets = (
        BigDataTarget.objects.filter(round=round_, dong_id__in=personal_dong_ids(user))
        .select_related("dong", "report")
        .only("pk", "result_code", "result_note", "answered_at", "dong__name", "report__receipt_code",
              "report__subject_name")
        .prefetch_related(Prefetch("indicators", queryset=RiskIndicator.objects.order_by("code")))
        .order_by("dong__name", "report__receipt_code")
    )
    results = dict(TargetResult.choices)
    label = str(round_)
    for t in targets.iterator(chunk_size=2000):
        answered = timezone.localtime(t.answered_at).date().isoformat() if t.answered_at else ""
        yield [label, t.dong.name, t.report.receipt_code, mask_name(t.report.subject_name),
               ", ".join(i.name_ko for i in t.indicators.all()), str(results.get(t.result_code, "")),
               t.result_note, answered]


@dataclass
class ExportFile:
    name: str
    content_type: str
    content: bytes
    rows: int


def round_export(*, round_: BigDataRound, by: User, reason: str, fmt: str) -> ExportFile:
    """The round's results for the user's dongs as CSV (UTF-8 with BOM, for Excel) or XLSX, logged with its
    reason before the file is made."""
    if not personal_dong_ids(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_("내려받는 사유를 적으세요."))
    if fmt not in EXPORT_FORMATS:
        raise RuleError(_("파일 형식을 고르세요."))
    count = BigDataTarget.objects.filter(round=round_, dong_id__in=personal_dong_ids(by)).count()
    log_action(round_, "discovery.round.exported", user=by, reason=reason, changes={"format": fmt, "rows": count})
    name = f"bigdata_{round_.year}_{round_.number}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(safe_row(export_header()))
        for row in export_rows(round_, by):
            writer.writerow(safe_row(row))
        return ExportFile(f"{name}.csv", "text/csv; charset=utf-8", ("\ufeff" + out.getvalue()).encode("utf-8"), count)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(round_)[:31])
    sheet.append(safe_row(export_header()))
    for row in export_rows(round_, by):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      buffer.getvalue(), count)
