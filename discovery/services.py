"""Crisis reports: intake from every channel, assignment, matching to households, contact attempts,
resolution, and the merge of two households found to be the same.

Every write is keyword-only, runs in a transaction and is audited. A broken rule raises
:class:`households.services.RuleError` with a message for the user; the public form, the officials' forms and
the API all validate a report through :func:`clean_report_data`, so the rules live here once.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case as SqlCase
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rrn
from households import services as household_services
from households.addresses import address_key
from households.models import (
    OPEN_STAGES,
    CareStatus,
    CaseSource,
    FollowUp,
    FollowUpStatus,
    Household,
    Relation,
    Resident,
    RiskLevel,
    digits,
)
from welfare.audit import log_action, log_actions
from welfare.errors import RuleError
from welfare.models import DONG_ROLES, Dong, Role
from welfare.scoping import has_role, membership, personal_dong_ids

from .models import (
    OUTCOMES_NEEDING_REASON,
    AttemptMethod,
    Channel,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    HouseholdMerge,
    ReporterIdentity,
    ReporterKind,
    ReportOutcome,
    ReportStatus,
    RiskSignal,
    Urgency,
)

EDITORS = (Role.DONG_OFFICIAL, Role.DONG_LEAD, Role.DISTRICT_ADMIN)
# Who may read the reporter's identity besides the official the report is assigned to.
IDENTITY_READERS = (Role.DONG_LEAD, Role.DISTRICT_ADMIN)
# Channels an official types in; the web form and the big-data import make their own reports.
OFFICIAL_CHANNELS = tuple(c for c in Channel if c not in (Channel.WEB, Channel.BIGDATA))

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
    return has_role(user, *EDITORS)


def _require_editor(by) -> None:
    if not can_edit_reports(by):
        raise PermissionDenied


def _require_visible(report: CrisisReport, by) -> None:
    if by is not None and not CrisisReport.objects.visible_to(by).filter(pk=report.pk).exists():
        raise PermissionDenied


def _require_open(report: CrisisReport) -> None:
    if report.status == ReportStatus.RESOLVED:
        raise RuleError(_("처리 완료된 제보는 바꿀 수 없습니다."))


def can_view_reporter(user, report: CrisisReport) -> bool:
    """The reporter's identity: the assigned official, dong leads and district admins (and superusers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return report.assigned_official_id == user.pk or has_role(user, *IDENTITY_READERS)


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
    if data.get("reporter_kind") == ReporterKind.MANDATORY:
        return ReporterKind.MANDATORY
    return ReporterKind.NAMED if reporter.get("name") or reporter.get("phone") else ReporterKind.ANONYMOUS


@transaction.atomic
def report_create(*, district, dong: Dong | None, by=None, channel: str, data: dict[str, Any],
                  reporter: dict[str, Any] | None, received_at: dt.datetime | None = None) -> CrisisReport:
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
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise RuleError({"received_at": [_("접수 일시가 미래입니다.")]})
    urgent = clean["urgency"] == Urgency.URGENT
    due = data.get("first_contact_due_at") or DiscoveryPolicy.for_district(district.pk).first_contact_due(
        received_at=received_at, urgent=urgent)
    if due < received_at:
        raise RuleError({"first_contact_due_at": [_("초기 접촉 기한은 접수 일시 이후여야 합니다.")]})
    report = CrisisReport(
        district=district, dong=dong, channel=channel, received_at=received_at, first_contact_due_at=due,
        reporter_kind=_reporter_kind(data, who), network_member=member,
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
                        "reporter_kind": report.reporter_kind})
    return report


# --- Assignment ------------------------------------------------------------------------------------------------


@dataclass
class AssignResult:
    done: int = 0
    skipped: int = 0  # not visible to the user, or resolved
    not_in_dong: int = 0  # the official does not work in the report's dong (or no dong could be chosen)


