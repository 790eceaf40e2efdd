"""The catalogue of the Ministry's risk indicators, kept by district admins: names and the crisis signal each maps
to, the lists that use it, its other names (aliases), new indicators, and the names lists used that the
catalogue did not know (the "to map" queue). Every write is audited.

One name means one indicator: a code, a Korean or English name or an alias is refused when its key
(:func:`discovery.imports.values.indicator_key`) already names another indicator. Mapping an unknown name adds it
as an alias (so the next list is read right) and moves the targets that carried it over to the indicator,
set-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District
from welfare.services.reference import require_reference_editor

from ..imports.values import _BRACKETS, indicator_key
from ..models import (
    BigDataTarget,
    RiskIndicator,
    RiskIndicatorAlias,
    RiskSignal,
    UnmappedIndicator,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELDS = ("name_ko", "name_en", "signal", "blind_spot", "lonely_death")
CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
MOVE_BATCH = 2_000


@dataclass(frozen=True)
class IndicatorInput:
    """A new indicator (``code`` only when creating) or the editable fields of one."""

    name_ko: str
    name_en: str = ""
    signal: str = RiskSignal.OTHER
    blind_spot: bool = True
    lonely_death: bool = False
    code: str = ""

    def fields(self) -> dict[str, Any]:
        return {"name_ko": self.name_ko.strip(), "name_en": self.name_en.strip(), "signal": self.signal,
                "blind_spot": self.blind_spot, "lonely_death": self.lonely_death}


# --- Reads -----------------------------------------------------------------------------------------------------


def catalogue() -> QuerySet[RiskIndicator]:
    """Every indicator with its aliases: two queries."""
    return RiskIndicator.objects.prefetch_related("aliases").order_by("code")


def unmapped_in(district: District) -> QuerySet[UnmappedIndicator]:
    """The names waiting to be mapped that the district's targets carry, with how many: one grouped query."""
    return (UnmappedIndicator.objects.filter(mapped_to__isnull=True, targets__dong__district=district)
            .annotate(n=Count("targets")).order_by("-n", "name"))


def _owner_of(key: str) -> RiskIndicator | None:
    """The indicator a name key already means (its code, a name or an alias), or None."""
    alias = RiskIndicatorAlias.objects.filter(key=key).select_related("indicator").first()
    if alias is not None:
        return alias.indicator
    for indicator in RiskIndicator.objects.all():
        names = (indicator.code, indicator.name_ko, _BRACKETS.sub("", indicator.name_ko), indicator.name_en)
        if key in {indicator_key(n) for n in names if n}:
            return indicator
    return None


def _check_names(data: dict[str, Any], *, own: RiskIndicator | None) -> None:
    checks = bounds.Checks()
    checks.text("name_ko", data["name_ko"], bounds.max_length(RiskIndicator, "name_ko"))
    checks.text("name_en", data["name_en"], bounds.max_length(RiskIndicator, "name_en"))
    if not data["name_ko"]:
        checks.add("name_ko", _("이름을 적어 주세요."))
    if data["signal"] not in RiskSignal.values:
        checks.add("signal", _("위기 신호를 고르세요."))
    if not (data["blind_spot"] or data["lonely_death"]):
        checks.add("lonely_death", _("이 지표를 쓰는 명단을 하나 이상 고르세요."))
    checks.done()
    for field in ("name_ko", "name_en"):
        key = indicator_key(data[field])
        owner = _owner_of(key) if key else None
        if owner is not None and owner != own:
            raise RuleError({field: _("“%(name)s”은(는) 이미 ‘%(other)s’ 지표의 이름입니다.") % {
                "name": data[field], "other": owner.name_ko}})


# --- Indicators ----------------------------------------------------------------------------------------------


@transaction.atomic
def risk_indicator_update(*, row: RiskIndicator, by: User, data: dict[str, Any]) -> RiskIndicator:
    """Names, crisis signal and the lists that use the indicator (the code stays: imports and exports use it)."""
    require_reference_editor(by)
    values = {**{f: getattr(row, f) for f in FIELDS}, **{f: data[f] for f in FIELDS if f in data}}
    values["name_ko"] = (values["name_ko"] or "").strip()
    values["name_en"] = (values["name_en"] or "").strip()
    _check_names(values, own=row)
    row, _changes = model_update(row, values, FIELDS, by=by, verb="discovery.riskindicator.updated")
    return row


@transaction.atomic
def risk_indicator_create(*, by: User, data: IndicatorInput) -> RiskIndicator:
    """A new indicator of the catalogue (the Ministry adds some every year: 44 in 2023, 45 in 2024, 47 in 2025)."""
    require_reference_editor(by)
    code = data.code.strip().lower()
    if not CODE.fullmatch(code):
        raise RuleError({"code": _("코드는 영문 소문자로 시작하는 2–40자(영문 소문자·숫자·밑줄)입니다. 예: rent_arrears")})
    if RiskIndicator.objects.filter(code=code).exists() or _owner_of(indicator_key(code)) is not None:
        raise RuleError({"code": _("이미 있는 코드입니다.")})
    values = data.fields()
    _check_names(values, own=None)
    indicator = RiskIndicator.objects.create(code=code, **values)
    log_action(indicator, "discovery.riskindicator.created", user=by, changes={"code": code, **values})
    _map_waiting(indicator, by=by)
    return indicator


# --- Aliases ---------------------------------------------------------------------------------------------------


