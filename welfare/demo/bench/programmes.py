"""Bench scenario of the social-network programmes (issue 17): the programme outcomes on the plan dashboard at
district scale — every dong of 성동구 running programmes with their participants measured before and after."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from discovery import programme_outcomes as outcomes
from discovery.models import Instrument, Measurement, Participant, Programme
from households.models import Resident
from plans.models import AnnualPlan

from ..plans import seed_plans
from .core import Bench, CaptureQueries, Row, page_row, rolled_back

PROGRAMMES_PER_DONG = 4
PARTICIPANTS_PER_PROGRAMME = 30


def _top_up(district, today: dt.date) -> tuple[int, int]:
    """Programmes in every dong with measured participants (bulk inserts; rolled back by the caller)."""
    rng = random.Random(17)
    instruments = list(Instrument.objects.filter(district=None, code__in=["lsns6", "ucla3"])
                       .prefetch_related("items"))
    start = dt.date(today.year, 1, 1)
    dongs = list(district.dongs.all())
    programmes = Programme.objects.bulk_create([
        Programme(dong=dong, title=f"벤치 프로그램 {i + 1}", place="주민센터", starts_on=start,
                  ends_on=start + dt.timedelta(days=90)) for dong in dongs for i in range(PROGRAMMES_PER_DONG)])
    residents: dict[int, list[int]] = {}
    for rid, dong_id in Resident.objects.filter(household__dong__in=dongs).values_list("pk", "household__dong_id"):
        residents.setdefault(dong_id, []).append(rid)
    participants = []
    for p in programmes:
        pool = residents.get(p.dong_id, [])
        picked = rng.sample(pool, min(len(pool), PARTICIPANTS_PER_PROGRAMME))
        participants += [Participant(programme=p, resident_id=rid, enrolled_on=start) for rid in picked]
    participants = Participant.objects.bulk_create(participants)
    rows = []
    for p in participants:
        for instrument in instruments:
            n = len(instrument.items.all())
            for phase in ("before", "after"):
                answers = [rng.randint(instrument.min_value, instrument.max_value) for _ in range(n)]
                rows.append(Measurement(participant=p, instrument=instrument, phase=phase, measured_on=start,
                                        answers=answers, score=Decimal(sum(answers))))
    Measurement.objects.bulk_create(rows, batch_size=5000)
    return len(programmes), len(participants)


def programme_outcomes(bench: Bench) -> list[Row]:
    planner = get_user_model().objects.get(username="planner")
    district = planner.staff.district
    today = timezone.localdate()
    seed_plans(district=district, by=planner, today=today)
    rows = []
    with rolled_back():
        plan = AnnualPlan.objects.filter(district=district, year=today.year).current().first()
        if plan is None:
            plan = AnnualPlan.objects.create(district=district, year=today.year, title="bench")
        made, people = _top_up(district, today)
        dong_ids = list(district.dongs.values_list("pk", flat=True))
        note = f"{len(dong_ids)} dongs, +{made} programmes, +{people} participants measured before and after"
        client = bench.login("planner")
        try:
            rows.append(page_row(bench, client, "programme_outcomes", "plan dashboard (planner, all dongs)",
                                 reverse("plans:plan_dashboard", args=[plan.pk]), note))
            rows.append(page_row(bench, client, "programme_outcomes", "programme list (planner)",
                                 reverse("discovery:programme_list")))
        finally:
            client.logout()
        rows += _programme_page(bench)
        median, p95 = bench.time(lambda: outcomes.by_dong(dong_ids, year=plan.year))
        with CaptureQueries(connection) as queries:
            outcomes.by_dong(dong_ids, year=plan.year)
        rows.append(Row("programme_outcomes", "read model alone (by_dong)", median, p95, len(queries),
                        note="one grouped query"))
    return rows


def _programme_page(bench: Bench) -> list[Row]:
    """A programme's own page as the official who runs it: its participants, and the enrolment search, which finds
    a few of the dong's residents by name (the page once listed every one of them in a select: 500 ms)."""
    official = get_user_model().objects.get(username="official")
    programme = (Programme.objects.filter(dong__in=official.staff.dongs.all(), title__startswith="벤치")
                 .order_by("pk").first())
    if programme is None:
        return []
    residents = Resident.objects.current().filter(household__dong_id=programme.dong_id)
    name = residents.order_by("pk").values_list("name", flat=True).first() or "김민"
    url = reverse("discovery:programme_detail", args=[programme.pk])
    note = (f"{programme.participants.count()} participants; the dong's {residents.count():,} current residents "
            f"are never listed")
    client = bench.login("official")
    try:
        return [
            page_row(bench, client, "programme_page", "programme page (official)", url, note),
            page_row(bench, client, "programme_page", f"enrolment search ?find={name[:2]}", f"{url}?find={name[:2]}",
                     "at most 20 residents shown"),
        ]
    finally:
        client.logout()
