"""Writes of the social-network programmes: the programme, its sessions, enrolment from households (an active consent
to collection and use is required), attendance per session and the before/after measures.

Every refusal is a RuleError keyed by the field at fault; every write is audited. Double submits create nothing
twice: enrolment returns the participant already enrolled, attendance is set (not added), a measure of the same
participant, instrument and phase replaces the earlier one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from households.models import ConsentScope, Resident
from households.services import has_active_consent
from plans.models import AnnualPlan
from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can
from welfare.scoping import personal_dong_ids, visible_dong_ids

from ..models import Attendance, Instrument, Measurement, Participant, Programme, ProgrammeSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require(by: User) -> None:
    if not can(by, "run_programmes"):
        raise RuleError(_("프로그램은 동 주민센터 담당자와 구 관리자가 운영합니다."))


def _require_dong(by: User, dong_id: int) -> None:
    if dong_id not in personal_dong_ids(by):
        raise RuleError({"dong": _("담당하는 행정동의 프로그램만 운영할 수 있습니다.")})


@dataclass(frozen=True)
class ProgrammeInput:
    dong: Dong
    title: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    instruments: Sequence[Instrument]
    description: str = ""
    partners: str = ""
    budget_krw: int = 0
    plan: AnnualPlan | None = None


def _programme_problems(data: ProgrammeInput) -> dict[str, str]:
    checks = {
        "title": bounds.text_problem(data.title, bounds.max_length(Programme, "title")),
        "place": bounds.text_problem(data.place, bounds.max_length(Programme, "place")),
        "partners": bounds.text_problem(data.partners, bounds.max_length(Programme, "partners")),
        "description": bounds.text_problem(data.description, bounds.LONG_TEXT),
        "budget_krw": bounds.amount_problem(data.budget_krw, bounds.max_budget_krw()),
        "starts_on": bounds.day_problem(data.starts_on),
    }
    out = {k: v for k, v in checks.items() if v}
    if not data.title.strip():
        out["title"] = _("프로그램명을 적어 주세요.")
    if not data.place.strip():
        out["place"] = _("장소를 적어 주세요.")
    if data.ends_on < data.starts_on:
        out["ends_on"] = _("종료일은 시작일과 같거나 뒤여야 합니다.")
    if not data.instruments:
        out["instruments"] = _("성과 측정 척도를 하나 이상 고르세요.")
    elif any(i.district_id not in (None, data.dong.district_id) for i in data.instruments):
        out["instruments"] = _("다른 자치구의 척도는 고를 수 없습니다.")
    if data.plan is not None and data.plan.district_id != data.dong.district_id:
        out["plan"] = _("다른 자치구의 계획에는 연결할 수 없습니다.")
    return out


@transaction.atomic
def programme_save(*, by: User, data: ProgrammeInput, programme: Programme | None = None) -> Programme:
    _require(by)
    _require_dong(by, data.dong.pk)
    if programme is not None:
        _require_dong(by, programme.dong_id)
    if problems := _programme_problems(data):
        raise RuleError(problems)
    fields = {"dong": data.dong, "plan": data.plan, "title": data.title.strip(), "place": data.place.strip(),
              "description": data.description, "partners": data.partners, "budget_krw": data.budget_krw,
              "starts_on": data.starts_on, "ends_on": data.ends_on}
    created = programme is None
    if programme is None:
        programme = Programme.objects.create(created_by=by, **fields)
    else:
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.save()
    programme.instruments.set(data.instruments)
    log_action(programme, "discovery.programme.created" if created else "discovery.programme.updated", user=by,
               changes={k: str(v) for k, v in fields.items()})
    return programme


@transaction.atomic
def session_add(*, by: User, programme: Programme, held_on: dt.date, topic: str = "",
                place: str = "") -> ProgrammeSession:
    _require(by)
    _require_dong(by, programme.dong_id)
    problems = {k: v for k, v in {
        "topic": bounds.text_problem(topic, bounds.max_length(ProgrammeSession, "topic")),
        "place": bounds.text_problem(place, bounds.max_length(ProgrammeSession, "place")),
    }.items() if v}
    if not programme.starts_on <= held_on <= programme.ends_on:
        problems["held_on"] = _("회차 일자는 프로그램 기간(%(start)s~%(end)s) 안이어야 합니다.") % {
            "start": f"{programme.starts_on:%Y-%m-%d}", "end": f"{programme.ends_on:%Y-%m-%d}"}
    if problems:
        raise RuleError(problems)
    session, created = ProgrammeSession.objects.get_or_create(
        programme=programme, held_on=held_on, topic=topic.strip(), defaults={"place": place.strip()})
    if created:
        log_action(programme, "discovery.programme.session_created", user=by,
                   changes={"held_on": f"{held_on:%Y-%m-%d}", "topic": topic})
    return session


@transaction.atomic
def participant_enrol(*, by: User, programme: Programme, resident: Resident, enrolled_on: dt.date) -> Participant:
    """Enrol a resident of the programme's dong who consented to collection and use (PIPA art. 15)."""
    _require(by)
    _require_dong(by, programme.dong_id)
    household = resident.household
    if household.dong_id not in personal_dong_ids(by):
        raise RuleError({"resident": _("담당하는 행정동의 주민만 등록할 수 있습니다.")})
    if household.dong_id != programme.dong_id:
        raise RuleError({"resident": _("프로그램을 운영하는 동의 주민만 등록할 수 있습니다.")})
    if resident.left_on is not None:
        raise RuleError({"resident": _("세대를 떠난 주민은 등록할 수 없습니다.")})
    if problem := bounds.day_problem(enrolled_on):
        raise RuleError({"enrolled_on": problem})
    existing = Participant.objects.filter(programme=programme, resident=resident).first()
    if existing is not None:
        return existing  # a double submit enrols once
    if not has_active_consent(resident, ConsentScope.COLLECT_USE, enrolled_on):
        raise RuleError({"resident": _("개인정보 수집·이용 동의가 유효한 주민만 프로그램에 등록할 수 있습니다. "
                                       "먼저 세대 화면에서 동의를 받으세요.")})
    participant = Participant.objects.create(programme=programme, resident=resident, enrolled_on=enrolled_on,
                                             enrolled_by=by)
    log_action(participant, "discovery.programme.participant_created", user=by,
               household_id=household.pk, changes={"programme": programme.pk})
    return participant


