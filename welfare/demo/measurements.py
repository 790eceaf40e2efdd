"""Demo health measurements from devices (issue 17 item 7): in each demo district, four households (under care first) in
its first staffed dong (왕십리도선동, 영등포동) have a device — a blood-pressure monitor, a glucose meter, a step
counter, a scale — whose readings of the last 60 days arrived through the gateway; the head's consent to sensitive
data is recorded first (a device's readings are stored only with it). Some readings are out of range, so the
dong's visiting nurse has an open alert. Through the services (rules, alerts), deterministic, and a district that
already has readings gets none: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from households.models import (
    CareStatus,
    CheckInSource,
    Consent,
    ConsentMethod,
    ConsentScope,
    Household,
    Measurement,
    MeasurementKind,
    Relation,
)
from households.services import MeasurementInput, checkin_record_with_measurements, measurements_record
from welfare.models import District

DONGS = {"성동구": "왕십리도선동", "영등포구": "영등포동"}
DAYS = 60
# (kind, every how many days, the reading of day n) per device household, in this order.
D = Decimal


def _blood_pressure(rng: random.Random, n: int) -> tuple[Decimal, Decimal | None]:
    high = n % 9 == 0  # now and then above 140/90
    return D(rng.randint(142, 168) if high else rng.randint(112, 134)), D(rng.randint(88, 98) if high else
                                                                           rng.randint(68, 84))


def _glucose(rng: random.Random, n: int) -> tuple[Decimal, Decimal | None]:
    return D(rng.choice((62, 195)) if n % 11 == 3 else rng.randint(88, 150)), None


def _steps(rng: random.Random, n: int) -> tuple[Decimal, Decimal | None]:
    return D(rng.randint(60, 280) if n % 13 == 5 else rng.randint(1500, 6500)), None


def _weight(rng: random.Random, n: int) -> tuple[Decimal, Decimal | None]:
    return D(f"{58 + rng.random() * 1.5:.1f}"), None


DEVICES = (
    (MeasurementKind.BLOOD_PRESSURE, 1, _blood_pressure),
    (MeasurementKind.GLUCOSE, 2, _glucose),
    (MeasurementKind.STEPS, 1, _steps),
    (MeasurementKind.WEIGHT, 7, _weight),
)


def seed_measurements(*, rng: random.Random, districts: list[District], today: dt.date) -> int:
    made = 0
    for district in districts:
        dong_name = DONGS.get(district.name)
        if dong_name is None or Measurement.objects.filter(household__dong__district=district).exists():
            continue
        made += _seed_district(rng=rng, district=district, dong_name=dong_name, today=today)
    return made


@transaction.atomic
def _seed_district(*, rng: random.Random, district: District, dong_name: str, today: dt.date) -> int:
    with_head = (Household.objects.filter(is_demo=True, dong__district=district, dong__name=dong_name,
                                          residents__relation=Relation.HEAD, residents__left_on__isnull=True)
                 .distinct())
    # The households under care or monitoring first (a small demo may have too few of them).
    cared = Case(When(status__in=(CareStatus.UNDER_CARE, CareStatus.MONITORING), then=Value(0)), default=Value(1))
    households = list(with_head.annotate(cared=cared).order_by("cared", "id")[:len(DEVICES)])
    heads = {h.pk: h.residents.filter(relation=Relation.HEAD, left_on__isnull=True).order_by("id").first()
             for h in households}
    Consent.objects.bulk_create([
        Consent(resident=head, scope=ConsentScope.SENSITIVE, granted_on=today - dt.timedelta(days=DAYS + 10),
                method=ConsentMethod.WRITTEN)
        for head in heads.values() if not head.consents.active(today).filter(scope=ConsentScope.SENSITIVE).exists()
    ])
    zone = timezone.get_current_timezone()
    made = 0
    for household, (kind, every, draw) in zip(households, DEVICES, strict=False):
        # The scale is the household's shared device; the others are the head's own.
        resident = None if kind == MeasurementKind.WEIGHT else heads[household.pk]
        rows = []
        for back in range(DAYS - 1, -1, -every):
            day = today - dt.timedelta(days=back)
            value, value2 = draw(rng, DAYS - back)
            rows.append(MeasurementInput(
                household=household, kind=kind, value=value, value2=value2, resident=resident,
                measured_at=dt.datetime.combine(day, dt.time(7, 30 + back % 20), tzinfo=zone)
                if back else timezone.now() - dt.timedelta(minutes=30),
                external_id=f"demo-m-{household.pk}-{kind}-{day:%Y%m%d}", device_id=f"demo-{kind}-{household.pk}"))
        *earlier, last = rows
        made += len(measurements_record(by=None, rows=earlier).created)
        # Today's reading came with the gateway's check-in (a sign of life too).
        check_in, _created = checkin_record_with_measurements(
            household=household, by=None, source=CheckInSource.IOT, is_alert=False, note="",
            at=last.measured_at, external_id=f"demo-ci-{household.pk}-{today:%Y%m%d}", rows=[last])
        made += check_in.measurements.count()
    return made
