"""Writes to the plan's activity records: capacity-building trainings, awards and public-private partnerships.

Planners and district admins write, always in their own district; every save is audited (log_action) and every
refusal is a RuleError with a sentence for the user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.scoping import membership

from .models import Award, Partnership, Training
from .services import PLANNERS, _require

MAX_HOURS = Decimal(24)
FUTURE_DAYS = 365


def latest_date() -> dt.date:
    """The last date that may be recorded: a year from today."""
    return timezone.localdate() + dt.timedelta(days=FUTURE_DAYS)


def _district(by):
    _require(by, PLANNERS, _("교육·포상·민관 협약은 구 기획 담당과 구 관리자가 기록합니다."))
    staff = membership(by)
    if staff is None:
        raise RuleError(_("소속 자치구가 없는 계정은 기록할 수 없습니다."))
    return staff.district


def _check_common(district, fields: dict[str, Any], date_field: str) -> None:
    plan = fields.get("plan")
    if plan is not None and plan.district_id != district.pk:
        raise RuleError(_("다른 자치구의 계획에는 연결할 수 없습니다."))
    day = fields.get(date_field)
    if day is not None and day > latest_date():
        raise RuleError(_("날짜는 오늘부터 1년 이내여야 합니다."))


def _save(model: type[models.Model], instance, *, district, by, fields: dict[str, Any], verb: str):
    if instance is not None and instance.district_id != district.pk:
        raise RuleError(_("다른 자치구의 기록은 고칠 수 없습니다."))
    created = instance is None
    obj = instance or model(district=district)
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name, None)
        if created or old != value:
            changes[name] = [None if created else str(old), None if value is None else str(value)]
        setattr(obj, name, value)
    obj.full_clean(exclude=["district"])
    obj.save()
    log_action(obj, f"{verb}.{'created' if created else 'updated'}", user=by, changes=changes)
    return obj


@transaction.atomic
def training_save(*, by, training: Training | None = None, **fields: Any) -> Training:
    district = _district(by)
    _check_common(district, fields, "held_on")
    dong = fields.get("dong")
    if dong is not None and dong.district_id != district.pk:
        raise RuleError(_("우리 자치구의 행정동만 고를 수 있습니다."))
    hours = fields.get("hours")
    if hours is not None and not (0 < Decimal(hours) <= MAX_HOURS):
        raise RuleError(_("교육 시간은 0시간보다 길고 24시간 이하여야 합니다."))
    if fields.get("attendees") is not None and fields["attendees"] < 0:
        raise RuleError(_("참석 인원은 0명 이상이어야 합니다."))
    return _save(Training, training, district=district, by=by, fields=fields, verb="plans.training")


@transaction.atomic
def award_save(*, by, award: Award | None = None, **fields: Any) -> Award:
    district = _district(by)
    _check_common(district, fields, "awarded_on")
    return _save(Award, award, district=district, by=by, fields=fields, verb="plans.award")


@transaction.atomic
def partnership_save(*, by, partnership: Partnership | None = None, **fields: Any) -> Partnership:
    district = _district(by)
    _check_common(district, fields, "signed_on")
    return _save(Partnership, partnership, district=district, by=by, fields=fields, verb="plans.partnership")
