"""The scheduled sweeps over households, registered in :mod:`welfare.jobs` and run by ``welfare.run_job``.

Each job takes the moment it runs for (``now``), works out the Asia/Seoul day from it and returns counts for
its JobRun. They are set-based: reads by id range or keyset page, bulk inserts that let the unique constraints
refuse duplicates (one open follow-up per household and reason, one notification per user and key, one
universal target per person), and ``UPDATE … WHERE`` for the rest; never a query per household. Each batch is
one transaction, so a worker killed mid-run leaves whole batches behind, and the next run finishes the rest.
Running any of them twice creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, F, FilteredRelation, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, TruncYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discovery.models import (
    ContactAttempt,
    CrisisReport,
    HouseholdMerge,
    ReporterIdentity,
    RewardDecision,
    UniversalKind,
    UniversalVisitTarget,
)
from welfare.audit import log_actions
from welfare.jobs import register
from welfare.models import Dong, Notification, NotificationKind, Role, StaffMembership
from welfare.notifications import notify_many

from .models import (
    CadencePolicy,
    CareStatus,
    Case,
    CaseNeed,
    CaseStage,
    CaseStageChange,
    CheckIn,
    CheckInSource,
    FollowUp,
    FollowUpPriority,
    FollowUpReason,
    FollowUpStatus,
    Household,
    MemberEvent,
    Resident,
    RiskLevel,
    SensitiveProfile,
    Visit,
    VisitNeed,
)

CARE_STATUSES = (CareStatus.UNDER_CARE, CareStatus.MONITORING)
HOUSEHOLD_BATCH = 20_000  # households read per statement (a few MB of tuples)
WRITE_BATCH = 2_000  # rows per INSERT / ids per UPDATE … WHERE id IN (…)
ESCALATE_AFTER_DAYS = 7  # an open follow-up this many days overdue gets a high-priority check
UNIVERSAL_AGE = 65
ANONYMOUS_NAME = "익명"
ANONYMISED_PREFIX = "(익명화됨) "


# --- Dates (Asia/Seoul) --------------------------------------------------------------------------------------


def start_of(day: dt.date) -> dt.datetime:
    """Midnight of a Seoul day, as an aware datetime (what timestamps are compared with)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's last day (31 Jan + 1 → 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def birthday(born: dt.date, age: int) -> dt.date:
    """The day someone born on ``born`` turns ``age`` (a 29 February birth: 28 February in a common year)."""
    return shift_years(born, age)


