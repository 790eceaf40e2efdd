"""Discovery services: matching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rrn
from households import services as household_services
from households.models import (
    Attachment,
    Household,
    Resident,
)
from welfare.audit import log_action
from welfare.common.addresses import address_key
from welfare.errors import RuleError
from welfare.scoping import personal_dong_ids

from ..attachment_owners import REPORT
from ..models import (
    CrisisReport,
    ReportStatus,
)
from .access import _require_editor, _require_open, _require_visible

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    # The households that match any criterion, as ids: one small look-up per criterion on its own index, joined
    # by UNION. Written as one OR (an EXISTS over residents or an address), PostgreSQL could use no index and read
    # every household of the district: 72 ms of the report page at 47,000 households a district.
    person = Exists(Resident.objects.filter(people, household=OuterRef("pk"), left_on__isnull=True)) if people \
        else None
    parts: list[QuerySet] = []
    if people:
        parts.append(Resident.objects.filter(people, left_on__isnull=True).order_by().values("household_id"))
    building = building_key(report.subject_address)
    if len(key) >= MIN_PREFIX:
        parts.append(Household.objects.filter(address_key=key).order_by().values("pk"))
    if len(building) >= MIN_PREFIX:
        # Over-fetches "왕십리로1234" for "왕십리로123"; the building check below drops those.
        parts.append(Household.objects.filter(address_key__startswith=building).order_by().values("pk"))
    if not parts:
        return []
    match = Q(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])
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


def _visible_household(household: Household, by: User) -> Household:
    found = Household.objects.visible_to(by).select_related("dong").filter(pk=household.pk).first()
    if found is None:
        raise PermissionDenied
    return found


def _screening(report: CrisisReport) -> dict[str, Any]:
    return {"status": ReportStatus.SCREENING} if report.status == ReportStatus.RECEIVED else {}


@transaction.atomic
def report_link_household(*, report: CrisisReport, household: Household, by: User) -> CrisisReport:
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
    # The report's attachments now show on the household's page (and go with it at merge and retention).
    Attachment.objects.of(REPORT.key, report.pk).update(household=household)
    report.refresh_from_db()
    log_action(report, "discovery.crisisreport.linked", user=by, household_id=household.pk,
               changes={"household": household.pk})
    return report


@transaction.atomic
def report_create_household(*, report: CrisisReport, by: User, data: dict[str, Any],
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
