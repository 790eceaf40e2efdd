"""Writes of the resident collaborators' records and the dong council: appointments and renewals, the activity
log, the support given, council meetings and Happy-Neighbourhood projects. Dong staff who keep the network
(capability ``edit_network``) write, in their own dongs; every write is audited; refusals are RuleErrors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Household
from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import personal_dong_ids

from ..models import (
    ActivityKind,
    CouncilMeeting,
    HappyProject,
    MemberActivity,
    MemberAppointment,
    MemberSupport,
    NetworkMember,
    SupportKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_HOURS = Decimal(24)


def _require(by: User) -> None:
    if not can(by, "edit_network"):
        raise RuleError(_("인적안전망 기록은 동 주민센터 담당자와 구 관리자가 남깁니다."))


def _member_dongs(by: User, member: NetworkMember) -> set[int]:
    _require(by)
    mine = set(member.dongs.values_list("pk", flat=True)) & set(personal_dong_ids(by))
    if not mine:
        raise RuleError(_("담당하는 행정동의 구성원만 기록할 수 있습니다."))
    return mine


def _day(name: str, day: dt.date) -> dict[str, str]:
    problem = bounds.day_problem(day, latest=bounds.within_years())
    return {name: problem} if problem else {}


@transaction.atomic
def appointment_add(*, by: User, member: NetworkMember, appointed_on: dt.date,
                    term_ends_on: dt.date) -> MemberAppointment:
    _member_dongs(by, member)
    problems = _day("appointed_on", appointed_on)
    if term_ends_on <= appointed_on:
        problems["term_ends_on"] = _("임기 만료일은 위촉일 뒤여야 합니다.")
    if problems:
        raise RuleError(problems)
    row, created = MemberAppointment.objects.get_or_create(member=member, appointed_on=appointed_on,
                                                           defaults={"term_ends_on": term_ends_on})
    if created:
        log_action(member, "discovery.networkmember.appointed", user=by,
                   changes={"appointed_on": str(appointed_on), "term_ends_on": str(term_ends_on)})
    return row


@transaction.atomic
def activity_record(*, by: User, member: NetworkMember, dong: Dong, kind: str, done_on: dt.date,
                    household: Household | None = None, hours: Decimal | int = 0, note: str = "") -> MemberActivity:
    mine = _member_dongs(by, member)
    problems = _day("done_on", done_on)
    if done_on > seoul_today():
        problems["done_on"] = _("활동일은 오늘 이전이어야 합니다.")
    if dong.pk not in mine:
        problems["dong"] = _("구성원이 활동하는 담당 동을 고르세요.")
    if kind not in ActivityKind.values:
        problems["kind"] = _("활동을 고르세요.")
    if kind == ActivityKind.VISIT and (household is None or household.dong_id != dong.pk):
        problems["household"] = _("방문한 세대(이 동의 세대)를 고르세요.")
    if kind == ActivityKind.TRAINING and not 0 < Decimal(hours) <= MAX_HOURS:
        problems["hours"] = _("교육 시간은 0시간보다 길고 24시간 이하여야 합니다.")
    if problem := bounds.text_problem(note, bounds.max_length(MemberActivity, "note")):
        problems["note"] = problem
    if problems:
        raise RuleError(problems)
    row = MemberActivity.objects.create(member=member, dong=dong, kind=kind, done_on=done_on,
                                        household=household if kind == ActivityKind.VISIT else None,
                                        hours=hours if kind == ActivityKind.TRAINING else 0, note=note,
                                        recorded_by=by)
    log_action(member, "discovery.networkmember.activity_recorded", user=by,
               household_id=row.household_id, changes={"kind": kind, "done_on": str(done_on)})
    return row


@transaction.atomic
def support_record(*, by: User, member: NetworkMember, kind: str, given_on: dt.date, amount_krw: int,
                   note: str = "") -> MemberSupport:
    _member_dongs(by, member)
    problems = _day("given_on", given_on)
    if kind not in SupportKind.values:
        problems["kind"] = _("지원 종류를 고르세요.")
    if problem := bounds.amount_problem(amount_krw, bounds.max_amount_krw()):
        problems["amount_krw"] = problem
    if problems:
        raise RuleError(problems)
    row = MemberSupport.objects.create(member=member, kind=kind, given_on=given_on, amount_krw=amount_krw,
                                       note=note)
    log_action(member, "discovery.networkmember.support_recorded", user=by,
               changes={"kind": kind, "amount_krw": amount_krw})
    return row


def _require_dong(by: User, dong: Dong) -> None:
    _require(by)
    if dong.pk not in personal_dong_ids(by):
        raise RuleError(_("담당하는 행정동의 협의체만 기록할 수 있습니다."))


@transaction.atomic
def meeting_record(*, by: User, dong: Dong, held_on: dt.date, agenda: str, attendees: str,
                   decisions: str = "") -> CouncilMeeting:
    _require_dong(by, dong)
    problems = _day("held_on", held_on)
    if not agenda.strip():
        problems["agenda"] = _("안건을 적어 주세요.")
    if not attendees.strip():
        problems["attendees"] = _("참석자를 적어 주세요.")
    for name, value in (("agenda", agenda), ("attendees", attendees), ("decisions", decisions)):
        if problem := bounds.text_problem(value, bounds.LONG_TEXT):
            problems[name] = problem
    if problems:
        raise RuleError(problems)
    meeting, created = CouncilMeeting.objects.get_or_create(
        dong=dong, held_on=held_on, agenda=agenda.strip(),
        defaults={"attendees": attendees.strip(), "decisions": decisions.strip()})
    if created:
        log_action(meeting, "discovery.councilmeeting.created", user=by, changes={"held_on": str(held_on)})
    return meeting


@transaction.atomic
def project_save(*, by: User, dong: Dong, year: int, title: str, budget_krw: int, beneficiaries: int,
                 households: int) -> HappyProject:
    _require_dong(by, dong)
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = _("사업명을 적어 주세요.")
    if problem := bounds.amount_problem(budget_krw, bounds.max_budget_krw()):
        problems["budget_krw"] = problem
    if beneficiaries < 0 or households < 0:
        problems["beneficiaries"] = _("수혜 인원과 가구는 0 이상이어야 합니다.")
    if not 2000 <= year <= 2100:
        problems["year"] = _("연도를 확인해 주세요.")
    if problems:
        raise RuleError(problems)
    project, created = HappyProject.objects.update_or_create(
        dong=dong, year=year, title=title.strip(),
        defaults={"budget_krw": budget_krw, "beneficiaries": beneficiaries, "households": households})
    log_action(project, "discovery.happyproject.created" if created else "discovery.happyproject.updated", user=by,
               changes={"budget_krw": budget_krw, "beneficiaries": beneficiaries, "households": households})
    return project