def births_turning(age: int, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The range of birth dates whose ``age``-th birthday falls in ``[first, last]``.

    Birthdays grow with the birth date, so the range is contiguous; it is found by shifting the ends back and
    stepping a day or two where 29 February makes the shift inexact. Year ends need nothing special.
    """
    one = dt.timedelta(days=1)
    low = shift_years(first, -age)
    while birthday(low, age) < first:
        low += one
    while birthday(low - one, age) >= first:
        low -= one
    high = shift_years(last, -age)
    while birthday(high, age) > last:
        high -= one
    while birthday(high + one, age) <= last:
        high += one
    return low, high


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


# --- Small helpers ---------------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int | None = None) -> Iterator[Sequence]:
    size = size or WRITE_BATCH
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _id_ranges(queryset: models.QuerySet, size: int) -> Iterator[tuple[int, int]]:
    """Half-open pk ranges ``[lo, hi)`` covering the queryset: each batch is an index range scan."""
    bounds = queryset.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    for lo in range(bounds["lo"], bounds["hi"] + 1, size):
        yield lo, lo + size


def _keyset(queryset: models.QuerySet, columns: Sequence[str], size: int | None = None) -> Iterator[list[tuple]]:
    """Pages of ``values_list(pk, *columns)`` in pk order; the next page starts after the last pk seen."""
    size = size or WRITE_BATCH
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]
        if len(rows) < size:
            return


def _address(road: str, detail: str) -> str:
    return f"{road}, {detail}" if detail else road


def _url_pattern(name: str) -> str:
    return reverse(name, args=[987654321]).replace("987654321", "{}")


@dataclass(frozen=True)
class Policies:
    """Every district's cadence policy, and the defaults for districts without one."""

    by_district: dict[int, CadencePolicy]
    default: CadencePolicy

    @classmethod
    def load(cls) -> Policies:
        return cls({p.district_id: p for p in CadencePolicy.objects.all()}, CadencePolicy())

    def of(self, district_id: int) -> CadencePolicy:
        return self.by_district.get(district_id, self.default)

    def groups(self) -> list[tuple[CadencePolicy, Q]]:
        """(policy, condition on households) pairs that cover every household once."""
        groups = [(p, Q(dong__district_id=d)) for d, p in self.by_district.items()]
        groups.append((self.default, ~Q(dong__district_id__in=list(self.by_district))))
        return groups


@dataclass(frozen=True)
class Recipients:
    """Who hears about a household or report: its official, and the team leads of its dong (the district
    admins when a report has no dong yet). One read of the staff table per job run."""

    leads_by_dong: dict[int, list[int]]
    admins_by_district: dict[int, list[int]]

    @classmethod
    def load(cls, *, dong_id: int | None = None) -> Recipients:
        """Everyone (for a sweep), or only the leads of one dong (for a single household)."""
        leads: dict[int, list[int]] = defaultdict(list)
        memberships = StaffMembership.dongs.through.objects.filter(
            staffmembership__role=Role.DONG_LEAD, staffmembership__user__is_active=True)
        if dong_id is not None:
            memberships = memberships.filter(dong_id=dong_id)
        for dong, user_id in memberships.values_list("dong_id", "staffmembership__user_id"):
            leads[dong].append(user_id)
        admins: dict[int, list[int]] = defaultdict(list)
        if dong_id is None:
            for district_id, user_id in StaffMembership.objects.filter(
                role=Role.DISTRICT_ADMIN, user__is_active=True
            ).values_list("district_id", "user_id"):
                admins[district_id].append(user_id)
        return cls(dict(leads), dict(admins))

    def of(self, *, official_id: int | None, dong_id: int | None, district_id: int | None = None) -> list[int]:
        people = [official_id] if official_id else []
        if dong_id is not None:
            people += self.leads_by_dong.get(dong_id, [])
        elif district_id is not None:
            people += self.admins_by_district.get(district_id, [])
        return list(dict.fromkeys(people))


def _notify(notifications: Iterable[Notification]) -> int:
    """Insert in bulk; the (user, dedupe_key) constraint drops what a previous run already sent. Returns how
    many were new."""
    return notify_many(list(notifications))


# --- 1. Cadence follow-ups (daily) -----------------------------------------------------------------------------


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
    for lo, hi in _id_ranges(cared, HOUSEHOLD_BATCH):
        with transaction.atomic():
            batch = _schedule_batch(cared.filter(pk__gte=lo, pk__lt=hi), today=today, policies=policies)
        for key, value in batch.items():
            counts[key] += value
    return counts


def _cancel_out_of_care(now: dt.datetime) -> int:
    stale = FollowUp.objects.filter(status=FollowUpStatus.OPEN, reason=FollowUpReason.CADENCE).exclude(
        household__status__in=CARE_STATUSES)
    cancelled = 0
    for household_ids in _chunks(list(stale.values_list("household_id", flat=True))):
        with transaction.atomic():
            cancelled += stale.filter(household_id__in=household_ids).update(status=FollowUpStatus.CANCELLED,
                                                                             closed_at=now)
            Household.objects.filter(pk__in=household_ids).exclude(status__in=CARE_STATUSES).update(
                next_contact_on=None)
    return cancelled


def _schedule_batch(households: models.QuerySet, *, today: dt.date, policies: Policies) -> dict[str, int]:
    rows = households.annotate(
        in_service=Exists(Case.objects.filter(household=OuterRef("pk"), stage=CaseStage.IN_SERVICE)),
        open_cadence=FilteredRelation("follow_ups", condition=Q(follow_ups__status=FollowUpStatus.OPEN,
                                                                follow_ups__reason=FollowUpReason.CADENCE)),
    ).values_list("pk", "last_contact_on", "next_contact_on", "risk_level", "dong__district_id",
                  "assigned_official_id", "in_service", "open_cadence__pk", "open_cadence__due_on")
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
        for chunk in _chunks(pks):
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


# --- 2. Overdue (hourly) ---------------------------------------------------------------------------------------


@register("mark_overdue", label="기한 경과 표시와 알림", window="hour")
def mark_overdue(now: dt.datetime) -> dict[str, int]:
    """Open follow-ups due before today (Seoul) and crisis reports past their first-contact deadline are marked
    overdue once (``overdue_at``), and their official and the dong's team leads are notified once (the
    notification's dedupe key). Follow-ups overdue for more than a week get a high-priority check.

    Budget: per page of 2,000 newly overdue items, 1 read, 1 UPDATE … WHERE id IN, ceil(notifications / 2,000)
    INSERTs, in one transaction; memory: one page. On a normal hour there are a few dozen.
    """
    today = timezone.localdate(now)
    recipients = Recipients.load()
    counts = {"follow_ups": 0, "reports": 0, "notifications": 0, "escalated": 0}
    household_url = _url_pattern("households:detail")
    reasons = dict(FollowUpReason.choices)

    pending = FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on__lt=today, overdue_at__isnull=True)
    columns = ("household_id", "reason", "due_on", "assigned_to_id", "household__assigned_official_id",
               "household__dong_id", "household__road_address", "household__address_detail")
    for rows in _keyset(pending, columns):
        with transaction.atomic():
            marked = FollowUp.objects.filter(pk__in=[r[0] for r in rows], overdue_at__isnull=True).update(
                overdue_at=now)
            counts["follow_ups"] += marked
            counts["notifications"] += _notify(
                Notification(user_id=user_id, kind=NotificationKind.OVERDUE_FOLLOW_UP,
                             title=_("접촉 기한 경과: %(address)s (%(reason)s, 예정일 %(due)s)") % {
                                 "address": _address(road, detail), "reason": reasons.get(reason, reason),
                                 "due": f"{due:%Y-%m-%d}"},
                             url=household_url.format(household_id), household_id=household_id,
                             dedupe_key=f"overdue:followup:{pk}", created_at=now)
                for pk, household_id, reason, due, assigned, official, dong_id, road, detail in rows
                for user_id in recipients.of(official_id=assigned or official, dong_id=dong_id)
            )

    counts["reports"], sent = _mark_reports_overdue(now, recipients)
    counts["notifications"] += sent
    counts["escalated"] = _escalate(today)
    return counts