def dong_staff_ids(dong_id: int) -> set[int]:
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.filter(staff__role__in=DONG_ROLES, staff__dongs=dong_id, is_active=True)
               .values_list("pk", flat=True))


@transaction.atomic
def report_set_dong(*, report: CrisisReport, dong: Dong, by) -> CrisisReport:
    """Move a report of the district queue (or of a wrong dong) to a dong of the same district."""
    _require_editor(by)
    _require_visible(report, by)
    _require_open(report)
    if dong.district_id != report.district_id:
        raise RuleError(_("같은 구의 동으로만 옮길 수 있습니다."))
    if dong.pk not in personal_dong_ids(by):
        raise RuleError(_("담당하지 않는 동으로는 옮길 수 없습니다."))
    previous = report.dong_id
    if previous == dong.pk:
        return report
    CrisisReport.objects.filter(pk=report.pk).update(dong=dong, updated_at=timezone.now())
    report.dong = dong
    log_action(report, "discovery.crisisreport.dong_set", user=by, changes={"from": previous, "to": dong.pk})
    return report


@transaction.atomic
def reports_assign(*, reports, by, to_user, dong: Dong | None = None) -> AssignResult:
    """Assign many reports to one official: set-based, only reports visible to ``by`` and still open.

    The official must be dong staff of each report's dong. A district-queue report (no dong yet) gets ``dong``
    (or the official's only dong in the district) at the same time. Received reports move to screening.
    """
    _require_editor(by)
    staff = membership(to_user)
    if staff is None or staff.role not in DONG_ROLES or not to_user.is_active:
        raise RuleError(_("동 담당 공무원이나 팀장에게만 배정할 수 있습니다."))
    their_dongs = set(staff.dongs.values_list("pk", flat=True))
    ids = {int(getattr(r, "pk", r)) for r in reports}
    visible = list(CrisisReport.objects.visible_to(by).filter(pk__in=ids).open()
                   .only("pk", "dong_id", "district_id", "receipt_code", "status").order_by("pk"))
    if dong is not None and (dong.pk not in personal_dong_ids(by) or dong.pk not in their_dongs):
        raise RuleError(_("배정할 동은 본인과 배정받을 직원이 모두 담당하는 동이어야 합니다."))
    # The dongs a district-queue report may be given: both users' dongs, in the report's district.
    shared = dict(Dong.objects.filter(pk__in=their_dongs & personal_dong_ids(by)).values_list("pk", "district_id"))
    targets, to_place = [], []
    for report in visible:
        if report.dong_id is None:
            if dong is not None:
                options = [dong.pk] if dong.district_id == report.district_id else []
            else:
                options = [pk for pk, district_id in shared.items() if district_id == report.district_id]
            if len(options) != 1:
                continue
            to_place.append((report, options[0]))
            targets.append(report)
        elif report.dong_id in their_dongs:
            targets.append(report)
    now = timezone.now()
    for report, dong_id in to_place:
        CrisisReport.objects.filter(pk=report.pk, dong__isnull=True).update(dong_id=dong_id, updated_at=now)
    pks = [r.pk for r in targets]
    if pks:
        CrisisReport.objects.filter(pk__in=pks).update(
            assigned_official=to_user, updated_at=now,
            status=SqlCase(When(status=ReportStatus.RECEIVED, then=Value(ReportStatus.SCREENING)),
                           default=F("status")),
        )
        reason = _("배정: %(name)s") % {"name": to_user.get_full_name() or to_user.get_username()}
        log_actions(targets, "discovery.crisisreport.assigned", user=by, reason=reason)
    return AssignResult(done=len(pks), skipped=len(ids) - len(visible), not_in_dong=len(visible) - len(pks))


# --- Matching --------------------------------------------------------------------------------------------------

