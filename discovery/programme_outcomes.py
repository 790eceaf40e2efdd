"""The programmes' outcome figures: per programme (or per dong) and instrument, the participants measured before
and after, the mean before, the mean after and the mean paired difference (after − before, over the participants
measured both times). The programme page, the programme list and the plan dashboard read these functions.

Set-based: one grouped query per call, whatever the number of programmes, dongs or participants (the before score
is a correlated subquery of each after score, averaged in the database).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, OuterRef, Subquery
from django.utils.safestring import SafeString

from plans.charts import before_after_svg

from .models import Instrument, Measurement, Phase, Programme

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Outcome:
    key: int  # the programme's or the dong's id
    instrument_id: int
    measured: int  # participants measured before and after
    mean_before: Decimal
    mean_after: Decimal
    mean_change: Decimal  # mean of (after − before)

    def improved(self, instrument: Instrument) -> bool:
        return self.mean_change > 0 if instrument.higher_is_better else self.mean_change < 0


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(ONE_DECIMAL)


def _grouped(by: str, programme_ids=None, dong_ids=None) -> list[Outcome]:
    before = Measurement.objects.filter(participant_id=OuterRef("participant_id"),
                                        instrument_id=OuterRef("instrument_id"), phase=Phase.BEFORE)
    rows = Measurement.objects.filter(phase=Phase.AFTER)
    if programme_ids is not None:
        rows = rows.filter(participant__programme_id__in=programme_ids)
    if dong_ids is not None:
        rows = rows.filter(participant__programme__dong_id__in=dong_ids)
    rows = (rows.annotate(before=Subquery(before.values("score")[:1])).filter(before__isnull=False)
            .values(by, "instrument_id")
            .annotate(n=Count("participant_id", distinct=True), mean_before=Avg("before"), mean_after=Avg("score"),
                      mean_change=Avg(F("score") - F("before")))
            .order_by(by, "instrument_id"))
    return [Outcome(row[by], row["instrument_id"], row["n"], _q(row["mean_before"]), _q(row["mean_after"]),
                    _q(row["mean_change"])) for row in rows]


def by_programme(programme_ids: Iterable[int]) -> dict[int, list[Outcome]]:
    """Outcomes of each programme, by programme id. One query."""
    out: dict[int, list[Outcome]] = {}
    for outcome in _grouped("participant__programme_id", programme_ids=list(programme_ids)):
        out.setdefault(outcome.key, []).append(outcome)
    return out


def by_dong(dong_ids: Iterable[int], *, year: int | None = None) -> dict[int, list[Outcome]]:
    """Outcomes of all the programmes of each dong (of programmes starting in ``year``), by dong id. One query."""
    ids = list(dong_ids)
    if year is not None:
        programme_ids = Programme.objects.filter(dong_id__in=ids, starts_on__year=year).values("pk")
        outcomes = _grouped("participant__programme__dong_id", programme_ids=programme_ids)
    else:
        outcomes = _grouped("participant__programme__dong_id", dong_ids=ids)
    out: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        out.setdefault(outcome.key, []).append(outcome)
    return out


def instruments() -> dict[int, Instrument]:
    """Every instrument with its items, by id (a handful of rows). Two queries."""
    return {i.pk: i for i in Instrument.objects.prefetch_related("items")}


def rows(found: list[Outcome], by_id: dict[int, Instrument]) -> list[dict]:
    """For the templates: each outcome with its instrument and whether it moved the good way."""
    return [{"outcome": o, "instrument": by_id[o.instrument_id], "improved": o.improved(by_id[o.instrument_id])}
            for o in found]


def charts(labelled: list[tuple[str, list[Outcome]]], by_id: dict[int, Instrument],
           title: str) -> list[tuple[Instrument, SafeString]]:
    """One chart per instrument: a pair of bars (mean before, mean after) per labelled group (a programme, a
    dong), on an axis up to the instrument's highest total."""
    out = []
    for instrument in sorted(by_id.values(), key=lambda i: i.code):
        pairs = [(label, float(o.mean_before), float(o.mean_after)) for label, found in labelled
                 for o in found if o.instrument_id == instrument.pk]
        if pairs:
            top = instrument.max_value * len(instrument.items.all())
            out.append((instrument, before_after_svg(pairs, scale_max=top, title=f"{instrument.short_name} {title}")))
    return out