def _mark_reports_overdue(now: dt.datetime, recipients: Recipients) -> tuple[int, int]:
    pending = CrisisReport.objects.overdue(now).filter(overdue_at__isnull=True)
    report_url = _url_pattern("discovery:report_detail")
    marked = sent = 0
    for rows in _keyset(pending, ("receipt_code", "assigned_official_id", "dong_id", "district_id", "household_id")):
        with transaction.atomic():
            marked += CrisisReport.objects.filter(pk__in=[r[0] for r in rows], overdue_at__isnull=True).update(
                overdue_at=now)
            sent += _notify(
                Notification(user_id=user_id, kind=NotificationKind.OVERDUE_REPORT,
                             title=_("제보 초기 접촉 기한 경과: 접수번호 %(code)s") % {"code": code}, url=report_url.format(pk),
                             household_id=household_id, dedupe_key=f"overdue:report:{pk}", created_at=now)
                for pk, code, official, dong_id, district_id, household_id in rows
                for user_id in recipients.of(official_id=official, dong_id=dong_id, district_id=district_id)
            )
    return marked, sent


def _escalate(today: dt.date) -> int:
    """One high-priority "overdue check" per household whose follow-up is more than a week late.

    Once per late follow-up: none is made when the household already had one raised on or after that
    follow-up's due date (open, done or cancelled), and the one-open-per-reason constraint guards the rest.
    """
    raised = FollowUp.objects.filter(household=OuterRef("household_id"), reason=FollowUpReason.OVERDUE,
                                     due_on__gte=OuterRef("due_on"))
    late = FollowUp.objects.filter(status=FollowUpStatus.OPEN,
                                   due_on__lt=today - dt.timedelta(days=ESCALATE_AFTER_DAYS)).exclude(
        reason=FollowUpReason.OVERDUE).exclude(Exists(raised))
    reasons = dict(FollowUpReason.choices)
    created = 0
    for rows in _keyset(late, ("household_id", "household__assigned_official_id", "reason", "due_on")):
        earliest: dict[int, tuple] = {}
        for _pk, household_id, official, reason, due in rows:
            if household_id not in earliest or due < earliest[household_id][2]:
                earliest[household_id] = (official, reason, due)
        checks = [
            FollowUp(household_id=household_id, due_on=today, reason=FollowUpReason.OVERDUE,
                     priority=FollowUpPriority.HIGH, assigned_to_id=official,
                     note=_("%(reason)s 예정일 %(due)s에서 %(days)s일 넘게 지남") % {
                         "reason": reasons.get(reason, reason), "due": f"{due:%Y-%m-%d}", "days": ESCALATE_AFTER_DAYS})
            for household_id, (official, reason, due) in earliest.items()
        ]
        FollowUp.objects.bulk_create(checks, batch_size=WRITE_BATCH, ignore_conflicts=True)
        created += len(checks)
    return created