RRN_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\s*-?\s*(\d{7})(?!\d)")
# Scores order the candidates: a registration number is near proof, a phone strong, an address or name weaker.
SCORES = {"rrn": 100, "phone": 50, "address": 40, "address_prefix": 25, "name": 20, "similar_name": 10}
MIN_PREFIX = 4  # a shorter address key ("왕십리") would match half the dong


@dataclass
class Candidate:
    household: Household
    reasons: list[str] = field(default_factory=list)
    score: int = 0
    residents: list[Resident] = field(default_factory=list)


def _rrn_hashes(report: CrisisReport) -> list[str]:
    found = []
    for text in (report.details, report.subject_description, report.subject_name):
        for front, back in RRN_IN_TEXT.findall(text or ""):
            try:
                found.append(rrn.keyed_hash(rrn.normalize(front + back)))
            except ValidationError:
                continue
    return list(dict.fromkeys(found))


def _similar_prefix(name: str) -> str:
    """Surname and first given syllable (``김순자`` → ``김순``): a typo in the last syllable still matches."""
    name = name.replace(" ", "")
    return name[:2] if len(name) >= 3 else ""


ROAD_AND_NUMBER = re.compile(r"([가-힣A-Za-z0-9]+(?:로|길))\s*(\d+(?:-\d+)?)")


def building_key(address: str) -> str:
    """The key of the road and building number alone (``왕십리로 123, 101동`` → ``왕십리로123``)."""
    match = ROAD_AND_NUMBER.search(address or "")
    return address_key(match.group(1) + match.group(2)) if match else ""


def _address_relation(report_key: str, report_building: str, household: Household) -> str:
    if report_key and report_key == household.address_key:
        return "address"
    if report_building and report_building == building_key(household.road_address):
        return "address_prefix"  # the same building; the flat is missing or differs in spelling
    return ""


def report_candidates(report: CrisisReport, *, user=None, limit: int = 10) -> list[Candidate]:
    """Households of the report's district (those ``user`` may see) that may be the one reported, best first.

    Two queries whatever the size of the district: the households matching any criterion (with an EXISTS over
    residents), then their current residents; the reasons are worked out from those rows.
    """
    key = address_key(report.subject_address) if report.subject_address else ""
    phone = report.subject_phone
    name = report.subject_name.replace(" ", "")
    similar = _similar_prefix(name)
    hashes = _rrn_hashes(report)
    people = Q()
    if phone:
        people |= Q(phone=phone)
    if hashes:
        people |= Q(rrn_hash__in=hashes)
    if name:
        people |= Q(name=name)
    if similar:
        people |= Q(name__startswith=similar)
    match = Q()
    person = Exists(Resident.objects.filter(people, household=OuterRef("pk"), left_on__isnull=True)) if people \
        else None
    if person is not None:
        match |= person
    building = building_key(report.subject_address)
    if len(key) >= MIN_PREFIX:
        match |= Q(address_key=key)
    if len(building) >= MIN_PREFIX:
        # Over-fetches "왕십리로1234" for "왕십리로123"; the building check below drops those.
        match |= Q(address_key__startswith=building)
    if not match:
        return []
    households = Household.objects.filter(dong__district_id=report.district_id)
    if user is not None:
        households = households.visible_to(user)
    current = Resident.objects.filter(left_on__isnull=True).order_by("relation", "id")
    # Exact addresses and people first, so a crowded building cannot push them out of the rows fetched.
    exact = SqlCase(When(address_key=key, then=Value(1)), default=Value(0), output_field=IntegerField()) if key \
        else Value(0, output_field=IntegerField())
    by_person = SqlCase(When(person, then=Value(1)), default=Value(0), output_field=IntegerField()) \
        if person is not None else Value(0, output_field=IntegerField())
    rows = list(households.filter(match).annotate(exact_rank=exact, person_rank=by_person).select_related("dong")
                .prefetch_related(Prefetch("residents", queryset=current, to_attr="current_residents"))
                .order_by("-exact_rank", "-person_rank", "-updated_at", "-id")[: limit * 5])
    labels = {
        "rrn": _("주민등록번호 일치"), "phone": _("연락처 일치"), "address": _("주소 일치"),
        "address_prefix": _("주소 유사(건물 일치)"), "name": _("이름 일치"), "similar_name": _("비슷한 이름"),
    }
    candidates = []
    for household in rows:
        found: list[str] = []
        residents = household.current_residents
        if hashes and any(r.rrn_hash in hashes for r in residents):
            found.append("rrn")
        if phone and any(r.phone == phone for r in residents):
            found.append("phone")
        relation = _address_relation(key, building, household)
        if relation:
            found.append(relation)
        if name and any(r.name.replace(" ", "") == name for r in residents):
            found.append("name")
        elif similar and any(r.name.replace(" ", "").startswith(similar) for r in residents):
            found.append("similar_name")
        if not found:  # a prefix that the building-number rule rejects
            continue
        candidates.append(Candidate(household=household, reasons=[str(labels[f]) for f in found],
                                    score=sum(SCORES[f] for f in found), residents=residents))
    candidates.sort(key=lambda c: (-c.score, -c.household.pk))
    return candidates[:limit]