@transaction.atomic
def attendance_set(*, by: User, session: ProgrammeSession, present: Iterable[int]) -> int:
    """The participants present at ``session`` are exactly ``present`` (participant ids of its programme):
    set-based, so submitting twice changes nothing. Returns how many are present."""
    _require(by)
    programme = session.programme
    _require_dong(by, programme.dong_id)
    wanted = set(present)
    known = set(Participant.objects.filter(programme=programme, pk__in=wanted).values_list("pk", flat=True))
    if wanted - known:
        raise RuleError(_("이 프로그램의 참여자만 출석 처리할 수 있습니다."))
    Attendance.objects.filter(session=session).exclude(participant_id__in=known).delete()
    Attendance.objects.bulk_create([Attendance(session=session, participant_id=pk) for pk in known],
                                   ignore_conflicts=True)
    log_action(programme, "discovery.programme.attendance_updated", user=by,
               changes={"session": session.pk, "present": len(known)})
    return len(known)


def score_of(instrument: Instrument, items_reverse: Sequence[bool], answers: Sequence[int]) -> Decimal:
    """The instrument's total: the sum of the answers, a reverse-scored item counted as (min + max − answer)."""
    low, high = instrument.min_value, instrument.max_value
    return Decimal(sum((low + high - a) if rev else a for a, rev in zip(answers, items_reverse, strict=True)))


@transaction.atomic
def measurement_record(*, by: User, participant: Participant, instrument: Instrument, phase: str,
                       measured_on: dt.date, answers: Sequence[int]) -> Measurement:
    """Record (or replace) a participant's before or after score on one of the programme's instruments."""
    _require(by)
    programme = participant.programme
    _require_dong(by, programme.dong_id)
    if not programme.instruments.filter(pk=instrument.pk).exists():
        raise RuleError({"instrument": _("이 프로그램의 성과 측정 척도가 아닙니다.")})
    items = list(instrument.items.order_by("order").values_list("reverse", flat=True))
    problems: dict[str, str] = {}
    if phase not in ("before", "after"):
        problems["phase"] = _("사전 또는 사후를 고르세요.")
    if problem := bounds.day_problem(measured_on):
        problems["measured_on"] = problem
    if len(answers) != len(items):
        problems["answers"] = _("모든 문항(%(n)s개)에 답해야 합니다.") % {"n": len(items)}
    elif any(not instrument.min_value <= a <= instrument.max_value for a in answers):
        problems["answers"] = _("응답은 보기 중에서 골라 주세요.")
    if problems:
        raise RuleError(problems)
    if not has_active_consent(participant.resident, ConsentScope.COLLECT_USE, measured_on):
        raise RuleError({"measured_on": _("측정일에 유효한 개인정보 수집·이용 동의가 없습니다.")})
    score = score_of(instrument, items, answers)
    measurement, created = Measurement.objects.update_or_create(
        participant=participant, instrument=instrument, phase=phase,
        defaults={"measured_on": measured_on, "answers": list(answers), "score": score, "measured_by": by})
    log_action(participant, "discovery.programme.measurement_recorded" if created
               else "discovery.programme.measurement_updated", user=by,
               changes={"instrument": instrument.code, "phase": phase, "score": str(score)})
    return measurement


def programmes_visible(user):
    """Programmes of the dongs the user sees (aggregates: planners see the programmes and their figures)."""
    return Programme.objects.in_dongs(visible_dong_ids(user))
