"""Excel exports of households' work lists (issue 18): households (as filtered on the list), cases, follow-ups due.

Each is a service: the reason is required, only what the user may see is written (``visible_to``), registration
numbers are masked (``900101-1******``), every cell is spreadsheet-safe, and one access-log entry records who, when,
why, the filters and how many rows. A fixed number of queries whatever the rows (the heads' numbers in one)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from welfare.audit import log_action, logged_params
from welfare.common.dates import seoul_today
from welfare.common.export import ExportFile, check_size, clean_reason, xlsx
from welfare.templatetags.welfare_tags import person

from . import rrn
from .models import Case, FollowUp, Resident
from .models.residents import Relation


def _heads(household_ids: list[int]) -> dict[int, Resident]:
    heads = Resident.objects.filter(
        household_id__in=household_ids, relation=Relation.HEAD, left_on__isnull=True
    )
    return {r.household_id: r for r in heads.only("id", "household_id", "name", "rrn_encrypted")}


def _masked(resident: Resident | None) -> str:
    return rrn.mask(resident.rrn_encrypted) if resident is not None and resident.rrn_encrypted else ""


def _done(name: str, content: bytes, count: int, *, by, reason: str, verb: str, params=None) -> ExportFile:
    log_action(
        None, verb, user=by, reason=reason, changes={"rows": count, "filters": logged_params(params or {})}
    )
    return ExportFile(f"{name}_{seoul_today():%Y%m%d}.xlsx", content, count)


def households_export(*, by, queryset: QuerySet, reason: str, params=None) -> ExportFile:
    """``queryset``: the list's households as filtered (already ``visible_to(by)``)."""
    reason = clean_reason(reason)
    rows = list(
        queryset.select_related("dong", "assigned_official").order_by("dong__name", "road_address", "id")
    )
    check_size(len(rows))
    heads = _heads([h.pk for h in rows])
    content, count = xlsx(
        _("세대"),
        [
            _("행정동"),
            _("도로명주소"),
            _("상세주소"),
            _("세대주"),
            _("세대주 주민등록번호"),
            _("주거 형태"),
            _("수급 상태"),
            _("위기도"),
            _("관리 상태"),
            _("담당"),
            _("최근 접촉일"),
            _("다음 접촉일"),
        ],
        (
            [
                h.dong.name,
                h.road_address,
                h.address_detail,
                heads[h.pk].name if h.pk in heads else "",
                _masked(heads.get(h.pk)),
                h.get_housing_type_display(),
                h.get_benefit_status_display(),
                h.get_risk_level_display(),
                h.get_status_display(),
                person(h.assigned_official) if h.assigned_official_id else "",
                h.last_contact_on,
                h.next_contact_on,
            ]
            for h in rows
        ),
        [10, 36, 16, 10, 18, 12, 12, 8, 10, 10, 12, 12],
    )
    return _done(
        "households",
        content,
        count,
        by=by,
        reason=reason,
        verb="households.household.exported",
        params=params,
    )


def cases_export(*, by, reason: str, open_only: bool = True) -> ExportFile:
    reason = clean_reason(reason)
    cases = Case.objects.visible_to(by)
    if open_only:
        cases = cases.open()
    rows = list(
        cases.select_related("household__dong", "client", "assigned_official").order_by("opened_on", "id")
    )
    check_size(len(rows))
    content, count = xlsx(
        _("사례"),
        [
            _("사례 번호"),
            _("행정동"),
            _("주소"),
            _("대상자"),
            _("주민등록번호"),
            _("발굴 경로"),
            _("단계"),
            _("사례 구분"),
            _("담당"),
            _("접수일"),
            _("욕구조사 기한"),
            _("제공계획 기한"),
            _("종결일"),
        ],
        (
            [
                c.pk,
                c.household.dong.name,
                c.household.road_address,
                c.client.name if c.client_id else "",
                _masked(c.client) if c.client_id else "",
                c.get_source_display(),
                c.get_stage_display(),
                c.get_case_class_display(),
                person(c.assigned_official) if c.assigned_official_id else "",
                c.opened_on,
                c.assessment_due_on,
                c.plan_due_on,
                c.closed_on,
            ]
            for c in rows
        ),
        [8, 10, 36, 10, 18, 12, 10, 8, 10, 12, 12, 12, 12],
    )
    return _done(
        "cases",
        content,
        count,
        by=by,
        reason=reason,
        verb="households.case.exported",
        params={"open_only": str(open_only)},
    )


def followups_due_export(
    *, by, reason: str, within_days: int = 7, today: dt.date | None = None
) -> ExportFile:
    """Open follow-ups due by ``today + within_days`` (overdue ones included), earliest first."""
    reason = clean_reason(reason)
    today = today or seoul_today()
    until = today + dt.timedelta(days=within_days)
    rows = list(
        FollowUp.objects.visible_to(by)
        .due_by(until)
        .select_related("household__dong", "assigned_to")
        .order_by("due_on", "id")
    )
    check_size(len(rows))
    heads = _heads(sorted({f.household_id for f in rows}))
    content, count = xlsx(
        _("접촉 예정"),
        [
            _("예정일"),
            _("기한 지남"),
            _("행정동"),
            _("주소"),
            _("세대주"),
            _("세대주 주민등록번호"),
            _("사유"),
            _("우선순위"),
            _("담당"),
            _("메모"),
        ],
        (
            [
                f.due_on,
                _("예") if f.due_on < today else "",
                f.household.dong.name,
                f.household.road_address,
                heads[f.household_id].name if f.household_id in heads else "",
                _masked(heads.get(f.household_id)),
                f.get_reason_display(),
                f.get_priority_display(),
                person(f.assigned_to) if f.assigned_to_id else "",
                f.note,
            ]
            for f in rows
        ),
        [12, 8, 10, 36, 10, 18, 14, 8, 10, 30],
    )
    return _done(
        "followups_due",
        content,
        count,
        by=by,
        reason=reason,
        verb="households.followup.exported",
        params={"until": until.isoformat()},
    )