def look_alike_pairs(candidates: list[Candidate]) -> list[tuple[Household, Household]]:
    """Pairs of candidates that look like one household twice (same address key or a shared phone)."""
    pairs = []
    for i, a in enumerate(candidates):
        phones_a = {r.phone for r in a.residents if r.phone}
        for b in candidates[i + 1:]:
            same_address = a.household.address_key and a.household.address_key == b.household.address_key
            same_phone = phones_a & {r.phone for r in b.residents if r.phone}
            if (same_address or same_phone) and a.household.dong.district_id == b.household.dong.district_id:
                pairs.append((a.household, b.household))
    return pairs


def _visible_household(household: Household, by) -> Household:
    found = Household.objects.visible_to(by).select_related("dong").filter(pk=household.pk).first()
    if found is None:
        raise PermissionDenied
    return found


def _screening(report: CrisisReport) -> dict[str, Any]:
    return {"status": ReportStatus.SCREENING} if report.status == ReportStatus.RECEIVED else {}


@transaction.atomic
def report_link_household(*, report: CrisisReport, household: Household, by) -> CrisisReport:
    """The official confirms the household the report is about (a district-queue report takes its dong)."""
    _require_editor(by)
    _require_visible(report, by)
    report = CrisisReport.objects.select_for_update().get(pk=report.pk)
    _require_open(report)
    household = _visible_household(household, by)
    if household.dong.district_id != report.district_id:
        raise RuleError(_("다른 구의 세대에는 연결할 수 없습니다."))
    values = {"household": household, "updated_at": timezone.now(), **_screening(report)}
    if report.dong_id is None:
        values["dong_id"] = household.dong_id
    CrisisReport.objects.filter(pk=report.pk).update(**values)
    report.refresh_from_db()
    log_action(report, "discovery.crisisreport.linked", user=by, household_id=household.pk,
               changes={"household": household.pk})
    return report


@transaction.atomic
def report_create_household(*, report: CrisisReport, by, data: dict[str, Any],
                            head: dict[str, Any] | None = None) -> Household:
    """A new household for a report that matches none (through households.services), linked to the report."""
    _require_editor(by)
    _require_visible(report, by)
    _require_open(report)
    dong = data.get("dong") or report.dong
    if dong is None:
        raise RuleError({"dong": [_("세대의 행정동을 고르세요.")]})
    if dong.district_id != report.district_id or dong.pk not in personal_dong_ids(by):
        raise RuleError({"dong": [_("담당하는 같은 구의 동을 고르세요.")]})
    household = household_services.household_create(by=by, data={**data, "dong": dong}, head=head or None)
    report_link_household(report=report, household=household, by=by)
    return household


# --- Contact attempts and resolution ---------------------------------------------------------------------------