# --- 3. Silence watch (hourly) and alert check-ins ---------------------------------------------------------------


@register("silence_watch", label="무응답 경보", window="hour")
def silence_watch(now: dt.datetime) -> dict[str, int]:
    """A household under care or monitoring whose last sign of life (a contact, a visit of any result, a
    check-in that was not an alert) is older than its risk's silence threshold gets a high-priority silence
    follow-up due today and a notification to its official and team leads.

    Once per spell: none while one is open, and none again until a full threshold has passed since the last
    one was raised. A household registered within the threshold is not silent yet.

    Budget: per (district policy × risk) group, one read (NOT EXISTS on visits, check-ins and silence
    follow-ups, all on (household, time) indexes) paged by 2,000, then per page 1 INSERT of follow-ups,
    1 read back and 1 INSERT of notifications in one transaction. 4 groups × 3 risks on the demo: under 1 s.
    """
    today = timezone.localdate(now)
    recipients = Recipients.load()
    household_url = _url_pattern("households:detail")
    counts = {"alerts": 0, "notifications": 0}
    for policy, in_district in Policies.load().groups():
        for risk in RiskLevel.values:
            days = policy.silence_days_for(risk)
            quiet_since = today - dt.timedelta(days=days)  # a sign of life on or after this day is recent enough
            since = start_of(quiet_since)
            silent = (
                Household.objects.filter(in_district, status__in=CARE_STATUSES, risk_level=risk, created_at__lt=since)
                .filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=quiet_since))
                .exclude(Exists(Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=since)))
                .exclude(Exists(CheckIn.objects.filter(household=OuterRef("pk"), is_alert=False, at__gte=since)))
                .exclude(Exists(FollowUp.objects.filter(household=OuterRef("pk"), reason=FollowUpReason.SILENCE)
                                .filter(Q(status=FollowUpStatus.OPEN) | Q(due_on__gt=quiet_since))))
            )
            for rows in _keyset(silent, ("assigned_official_id", "dong_id", "road_address", "address_detail")):
                with transaction.atomic():
                    alerts, sent = _raise_silence(rows, days=days, today=today, now=now, recipients=recipients,
                                                  household_url=household_url)
                counts["alerts"] += alerts
                counts["notifications"] += sent
    return counts


