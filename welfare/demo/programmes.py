"""Demo social-network programmes (issue 17): in each district, three dongs run one of park golf, side-dish making
and horticulture for isolated households this year, linked to the district's plan, with weekly sessions,
participants who consented to collection and use, attendance, and before/after scores on both default instruments
(most participants improve a little, a few do not; two are measured before only). Synthetic, set-based (bulk
inserts), and a district that already has programmes gets none: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from discovery.instrument_defaults import ensure as ensure_instruments
from discovery.models import (
    Attendance,
    Instrument,
    InstrumentItem,
    Measurement,
    Participant,
    Programme,
    ProgrammeSession,
)
from households.models import Consent, ConsentMethod, ConsentScope, Resident
from plans.models import AnnualPlan
from welfare.models import District, Dong

PROGRAMMES = (
    ("파크골프 교실", "고립 위험 중장년·어르신이 함께 치는 파크골프와 뒤풀이 모임", "구립 파크골프장", "구 파크골프협회",
     2_400_000),
    ("함께 만드는 반찬", "한 주에 한 번 반찬을 만들어 나누고 안부를 묻는 모임", "동 주민센터 공유부엌", "지역자활센터",
     3_600_000),
    ("마음 정원 원예 치유", "화분과 텃밭을 가꾸며 이웃을 사귀는 원예 프로그램", "동 주민센터 옥상 텃밭", "종합사회복지관",
     1_800_000),
)
PARTICIPANTS = 10
SESSIONS = 8


def _answers(rng: random.Random, instrument: Instrument, n_items: int, level: float) -> list[int]:
    """Answers around ``level`` (0..1 of the scale), clipped to the scale."""
    low, high = instrument.min_value, instrument.max_value
    return [min(high, max(low, round(low + (high - low) * level + rng.uniform(-0.8, 0.8)))) for _ in range(n_items)]


def seed_programmes(*, rng: random.Random, districts: Iterable[District], today: dt.date) -> int:
    ensure_instruments(Instrument, InstrumentItem)  # a flushed database (transactional tests) lost the migration's
    instruments = list(Instrument.objects.filter(district=None, code__in=["lsns6", "ucla3"])
                       .prefetch_related("items").order_by("code"))
    if len(instruments) < 2:
        return 0
    made = 0
    for district in districts:
        if Programme.objects.filter(dong__district=district).exists():
            continue
        with transaction.atomic():
            made += _seed_district(rng, district, instruments, today)
    return made


def _seed_district(rng: random.Random, district: District, instruments: list[Instrument], today: dt.date) -> int:
    plan = AnnualPlan.objects.filter(district=district, year=today.year).current().first()
    dongs = list(Dong.objects.filter(district=district).order_by("name")[:len(PROGRAMMES)])
    start = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=7 * SESSIONS + 14))
    end = max(start + dt.timedelta(days=7), min(start + dt.timedelta(days=7 * SESSIONS + 14), today))
    programmes = Programme.objects.bulk_create([
        Programme(dong=dong, plan=plan, title=title, description=text, place=place, partners=partner,
                  budget_krw=budget, starts_on=start, ends_on=end)
        for dong, (title, text, place, partner, budget) in zip(dongs, PROGRAMMES, strict=False)])
    for programme in programmes:
        programme.instruments.set(instruments)
    sessions = ProgrammeSession.objects.bulk_create([
        ProgrammeSession(programme=p, held_on=start + dt.timedelta(days=7 * (i + 1)), topic=f"{i + 1}회차")
        for p in programmes for i in range(SESSIONS) if start + dt.timedelta(days=7 * (i + 1)) <= end])
    # Participants: the first residents of the dong, asked for their consent to
    # collection and use at enrolment when they had none (the written form, dated the first day).
    participants = []
    for programme in programmes:
        resident_ids = list(Resident.objects.current().filter(household__dong=programme.dong)
                            .order_by("household_id", "pk").values_list("pk", flat=True)[:PARTICIPANTS])
        consented = set(Consent.objects.active(start).filter(scope=ConsentScope.COLLECT_USE,
                                                             resident_id__in=resident_ids)
                        .values_list("resident_id", flat=True))
        Consent.objects.bulk_create([Consent(resident_id=rid, scope=ConsentScope.COLLECT_USE, granted_on=start,
                                             method=ConsentMethod.WRITTEN)
                                     for rid in resident_ids if rid not in consented])
        participants += [Participant(programme=programme, resident_id=rid, enrolled_on=start) for rid in resident_ids]
    participants = Participant.objects.bulk_create(participants)
    by_programme: dict[int, list[Participant]] = {}
    for p in participants:
        by_programme.setdefault(p.programme_id, []).append(p)
    attendances = [Attendance(session=s, participant=p) for s in sessions if s.held_on <= today
                   for p in by_programme.get(s.programme_id, []) if rng.random() < 0.8]
    Attendance.objects.bulk_create(attendances)
    measurements = []
    for i, p in enumerate(participants):
        for instrument in instruments:
            n_items = len(instrument.items.all())
            good_up = instrument.higher_is_better
            before = rng.uniform(0.2, 0.45) if good_up else rng.uniform(0.55, 0.85)
            change = rng.uniform(-0.05, 0.3) * (1 if good_up else -1)
            for phase, level, day in (("before", before, start), ("after", before + change, end)):
                if phase == "after" and (i % PARTICIPANTS >= PARTICIPANTS - 2 or end > today):
                    continue  # two participants left before the last measure; the after measure is at the end
                answers = _answers(rng, instrument, n_items, level)
                measurements.append(Measurement(participant=p, instrument=instrument, phase=phase,
                                                measured_on=min(day, today), answers=answers,
                                                score=Decimal(sum(answers))))
    Measurement.objects.bulk_create(measurements)
    return len(programmes)
