"""The review's writes: mark a month as reviewed (once per district and month), export with a reason. Logged."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.csv_stream import StreamedFile, in_language, stream_csv
from welfare.errors import RuleError
from welfare.models import AccessAction, AccessReview, District
from welfare.permissions import can

from . import selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EXPORT_REASON_MIN = 5


def _require_reviewer(by: User) -> None:
    if not can(by, "review_access_log"):
        raise RuleError(_("접근 기록을 검토할 권한이 없습니다."))


@transaction.atomic
def review_mark(*, district: District, month: dt.date, by: User, comment: str) -> AccessReview:
    """Record that ``month`` (any day of it) was reviewed, with the reviewer's comment."""
    _require_reviewer(by)
    month = month.replace(day=1)
    comment = comment.strip()
    if not comment:
        raise RuleError({"comment": _("검토 의견을 적어 주세요.")})
    if month > timezone.localdate().replace(day=1):
        raise RuleError({"month": _("아직 오지 않은 달은 검토할 수 없습니다.")})
    try:
        with transaction.atomic():
            review = AccessReview.objects.create(district=district, month=month, reviewed_by=by,
                                                 reviewed_by_name=by.get_username(), comment=comment)
    except IntegrityError:
        raise RuleError({"month": _("%(month)s은(는) 이미 검토를 마쳤습니다.") % {"month": f"{month:%Y-%m}"}}) from None
    log_action(review, "welfare.accessreview.created", user=by, action=AccessAction.CREATE,
               changes={"district": district.pk, "month": f"{month:%Y-%m}"})
    return review


HEADER = ("일시", "계정", "API 토큰", "접속 IP", "행위", "내용", "대상", "정보주체 세대", "사유",
          "업무시간 외", "담당 외", "열람 다수", "내려받기 다수")


def entries_export(*, district: District, filters: selectors.Filters, by: User, reason: str) -> StreamedFile:
    """The filtered entries as CSV (spreadsheet-safe cells), made while it is sent: a district's log over months
    holds millions of rows, never held whole in memory. The export is logged with its reason and row count
    before the first row is read."""
    _require_reviewer(by)
    reason = " ".join(reason.split())
    if len(reason) < EXPORT_REASON_MIN:
        raise RuleError({"reason": _("내려받는 사유를 %(min)d자 이상 적어 주세요.") % {"min": EXPORT_REASON_MIN}})
    entries = selectors.entries(district, filters)
    count = entries.count()
    log_action(None, "welfare.accesslog.exported", user=by, action=AccessAction.EXPORT, reason=reason,
               changes={"count": count, "district": district.pk, "filters": filters_for_log(filters)})
    rows = ([timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.username, entry.token_prefix,
             entry.ip or "", entry.get_action_display(), entry.verb, entry.object_repr, entry.household_id or "",
             entry.reason, *("Y" if getattr(entry, f) else "" for f in
                             ("off_hours", "outside", "many_reveals", "many_exports"))]
            for entry in entries.iterator(chunk_size=2000))
    name = f"access-log-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    return StreamedFile(name, "text/csv; charset=utf-8", in_language(stream_csv(HEADER, rows)), count)


def filters_for_log(filters: selectors.Filters) -> dict[str, str]:
    return {"start": f"{filters.start}", "end": f"{filters.end}", "person": filters.person[:100],
            "account": filters.account[:100], "action": filters.action,
            "dong": str(filters.dong.pk) if filters.dong else "", "unusual_only": "1" if filters.unusual_only else ""}
