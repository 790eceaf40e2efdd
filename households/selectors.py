"""Reads with their rules: the household timeline and the work lists.

The timeline is one list over several tables. Each source is a :class:`TimelineSource` in
``TIMELINE_SOURCES``; adding one (crisis reports, next issue) is one more entry there. A page of the
timeline costs a constant number of queries whatever the number of events: one COUNT over the
``UNION ALL`` of ``(kind, id, at)`` rows, one page of that union, then one query per kind present on the page
(plus the needs of the visits on it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from discovery.models import CrisisReport
from welfare.common.dates import seoul_today
from welfare.permissions import can
from welfare.scoping import personal_dong_ids

from .models import (
    OPEN_STAGES,
    CareStatus,
    Case,
    CaseStage,
    CaseStageChange,
    CheckIn,
    FollowUp,
    Household,
    MemberEvent,
    ServiceLink,
    Visit,
)
from .models.cases import DEADLINES

TIMELINE_PER_PAGE = 20
CARE_STATUSES = (CareStatus.UNDER_CARE, CareStatus.MONITORING)


# --- Timeline ------------------------------------------------------------------------------------------------


def _url(name: str, *args: int) -> str | None:
    """A link where the page exists; the visit and case pages are built in parallel, so they may not yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _seoul_midnight(date_field: str) -> ExpressionWrapper:
    """A date as the instant 00:00 in the project's time zone (Asia/Seoul: +09:00 all year, no DST).

    The database session runs in UTC, so the cast gives 00:00 UTC; the fixed offset moves it back to 00:00 KST.
    """
    offset = timezone.get_default_timezone().utcoffset(dt.datetime(2000, 1, 1)) or dt.timedelta(0)
    return ExpressionWrapper(
        Cast(date_field, DateTimeField()) - Value(offset, output_field=DurationField()),
        output_field=DateTimeField(),
    )


@dataclass(frozen=True)
class TimelineSource:
    """One kind of event on the household timeline.

    ``at`` is the column (or expression) the timeline sorts by; ``describe`` turns one fetched row into the
    parts of a line. The rows of a page are fetched with ``select_related``/``prefetch_related`` so each kind
    costs one query (two for visits and their needs) whatever the number of its rows.
    """

    kind: str
    label: str
    model: type[Model]
    at: str | Callable[[], object]
    describe: Callable[[Model], dict]
    household_path: str = "household"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    date_only: bool = False

    def rows(self, household: Household) -> QuerySet:
        at = self.at() if callable(self.at) else F(self.at)
        return (
            self.model._default_manager.filter(**{self.household_path: household})
            .order_by()  # ORDER BY belongs to the union as a whole, not to its parts
            .annotate(tl_kind=Value(self.kind, output_field=CharField()), tl_id=F("pk"), tl_at=at)
            .values_list("tl_kind", "tl_id", "tl_at")
        )

    def fetch(self, ids: Iterable[int]) -> dict[int, Model]:
        queryset = self.model._default_manager.filter(pk__in=list(ids))
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return {obj.pk: obj for obj in queryset}


