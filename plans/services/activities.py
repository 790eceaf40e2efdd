"""Writes to the plan's activity records: capacity-building trainings, awards and public-private partnerships.

Planners and district admins write, always in their own district; every save is audited and every refusal is a
RuleError keyed by the field at fault.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District, Dong
from welfare.scoping import membership

from ..models import AnnualPlan, Award, Partnership, Training
from .common import require

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=models.Model)

MAX_HOURS = Decimal(24)
MAX_ATTENDEES = 100_000
FUTURE_DAYS = 365


def latest_date() -> dt.date:
    """The last date that may be recorded: a year from today."""
    return seoul_today() + dt.timedelta(days=FUTURE_DAYS)


def _district(by: User) -> District:
    require(by, "edit_plans", _("교육·포상·민관 협약은 구 기획 담당과 구 관리자가 기록합니다."))
    staff = membership(by)
    if staff is None:
        raise RuleError(_("소속 자치구가 없는 계정은 기록할 수 없습니다."))
    return staff.district


def problems(district: District, *, date_field: str, day: dt.date | None, plan: AnnualPlan | None = None,
             dong: Dong | None = None, hours: Decimal | int | None = None,
             attendees: int | None = None) -> dict[str, str]:
    """Every rule an activity record breaks, by field (``None``: not given, nothing to check). The forms show
    them beside their fields; the services refuse with them."""
    out = {}
    if plan is not None and plan.district_id != district.pk:
        out["plan"] = _("다른 자치구의 계획에는 연결할 수 없습니다.")
    if day is not None and day > latest_date():
        out[date_field] = _("날짜는 오늘부터 1년 이내여야 합니다.")
    elif day is not None and (problem := bounds.day_problem(day)) is not None:
        out[date_field] = problem
    if dong is not None and dong.district_id != district.pk:
        out["dong"] = _("우리 자치구의 행정동만 고를 수 있습니다.")
    if hours is not None and not (0 < Decimal(hours) <= MAX_HOURS):
        out["hours"] = _("교육 시간은 0시간보다 길고 24시간 이하여야 합니다.")
    if attendees is not None and attendees < 0:
        out["attendees"] = _("참석 인원은 0명 이상이어야 합니다.")
    elif attendees is not None and attendees > MAX_ATTENDEES:
        out["attendees"] = _("참석 인원은 %(max)s명 이하로 적어 주세요.") % {"max": f"{MAX_ATTENDEES:,}"}
    return out


def _refuse(found: dict[str, Any]) -> None:
    if found:
        raise RuleError(found)


def _validated(obj: M) -> M:
    try:
        obj.full_clean(exclude=["district"])
    except ValidationError as error:
        raise RuleError(error.message_dict) from error
    return obj


def _save(model: type[M], instance: M | None, *, district: District, by: User, fields: dict[str, Any],
          verb: str) -> M:
    if instance is None:
        obj = _validated(model(district=district, **fields))
        obj.save()
        log_action(obj, f"{verb}.created", user=by,
                   changes={name: [None, None if value is None else str(value)] for name, value in fields.items()})
        return obj
    if instance.district_id != district.pk:  # type: ignore[attr-defined]
        raise RuleError(_("다른 자치구의 기록은 고칠 수 없습니다."))
    probe = copy.copy(instance)  # checked before anything changes
    for name, value in fields.items():
        setattr(probe, name, value)
    _validated(probe)
    instance, _changes = model_update(instance, fields, fields, by=by, verb=f"{verb}.updated")
    return instance


@transaction.atomic
def training_save(*, by: User, training: Training | None = None, title: str, dong: Dong | None,
                  plan: AnnualPlan | None, held_on: dt.date, hours: Decimal | int, audience: str,
                  attendees: int) -> Training:
    district = _district(by)
    _refuse(problems(district, date_field="held_on", day=held_on, plan=plan, dong=dong, hours=hours,
                     attendees=attendees))
    fields = {"title": title, "dong": dong, "plan": plan, "held_on": held_on, "hours": hours, "audience": audience,
              "attendees": attendees}
    return _save(Training, training, district=district, by=by, fields=fields, verb="plans.training")


@transaction.atomic
def award_save(*, by: User, award: Award | None = None, recipient: str, recipient_kind: str, title: str,
               plan: AnnualPlan | None, awarded_on: dt.date) -> Award:
    district = _district(by)
    _refuse(problems(district, date_field="awarded_on", day=awarded_on, plan=plan))
    fields = {"recipient": recipient, "recipient_kind": recipient_kind, "title": title, "plan": plan,
              "awarded_on": awarded_on}
    return _save(Award, award, district=district, by=by, fields=fields, verb="plans.award")


@transaction.atomic
def partnership_save(*, by: User, partnership: Partnership | None = None, partner: str, signed_on: dt.date,
                     scope: str, plan: AnnualPlan | None) -> Partnership:
    district = _district(by)
    _refuse({**problems(district, date_field="signed_on", day=signed_on, plan=plan),
             **bounds.Checks().text("scope", scope, bounds.NOTE_TEXT).errors})
    fields = {"partner": partner, "signed_on": signed_on, "scope": scope, "plan": plan}
    return _save(Partnership, partnership, district=district, by=by, fields=fields, verb="plans.partnership")