@transaction.atomic
def indicator_alias_add(*, indicator: RiskIndicator, by: User, name: str) -> RiskIndicatorAlias | None:
    """Another name for ``indicator``; names waiting in the queue under it are mapped at once. A name that is
    already this indicator's adds nothing (None)."""
    require_reference_editor(by)
    name = (name or "").strip()
    bounds.Checks().text("name", name, bounds.max_length(RiskIndicatorAlias, "name")).done()
    key = indicator_key(name)
    if not key:
        raise RuleError({"name": _("다른 이름을 적어 주세요.")})
    owner = _owner_of(key)
    if owner is not None and owner != indicator:
        raise RuleError({"name": _("“%(name)s”은(는) 이미 ‘%(other)s’ 지표의 이름입니다.") % {
            "name": name, "other": owner.name_ko}})
    if owner == indicator:
        _map_waiting(indicator, by=by)
        return None
    alias = RiskIndicatorAlias.objects.create(indicator=indicator, name=name, key=key, created_by=by)
    log_action(indicator, "discovery.riskindicator.alias_added", user=by, changes={"alias": name})
    _map_waiting(indicator, by=by)
    return alias


@transaction.atomic
def indicator_alias_remove(*, alias: RiskIndicatorAlias, by: User) -> None:
    """The name no longer means the indicator: a list that uses it again sends it to the queue."""
    require_reference_editor(by)
    log_action(alias.indicator, "discovery.riskindicator.alias_removed", user=by, changes={"alias": alias.name})
    alias.delete()


# --- The "to map" queue ----------------------------------------------------------------------------------------


def _names_of(indicator: RiskIndicator) -> set[str]:
    names = (indicator.code, indicator.name_ko, _BRACKETS.sub("", indicator.name_ko), indicator.name_en)
    keys = {indicator_key(n) for n in names if n}
    keys |= set(RiskIndicatorAlias.objects.filter(indicator=indicator).values_list("key", flat=True))
    return keys - {""}


def _map_waiting(indicator: RiskIndicator, *, by: User) -> int:
    """Map every waiting name the indicator now answers to; returns the targets moved."""
    moved = 0
    for unmapped in UnmappedIndicator.objects.filter(mapped_to__isnull=True, key__in=_names_of(indicator)):
        moved += _move(unmapped, indicator, by=by)
    return moved


def _move(unmapped: UnmappedIndicator, indicator: RiskIndicator, *, by: User) -> int:
    """The targets that carried ``unmapped`` carry ``indicator`` instead: per 2,000 targets one read and one
    INSERT, then one DELETE and one UPDATE."""
    through = BigDataTarget.unmapped_indicators.through
    known = BigDataTarget.indicators.through
    target_ids = list(through.objects.filter(unmappedindicator=unmapped).values_list("bigdatatarget_id", flat=True))
    for start in range(0, len(target_ids), MOVE_BATCH):
        known.objects.bulk_create([known(bigdatatarget_id=t, riskindicator_id=indicator.pk)
                                   for t in target_ids[start:start + MOVE_BATCH]], ignore_conflicts=True)
    through.objects.filter(unmappedindicator=unmapped).delete()
    UnmappedIndicator.objects.filter(pk=unmapped.pk).update(mapped_to=indicator, mapped_by=by,
                                                            mapped_at=timezone.now())
    log_action(indicator, "discovery.riskindicator.mapped", user=by,
               changes={"name": unmapped.name, "targets": len(target_ids)})
    return len(target_ids)


@transaction.atomic
def unmapped_map(*, unmapped: UnmappedIndicator, indicator: RiskIndicator, by: User) -> int:
    """The name means ``indicator``: it becomes one of its aliases and its targets move over. Returns the number
    of targets moved."""
    require_reference_editor(by)
    unmapped = (UnmappedIndicator.objects.select_for_update(of=("self",)).select_related("mapped_to")
                .get(pk=unmapped.pk))
    if unmapped.mapped_to is not None:
        raise RuleError(_("“%(name)s”은(는) 이미 ‘%(other)s’ 지표에 연결되었습니다.") % {
            "name": unmapped.name, "other": unmapped.mapped_to.name_ko})
    owner = _owner_of(unmapped.key)
    if owner is not None and owner != indicator:
        raise RuleError({"indicator": _("“%(name)s”은(는) 이미 ‘%(other)s’ 지표의 이름입니다.") % {
            "name": unmapped.name, "other": owner.name_ko}})
    if owner is None:
        RiskIndicatorAlias.objects.create(indicator=indicator, name=unmapped.name[:100], key=unmapped.key,
                                          created_by=by)
        log_action(indicator, "discovery.riskindicator.alias_added", user=by, changes={"alias": unmapped.name})
    return _move(unmapped, indicator, by=by)


@transaction.atomic
def unmapped_make_indicator(*, unmapped: UnmappedIndicator, by: User, data: IndicatorInput) -> RiskIndicator:
    """The name is an indicator the catalogue lacks: it is created (the name as written is its Korean name unless
    another is given) and the targets move over."""
    require_reference_editor(by)
    if UnmappedIndicator.objects.filter(pk=unmapped.pk, mapped_to__isnull=False).exists():
        raise RuleError(_("이 이름은 이미 지표에 연결되었습니다."))
    given = data if data.name_ko.strip() else IndicatorInput(**{**data.__dict__, "name_ko": unmapped.name})
    indicator = risk_indicator_create(by=by, data=given)
    if UnmappedIndicator.objects.filter(pk=unmapped.pk, mapped_to__isnull=True).exists():
        unmapped_map(unmapped=unmapped, indicator=indicator, by=by)
    return indicator


def waiting_count(district: District) -> int:
    return UnmappedIndicator.objects.filter(
        Q(mapped_to__isnull=True) & Q(targets__dong__district=district)).distinct().count()
