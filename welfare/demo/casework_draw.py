"""The drawing of one demo household's casework: visits and follow-ups over the past year, check-ins, and for
one household under care in four a case with its stages, needs, goals, consents and service links, opened on a
day of the demo's span (welfare.demo.years: last year and this year, at the dong's pace).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from households.models import (
    AFTERCARE_REASONS,
    ASSESSMENT_DAYS,
    CLOSED_STAGES,
    PLAN_DAYS,
    CadencePolicy,
    CareStatus,
    Case,
    CaseClass,
    CaseGoal,
    CaseNeed,
    CaseStage,
    CaseStageChange,
    CheckIn,
    ClosingReason,
    Consent,
    ConsentMethod,
    ConsentScope,
    ContactResult,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    LinkStatus,
    ServiceLink,
    Visit,
    VisitNeed,
)
from households.models.cases import entry_due_dates
from plans.models import Sector

from .casework_rows import (
    ALERT_NOTES,
    AMOUNTS,
    ARCHIVED_SHARE,
    CASE_SHARE,
    CASE_SOURCES,
    CHECK_IN_SHARE,
    CHECK_IN_SOURCES,
    CLOSING_REASONS,
    DIFFICULT_SHARE,
    EARLIER_RESULTS,
    GOAL_TEXT,
    NEED_NOTES,
    NEED_WEIGHTS,
    OBSERVATIONS,
    SEVERITY_BY_RISK,
    STUCK_SHARE,
    VISIT_KINDS,
    Batch,
    ResourceRow,
)
from .common import pick, working_moment
from .years import DemoYears


def entered_limits(path: list[tuple[str, dt.date]]) -> dict[str, dt.date]:
    """The 5- and 15-day limits as the stage moves set them: from the last day the case entered each stage."""
    limits: dict[str, dt.date] = {}
    for stage, day in path:
        limits.update(entry_due_dates(stage, day))
    return limits


@dataclass
class Seeder:
    rng: random.Random
    today: dt.date
    officials: dict[int, list[int]]
    district_of: dict[int, int]
    policies: dict[int, CadencePolicy]
    resources: list[ResourceRow]
    years: DemoYears | None = None
    _serving: dict[int, list[ResourceRow]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.years is None:
            self.years = DemoYears(self.today)

    def official_for(self, dong_id: int, assigned: int | None) -> int | None:
        if assigned is not None:
            return assigned
        pool = self.officials.get(dong_id) or [None]
        return self.rng.choice(pool)

    def serving(self, dong_id: int) -> list[ResourceRow]:
        if dong_id not in self._serving:
            district = self.district_of[dong_id]
            self._serving[dong_id] = [r for r in self.resources
                                      if r.district_id == district and (not r.dong_ids or dong_id in r.dong_ids)]
        return self._serving[dong_id]

    # Visits and follow-ups ----------------------------------------------------------------------------------

    def household(self, batch: Batch, row: tuple, head_id: int | None) -> None:
        pk, dong_id, risk, status, last, nxt, assigned = row
        rng, today = self.rng, self.today
        official = self.official_for(dong_id, assigned)
        cadence = self.policies[self.district_of[dong_id]].days_for(risk)
        if last is None or nxt is None:
            last = last or today - dt.timedelta(days=rng.randint(0, cadence))
            nxt = nxt or last + dt.timedelta(days=cadence)
            batch.contact_fixes.append(Household(pk=pk, last_contact_on=last, next_contact_on=nxt))

        # 1–6 visits over the past year; the newest is the household's last contact, when someone was met.
        n = rng.randint(1, 6)
        first_day = min(today - dt.timedelta(days=365), last - dt.timedelta(days=1))
        span = (last - first_day).days - 1  # earlier visits fall on days before the last contact
        moments = sorted(working_moment(rng, first_day + dt.timedelta(days=rng.randint(0, span))) for _ in range(n - 1))
        moments.append(working_moment(rng, last))
        previous: Visit | None = None
        for k, moment in enumerate(moments):
            newest = k == n - 1
            day = timezone.localdate(moment)
            visit = Visit(
                household_id=pk, visited_at=moment, kind=pick(rng, VISIT_KINDS),
                contact_result=ContactResult.MET if newest else pick(rng, EARLIER_RESULTS),
                observations=rng.choice(OBSERVATIONS), risk_level=risk,
                next_contact_on=nxt if newest else day + dt.timedelta(days=cadence), recorded_by_id=official,
            )
            visit.created_at = visit.visited_at
            batch.visits.append(visit)
            if visit.contact_result == ContactResult.MET:
                for domain in self._domains(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]):
                    need = VisitNeed(domain=domain, severity=pick(rng, SEVERITY_BY_RISK[risk]),
                                     note=NEED_NOTES[domain] if rng.random() < 0.5 else "")
                    batch.visit_needs.append((visit, need))
            if previous is not None:
                # The cadence follow-up the previous visit opened, met by this one.
                batch.follow_ups.append((visit, FollowUp(
                    household_id=pk, due_on=timezone.localdate(previous.visited_at) + dt.timedelta(days=cadence),
                    reason=FollowUpReason.CADENCE, assigned_to_id=official, status=FollowUpStatus.DONE,
                    created_at=previous.visited_at, closed_at=visit.visited_at,
                )))
            previous = visit
        # Exactly one open cadence follow-up: due at the last contact plus the cadence.
        batch.follow_ups.append((None, FollowUp(
            household_id=pk, due_on=nxt, reason=FollowUpReason.CADENCE, assigned_to_id=official,
            status=FollowUpStatus.OPEN, created_at=previous.visited_at,
        )))

        if rng.random() < CHECK_IN_SHARE[status]:
            self.check_ins(batch, pk, official)
        if status == CareStatus.UNDER_CARE and head_id is not None and rng.random() < CASE_SHARE:
            self.case(batch, pk, dong_id, risk, head_id, official)

    def _domains(self, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            domain = pick(self.rng, NEED_WEIGHTS)
            if domain not in chosen:
                chosen.append(domain)
        return chosen

    def check_ins(self, batch: Batch, pk: int, official: int | None) -> None:
        rng = self.rng
        for _ in range(rng.randint(1, 8)):
            alert = rng.random() < 0.04
            day = self.today - dt.timedelta(days=rng.randint(0, 90))
            batch.check_ins.append(CheckIn(
                household_id=pk, at=working_moment(rng, day), source=pick(rng, CHECK_IN_SOURCES), is_alert=alert,
                note=rng.choice(ALERT_NOTES) if alert else "", recorded_by_id=None if rng.random() < 0.7 else official,
            ))

    # Cases ----------------------------------------------------------------------------------------------------

    def _path(self, opened_on: dt.date) -> tuple[list[tuple[str, dt.date]], str]:
        """The stages a case went through up to today, with their days, and a closing reason if any."""
        rng, today = self.rng, self.today
        t_assess = rng.randint(1, 3)
        t_conf = t_assess + rng.randint(5, ASSESSMENT_DAYS - 1)
        t_plan = t_conf + rng.randint(1, 5)
        t_service = max(t_plan + 1, rng.randint(14, PLAN_DAYS + 5))  # §9: intake → plan in 14–35 days
        steps = [(CaseStage.INTAKE, 0), (CaseStage.ASSESSMENT, t_assess), (CaseStage.CONFERENCE, t_conf)]
        reason = ""
        if rng.random() < 0.05:  # not selected at the conference
            close_at = t_conf + rng.randint(1, 5)
            steps += [(CaseStage.CLOSING, close_at), (CaseStage.CLOSED, close_at + rng.randint(1, 7))]
            reason = ClosingReason.NOT_ELIGIBLE
        else:
            steps += [(CaseStage.PLANNING, t_plan), (CaseStage.IN_SERVICE, t_service)]
            t = t_service
            service_days = rng.randint(90, 365)  # §9: 3–12 months in service
            if service_days > 180 and rng.random() < 0.5:
                t += 180
                steps += [(CaseStage.REASSESSMENT, t), (CaseStage.PLANNING, t + rng.randint(3, 10))]
                steps += [(CaseStage.IN_SERVICE, steps[-1][1] + rng.randint(3, 10))]
            closing = t_service + service_days
            steps += [(CaseStage.CLOSING, closing), (CaseStage.CLOSED, closing + rng.randint(3, 14))]
            steps += [(CaseStage.FOLLOW_UP, steps[-1][1] + 30)]
            reason = pick(rng, CLOSING_REASONS)
        reached = [(stage, opened_on + dt.timedelta(days=d)) for stage, d in steps
                   if opened_on + dt.timedelta(days=d) <= today]
        return reached, reason

    def _aftercare(self, batch: Batch, case: Case, pk: int, official: int | None, policy: CadencePolicy,
                   closed_on: dt.date, stage: str, side: random.Random) -> None:
        """The two after-care contacts of a closed case: made ("문제 없음") as far as the case went, else open."""
        made = {CaseStage.FOLLOW_UP: 1, CaseStage.ARCHIVED: 2}.get(stage, 0)
        for k, (reason, due_on) in enumerate(zip(AFTERCARE_REASONS, policy.aftercare_dates(closed_on), strict=True)):
            done = k < made
            batch.aftercare.append((case, FollowUp(
                household_id=pk, reason=reason, due_on=due_on, assigned_to_id=official,
                status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN, note="문제 없음" if done else "",
                closed_at=working_moment(side, min(due_on, self.today)) if done else None,
                created_at=working_moment(side, closed_on))))

    def case(self, batch: Batch, pk: int, dong_id: int, risk: str, client_id: int, official: int | None) -> None:
        rng, today = self.rng, self.today
        if rng.random() < STUCK_SHARE:
            # Past the 30-day plan limit and still before the plan: the overdue-deadline demos.
            opened_on = today - dt.timedelta(days=rng.randint(PLAN_DAYS + 1, PLAN_DAYS + 45))
            path, _reason = self._path(opened_on)
            before_plan = (CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING)
            cut = rng.choice([i for i, (s, _d) in enumerate(path) if s in before_plan])
            path, reason = path[:cut + 1], ""
        else:
            assert self.years is not None  # set in __post_init__
            opened_on = self.years.day(rng, dong_id)
            path, reason = self._path(opened_on)
        moments = [working_moment(rng, day) for _stage, day in path]
        # After-care draws from its own stream, so the rest of the demo draws as it did before it existed.
        side = random.Random(pk * 7919 + 13)
        if path[-1][0] == CaseStage.FOLLOW_UP and side.random() < ARCHIVED_SHARE:
            # No problem at the last after-care contact (about +3 months after closing): archived.
            closed_day = next(day for s, day in path if s == CaseStage.CLOSED)
            archived_on = closed_day + dt.timedelta(days=side.randint(89, 95))
            if archived_on <= today:
                path.append((CaseStage.ARCHIVED, archived_on))
                moments.append(working_moment(side, archived_on))
        stage = path[-1][0]
        for k in range(1, len(moments)):  # two changes on one day stay in order
            moments[k] = max(moments[k], moments[k - 1] + dt.timedelta(minutes=5))
        closed = stage in CLOSED_STAGES
        closed_on = next((day for s, day in path if s == CaseStage.CLOSED), None)
        policy = self.policies[self.district_of[dong_id]]
        # In service: reassessment due the district's months after the latest entry into service (some overdue).
        entered = [day for s, day in path if s == CaseStage.IN_SERVICE]
        reassessment_due_on = policy.reassessment_due(entered[-1]) if stage == CaseStage.IN_SERVICE else None
        case = Case(
            household_id=pk, client_id=client_id, opened_on=opened_on, source=pick(rng, CASE_SOURCES),
            stage=stage, case_class=CaseClass.DIFFICULT if rng.random() < DIFFICULT_SHARE else CaseClass.GENERAL,
            assigned_official_id=official, assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
            plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS),
            **entered_limits(path),
            closing_reason=reason if stage == CaseStage.CLOSING or stage in CLOSED_STAGES else "",
            closed_on=closed_on if closed else None, version=len(path), reassessment_due_on=reassessment_due_on,
            created_at=moments[0], updated_at=moments[-1],
        )
        batch.cases.append(case)
        granted = opened_on - dt.timedelta(days=rng.randint(0, 3))
        batch.consents.append(Consent(
            resident_id=client_id, scope=ConsentScope.COLLECT_USE, granted_on=granted,
            method=rng.choice((ConsentMethod.WRITTEN, ConsentMethod.WRITTEN, ConsentMethod.ELECTRONIC)),
            recorded_by_id=official, created_at=working_moment(rng, granted),
        ))
        if closed and closed_on is not None:
            self._aftercare(batch, case, pk, official, policy, closed_on, stage, side)
        previous = ""
        for (to, _day), at in zip(path, moments, strict=True):
            batch.stage_changes.append((case, CaseStageChange(
                household_id=pk, from_stage=previous, to_stage=to, at=at, by_id=official,
            )))
            previous = to
        if len(path) < 2:
            return  # still at intake: no assessment yet
        needs = []
        for priority, domain in enumerate(self._domains(rng.randint(1, 4)), start=1):
            need = CaseNeed(domain=domain, severity=pick(rng, SEVERITY_BY_RISK[risk]), priority=priority,
                            note=NEED_NOTES[domain])
            needs.append(need)
            batch.case_needs.append((case, need))
        planned = next((day for s, day in path if s == CaseStage.PLANNING), None)
        if planned is None:
            return
        for need in needs[:rng.randint(1, 3)]:
            target = planned + dt.timedelta(days=rng.randint(60, 180))
            achieved = target if closed and reason == ClosingReason.GOALS_MET and target <= today else None
            batch.goals.append((case, need, CaseGoal(text=GOAL_TEXT[need.domain], target_on=target,
                                                     achieved_on=achieved)))
        started = next((day for s, day in path if s == CaseStage.IN_SERVICE), None)
        resources = self.serving(dong_id)
        if not resources or started is None:
            return
        private = False
        for _ in range(rng.randint(1, 5)):  # §9: 1–5 links per case
            resource = rng.choice(resources)
            private = private or resource.sector == Sector.PRIVATE
            batch.links.append((case, rng.choice(needs), self._link(pk, resource, started, closed_on, official)))
        if private:  # a private provider receives personal data only with consent to provision (PIPA art. 17)
            batch.consents.append(Consent(
                resident_id=client_id, scope=ConsentScope.THIRD_PARTY, granted_on=granted,
                method=ConsentMethod.WRITTEN, recipients="민간 연계 기관", recorded_by_id=official,
                created_at=working_moment(rng, granted),
            ))

    def _link(self, pk: int, resource: ResourceRow, started: dt.date, closed_on: dt.date | None,
              official: int | None) -> ServiceLink:
        rng, today = self.rng, self.today
        requested = min(today, started + dt.timedelta(days=rng.randint(0, 20)))
        if closed_on is not None:
            status = pick(rng, ((LinkStatus.COMPLETED, 75), (LinkStatus.DECLINED, 10), (LinkStatus.STOPPED, 15)))
        else:
            status = pick(rng, ((LinkStatus.IN_SERVICE, 50), (LinkStatus.COMPLETED, 25), (LinkStatus.ACCEPTED, 15),
                                 (LinkStatus.REQUESTED, 10)))
        start = end = completed = None
        if status in (LinkStatus.IN_SERVICE, LinkStatus.COMPLETED, LinkStatus.STOPPED):
            start = min(today, requested + dt.timedelta(days=rng.randint(1, 14)))
        if status in (LinkStatus.COMPLETED, LinkStatus.STOPPED):
            end = min(today, start + dt.timedelta(days=rng.randint(7, 120)))
            completed = end if status == LinkStatus.COMPLETED else None
        band = AMOUNTS.get(resource.category)
        amount = round(rng.randint(*band), -4) if band else None
        created = working_moment(rng, requested)
        return ServiceLink(
            household_id=pk, resource_id=resource.pk, requested_on=requested, start_on=start, end_on=end,
            completed_on=completed, status=status, amount_krw=amount,
            status_reason="본인 거부" if status == LinkStatus.DECLINED else ("전출" if status == LinkStatus.STOPPED else ""),
            frequency="월 1회" if amount else "", created_by_id=official, created_at=created,
            updated_at=working_moment(rng, end) if end else created,
        )

