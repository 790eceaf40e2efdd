"""The triage queue as Excel (issue 18): the reports as filtered on the queue, within the user's scope; the
reporter's identity is never written; the reason asked, cells spreadsheet-safe, one access-log entry."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from welfare.audit import log_action, logged_params
from welfare.common.dates import seoul_today
from welfare.common.export import ExportFile, check_size, clean_reason, local, xlsx
from welfare.common.masking import mask_rrns
from welfare.common.phones import display as phone_display
from welfare.templatetags.welfare_tags import person


def reports_export(*, by, queryset: QuerySet, reason: str, params=None) -> ExportFile:
    """``queryset``: the queue's reports as filtered and ordered (already ``visible_to(by)``)."""
    reason = clean_reason(reason)
    rows = list(queryset.select_related("dong", "assigned_official"))
    check_size(len(rows))
    content, count = xlsx(
        _("위기가구 제보"),
        [
            _("접수번호"),
            _("접수 일시"),
            _("접수 경로"),
            _("긴급도"),
            _("처리 상태"),
            _("행정동"),
            _("대상자 이름"),
            _("대상자 주소"),
            _("대상자 연락처"),
            _("대상자 특징"),
            _("위기 신호"),
            _("초기 접촉 기한"),
            _("초기 접촉 일시"),
            _("담당"),
            _("처리 결과"),
        ],
        (
            [
                r.receipt_code,
                local(r.received_at),
                r.get_channel_display(),
                r.get_urgency_display(),
                r.get_status_display(),
                r.dong.name if r.dong_id else _("구 접수함"),
                r.subject_name,
                r.subject_address,
                phone_display(r.subject_phone) if r.subject_phone else "",
                mask_rrns(r.subject_description),
                ", ".join(r.signal_labels),
                local(r.first_contact_due_at),
                local(r.first_contacted_at),
                person(r.assigned_official) if r.assigned_official_id else "",
                r.get_outcome_display() if r.outcome else "",
            ]
            for r in rows
        ),
        [10, 16, 10, 8, 10, 10, 10, 30, 14, 30, 30, 16, 16, 10, 12],
    )
    log_action(
        None,
        "discovery.report.exported",
        user=by,
        reason=reason,
        changes={"rows": count, "filters": logged_params(params or {})},
    )
    return ExportFile(f"crisis_reports_{seoul_today():%Y%m%d}.xlsx", content, count)