@transaction.atomic
def contact_attempt_record(*, report: CrisisReport, by, method: str, reached: bool, note: str = "",
                           at: dt.datetime | None = None) -> ContactAttempt:
    """One try to reach the person: visit, phone, welfare mail, or a neighbour's or 통장's confirmation."""
    _require_editor(by)
    _require_visible(report, by)
    report = CrisisReport.objects.select_for_update().get(pk=report.pk)
    _require_open(report)
    if method not in AttemptMethod.values:
        raise RuleError({"method": [_("접촉 방법을 고르세요.")]})
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise RuleError({"at": [_("접촉 일시가 미래입니다.")]})
    if at < report.received_at - dt.timedelta(minutes=5):
        raise RuleError({"at": [_("접촉 일시가 접수 일시보다 앞섭니다.")]})
    attempt = ContactAttempt.objects.create(report=report, by=by, method=method, reached=reached,
                                            note=(note or "").strip()[:300], at=at)
    values: dict[str, Any] = {"updated_at": timezone.now(), **_screening(report)}
    if report.first_contacted_at is None or at < report.first_contacted_at:
        values["first_contacted_at"] = at
    CrisisReport.objects.filter(pk=report.pk).update(**values)
    log_action(report, "discovery.contactattempt.recorded", user=by, household_id=report.household_id,
               changes={"method": method, "reached": reached})
    return attempt


def attempts_needed(report: CrisisReport) -> int:
    """Unreached attempts still needed before the report may close as unreachable."""
    policy = DiscoveryPolicy.for_district(report.district_id)
    failed = report.attempts.filter(reached=False).count()
    return max(0, policy.unreachable_attempts - failed)


