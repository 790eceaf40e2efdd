"""Discovery services: intake."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rrn
from households.ownership import AreaMatcher
from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.phones import digits
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.scoping import membership, personal_dong_ids

from ..models import (
    Channel,
    CrisisReport,
    DiscoveryPolicy,
    ReporterIdentity,
    ReporterKind,
    RiskSignal,
    Urgency,
)
from .access import (
    MAX_LENGTHS,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    REPORT_FIELDS,
    REPORTER_FIELDS,
    REPORTER_MAX_LENGTHS,
    SUBJECT_FIELDS,
    _require_editor,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Intake ----------------------------------------------------------------------------------------------------


def new_receipt_code() -> str:
    """``R`` and nine characters of an unambiguous alphabet (≈ 45 bits): short to read out, not guessable."""
    for _attempt in range(10):
        code = "R" + "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
        if not CrisisReport.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("could not draw a free receipt code")  # 10 collisions in 32^9: the generator is broken


def clean_report_data(data: dict[str, Any]) -> dict[str, Any]:
    """The report's input, normalised, or a RuleError listing every problem (keyed by field where it has one).

    At least one of name, address, phone or description identifies the person; the phone is kept as digits;
    risk signals must be known ones; texts are within their lengths.
    """
    out: dict[str, Any] = {k: v for k, v in data.items() if k in REPORT_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in (*SUBJECT_FIELDS, "referral_agency"):
        out[name] = " ".join(str(data.get(name) or "").split())
    out["details"] = str(data.get("details") or "").strip()
    out["subject_phone"] = digits(out["subject_phone"])
    if out["subject_phone"] and not 8 <= len(out["subject_phone"]) <= 11:
        errors.setdefault("subject_phone", []).append(_("연락처는 숫자 8~11자리로 적어 주세요. 예: 010-1234-5678"))
    for name, limit in MAX_LENGTHS.items():
        if len(out.get(name) or "") > limit:
            errors.setdefault(name, []).append(
                _("%(limit)s자 이내로 적어 주세요. (지금 %(n)s자)") % {"limit": limit, "n": len(out[name])})
    if not any(out[name] for name in SUBJECT_FIELDS):
        errors.setdefault("__all__", []).append(
            _("도움이 필요한 분의 이름, 주소, 연락처, 특징 가운데 하나는 적어 주세요."))
    signals = list(dict.fromkeys(data.get("risk_signals") or []))
    unknown = [s for s in signals if s not in RiskSignal.values]
    if unknown:
        errors.setdefault("risk_signals", []).append(_("알 수 없는 위기 신호입니다: %(s)s") % {"s": ", ".join(unknown)})
    out["risk_signals"] = [s for s in RiskSignal.values if s in signals]  # the catalogue's order
    urgency = data.get("urgency") or Urgency.NORMAL
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("긴급도를 고르세요."))
    out["urgency"] = urgency
    if errors:
        raise RuleError(errors)
    return out


def clean_reporter(reporter: dict[str, Any] | None) -> dict[str, Any]:
    """The reporter's details, normalised (phone as digits); empty when nothing identifies them."""
    if not reporter:
        return {}
    out = {k: reporter.get(k) for k in REPORTER_FIELDS if k in reporter}
    for name in ("name", "profession", "relation"):
        out[name] = " ".join(str(out.get(name) or "").split())
    out["phone"] = digits(str(out.get("phone") or ""))
    errors = {}
    if out["phone"] and not 8 <= len(out["phone"]) <= 11:
        errors["phone"] = [_("연락처는 숫자 8~11자리로 적어 주세요.")]
    for name, limit in REPORTER_MAX_LENGTHS.items():
        if len(out.get(name) or "") > limit:
            errors[name] = [_("%(limit)s자 이내로 적어 주세요.") % {"limit": limit}]
    if errors:
        raise RuleError(errors)
    for flag in ("is_relative", "is_official", "wants_reply"):
        out[flag] = bool(out.get(flag))
    if not any(out[k] for k in ("name", "phone", "profession", "relation")):
        return {}
    return out


