"""Discovery services: a report an official takes (the new-report page and ``POST /api/v1/reports/``) and a tip
from the public form (/report/).

:class:`ReportInput` is what the official typed, under the API's names; :func:`report_take` checks all of it at
once (one :class:`RuleError` naming every field at fault, the reporter's as ``reporter.<name>``) and records it
with :func:`report_create`. :class:`PublicReportInput` and :func:`report_submit_public` do the same for the
public form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import IO, TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import membership, personal_dong_ids

from ..models import CrisisReport, ReporterKind, Urgency
from ..selectors import reporting_members
from .access import OFFICIAL_CHANNELS, SUBJECT_FIELDS, _require_editor
from .intake import clean_report_data, clean_reporter, report_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REPORTER_ERROR_PREFIX = "reporter."


@dataclass(frozen=True)
class ReporterInput:
    """Who reported: stored apart from the report, encrypted."""

    name: str = ""
    phone: str = ""
    profession: str = ""
    relation: str = ""
    is_relative: bool = False
    is_official: bool = False
    wants_reply: bool = False


@dataclass(frozen=True)
class ReportInput:
    """A report as an official types it. ``dong`` and ``network_member`` are ids; ``dong`` None is the
    district queue (for those who see it)."""

    channel: str
    dong: int | None = None
    received_at: dt.datetime | None = None
    urgency: str = Urgency.NORMAL
    first_contact_due_at: dt.datetime | None = None
    subject_name: str = ""
    subject_address: str = ""
    subject_phone: str = ""
    subject_description: str = ""
    risk_signals: tuple[str, ...] = ()
    details: str = ""
    referral_agency: str = ""
    reporter_kind: str = ReporterKind.ANONYMOUS
    network_member: int | None = None
    reporter: ReporterInput | None = field(default=None)


def _add(errors: dict[str, list[str]], name: str, messages) -> None:
    errors.setdefault(name, []).extend(str(m) for m in messages)


def report_take(given: ReportInput, *, by: User) -> CrisisReport:
    """Check the whole report (channel, dong, network member, reporter, the report's own rules) and record it."""
    _require_editor(by)
    errors: dict[str, list[str]] = {}
    if given.channel not in {c.value for c in OFFICIAL_CHANNELS}:
        _add(errors, "channel", [_("공개 제보 양식과 명단 업로드의 접수 경로는 고를 수 없습니다.")])
    dong = None
    if given.dong is None:
        if not can(by, "see_district_queue"):
            _add(errors, "dong", [_("담당 동을 고르세요.")])
    else:
        dong = Dong.objects.select_related("district").filter(pk=given.dong, pk__in=personal_dong_ids(by)).first()
        if dong is None:
            _add(errors, "dong", [_("담당하지 않는 동의 제보는 접수할 수 없습니다.")])
    member = None
    if given.network_member is not None:
        member = reporting_members(by).filter(pk=given.network_member).first()
        if member is None:
            _add(errors, "network_member", [_("고를 수 없는 인적안전망 구성원입니다.")])
    elif given.reporter_kind == ReporterKind.NETWORK_MEMBER:
        _add(errors, "network_member", [_("신고한 인적안전망 구성원을 고르세요.")])
    data = {name: getattr(given, name) for name in (*SUBJECT_FIELDS, "details", "urgency", "referral_agency",
                                                    "reporter_kind", "first_contact_due_at")}
    data |= {"risk_signals": list(given.risk_signals), "network_member": member}
    try:
        clean_report_data(data)
    except RuleError as error:
        for name, messages in error.message_dict.items():
            _add(errors, name, messages)
    reporter = asdict(given.reporter) if given.reporter is not None else None
    try:
        clean_reporter(reporter)
    except RuleError as error:
        for name, messages in error.message_dict.items():
            _add(errors, f"{REPORTER_ERROR_PREFIX}{name}", messages)
    if given.reporter_kind == ReporterKind.MANDATORY and not (reporter or {}).get("profession", "").strip():
        _add(errors, f"{REPORTER_ERROR_PREFIX}profession", [_("신고의무자의 직업을 적어 주세요.")])
    if errors:
        raise RuleError(errors)
    staff = membership(by)
    district = dong.district if dong is not None else (staff.district if staff is not None else None)
    if district is None:
        raise RuleError({NON_FIELD_ERRORS: [_("접수할 구를 알 수 없습니다. 동을 고르세요.")]})
    return report_create(district=district, dong=dong, by=by, channel=given.channel, data=data,
                         reporter=clean_reporter(reporter), received_at=given.received_at)


@dataclass(frozen=True)
class PublicReportInput:
    """A request from the public door (/report/). ``kind``: "neighbour" (a tip about someone else, anonymous
    possible) or "self" (asking for oneself: name, birth date and phone required, the registration number
    optional). ``dong`` is the chosen dong's id; ``district`` (with ``dong`` None) sends it to that district's queue
    ("잘 모르겠어요"); a road-name ``subject_address`` that routes to a dong wins over "잘 모르겠어요" and over no
    choice. ``consent`` is the privacy box (needed when a name or phone is left, always for oneself); ``notify``
    asks for a text message on each change of the request's state."""

    dong: int | None = None
    district: int | None = None
    subject_name: str = ""
    subject_address: str = ""
    subject_phone: str = ""
    subject_description: str = ""
    risk_signals: tuple[str, ...] = ()
    details: str = ""
    reporter: ReporterInput | None = None
    consent: bool = False
    kind: str = "neighbour"
    crisis_types: tuple[str, ...] = ()
    birth_date: dt.date | None = None
    rrn: str = ""
    household_kind: str = ""
    notify: bool = False
    photo: IO[bytes] | None = None  # an uploaded file, checked by the attachment rules
    partner: int | None = None  # the signed-in network member's id (their own login): the report is theirs
    # The token of the business whose memo pad or poster QR code opened the form (``/report/?src=``, issue 17).
    source_token: str = ""


def report_submit_public(given: PublicReportInput) -> CrisisReport:
    """Check the whole request at once and record it (discovery.services.front_door)."""
    from .front_door import public_request_submit

    return public_request_submit(given).report