@transaction.atomic
def report_resolve(*, report: CrisisReport, by, outcome: str, reason: str = "",
                   case_data: dict[str, Any] | None = None, link_data: dict[str, Any] | None = None,
                   duplicate_of: CrisisReport | None = None, handoff_note: str = "") -> CrisisReport:
    """Close the report with its outcome. "case opened" opens the case, "linkage only" makes the service link;
    both then ask the reward rules about the informant. A resolved report is read-only."""
    _require_editor(by)
    _require_visible(report, by)
    report = CrisisReport.objects.select_for_update(of=("self",)).select_related("household__dong").get(
        pk=report.pk)
    _require_open(report)
    if outcome not in ReportOutcome.values:
        raise RuleError({"outcome": [_("처리 결과를 고르세요.")]})
    reason = (reason or "").strip()
    handoff_note = (handoff_note or "").strip()
    if outcome in OUTCOMES_NEEDING_REASON and not reason:
        raise RuleError({"reason": [_("%(outcome)s(으)로 종결하려면 사유를 적어 주세요.") % {
            "outcome": ReportOutcome(outcome).label}]})
    if len(reason) > 500:
        raise RuleError({"reason": [_("사유는 500자 이내로 적어 주세요.")]})
    values: dict[str, Any] = {"outcome": outcome, "outcome_reason": reason}
    if outcome == ReportOutcome.UNREACHABLE:
        missing = attempts_needed(report)
        if missing:
            raise RuleError(_("소재 미확인으로 종결하려면 연락이 닿지 않은 접촉 시도가 %(n)s번 더 필요합니다.") % {
                "n": missing})
        if not handoff_note:
            raise RuleError({"handoff_note": [_("사실조사로 넘길 인계 메모를 적어 주세요.")]})
        values["handoff_note"] = handoff_note
    elif handoff_note:
        values["handoff_note"] = handoff_note
    if outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY) and report.household_id is None:
        raise RuleError(_("먼저 제보를 세대에 연결하세요 (후보 세대를 고르거나 새 세대를 만드세요)."))
    if outcome == ReportOutcome.CASE_OPENED:
        case_data = dict(case_data or {})
        client = case_data.pop("client", None)
        if client is None:
            raise RuleError({"client": [_("사례 대상자(현재 가구원)를 고르세요.")]})
        case = household_services.case_open(
            household=report.household, client=client, by=by, source=CaseSource.REPORT,
            opened_on=case_data.get("opened_on"), case_class=case_data.get("case_class") or "general",
            assigned_official=case_data.get("assigned_official") or report.assigned_official,
            summary=case_data.get("summary") or report.details[:1000],
        )
        values["case"] = case
    elif outcome == ReportOutcome.LINKAGE_ONLY:
        link_data = dict(link_data or {})
        resource = link_data.pop("resource", None)
        if resource is None:
            raise RuleError({"resource": [_("연계할 자원을 고르세요.")]})
        if resource.district_id != report.district_id:
            raise RuleError({"resource": [_("다른 구의 자원입니다.")]})
        values["service_link"] = household_services.service_link_create(
            household=report.household, resource=resource, by=by, data=link_data)
    elif outcome == ReportOutcome.DUPLICATE:
        if duplicate_of is None:
            raise RuleError({"duplicate_of": [_("중복된 원래 제보를 고르세요.")]})
        if duplicate_of.pk == report.pk or duplicate_of.district_id != report.district_id or not (
                CrisisReport.objects.visible_to(by).filter(pk=duplicate_of.pk).exists()):
            raise RuleError({"duplicate_of": [_("같은 구의 다른 제보만 원래 제보로 고를 수 있습니다.")]})
        values["duplicate_of"] = duplicate_of
        if report.household_id is None and duplicate_of.household_id is not None:
            values["household_id"] = duplicate_of.household_id
    now = timezone.now()
    values.update(status=ReportStatus.RESOLVED, resolved_at=now, updated_at=now)
    if report.assigned_official_id is None:
        values["assigned_official"] = by
    CrisisReport.objects.filter(pk=report.pk).update(**values)
    report.refresh_from_db()
    log_action(report, "discovery.crisisreport.resolved", user=by, household_id=report.household_id,
               reason=reason, changes={"outcome": outcome, "case": report.case_id, "link": report.service_link_id,
                                       "duplicate_of": report.duplicate_of_id})
    if outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY):
        from .rewards import reward_evaluate

        reward_evaluate(report=report, by=by)
    return report


# --- Household merge -------------------------------------------------------------------------------------------

_RISK_ORDER = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
_CARE_ORDER = {CareStatus.UNDER_CARE: 3, CareStatus.MONITORING: 2, CareStatus.NOT_UNDER_CARE: 1}


def merge_counts(household: Household) -> dict[str, int]:
    """What a household holds, for the side-by-side merge page: one query of correlated counts (no join that
    multiplies visits by reports by links)."""
    from django.db.models import Count, Subquery
    from django.db.models.functions import Coalesce

    from households.models import Case, ServiceLink, Visit

    def count(queryset) -> Coalesce:
        rows = queryset.filter(household=OuterRef("pk")).order_by().values("household").annotate(n=Count("pk"))
        return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), Value(0))

    return Household.objects.filter(pk=household.pk).values(
        "pk",
    ).annotate(
        residents=count(Resident.objects.filter(left_on__isnull=True)),
        reports=count(CrisisReport.objects.all()),
        visits=count(Visit.objects.all()),
        cases=count(Case.objects.all()),
        open_cases=count(Case.objects.filter(stage__in=sorted(OPEN_STAGES))),
        links=count(ServiceLink.objects.all()),
    ).values("residents", "reports", "visits", "cases", "open_cases", "links").get()


def _household_relations() -> list:
    """Every foreign key to Household, hidden ones (``related_name="+"``, e.g. stage changes) included."""
    return [f for f in Household._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and f.one_to_many]