def _reporter_kind(data: dict[str, Any], reporter: dict[str, Any]) -> str:
    """A member of the network, a mandatory reporter (by profession), a named person, or anonymous."""
    if data.get("network_member") is not None:
        return ReporterKind.NETWORK_MEMBER
    if data.get("reporter_kind") == ReporterKind.SELF:
        return ReporterKind.SELF
    if data.get("reporter_kind") == ReporterKind.MANDATORY:
        return ReporterKind.MANDATORY
    return ReporterKind.NAMED if reporter.get("name") or reporter.get("phone") else ReporterKind.ANONYMOUS


@transaction.atomic
def report_create(*, district, dong: Dong | None, by: User | None = None, channel: str, data: dict[str, Any],
                  reporter: dict[str, Any] | None, received_at: dt.datetime | None = None,
                  source=None) -> CrisisReport:
    """A new crisis report in the dong's queue (or the district's, when ``dong`` is None).

    ``by`` is the official who typed it (None for the public form and imports). The first-contact deadline
    follows the district's policy (urgent: hours, normal: days) unless ``data["first_contact_due_at"]`` sets it.
    """
    if channel not in Channel.values:
        raise RuleError(_("알 수 없는 접수 경로입니다."))
    if dong is not None and dong.district_id != district.pk:
        raise RuleError(_("고른 동이 이 구의 동이 아닙니다."))
    if by is not None:
        _require_editor(by)
        staff = membership(by)
        if dong is not None and dong.pk not in personal_dong_ids(by):
            raise RuleError(_("담당하지 않는 동의 제보는 접수할 수 없습니다."))
        if dong is None and not (by.is_superuser or (staff is not None and staff.district_id == district.pk)):
            raise RuleError(_("다른 구의 접수함에는 접수할 수 없습니다."))
    clean = clean_report_data(data)
    who = clean_reporter(reporter)
    member = data.get("network_member")
    if member is not None and member.district_id != district.pk:
        raise RuleError({"network_member": [_("다른 구의 인적안전망 구성원입니다.")]})
    received_at = received_at or timezone.now()
    bounds.Checks().moment("received_at", received_at, future=_("접수 일시가 미래입니다.")).done()
    urgent = clean["urgency"] == Urgency.URGENT
    due = data.get("first_contact_due_at") or DiscoveryPolicy.for_district(district.pk).first_contact_due(
        received_at=received_at, urgent=urgent)
    if due < received_at:
        raise RuleError({"first_contact_due_at": [_("초기 접촉 기한은 접수 일시 이후여야 합니다.")]})
    if due > received_at + dt.timedelta(days=bounds.next_contact_max_days()):
        # A deadline of 9999 would keep the report off every overdue list for ever.
        raise RuleError({"first_contact_due_at": [_("초기 접촉 기한은 접수 일시부터 %(days)s일 이내여야 합니다.") % {
            "days": bounds.next_contact_max_days()}]})
    # The owner: the 통's official of the subject's address in the dong, else nobody (the dong's queue, or the
    # district's when no dong was chosen).
    owner = AreaMatcher([dong.pk]).owner_id(dong.pk, clean.get("subject_address", "")) if dong is not None else None
    report = CrisisReport(
        district=district, dong=dong, channel=channel, received_at=received_at, first_contact_due_at=due,
        reporter_kind=_reporter_kind(data, who), network_member=member, assigned_official_id=owner, source=source,
        **{k: clean[k] for k in (*SUBJECT_FIELDS, "details", "urgency", "risk_signals", "referral_agency")},
    )
    for _attempt in range(3):
        report.receipt_code = new_receipt_code()
        try:
            with transaction.atomic():
                report.save()
            break
        except IntegrityError:  # a code drawn twice at the same moment: draw again
            report.pk = None
    else:
        raise RuntimeError("could not save the report with a free receipt code")
    if who:
        ReporterIdentity.objects.create(
            report=report, phone_hash=rrn.keyed_hash(who["phone"]) if who["phone"] else "", **who)
    log_action(report, "discovery.crisisreport.created", user=by,
               changes={"channel": channel, "urgency": report.urgency, "dong": getattr(dong, "pk", None),
                        "reporter_kind": report.reporter_kind, "assigned_official": owner,
                        "source": getattr(source, "pk", None)})
    return report
