"""Discovery services: access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    Channel,
    CrisisReport,
    ReportStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Channels an official types in; the web form and the Ministry lists (imports) make their own reports.
OFFICIAL_CHANNELS = tuple(c for c in Channel
                          if c not in (Channel.WEB, Channel.BIGDATA, Channel.LONELY_DEATH))

SUBJECT_FIELDS = ("subject_name", "subject_address", "subject_phone", "subject_description")
REPORT_FIELDS = (*SUBJECT_FIELDS, "details", "urgency", "risk_signals", "referral_agency", "reporter_kind",
                 "network_member")
REPORTER_FIELDS = ("name", "phone", "profession", "relation", "is_relative", "is_official", "wants_reply")
MAX_LENGTHS = {"subject_name": 50, "subject_address": 200, "subject_phone": 20, "subject_description": 300,
               "details": 2000, "referral_agency": 100}
REPORTER_MAX_LENGTHS = {"name": 50, "phone": 20, "profession": 100, "relation": 50}

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
RECEIPT_LENGTH = 9


def can_edit_reports(user) -> bool:
    return can(user, "triage_reports")


def _require_editor(by: User) -> None:
    if not can_edit_reports(by):
        raise PermissionDenied


def _require_visible(report: CrisisReport, by: User) -> None:
    if by is not None and not CrisisReport.objects.visible_to(by).filter(pk=report.pk).exists():
        raise PermissionDenied


def _require_open(report: CrisisReport) -> None:
    if report.status == ReportStatus.RESOLVED:
        raise RuleError(_("처리 완료된 제보는 바꿀 수 없습니다."))


def can_view_reporter(user, report: CrisisReport) -> bool:
    """The reporter's identity: the assigned official, dong leads and district admins (and superusers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return report.assigned_official_id == user.pk or can(user, "read_reporter_identity")
