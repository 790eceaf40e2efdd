"""1. Cadence follow-ups (daily): one open cadence follow-up per household under care, due as the district's
policy says."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import models, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from welfare.jobs import register

from ..models import Case, CaseStage, FollowUp, FollowUpReason, FollowUpStatus, Household
from ..ownership import owner_expr
from .common import CARE_STATUSES, HOUSEHOLD_BATCH, WRITE_BATCH, Policies, chunks, id_ranges


def next_cadence_date(*, last_contact: dt.date | None, current: dt.date | None, days: int, today: dt.date) -> dt.date:
    """The due date of a household's cadence follow-up.

    ``current`` is the date it has now (its open follow-up's, or failing that a future next-contact date typed
    on the household). The policy gives the latest date: last contact + the cadence of its risk. A date later
    than that is brought forward (the risk rose, the policy was shortened, a case went into service), unless the
    policy date has already passed: then the later date was set on purpose after the household fell behind (a
    team lead's reschedule), and moving it into the past would only make it overdue. A date earlier than the
    policy is someone's judgement and stays. Never contacted: due today, or the date already set.
    """
    if last_contact is None:
        return current or today
    policy_date = last_contact + dt.timedelta(days=days)
    if current is None or (current > policy_date and policy_date >= today):
        return policy_date
    return current



@register("schedule_followups", label="정기 접촉 예정 생성", window="day")
def schedule_followups(now: dt.datetime) -> dict[str, int]:
    """Every household under care or monitoring gets exactly one open cadence follow-up, due as
    :func:`next_cadence_date` says; ``Household.next_contact_on`` is made equal to it. Households no longer
    under care have theirs cancelled.

    Budget: per batch of 20,000 households under care, 1 read (a LEFT JOIN on the open follow-up and an EXISTS
    on an in-service case), ceil(new / 2,000) INSERTs, one UPDATE per distinct corrected date (none on a normal
    day) and one UPDATE of next_contact_on from a subquery. Memory: one batch of tuples. 19,000 households
    under care (the 100,000-household demo) run in about 1 s on PostgreSQL.
    """
    today = timezone.localdate(now)
    counts = {"households": 0, "created": 0, "corrected": 0, "cancelled": _cancel_out_of_care(now),
              "next_contact_synced": 0}
    policies = Policies.load()
    cared = Household.objects.filter(status__in=CARE_STATUSES)
    for lo, hi in id_ranges(cared, HOUSEHOLD_BATCH):
        with transaction.atomic():
            batch = _schedule_batch(cared.filter(pk__gte=lo, pk__lt=hi), today=today, policies=policies)
        for key, value in batch.items():
            counts[key] += value
    return counts


def _cancel_out_of_care(now: dt.datetime) -> int:
    stale = FollowUp.objects.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).exclude(
        household__status__in=CARE_STATUSES)
    cancelled = 0
    for household_ids in chunks(list(stale.values_list("household_id", flat=True))):
        with transaction.atomic():
            cancelled += stale.filter(household_id__in=household_ids).update(status=FollowUpStatus.CANCELLED,
                                                                             closed_at=now)
            Household.objects.filter(pk__in=household_ids).exclude(status__in=CARE_STATUSES).update(
                next_contact_on=None)
    return cancelled


def _schedule_batch(households: models.QuerySet, *, today: dt.date, policies: Policies) -> dict[str, int]:
    rows = households.annotate(
        owner=owner_expr(),
        in_service=Exists(Case.objects.filter(household=OuterRef("pk"), stage=CaseStage.IN_SERVICE)),
        open_cadence=FilteredRelation("follow_ups", condition=Q(follow_ups__status=FollowUpStatus.OPEN,
                                                                follow_ups__reason=FollowUpReason.CADENCE)),
    ).values_list("pk", "last_contact_on", "next_contact_on", "risk_level", "dong__district_id",
                  "owner", "in_service", "open_cadence__pk", "open_cadence__due_on")
    new: list[FollowUp] = []
    moves: dict[dt.date, list[int]] = defaultdict(list)
    seen = 0
    for pk, last, next_on, risk, district_id, official_id, in_service, open_pk, open_due in rows.iterator(
            chunk_size=WRITE_BATCH):
        seen += 1
        days = policies.of(district_id).days_for(risk, in_service=in_service)
        current = open_due if open_pk else (next_on if next_on and next_on >= today else None)
        due = next_cadence_date(last_contact=last, current=current, days=days, today=today)
        if open_pk is None:
            new.append(FollowUp(household_id=pk, due_on=due, reason=FollowUpReason.CADENCE,
                                assigned_to_id=official_id))
        elif due != open_due:
            moves[due].append(open_pk)
    # A visit recorded meanwhile made its own follow-up: the partial unique constraint drops ours.
    FollowUp.objects.bulk_create(new, batch_size=WRITE_BATCH, ignore_conflicts=True)
    corrected = 0
    for due, pks in moves.items():
        for chunk in chunks(pks):
            corrected += FollowUp.objects.filter(pk__in=chunk, status=FollowUpStatus.OPEN).update(due_on=due)
    # The household's next contact is its open cadence follow-up's date (read back, so a visit recorded
    # while this batch ran is not overwritten with what this batch computed).
    open_due = FollowUp.objects.filter(household=OuterRef("pk"), status=FollowUpStatus.OPEN,
                                       reason=FollowUpReason.CADENCE).values("due_on")[:1]
    synced = households.annotate(cadence_due=Subquery(open_due)).filter(cadence_due__isnull=False).filter(
        Q(next_contact_on__isnull=True) | Q(next_contact_on__lt=F("cadence_due"))
        | Q(next_contact_on__gt=F("cadence_due"))
    ).update(next_contact_on=Subquery(open_due))
    return {"households": seen, "created": len(new), "corrected": corrected, "next_contact_synced": synced}

