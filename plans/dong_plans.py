"""Read model of the per-dong discovery plans: each dong's district targets and its own (local) targets against the
actuals to date, from the same nightly figures and the same pace rules as the district dashboard
(plans.dashboard), with its focus areas and planned actions. Constant queries whatever the number of dongs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from welfare.common.dates import seoul_today
from welfare.models import Dong

from .dashboard import Progress, expected_to_date, pace_of, plan_progress
from .metrics import METRICS
from .models import ActionStatus, AnnualPlan, DongPlan, DongPlanTarget, FocusArea, PlannedAction
from .selectors import actuals_for_year


@dataclass
class DongPlanView:
    plan: AnnualPlan
    dong: Dong
    dong_plan: DongPlan | None
    district_targets: list[Progress]
    local_targets: list[Progress]
    focus_areas: list[FocusArea] = field(default_factory=list)
    actions: list[PlannedAction] = field(default_factory=list)
    today: dt.date | None = None

    @property
    def overdue(self) -> list[PlannedAction]:
        return [a for a in self.actions if a.status != ActionStatus.DONE and self.today and a.due_on < self.today]


def dong_plan_view(plan: AnnualPlan, dong: Dong, *, today: dt.date | None = None) -> DongPlanView:
    today = today or seoul_today()
    board = plan_progress(plan, dong_ids=[dong.pk], today=today, with_trends=False)
    district = [c for row in board.dongs for c in row.cells if c is not None]
    dong_plan = DongPlan.objects.filter(plan=plan, dong=dong).first()
    if dong_plan is None:
        return DongPlanView(plan, dong, None, district, [], today=today)
    targets = [t for t in dong_plan.local_targets.all() if t.metric in METRICS]
    actual = actuals_for_year(dong_ids=[dong.pk], year=plan.year, metric_codes=[t.metric for t in targets]) \
        if targets else {}
    local = []
    for t in targets:
        done = actual.get((dong.pk, t.metric), 0)
        expected = expected_to_date(t.metric, t.target, plan.year, today)
        local.append(Progress(t.metric, t.target, 0, done, expected, pace_of(done, expected)))
    return DongPlanView(
        plan, dong, dong_plan, district, local,
        focus_areas=list(dong_plan.focus_areas.all()),
        actions=list(dong_plan.actions.select_related("focus_area")),
        today=today)


@dataclass
class DongPlanRow:
    dong: Dong
    dong_plan_id: int | None
    focus_areas: int
    actions: int
    done: int
    overdue: int
    behind: int  # district targets behind the pace


def overview(plan: AnnualPlan, dong_ids: Iterable[int], *, today: dt.date | None = None) -> list[DongPlanRow]:
    """Every dong of the plan's district the user sees, with its dong plan's counts and how many of its district
    targets are behind: dongs 1, dong plans 1, actions 1, plus the dashboard's read model."""
    today = today or seoul_today()
    ids = list(dong_ids)
    dongs = list(Dong.objects.filter(district_id=plan.district_id, pk__in=ids).order_by("name"))
    plans = {d["dong_id"]: d for d in DongPlan.objects.filter(plan=plan, dong_id__in=ids)
             .values("dong_id", "pk").annotate(n_focus=Count("focus_areas", distinct=True))}
    actions = {a["dong_plan__dong_id"]: a for a in PlannedAction.objects.filter(dong_plan__plan=plan,
                                                                               dong_plan__dong_id__in=ids)
               .values("dong_plan__dong_id").annotate(
                   n=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE)),
                   overdue=Count("pk", filter=~Q(status=ActionStatus.DONE) & Q(due_on__lt=today))).order_by()}
    board = plan_progress(plan, dong_ids=ids, today=today, with_trends=False)
    behind = {row.dong_id: row.behind for row in board.dongs}
    rows = []
    for dong in dongs:
        p, a = plans.get(dong.pk), actions.get(dong.pk, {})
        rows.append(DongPlanRow(dong, p["pk"] if p else None, p["n_focus"] if p else 0, a.get("n", 0),
                                a.get("done", 0), a.get("overdue", 0), behind.get(dong.pk, 0)))
    return rows


def local_target_map(dong_plan: DongPlan | None) -> dict[str, int]:
    if dong_plan is None:
        return {}
    return dict(DongPlanTarget.objects.filter(dong_plan=dong_plan).values_list("metric", "target"))