def _join(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _visit(v: Visit) -> dict:
    needs = ", ".join(str(n) for n in v.needs.all())
    return {
        "summary": _join(v.get_kind_display(), v.get_contact_result_display(), needs or None),
        "who": v.recorded_by,
        "url": _url("households:visit_detail", v.household_id, v.pk),
        "tone": "alert" if v.contact_result in ("deceased", "moved_away") else "",
    }


def _stage_change(c: CaseStageChange) -> dict:
    if c.from_stage:
        summary = f"{c.get_from_stage_display()} → {c.get_to_stage_display()}"
    else:
        summary = _("사례 접수") + f" ({c.get_to_stage_display()})"
    return {
        "summary": _join(f"#{c.case_id}", summary, c.note or None),
        "who": c.by,
        "url": _url("households:case_detail", c.household_id, c.case_id),
        "tone": "",
    }


def _service_link(s: ServiceLink) -> dict:
    amount = f"{s.amount_krw:,}" + _("원") if s.amount_krw else None
    return {
        "summary": _join(s.resource.name, s.get_status_display(), amount),
        "who": s.created_by,
        "url": _url("households:case_detail", s.household_id, s.case_id) if s.case_id else None,
        "tone": "off" if s.status in ("declined", "stopped") else "",
    }


def _check_in(c: CheckIn) -> dict:
    return {
        "summary": _join(c.get_source_display(), _("이상 신호") if c.is_alert else None, c.note or None),
        "who": c.recorded_by,
        "url": None,
        "tone": "alert" if c.is_alert else "",
    }


def _follow_up(f: FollowUp) -> dict:
    due = _("예정일 %(day)s") % {"day": f"{f.due_on:%Y-%m-%d}"}
    return {
        "summary": _join(f.get_reason_display(), due, f.get_status_display(), f.note or None),
        "who": f.assigned_to,
        "url": _url("households:visit_detail", f.household_id, f.visit_id) if f.visit_id else None,
        "tone": "off" if f.status == "cancelled" else "",
    }


def _member_event(e: MemberEvent) -> dict:
    return {
        "summary": _join(e.resident.name, e.get_kind_display(), e.get_reason_display() if e.reason else None,
                         e.note or None),
        "who": e.recorded_by,
        "url": None,
        "tone": "",
    }


def _crisis_report(r: CrisisReport) -> dict:
    return {
        "summary": _join(r.receipt_code, r.get_channel_display(), r.get_urgency_display(),
                         r.get_outcome_display() if r.outcome else r.get_status_display()),
        "who": r.assigned_official,
        "url": _url("discovery:report_detail", r.pk),
        "tone": "alert" if r.urgency == "urgent" and not r.outcome else "",
    }


TIMELINE_SOURCES: list[TimelineSource] = [
    TimelineSource("visit", gettext_lazy("방문·상담"), Visit, "visited_at", _visit,
                   select_related=("recorded_by",), prefetch_related=("needs",)),
    TimelineSource("stage", gettext_lazy("사례 단계"), CaseStageChange, "at", _stage_change, select_related=("by",)),
    TimelineSource("link", gettext_lazy("서비스 연계"), ServiceLink, "created_at", _service_link,
                   select_related=("resource", "created_by")),
    TimelineSource("checkin", gettext_lazy("안부 확인"), CheckIn, "at", _check_in, select_related=("recorded_by",)),
    TimelineSource("followup", gettext_lazy("접촉 예정"), FollowUp, "created_at", _follow_up, select_related=("assigned_to",)),
    TimelineSource("member", gettext_lazy("세대 구성"), MemberEvent, lambda: _seoul_midnight("on"), _member_event,
                   select_related=("resident", "recorded_by"), date_only=True),
    TimelineSource("report", gettext_lazy("위기가구 제보"), CrisisReport, "received_at", _crisis_report,
                   select_related=("assigned_official",)),
]


@dataclass
class TimelineEntry:
    kind: str
    label: str
    at: dt.datetime
    obj: Model
    summary: str
    who: object = None
    url: str | None = None
    tone: str = ""
    date_only: bool = False


def household_timeline_rows(household: Household, sources: list[TimelineSource] | None = None) -> QuerySet:
    """``(kind, id, at)`` of every event of the household, newest first: one ``UNION ALL``."""
    parts = [s.rows(household) for s in (sources or TIMELINE_SOURCES)]
    return parts[0].union(*parts[1:], all=True).order_by("-tl_at", "-tl_id", "tl_kind")


def household_timeline(household: Household, *, page: object = 1, per_page: int = TIMELINE_PER_PAGE,
                       sources: list[TimelineSource] | None = None) -> Page:
    """One page of the household's timeline; ``page.object_list`` holds :class:`TimelineEntry` items.

    Queries: 1 count + 1 page of the union + 1 per kind on the page (+1 for the needs of its visits).
    """
    sources = sources or TIMELINE_SOURCES
    by_kind = {s.kind: s for s in sources}
    result = Paginator(household_timeline_rows(household, sources), per_page).get_page(page)
    keys = list(result.object_list)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _at in keys:
        wanted.setdefault(kind, []).append(pk)
    fetched = {kind: by_kind[kind].fetch(ids) for kind, ids in wanted.items()}
    entries = []
    for kind, pk, at in keys:
        obj = fetched[kind].get(pk)
        if obj is None:  # deleted between the two queries
            continue
        source = by_kind[kind]
        entries.append(TimelineEntry(kind=kind, label=str(source.label), at=at, obj=obj,
                                     date_only=source.date_only, **source.describe(obj)))
    result.object_list = entries
    return result


# --- Work lists ----------------------------------------------------------------------------------------------


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

    One grouped query. A household has at most one open case, but may have closed ones: the join with cases
    multiplies its rows, hence the DISTINCT counts.
    """
    today = today or seoul_today()
    rows = (
        Household.objects.filter(dong__in=list(dong_ids), status__in=CARE_STATUSES)
        .order_by()
        .values("assigned_official", "assigned_official__username", "assigned_official__first_name",
                "assigned_official__last_name")
        .annotate(
            n_households=Count("id", distinct=True),
            n_open_cases=Count("cases", filter=Q(cases__stage__in=OPEN_STAGES), distinct=True),
            n_overdue=Count("id", filter=Q(next_contact_on__lt=today), distinct=True),
        )
    )
    loads = []
    for r in rows:
        full = f"{r['assigned_official__first_name']} {r['assigned_official__last_name']}".strip()
        name = full or r["assigned_official__username"] or _("미배정")
        loads.append(OfficialLoad(r["assigned_official"], name, r["n_households"], r["n_open_cases"], r["n_overdue"]))
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
    """Open cases whose household has had no contact for ``days`` days (or never)."""
    today = today or seoul_today()
    since = today - dt.timedelta(days=days)
    return (
        Case.objects.filter(household__dong__in=list(dong_ids)).open()
        .filter(Q(household__last_contact_on__isnull=True) | Q(household__last_contact_on__lt=since))
        .with_deadline_flags(today)
        .select_related("household__dong", "client", "assigned_official")
        .order_by(F("household__last_contact_on").asc(nulls_first=True), "id")
    )


def team_dong_ids(user) -> frozenset[int]:
    """The team page's dongs: those whose personal records a user who leads a team may see (none otherwise)."""
    return personal_dong_ids(user) if can(user, "lead_team") else frozenset()


STAGE_CHOICES = [(s.value, s.label) for s in CaseStage if s.value in OPEN_STAGES]