@transaction.atomic
def household_merge(*, survivor: Household, duplicate: Household, by, reason: str) -> HouseholdMerge:
    """Two households found to be the same: everything of ``duplicate`` moves to ``survivor``, which stays.

    Set-based UPDATEs over every table that points at a household (found from the model graph, so a table added
    later moves too). The duplicate's open follow-up is cancelled where the survivor already has one open for the
    same reason (one open follow-up per household and reason); a second head of household becomes a cohabitant.
    The merge is written down (``HouseholdMerge``, with the counts moved) and logged on both ids.
    """
    _require_editor(by)
    reason = (reason or "").strip()
    if not reason:
        raise RuleError({"reason": [_("병합 사유를 적어 주세요.")]})
    if survivor.pk == duplicate.pk:
        raise RuleError(_("같은 세대끼리는 병합할 수 없습니다."))
    locked = {h.pk: h for h in Household.objects.visible_to(by).select_for_update(of=("self",))
              .filter(pk__in=[survivor.pk, duplicate.pk]).select_related("dong")}
    if len(locked) != 2:
        raise PermissionDenied
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.dong.district_id != duplicate.dong.district_id:
        raise RuleError(_("같은 구의 세대끼리만 병합할 수 있습니다."))
    if survivor.cases.open().exists() and duplicate.cases.open().exists():
        raise RuleError(_("두 세대 모두 진행 중인 사례가 있습니다. 사례 하나를 먼저 종결하거나 정리한 뒤 병합하세요."))

    moved: dict[str, int] = {}
    now = timezone.now()
    # One open follow-up per household and reason: the survivor's open one wins.
    survivor_reasons = set(FollowUp.objects.filter(household=survivor, status=FollowUpStatus.OPEN)
                           .values_list("reason", flat=True))
    cancelled = FollowUp.objects.filter(household=duplicate, status=FollowUpStatus.OPEN,
                                        reason__in=survivor_reasons).update(status=FollowUpStatus.CANCELLED,
                                                                            closed_at=now)
    if cancelled:
        moved["followups_cancelled"] = cancelled
    if survivor.residents.current().filter(relation=Relation.HEAD).exists():
        demoted = duplicate.residents.current().filter(relation=Relation.HEAD).update(
            relation=Relation.COHABITANT, updated_at=now)
        if demoted:
            moved["heads_demoted"] = demoted
    for relation in _household_relations():
        model = relation.related_model
        count = model._default_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: survivor})
        if count:
            moved[model._meta.model_name] = moved.get(model._meta.model_name, 0) + count

    fields = []
    if _RISK_ORDER.get(duplicate.risk_level, 0) > _RISK_ORDER.get(survivor.risk_level, 0):
        survivor.risk_level = duplicate.risk_level
        fields.append("risk_level")
    if _CARE_ORDER.get(duplicate.status, 0) > _CARE_ORDER.get(survivor.status, 0):
        survivor.status = duplicate.status
        fields.append("status")
    if duplicate.last_contact_on and (survivor.last_contact_on is None
                                      or duplicate.last_contact_on > survivor.last_contact_on):
        survivor.last_contact_on = duplicate.last_contact_on
        fields.append("last_contact_on")
    if survivor.assigned_official_id is None and duplicate.assigned_official_id is not None:
        survivor.assigned_official_id = duplicate.assigned_official_id
        fields.append("assigned_official")
    survivor.save(update_fields=[*fields, "updated_at"])

    merge = HouseholdMerge.objects.create(survivor=survivor, duplicate_id=duplicate.pk,
                                          duplicate_address=duplicate.full_address[:300], moved=moved,
                                          reason=reason[:300], by=by)
    duplicate_pk = duplicate.pk
    duplicate.delete()
    log_action(merge, "discovery.householdmerge.created", user=by, household_id=survivor.pk, reason=reason,
               changes={"duplicate": duplicate_pk, "moved": moved})
    log_action(survivor, "households.household.merged_away", user=by, household_id=duplicate_pk, reason=reason,
               changes={"survivor": survivor.pk})
    return merge
