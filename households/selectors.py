"""Reads with their rules: the work lists, the visit form's last visit and phrase templates (the household timeline
is :mod:`households.timeline`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from welfare.common.dates import seoul_today
from welfare.common.prepared import Prepared
from welfare.permissions import can
from welfare.scoping import personal_dong_ids

from .models import (
    DEFAULT_PHRASES,
    OPEN_STAGES,
    CareStatus,
    Case,
    CaseStage,
    FollowUp,
    FollowUpStatus,
    Household,
    NeedDomain,
    PhraseTemplate,
    Visit,
)
from .models.cases import DEADLINES

CARE_STATUSES = (CareStatus.UNDER_CARE, CareStatus.MONITORING)



def _open_case(field_name: str = "stage") -> Subquery:
    # At most one open case per household (a database constraint), so [:1] is exact, not a guess.
    return Subquery(
        Case.objects.filter(household=OuterRef("pk"), stage__in=OPEN_STAGES).order_by().values(field_name)[:1]
    )


def _open_case_flag(flag: str, today: dt.date) -> Subquery:
    flags = Case.objects.filter(household=OuterRef("pk"), stage__in=OPEN_STAGES).order_by().with_deadline_flags(today)
    return Subquery(flags.values(flag)[:1], output_field=BooleanField())


def with_work_columns(queryset: QuerySet, today: dt.date) -> QuerySet:
    """Open case (id, stage, deadline flags) and overdue flag as columns: no query per row."""
    return queryset.annotate(
        open_case_id=_open_case("pk"),
        open_case_stage=_open_case("stage"),
        open_case_reassessment_due_on=_open_case("reassessment_due_on"),
        # open_case_assessment_overdue, open_case_plan_overdue: the case deadlines, one column each.
        **{f"open_case_{d.key}_overdue": _open_case_flag(d.flag, today) for d in DEADLINES},
        # CASE, not a bare comparison: an undated household is "not overdue", never NULL (which sorts first).
        is_overdue=models.Case(models.When(next_contact_on__lt=today, then=Value(True)), default=Value(False),
                               output_field=BooleanField()),
    )


def caseload(user, *, today: dt.date | None = None) -> QuerySet:
    """The official's households under care or monitoring: overdue first, then by next contact date."""
    today = today or seoul_today()
    households = Household.objects.visible_to(user).filter(assigned_official=user, status__in=CARE_STATUSES)
    return (
        with_work_columns(households, today)
        .select_related("dong")
        .with_head_name()
        .order_by("-is_overdue", F("next_contact_on").asc(nulls_last=True), "id")
    )


@dataclass
class OfficialLoad:
    user_id: int | None
    name: str
    households: int = 0
    open_cases: int = 0
    overdue: int = 0


def team_load(dong_ids: Iterable[int], *, today: dt.date | None = None) -> list[OfficialLoad]:
    """Households under care or monitoring, open cases and overdue contacts per assigned official.

    Three small grouped queries rather than one: the households per official and their overdue contacts from the
    (dong, status) index alone (no join, no DISTINCT: the team's households are the only rows read); the open
    cases, a few hundred at most, from the cases' stage; the officials' names for the ids found. One grouped query
    over households joined to their cases sorted the team's every household (22 ms at 100,000 households).
    """
    today = today or seoul_today()
    dong_ids = list(dong_ids)
    counts = {r["assigned_official"]: r for r in (
        Household.objects.filter(dong__in=dong_ids, status__in=CARE_STATUSES).order_by().values("assigned_official")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(next_contact_on__lt=today))))}
    open_cases = dict(  # from the open cases to their households, not from the team's households to their cases
        Case.objects.filter(stage__in=OPEN_STAGES, household__dong__in=dong_ids,
                            household__status__in=CARE_STATUSES).order_by()
        .values_list("household__assigned_official").annotate(n=Count("id")))
    officials = {u["pk"]: u for u in get_user_model().objects.filter(
        pk__in=[pk for pk in counts if pk is not None]).values("pk", "username", "first_name", "last_name")}
    loads = []
    for user_id, row in counts.items():
        user = officials.get(user_id, {})
        full = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip()
        name = full or user.get("username") or _("미배정")
        loads.append(OfficialLoad(user_id, name, row["n"], open_cases.get(user_id, 0), row["overdue"]))
    # Most overdue first; the unassigned row last.
    loads.sort(key=lambda x: (x.user_id is None, -x.overdue, -x.households, x.name))
    return loads