def _raise_silence(rows: list[tuple], *, days: int, today: dt.date, now: dt.datetime, recipients: Recipients,
                   household_url: str) -> tuple[int, int]:
    FollowUp.objects.bulk_create(
        [FollowUp(household_id=pk, due_on=today, reason=FollowUpReason.SILENCE, priority=FollowUpPriority.HIGH,
                  assigned_to_id=official, note=_("%(days)s일 넘게 방문·안부 확인 없음") % {"days": days})
         for pk, official, _dong, _road, _detail in rows],
        batch_size=WRITE_BATCH, ignore_conflicts=True,
    )
    by_household = {r[0]: r for r in rows}
    raised = list(FollowUp.objects.filter(household_id__in=list(by_household), reason=FollowUpReason.SILENCE,
                                          status=FollowUpStatus.OPEN).values_list("pk", "household_id"))
    sent = _notify(
        Notification(user_id=user_id, kind=NotificationKind.SILENCE,
                     title=_("무응답 경보: %(address)s (%(days)s일 넘게 연락 없음)") % {
                         "address": _address(road, detail), "days": days},
                     url=household_url.format(household_id), household_id=household_id,
                     dedupe_key=f"silence:followup:{follow_up_id}", created_at=now)
        for follow_up_id, household_id in raised
        for _pk, official, dong_id, road, detail in [by_household[household_id]]
        for user_id in recipients.of(official_id=official, dong_id=dong_id)
    )
    return len(raised), sent


def raise_checkin_alert(*, check_in: CheckIn) -> FollowUp:
    """An alert check-in (no movement on the IoT sensor, a missed AI call, a health drink not collected) raises
    the silence follow-up at once, high priority and due today, and tells the official and the team leads.

    The open silence follow-up is reused when there is one. Each alert check-in notifies once (keyed on the
    check-in): a new alert is news even while an earlier one is being handled.
    """
    household = Household.objects.get(pk=check_in.household_id)
    source = dict(CheckInSource.choices).get(check_in.source, check_in.source)
    note = _("%(source)s 이상 신호") % {"source": source} + (f": {check_in.note}" if check_in.note else "")
    FollowUp.objects.bulk_create(
        [FollowUp(household=household, due_on=timezone.localdate(), reason=FollowUpReason.SILENCE,
                  priority=FollowUpPriority.HIGH, assigned_to_id=household.assigned_official_id, note=note[:300])],
        ignore_conflicts=True,
    )
    follow_up = FollowUp.objects.get(household=household, reason=FollowUpReason.SILENCE, status=FollowUpStatus.OPEN)
    people = Recipients.load(dong_id=household.dong_id).of(official_id=follow_up.assigned_to_id or household.assigned_official_id,
                                  dong_id=household.dong_id)
    _notify(
        Notification(user_id=user_id, kind=NotificationKind.CHECKIN_ALERT,
                     title=_("안부 확인 이상 신호: %(address)s (%(source)s)") % {
                         "address": household.full_address, "source": source},
                     url=reverse("households:detail", args=[household.pk]), household_id=household.pk,
                     dedupe_key=f"checkin:{check_in.pk}")
        for user_id in people
    )
    return follow_up


# --- 4. Universal visits (daily) -------------------------------------------------------------------------------


def person_key(resident_id: int) -> str:
    return hashlib.sha256(f"resident:{resident_id}".encode()).hexdigest()


