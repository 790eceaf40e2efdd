"""Discovery's part of the offline field app (registered with :mod:`households.field_registry`): the official's
open crisis reports in the field pack, contact attempts from the queue (idempotent by ``client_id``), and where
a merged household went (its :class:`HouseholdMerge` record)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from households.field_registry import (
    SyncResult,
    register_household_redirect,
    register_pack_section,
    register_sync_kind,
)
from households.services.field_sync import refused, rule_errors

from .models import AttemptMethod, ContactAttempt, CrisisReport, HouseholdMerge
from .services import contact_attempt_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PACK_REPORTS = 100


@register_pack_section("reports")
def open_reports(user: User, household_ids: Sequence[int]) -> dict[str, Any]:
    """The open reports assigned to the official (or about a household of the pack), oldest deadline first, with
    what a contact attempt needs: who, where, and the deadline. One query: the official's first reports by
    deadline (an index in that order) and those about the pack's households (the household index), joined by
    UNION; one OR of the two read every open report of the official's dongs (26 ms with a Ministry round of
    50,000 in them)."""
    open_reports = CrisisReport.objects.visible_to(user).open().order_by()
    mine = open_reports.filter(assigned_official=user).order_by("first_contact_due_at", "id").values("pk")
    about = open_reports.filter(household_id__in=list(household_ids)).values("pk")
    # The first reports as a subquery of their own: a LIMIT inside UNION's arms is PostgreSQL's alone (SQLite, the
    # embedded default, refuses it), a LIMIT inside IN is both's.
    first_mine = CrisisReport.objects.filter(pk__in=mine[:PACK_REPORTS]).order_by().values("pk")
    reports = (CrisisReport.objects.filter(pk__in=first_mine.union(about))
               .order_by("first_contact_due_at", "id")
               .only("pk", "receipt_code", "household_id", "subject_name", "subject_address", "first_contact_due_at",
                     "first_contacted_at", "urgency")[:PACK_REPORTS])
    return {
        "methods": [[value, str(label)] for value, label in AttemptMethod.choices],
        "items": [{"id": r.pk, "receipt_code": r.receipt_code, "household": r.household_id,
                   "subject": r.subject_name, "address": r.subject_address, "urgent": r.urgency == "urgent",
                   "due_at": timezone.localtime(r.first_contact_due_at).isoformat(timespec="minutes"),
                   "contacted": r.first_contacted_at is not None} for r in reports],
    }


@register_sync_kind("contact_attempt")
def sync_contact_attempt(user: User, item: dict[str, Any], pack_at: str) -> SyncResult:
    client_id = str(item.get("client_id") or "").strip()
    if not client_id or len(client_id) > 100 or "\x00" in client_id:
        return refused({"client_id": [_("client_id가 필요합니다(100자 이내).")]})
    earlier = ContactAttempt.objects.filter(client_id=client_id).select_related("report").first()
    try:
        report_id = int(item.get("report"))
    except (TypeError, ValueError):
        return refused({"report": [_("제보를 고르세요.")]})
    report = CrisisReport.objects.visible_to(user).filter(pk=report_id).first()
    if report is None:
        return refused({"report": [_("이 제보를 찾을 수 없거나 볼 권한이 없습니다.")]})
    if earlier is not None and earlier.report_id == report.pk:
        return SyncResult(status="sent", id=earlier.pk, created=False)
    from django.utils.dateparse import parse_datetime

    at = parse_datetime(str(item.get("at") or "")) if item.get("at") else None
    if item.get("at") and at is None:
        return refused({"at": [_("일시 형식이 올바르지 않습니다.")]})
    try:
        attempt = contact_attempt_record(report=report, by=user, method=str(item.get("method") or ""),
                                         reached=bool(item.get("reached")), note=str(item.get("note") or ""),
                                         at=at, client_id=client_id)
    except ValidationError as error:
        return refused(rule_errors(error))
    return SyncResult(status="sent", id=attempt.pk)


@register_household_redirect
def merged_into(pk: int) -> int | None:
    """The survivor of a merged household, following merges of merges (a few at most)."""
    survivor = None
    for _step in range(5):
        step = HouseholdMerge.objects.filter(duplicate_id=pk).values_list("survivor_id", flat=True).first()
        if step is None:
            break
        survivor = pk = step
    return survivor