def overdue_contacts(dong_ids: Iterable[int], *, today: dt.date | None = None) -> QuerySet:
    today = today or seoul_today()
    return (
        Household.objects.filter(dong__in=list(dong_ids), status__in=CARE_STATUSES, next_contact_on__lt=today)
        .select_related("dong", "assigned_official")
        .with_head_name()
        .order_by("next_contact_on", "id")
    )


SILENT_DAYS = 30


def silent_cases(dong_ids: Iterable[int], *, today: dt.date | None = None, days: int = SILENT_DAYS) -> QuerySet:
    """Open cases whose household has had no contact for ``days`` days (or never), never contacted first, then the
    longest silent.

    The order is written as ``COALESCE(last_contact_on, 0001-01-01)``, the same order as ``NULLS FIRST``: with the
    bare column PostgreSQL walked the households' last-contact index (39,000 households of a district at 100,000)
    looking for the few with an open case, 131 ms; from the open cases it is 3 ms."""
    today = today or seoul_today()
    since = today - dt.timedelta(days=days)
    never = Value(dt.date.min, output_field=DateField())
    return (
        Case.objects.filter(household__dong__in=list(dong_ids)).open()
        .filter(Q(household__last_contact_on__isnull=True) | Q(household__last_contact_on__lt=since))
        .with_deadline_flags(today)
        .select_related("household__dong", "client", "assigned_official")
        .order_by(Coalesce(F("household__last_contact_on"), never), "id")
    )


def unassigned_follow_ups(user) -> QuerySet:
    """The dong's queue: open follow-ups of the user's dongs that nobody is assigned to, the earliest due first
    (the today page's block and the queue page, which assigns from it)."""
    # By the follow-up's own dong (kept equal to its household's by the database): one partial index serves it.
    return (FollowUp.objects.filter(status=FollowUpStatus.OPEN, assigned_to__isnull=True,
                                    dong_id__in=personal_dong_ids(user))
            .select_related("household").order_by("due_on", "pk"))


def team_dong_ids(user) -> frozenset[int]:
    """The team page's dongs: those whose personal records a user who leads a team may see (none otherwise)."""
    return personal_dong_ids(user) if can(user, "lead_team") else frozenset()


STAGE_CHOICES = [(s.value, s.label) for s in CaseStage if s.value in OPEN_STAGES]


# The visit form ------------------------------------------------------------------------------------------------


def last_visit(household: Household) -> Visit | None:
    """The household's latest visit with its needs and staff present (three queries): what "지난 방문 내용
    가져오기" copies. The caller reached the household through ``visible_to`` and logs the read."""
    return (household.visits.prefetch_related("needs", "staff_present")
            .order_by("-visited_at", "-id").first())


@dataclass(frozen=True)
class Phrase:
    id: int | None  # None: one of the defaults, not stored for this district yet
    domain: str
    text: str
    order: int


@dataclass(frozen=True)
class PhraseSet:
    """A district's active phrase templates in domain order, or the defaults when it never saved its own."""

    district_id: int | None
    customised: bool
    phrases: tuple[Phrase, ...]

    def by_domain(self) -> list[tuple[str, str, list[Phrase]]]:
        """(domain, label, phrases) for every domain that has any, in the visit form's order."""
        return [(domain, str(label), found) for domain, label in NeedDomain.choices
                if (found := [p for p in self.phrases if p.domain == domain])]

    def texts(self) -> dict[str, list[str]]:
        return {domain: [p.text for p in self.phrases if p.domain == domain] for domain in NeedDomain.values}


def phrase_set(district_id: int | None) -> PhraseSet:
    """One query: the district's rows (active ones shown), or :data:`DEFAULT_PHRASES` when it has none at all."""
    if district_id is None:
        return PhraseSet(None, False, ())
    rows = list(PhraseTemplate.objects.filter(district_id=district_id).values_list("id", "domain", "text", "order",
                                                                                  "active"))
    position = {domain: i for i, domain in enumerate(NeedDomain.values)}
    if not rows:
        phrases = [Phrase(None, domain, text, order) for domain, texts in DEFAULT_PHRASES.items()
                   for order, text in enumerate(texts, start=1)]
    else:
        phrases = [Phrase(pk, domain, text, order) for pk, domain, text, order, active in rows if active]
    phrases.sort(key=lambda p: (position.get(p.domain, 99), p.order, p.id or 0))
    return PhraseSet(district_id, bool(rows), tuple(phrases))


# The household list's rows by the page's ids (IdsFirstPaginator reads the ids first): the columns its rows show,
# compiled once per number of ids, in no order (the paginator puts them in the ids' order).
list_rows_by_ids = Prepared(lambda ids: Household.objects.filter(pk__in=ids).order_by().as_list_rows(), list)