@register("universal_visits", label="보편 방문(만 65세·출생) 예정 생성", window="day")
def universal_visits(now: dt.datetime) -> dict[str, int]:
    """Current residents whose 65th birthday falls within the coming month become universal-visit targets
    (once per person: the target's unique key), and every target without a follow-up, newborn families of
    the imported lists included, gets one (reason universal, due on the birthday or the list's date).

    A target keeps its follow-up: once that visit is done or cancelled, later runs make no other for it.
    Two targets of one household share its open universal follow-up (one open per household and reason).

    Budget: one read of the residents in a one-month birth-date range (index on birth_date not required: the
    range is a small share of residents), then per 2,000 targets 1 read + 1 INSERT, and one UPDATE linking
    targets to follow-ups. A district has a few hundred people turning 65 a month.
    """
    today = timezone.localdate(now)
    born_from, born_to = births_turning(UNIVERSAL_AGE, today, add_months(today, 1))
    residents = Resident.objects.filter(
        left_on__isnull=True, birth_date__gte=born_from, birth_date__lte=born_to,
        household__anonymised_at__isnull=True,
    ).exclude(
        # Already a target under another key (an imported turning-65 list names the person, not the row).
        Exists(UniversalVisitTarget.objects.filter(kind=UniversalKind.TURNING_65, resident_id=OuterRef("pk")))
    )
    targets = 0
    for rows in _keyset(residents, ("household_id", "household__dong__district_id", "birth_date")):
        keys = {person_key(pk): row for row in rows for pk in [row[0]]}
        known = set(UniversalVisitTarget.objects.filter(kind=UniversalKind.TURNING_65, person_key__in=list(keys))
                    .values_list("person_key", flat=True))
        fresh = [UniversalVisitTarget(district_id=district_id, kind=UniversalKind.TURNING_65,
                                      household_id=household_id, resident_id=pk, person_key=key,
                                      due_on=birthday(born, UNIVERSAL_AGE))
                 for key, (pk, household_id, district_id, born) in keys.items() if key not in known]
        UniversalVisitTarget.objects.bulk_create(fresh, batch_size=WRITE_BATCH, ignore_conflicts=True)
        targets += len(fresh)

    follow_ups = 0
    waiting = UniversalVisitTarget.objects.filter(follow_up__isnull=True)
    for rows in _keyset(waiting, ("household_id", "household__assigned_official_id", "due_on", "kind")):
        first: dict[int, tuple] = {}
        for _pk, household_id, official, due, kind in rows:
            if household_id not in first or due < first[household_id][1]:
                first[household_id] = (official, due, kind)
        with_open = set(FollowUp.objects.filter(household_id__in=list(first), reason=FollowUpReason.UNIVERSAL,
                                                status=FollowUpStatus.OPEN).values_list("household_id", flat=True))
        kinds = dict(UniversalKind.choices)
        new = [FollowUp(household_id=household_id, due_on=due, reason=FollowUpReason.UNIVERSAL,
                        assigned_to_id=official, note=str(kinds.get(kind, kind)))
               for household_id, (official, due, kind) in first.items() if household_id not in with_open]
        FollowUp.objects.bulk_create(new, batch_size=WRITE_BATCH, ignore_conflicts=True)
        follow_ups += len(new)
    open_universal = FollowUp.objects.filter(household=OuterRef("household_id"), reason=FollowUpReason.UNIVERSAL,
                                             status=FollowUpStatus.OPEN).values("pk")[:1]
    linked = waiting.update(follow_up=Subquery(open_universal))
    return {"targets": targets, "follow_ups": follow_ups, "linked": linked}


# --- 5. Retention (daily) --------------------------------------------------------------------------------------


def expired_households(today: dt.date) -> models.QuerySet:
    """Households whose personal data has outlived the retention period (settings.RETENTION_YEARS).

    Every case of the household closed more than the period ago (and none open or closed since), nothing in
    the period (no visit, crisis report or check-in), no open follow-up, no longer under care or monitoring,
    and not yet anonymised.
    """
    cutoff_day = shift_years(today, -settings.RETENTION_YEARS)
    cutoff = start_of(cutoff_day)
    cases = Case.objects.filter(household=OuterRef("pk"))
    return (
        Household.objects.filter(anonymised_at__isnull=True).exclude(status__in=CARE_STATUSES)
        .filter(Exists(cases.filter(closed_on__lt=cutoff_day)))
        .exclude(Exists(cases.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff_day))))
        .exclude(Exists(Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=cutoff)))
        .exclude(Exists(CrisisReport.objects.filter(household=OuterRef("pk"), received_at__gte=cutoff)))
        .exclude(Exists(CheckIn.objects.filter(household=OuterRef("pk"), at__gte=cutoff)))
        .exclude(Exists(FollowUp.objects.filter(household=OuterRef("pk"), status=FollowUpStatus.OPEN)))
    )


