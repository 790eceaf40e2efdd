"""Discovery's blocks of the today page (``welfare.today``): crisis reports assigned to me and still open (the
first-contact deadline first), reward decisions a lead sent back to me; for leads, the reports of their dongs with
no official (the dong's queue of reports)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.permissions import can
from welfare.scoping import personal_dong_ids
from welfare.today import TodayBlock, TodayRow, register_today_section, rows_and_total

from .models import CrisisReport, RewardDecision

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LIMIT = 10


def _report_rows(reports) -> list[TodayRow]:
    now = timezone.now()
    return [TodayRow(
        title=f"{r.receipt_code} · {r.subject_name or _('(이름 없음)')}",
        detail=f"{r.get_channel_display()} · {r.get_status_display()} · "
               + _("초기 접촉 기한 %(at)s") % {"at": f"{timezone.localtime(r.first_contact_due_at):%Y-%m-%d %H:%M}"},
        url=reverse("discovery:report_detail", args=[r.pk]), action=_("제보 처리"),
        action_url=reverse("discovery:report_detail", args=[r.pk]),
        tone="overdue" if r.first_contact_due_at < now else ("urgent" if r.urgency == "urgent" else ""),
    ) for r in reports]


@register_today_section(15)
def my_reports(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today") or not can(user, "triage_reports"):
        return None
    reports = (CrisisReport.objects.visible_to(user).open().filter(assigned_official=user)
               .order_by("first_contact_due_at", "pk"))
    found, total = rows_and_total(reports, LIMIT, ids_first=True)
    return TodayBlock("reports", _("나에게 배정된 위기 제보"), _report_rows(found), total,
                      more_url=reverse("discovery:queue") + "?mine=on", empty=_("처리할 위기 제보가 없습니다."))


@register_today_section(45)
def my_returned_rewards(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today") or not can(user, "read_rewards"):
        return None
    decisions = (RewardDecision.objects.filter(decided_by=user, returned_on__isnull=False, approved_by__isnull=True)
                 .select_related("report").order_by("-returned_on", "-pk"))
    found, total = rows_and_total(decisions, LIMIT)
    rows = [TodayRow(title=f"{d.report.receipt_code} · {d.informant_label}",
                     detail=_("신고포상금 판단을 돌려받음: %(note)s") % {"note": d.return_note},
                     url=reverse("discovery:report_detail", args=[d.report_id]), action=_("다시 승인 요청"),
                     action_url=reverse("discovery:reward_resubmit", args=[d.pk]), tone="urgent", post=True)
            for d in found]
    return TodayBlock("returned_rewards", _("돌려받은 신고포상금 판단"), rows, total, empty=_("돌려받은 항목이 없습니다."))


@register_today_section(85)
def unassigned_reports(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "assign_dong_queue") or not can(user, "use_today"):
        return None
    reports = (CrisisReport.objects.visible_to(user).open()
               .filter(assigned_official__isnull=True, dong__in=personal_dong_ids(user))
               .order_by("first_contact_due_at", "pk"))
    found, total = rows_and_total(reports, LIMIT, ids_first=True)
    rows = _report_rows(found)
    for row in rows:
        row.action = _("배정")
    return TodayBlock("unassigned_reports", _("담당자 없는 위기 제보"), rows, total, team=True,
                      more_url=reverse("discovery:queue") + "?unassigned=on", empty=_("담당자 없는 제보가 없습니다."))
