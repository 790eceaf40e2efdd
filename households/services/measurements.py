"""Households services: health measurements from devices (blood pressure, glucose, steps, weight).

One entry point, :func:`measurements_record`, for the check-in API (all or nothing) and the bulk endpoint (each
row on its own): every rule once, set-based whatever the number of rows — one read of the external ids already
stored, one of the consents, one of the earlier weights, one INSERT of the readings, one of the access log, and
for the out-of-range households one read of their open alerts, one of their owners and nurses, one INSERT of
follow-ups, one read back and one INSERT of notifications.

Decisions (README, "건강 측정"):
- Consent: a reading is stored only when its person (the household head for a shared device) holds an active
  consent to sensitive data (ConsentScope.SENSITIVE, PIPA art. 23); otherwise it is refused with its reason,
  never stored and hidden.
- Idempotence: a gateway's ``external_id`` already stored answers the stored reading (``existing``), unchanged.
- Alert: an out-of-range reading raises ONE open follow-up of reason ``health`` per household (a database
  constraint: one open per household and reason), high priority, due today, assigned to the dong's visiting nurse
  (else the household's owner), who is notified once per alert; the check-in it came with is marked an alert.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_actions
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.models import Notification, NotificationKind, StaffMembership
from welfare.notifications import notify_many
from welfare.permissions import can, roles_with

from ..measurement_ranges import out_of_range, ranges
from ..models import (
    CheckIn,
    FollowUp,
    FollowUpPriority,
    FollowUpReason,
    FollowUpStatus,
    Household,
    Measurement,
    MeasurementKind,
    Resident,
)
from ..ownership import owner_expr
from .followups import checkin_record
from .rules import sensitive_consent_holders

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EXTERNAL_ID_MAX = bounds.max_length(Measurement, "external_id")
DEVICE_ID_MAX = bounds.max_length(Measurement, "device_id")
MAX_ROWS = 500  # one request's readings (a gateway sends a day of a few hundred households at most)
WEIGHT_LOOKBACK = dt.timedelta(days=365)  # the previous weight a change is measured against


@dataclass(frozen=True)
class MeasurementInput:
    """One reading as the API (or the demo) gives it; the service checks everything."""

    household: Household
    kind: str
    value: Decimal | None
    value2: Decimal | None = None
    measured_at: dt.datetime | None = None
    resident: Resident | None = None
    external_id: str | None = None
    device_id: str = ""


@dataclass
class MeasurementBatch:
    created: list[Measurement] = field(default_factory=list)
    existing: list[Measurement] = field(default_factory=list)
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # the row's index → {field: sentence}
    alerts: list[FollowUp] = field(default_factory=list)  # follow-ups raised by this batch (not the open ones)


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class _Checked:
    """A row that passed every rule, with its values as stored."""

    row: MeasurementInput
    external_id: str | None
    value: Decimal
    value2: Decimal | None
    at: dt.datetime

    @property
    def subject(self) -> tuple[int, int | None]:
        return self.row.household.pk, self.row.resident.pk if self.row.resident is not None else None


def measurement_rules(row: MeasurementInput) -> dict[str, str]:
    """The refusals of one reading on its own (kind, possible values, time, person, ids): ``{field: sentence}``."""
    errors: dict[str, str] = {}
    table = ranges().get(row.kind)
    if table is None:
        return {"kind": _("측정 항목은 혈압, 혈당, 걸음 수, 체중 중 하나여야 합니다.")}
    value, value2 = _decimal(row.value), _decimal(row.value2)
    low, high = table.possible
    unit = str(table.unit)
    if value is None or not value.is_finite():
        errors["value"] = _("측정값을 숫자로 보내세요.")
    elif not low <= value <= high:
        errors["value"] = _("%(kind)s 측정값은 %(low)s~%(high)s %(unit)s 사이여야 합니다. (받은 값 %(value)s)") % {
            "kind": MeasurementKind(row.kind).label, "low": f"{low:,}", "high": f"{high:,}", "unit": unit,
            "value": value}
    elif table.whole and value != value.to_integral_value():
        errors["value"] = _("%(kind)s는 정수로 보내세요.") % {"kind": MeasurementKind(row.kind).label}
    elif value != value.quantize(Decimal("0.1")):
        errors["value"] = _("측정값은 소수 첫째 자리까지 보내세요.")
    if table.possible2 is None:
        if value2 is not None:
            errors["value2"] = _("%(kind)s에는 두 번째 값이 없습니다.") % {"kind": MeasurementKind(row.kind).label}
    else:
        low2, high2 = table.possible2
        if value2 is None or not value2.is_finite():
            errors["value2"] = _("혈압은 이완기 혈압(value2)도 보내세요.")
        elif not low2 <= value2 <= high2:
            errors["value2"] = _("이완기 혈압은 %(low)s~%(high)s mmHg 사이여야 합니다. (받은 값 %(value)s)") % {
                "low": low2, "high": high2, "value": value2}
        elif value2 != value2.quantize(Decimal("0.1")):
            errors["value2"] = _("측정값은 소수 첫째 자리까지 보내세요.")
        elif "value" not in errors and value is not None and value2 >= value:
            errors["value2"] = _("이완기 혈압이 수축기 혈압보다 낮아야 합니다.")
    if row.measured_at is None:
        errors["measured_at"] = _("측정 일시를 보내세요.")
    elif problem := bounds.moment_problem(row.measured_at, future=_("측정 일시가 미래입니다.")):
        errors["measured_at"] = problem
    if row.resident is not None and (row.resident.household_id != row.household.pk
                                     or row.resident.left_on is not None):
        errors["resident"] = _("이 세대의 현재 가구원이 아닙니다.")
    checks = bounds.Checks().text("external_id", row.external_id or "", EXTERNAL_ID_MAX).text(
        "device_id", row.device_id, DEVICE_ID_MAX)
    errors.update({name: messages[0] for name, messages in checks.errors.items()})
    return errors


def measurements_record(*, by: User | None, rows: Sequence[MeasurementInput], check_in: CheckIn | None = None,
                        all_or_nothing: bool = False) -> MeasurementBatch:
    """Record readings: the good ones go in, each bad one is reported with its index (``errors``), unless
    ``all_or_nothing`` (a check-in's readings), where any bad row refuses them all with a RuleError naming
    ``measurements.<index>.<field>``. ``by`` is None for a job of the product's own (the demo)."""
    if by is not None and not can(by, "view_health_measurements"):
        raise RuleError(_("건강 측정을 기록할 권한이 없습니다."))
    if len(rows) > MAX_ROWS:
        raise RuleError({"measurements": _("한 번에 %(n)s건까지 보낼 수 있습니다.") % {"n": MAX_ROWS}})
    try:
        return _record(by=by, rows=rows, check_in=check_in, all_or_nothing=all_or_nothing)
    except IntegrityError:
        # Two deliveries of the same readings raced past the id lookup: the unique id let one in; again, the
        # lookup now finds them.
        return _record(by=by, rows=rows, check_in=check_in, all_or_nothing=all_or_nothing)


@transaction.atomic
def _record(*, by, rows, check_in, all_or_nothing) -> MeasurementBatch:
    batch = MeasurementBatch()
    ids = [(r.external_id or "").strip() or None for r in rows]
    stored = {m.external_id: m for m in Measurement.objects.filter(external_id__in=[i for i in ids if i])}
    household_ids = {r.household.pk for r in rows}
    consenting_residents, consenting_heads = sensitive_consent_holders(household_ids)
    good: list[_Checked] = []
    seen: dict[str, int] = {}
    for index, (row, external_id) in enumerate(zip(rows, ids, strict=True)):
        if external_id is not None and external_id in stored:
            earlier = stored[external_id]
            if earlier.household_id != row.household.pk:
                batch.errors[index] = {"external_id": _("이미 사용한 external_id입니다.")}
            else:
                batch.existing.append(earlier)
            continue
        if external_id is not None and external_id in seen:
            batch.errors[index] = {"external_id": _("같은 요청에 같은 external_id가 두 번 있습니다.")}
            continue
        errors = measurement_rules(row)
        if not errors and not _consents(row, consenting_residents, consenting_heads):
            errors["resident" if row.resident else "household"] = (
                _("이 가구원의 민감정보(건강) 처리 동의가 없어 측정값을 저장하지 않았습니다.") if row.resident else
                _("세대주의 민감정보(건강) 처리 동의가 없어 공용 기기의 측정값을 저장하지 않았습니다."))
        if errors:
            batch.errors[index] = errors
            continue
        if external_id is not None:
            seen[external_id] = index
        value = _decimal(row.value)
        assert value is not None and row.measured_at is not None  # the rules refused them otherwise
        good.append(_Checked(row, external_id, value, _decimal(row.value2), row.measured_at))
    if batch.errors and all_or_nothing:
        raise RuleError({f"measurements.{i}.{name}": message
                         for i, errors in sorted(batch.errors.items()) for name, message in errors.items()})
    previous = _previous_weights(good)
    readings = []
    for c in good:
        before = previous(c) if c.row.kind == MeasurementKind.WEIGHT else None
        readings.append(Measurement(
            household=c.row.household, resident=c.row.resident, check_in=check_in, kind=c.row.kind, value=c.value,
            value2=c.value2, measured_at=c.at, device_id=c.row.device_id.strip(), external_id=c.external_id,
            is_out_of_range=out_of_range(c.row.kind, c.value, c.value2, before), recorded_by=by))
    if not readings:
        return batch
    batch.created = Measurement.objects.bulk_create(readings)
    log_actions(batch.created, "households.measurement.recorded", user=by)
    flagged = [m for m in batch.created if m.is_out_of_range]
    if flagged:
        if check_in is not None:
            CheckIn.objects.filter(pk=check_in.pk).update(is_alert=True)
        batch.alerts = _raise_health_alerts(flagged)
    return batch


def _consents(row: MeasurementInput, residents: set[int], heads: set[int]) -> bool:
    return row.resident.pk in residents if row.resident is not None else row.household.pk in heads


def _previous_weights(rows: list[_Checked]) -> Callable[[_Checked], Decimal | None]:
    """``previous(row)``: the same person's (or device's) weight just before the row, among the stored ones of the
    last year and the batch's own, read in one query."""
    weights = [c for c in rows if c.row.kind == MeasurementKind.WEIGHT]
    series: dict[tuple[int, int | None], list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    if weights:
        since = min(c.at for c in weights) - WEIGHT_LOOKBACK
        for household_id, resident_id, at, value in Measurement.objects.filter(
            kind=MeasurementKind.WEIGHT, household_id__in={c.row.household.pk for c in weights},
            measured_at__gte=since,
        ).values_list("household_id", "resident_id", "measured_at", "value"):
            series[(household_id, resident_id)].append((at, value))
    for c in weights:
        series[c.subject].append((c.at, c.value))
    for points in series.values():
        points.sort(key=lambda p: p[0])

    def previous(c: _Checked) -> Decimal | None:
        points = series[c.subject]
        at = bisect.bisect_left([p[0] for p in points], c.at)
        return points[at - 1][1] if at > 0 else None

    return previous


def _raise_health_alerts(flagged: list[Measurement]) -> list[FollowUp]:
    """One open ``health`` follow-up per household with an out-of-range reading, unless one is open already;
    its nurse(s) — or its owner — are told once per follow-up."""
    first: dict[int, Measurement] = {}
    for m in sorted(flagged, key=lambda m: m.measured_at):
        first.setdefault(m.household_id, m)
    open_already = set(FollowUp.objects.filter(household_id__in=list(first), reason=FollowUpReason.HEALTH,
                                               status=FollowUpStatus.OPEN).values_list("household_id", flat=True))
    new = [pk for pk in first if pk not in open_already]
    if not new:
        return []
    households = {pk: (owner, dong_id) for pk, owner, dong_id in Household.objects.filter(pk__in=new).annotate(
        owner=owner_expr()).values_list("pk", "owner", "dong_id")}
    nurses: dict[int, list[int]] = defaultdict(list)
    for dong_id, user_id in StaffMembership.dongs.through.objects.filter(
        dong_id__in={d for _o, d in households.values()},
        staffmembership__role__in=roles_with("receive_health_alerts"), staffmembership__user__is_active=True,
    ).order_by("staffmembership__user_id").values_list("dong_id", "staffmembership__user_id"):
        nurses[dong_id].append(user_id)
    today = seoul_today()

    def note(m: Measurement) -> str:
        # No value nor kind here: follow-ups are read by roles that may not see health data (the team's lists,
        # district admins); the reading itself is on the household's 건강 측정 section.
        return _("기기 측정값이 정상 범위를 벗어났습니다 (%(day)s). 건강 측정에서 확인하세요.") % {
            "day": f"{timezone.localtime(m.measured_at):%Y-%m-%d %H:%M}"}

    FollowUp.objects.bulk_create(
        [FollowUp(household_id=pk, due_on=today, reason=FollowUpReason.HEALTH, priority=FollowUpPriority.HIGH,
                  assigned_to_id=(nurses[households[pk][1]] or [households[pk][0]])[0], note=note(first[pk]))
         for pk in new],
        ignore_conflicts=True,
    )
    raised = list(FollowUp.objects.filter(household_id__in=new, reason=FollowUpReason.HEALTH,
                                          status=FollowUpStatus.OPEN).select_related("household"))
    notify_many([
        Notification(user_id=user_id, kind=NotificationKind.CHECKIN_ALERT,
                     title=_("건강 측정 이상: %(address)s") % {"address": f.household.full_address},
                     url=reverse("households:detail", args=[f.household_id]), household_id=f.household_id,
                     dedupe_key=f"health:followup:{f.pk}")
        for f in raised
        for user_id in dict.fromkeys(nurses[households[f.household_id][1]] or [households[f.household_id][0]])
        if user_id is not None
    ])
    return raised


@transaction.atomic
def checkin_record_with_measurements(*, household: Household, by: User | None, source: str, is_alert: bool,
                                     note: str, at: dt.datetime, external_id: str | None,
                                     rows: Sequence[MeasurementInput]) -> tuple[CheckIn, bool]:
    """A gateway's check-in with the readings it carries, all or nothing: a refused reading refuses the check-in
    too (400 naming ``measurements.<index>.<field>``), so the gateway corrects and resends the message whole. A
    resent check-in (its ``external_id`` known) answers the first one and records no reading again."""
    if rows and by is not None and not can(by, "view_health_measurements"):
        raise RuleError({"measurements": _("건강 측정을 기록할 권한이 없습니다.")})
    check_in, created = checkin_record(household=household, by=by, source=source, is_alert=is_alert, note=note,
                                       at=at, external_id=external_id)
    if created and rows:
        measurements_record(by=by, rows=rows, check_in=check_in, all_or_nothing=True)
    return check_in, created