@register("retention", label="보존기간 지난 사례 익명화", window="day")
def retention(now: dt.datetime) -> dict[str, int]:
    """Anonymise the personal fields of :func:`expired_households`, keeping every row (and so every count).

    Budget: per page of 1,000 households, one transaction of about 20 UPDATE/DELETE … WHERE household_id IN
    and one INSERT of access-log entries. Daily volume: the households whose last case closed five years ago
    that day, a handful.
    """
    counts: dict[str, int] = defaultdict(int)
    expired = expired_households(timezone.localdate(now))
    for rows in _keyset(expired, (), size=1_000):
        with transaction.atomic():
            for key, value in anonymise_households([r[0] for r in rows], now=now).items():
                counts[key] += value
    return {"households": 0, **counts}


def _blank_encrypted_rrn(household_ids: Sequence[int]) -> None:
    """Store a plain empty string: the encrypted field would store the ciphertext of "" (and, given an
    expression, the ciphertext of the expression's repr), so this one column is written in SQL."""
    qn = connection.ops.quote_name
    table, column = Resident._meta.db_table, Resident._meta.get_field("rrn_encrypted").column
    placeholders = ", ".join(["%s"] * len(household_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = '' WHERE {qn('household_id')} IN ({placeholders})",
                       list(household_ids))


def anonymise_households(ids: list[int], *, now: dt.datetime) -> dict[str, int]:
    """Blank names, numbers, addresses and free text of these households and everything about them."""
    residents = Resident.objects.filter(household_id__in=ids).update(
        name=ANONYMOUS_NAME, phone="", rrn_hash="", birth_date=TruncYear("birth_date"))
    _blank_encrypted_rrn(ids)
    SensitiveProfile.objects.filter(resident__household_id__in=ids).delete()
    dong_name = Dong.objects.filter(pk=OuterRef("dong_id")).values("name")[:1]
    Household.objects.filter(pk__in=ids).update(
        road_address=Concat(Value(ANONYMISED_PREFIX), Subquery(dong_name), output_field=models.CharField()),
        address_detail="", address_key="", anonymised_at=now)
    Visit.objects.filter(household_id__in=ids).update(observations="")
    VisitNeed.objects.filter(visit__household_id__in=ids).update(note="")
    FollowUp.objects.filter(household_id__in=ids).update(note="")
    CheckIn.objects.filter(household_id__in=ids).update(note="")
    MemberEvent.objects.filter(household_id__in=ids).update(note="")
    cases = Case.objects.filter(household_id__in=ids).update(summary="", closing_note="", anonymised_at=now)
    CaseNeed.objects.filter(case__household_id__in=ids).update(note="")
    CaseStageChange.objects.filter(household_id__in=ids).update(note="")
    ReporterIdentity.objects.filter(report__household_id__in=ids).delete()
    reports = CrisisReport.objects.filter(household_id__in=ids).update(
        subject_name="", subject_phone="", subject_address="", subject_description="", details="", handoff_note="")
    ContactAttempt.objects.filter(report__household_id__in=ids).update(note="")
    RewardDecision.objects.filter(report__household_id__in=ids).update(informant_label=ANONYMOUS_NAME,
                                                                      informant_key="anonymised")
    HouseholdMerge.objects.filter(survivor_id__in=ids).update(duplicate_address=ANONYMISED_PREFIX.strip())
    households = list(Household.objects.filter(pk__in=ids).only("pk", "road_address", "address_detail"))
    log_actions(households, "households.household.anonymised",
                reason=_("보존기간 %(years)s년 경과") % {"years": settings.RETENTION_YEARS})
    return {"households": len(households), "residents": residents, "cases": cases, "reports": reports}
