"""Households' blocks of the today page (``welfare.today``): my follow-ups due today or overdue, my silence and
check-in alerts, my cases whose stage deadline is near, my closing proposals sent back; for leads, overdue contacts
by official and the dong's queue. Each block: one or two queries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from welfare.common.people import display_name
from welfare.permissions import can
from welfare.scoping import personal_dong_ids
from welfare.today import TodayBlock, TodayRow, register_today_section, rows_and_total

from .models import (
    AFTERCARE_REASONS,
    NOT_MET_BY_VISIT,
    OPEN_STAGES,
    Case,
    CaseStage,
    CaseStageChange,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
)
from .models.cases import DEADLINES, CaseQuerySet
from .selectors import team_load, unassigned_follow_ups

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LIMIT = 10
DEADLINE_SOON_DAYS = 3
RETURNED_WITHIN_DAYS = 30


def _follow_up_rows(follow_ups, today: dt.date) -> list[TodayRow]:
    return [TodayRow(
        title=f.household.full_address,
        detail=f"{f.get_reason_display()} · {f.due_on:%Y-%m-%d}" + (f" · {f.note}" if f.note else ""),
        url=reverse("households:detail", args=[f.household_id]),
        **_follow_up_action(f),
        tone="overdue" if f.due_on < today else ("urgent" if f.priority == "high" else ""),
    ) for f in follow_ups]


def _follow_up_action(f: FollowUp) -> dict[str, str]:
    """A visit meets most follow-ups; an after-care contact or a reassessment reminder is met on its case."""
    if f.case_id and f.reason in NOT_MET_BY_VISIT:
        url = reverse("households:case_detail", args=[f.household_id, f.case_id])
        if f.reason in AFTERCARE_REASONS:
            return {"action": _("사후관리 결과 기록"), "action_url": url + "#aftercare"}
        return {"action": _("사례 보기"), "action_url": url}
    return {"action": _("방문 기록"), "action_url": reverse("households:visit_add", args=[f.household_id])}


def _mine(user: User, today: dt.date):
    return (FollowUp.objects.filter(assigned_to=user, status=FollowUpStatus.OPEN, due_on__lte=today)
            .select_related("household").order_by("due_on", "pk"))


@register_today_section(10)
def my_follow_ups(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today"):
        return None
    rows, total = rows_and_total(_mine(user, today).exclude(reason=FollowUpReason.SILENCE), LIMIT)
    return TodayBlock("follow_ups", _("오늘·기한 지난 접촉 예정"), _follow_up_rows(rows, today), total,
                      more_url=reverse("households:caseload"), empty=_("오늘 할 접촉 예정이 없습니다."))


@register_today_section(20)
def my_alerts(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today"):
        return None
    rows, total = rows_and_total(_mine(user, today).filter(reason=FollowUpReason.SILENCE), LIMIT)
    return TodayBlock("alerts", _("무응답·안부 확인 경보"), _follow_up_rows(rows, today), total,
                      empty=_("열린 경보가 없습니다."))


@register_today_section(30)
def my_deadlines(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today") or not can(user, "edit_casework"):
        return None
    soon = today + dt.timedelta(days=DEADLINE_SOON_DAYS)
    near = Q()
    for deadline in DEADLINES:
        near |= Q(stage__in=sorted(deadline.pending), **{f"{deadline.due_field}__lte": soon})
    # Reassessment due within REASSESSMENT_SOON_DAYS (a NULL date never matches: not in service).
    near |= CaseQuerySet.reassessment_due_q(today)
    cases = (Case.objects.filter(near, assigned_official=user, stage__in=sorted(OPEN_STAGES))
             .select_related("household").order_by("opened_on", "pk"))
    found, total = rows_and_total(cases, LIMIT)
    rows = []
    for case in found:
        # A limit counted from a stage's start has no date until the case enters it (NULL: skipped).
        due = [(d.label, day) for d in DEADLINES if case.stage in d.pending and (day := getattr(case, d.due_field))]
        if case.reassessment_due_on is not None:
            due.append((_("재사정"), case.reassessment_due_on))
        label, day = min(due, key=lambda pair: pair[1])
        rows.append(TodayRow(
            title=f"#{case.pk} · {case.household.full_address}",
            detail=f"{case.get_stage_display()} · {label} {day:%Y-%m-%d}",
            url=reverse("households:case_detail", args=[case.household_id, case.pk]),
            action=_("사례 보기"), action_url=reverse("households:case_detail", args=[case.household_id, case.pk]),
            tone="overdue" if day < today else "urgent"))
    return TodayBlock("deadlines", _("단계 기한이 다가오는 사례"), rows, total,
                      empty=_("%(days)s일 안에 기한이 닥치는 사례가 없습니다.") % {"days": DEADLINE_SOON_DAYS})


@register_today_section(40)
def my_returned_closings(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "use_today") or not can(user, "edit_casework"):
        return None
    since = today - dt.timedelta(days=RETURNED_WITHIN_DAYS)
    changes = (CaseStageChange.objects.filter(from_stage=CaseStage.CLOSING, to_stage=CaseStage.IN_SERVICE,
                                              case__assigned_official=user, case__stage=CaseStage.IN_SERVICE,
                                              at__date__gte=since)
               .select_related("case__household", "by").order_by("-at"))
    found, total = rows_and_total(changes, LIMIT)
    rows = [TodayRow(
        title=f"#{c.case_id} · {c.case.household.full_address}",
        detail=_("%(who)s님이 종결 제안을 돌려보냄: %(note)s") % {
            "who": display_name(c.by) if c.by else "?", "note": c.note or "—"},
        url=reverse("households:case_detail", args=[c.case.household_id, c.case_id]),
        action=_("사례 보기"), action_url=reverse("households:case_detail", args=[c.case.household_id, c.case_id]),
        tone="urgent") for c in found]
    return TodayBlock("returned", _("돌려받은 종결 제안"), rows, total, empty=_("돌려받은 항목이 없습니다."))


@register_today_section(70)
def team_overdue(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "lead_team") or not can(user, "use_today"):
        return None
    loads = [row for row in team_load(personal_dong_ids(user), today=today) if row.overdue]
    rows = [TodayRow(title=row.name if row.user_id else _("미배정"),
                     detail=_("접촉 기한 경과 %(n)s세대 · 관리 %(h)s세대") % {"n": row.overdue, "h": row.households},
                     url=reverse("households:team") + "#overdue", action=_("팀 현황"),
                     action_url=reverse("households:team") + "#overdue", tone="overdue")
            for row in sorted(loads, key=lambda r: -r.overdue)]
    return TodayBlock("team_overdue", _("담당자별 접촉 기한 경과"), rows, len(rows), team=True,
                      more_url=reverse("households:team"), empty=_("기한이 지난 접촉이 없습니다."))


@register_today_section(80)
def dong_queue(user: User, today: dt.date) -> TodayBlock | None:
    if not can(user, "assign_dong_queue") or not can(user, "use_today"):
        return None
    found, total = rows_and_total(unassigned_follow_ups(user), LIMIT)
    rows = _follow_up_rows(found, today)
    for row in rows:
        row.action, row.action_url = _("배정"), reverse("households:dong_queue")
    return TodayBlock("dong_queue", _("동 대기열 (담당자 없는 접촉 예정)"), rows, total, team=True,
                      more_url=reverse("households:dong_queue"), empty=_("동 대기열이 비어 있습니다."))
