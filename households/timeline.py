"""The household timeline: one list over several tables, and the registry of its sources.

Each kind of event is a :class:`TimelineSource`. Households registers its own below; an app above households
(discovery's crisis reports) registers its sources in its ``timeline.py`` module, which :func:`timeline_sources`
discovers with ``discover("timeline")``, so households never imports it. A page of the timeline
costs a constant number of queries whatever the number of events: one COUNT over the ``UNION ALL`` of
``(kind, id, at)`` rows, one page of that union, then one query per kind present on the page (plus the needs
of the visits on it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    CharField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.common.prepared import Prepared
from welfare.common.registries import discover

from .models import (
    CaseStageChange,
    CaseTransfer,
    CheckIn,
    FollowUp,
    Household,
    MemberEvent,
    ServiceLink,
    Visit,
)

TIMELINE_PER_PAGE = 20


def url_or_none(name: str, *args: int) -> str | None:
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

    ``visible``, for a kind whose own page is scoped more narrowly than the household (a crisis report is its
    dong's), gives the rows a user may open: a line the user may not open keeps its summary but loses its link
    (read in the same query as the rows), so the page never offers a link that answers 404.
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
    visible: Callable[[object], QuerySet] | None = None
    by_ids: Prepared = field(init=False, repr=False, compare=False)

    def rows(self, household: Household | int) -> QuerySet:
        at = self.at() if callable(self.at) else F(self.at)
        return (
            self.model._default_manager.filter(**{self.household_path: household})
            .order_by()  # ORDER BY belongs to the union as a whole, not to its parts
            .annotate(tl_kind=Value(self.kind, output_field=CharField()), tl_id=F("pk"), tl_at=at)
            .values_list("tl_kind", "tl_id", "tl_at")
        )

    def __post_init__(self) -> None:
        # A page's rows of this kind by their ids: compiled once per number of ids (1 to a page's length).
        object.__setattr__(self, "by_ids", Prepared(self._by_ids, list))

    def _by_ids(self, ids: list[int]) -> QuerySet:
        queryset = self.model._default_manager.filter(pk__in=ids)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def fetch(self, ids: Iterable[int], user=None) -> dict[int, Model]:
        if self.visible is None:  # no user in the query: its shape is the same for everyone, compiled once
            found = self.by_ids(list(ids))
        else:  # the lines the user may open, read with the rows: built for this user
            queryset = self._by_ids(list(ids))
            if user is not None:
                queryset = queryset.annotate(tl_openable=Exists(self.visible(user).filter(pk=OuterRef("pk"))))
            found = list(queryset)
        if self.prefetch_related:
            prefetch_related_objects(found, *self.prefetch_related)
        return {obj.pk: obj for obj in found}


def join_parts(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _visit(v: Visit) -> dict:
    needs = ", ".join(str(n) for n in v.needs.all())
    return {
        "summary": join_parts(v.get_kind_display(), v.get_contact_result_display(), needs or None),
        "who": v.recorded_by,
        "url": url_or_none("households:visit_detail", v.household_id, v.pk),
        "tone": "alert" if v.contact_result in ("deceased", "moved_away") else "",
    }


def _stage_change(c: CaseStageChange) -> dict:
    if c.from_stage:
        summary = f"{c.get_from_stage_display()} → {c.get_to_stage_display()}"
    else:
        summary = _("사례 접수") + f" ({c.get_to_stage_display()})"
    return {
        "summary": join_parts(f"#{c.case_id}", summary, c.note or None),
        "who": c.by,
        "url": url_or_none("households:case_detail", c.household_id, c.case_id),
        "tone": "",
    }


def _service_link(s: ServiceLink) -> dict:
    amount = f"{s.amount_krw:,}" + _("원") if s.amount_krw else None
    return {
        "summary": join_parts(s.resource.name, s.get_status_display(), amount),
        "who": s.created_by,
        "url": url_or_none("households:case_detail", s.household_id, s.case_id) if s.case_id else None,
        "tone": "off" if s.status in ("declined", "stopped") else "",
    }


def _check_in(c: CheckIn) -> dict:
    return {
        "summary": join_parts(c.get_source_display(), _("이상 신호") if c.is_alert else None, c.note or None),
        "who": c.recorded_by,
        "url": None,
        "tone": "alert" if c.is_alert else "",
    }


def _follow_up(f: FollowUp) -> dict:
    due = _("예정일 %(day)s") % {"day": f"{f.due_on:%Y-%m-%d}"}
    return {
        "summary": join_parts(f.get_reason_display(), due, f.get_status_display(), f.note or None),
        "who": f.assigned_to,
        "url": url_or_none("households:visit_detail", f.household_id, f.visit_id) if f.visit_id else None,
        "tone": "off" if f.status == "cancelled" else "",
    }


def _member_event(e: MemberEvent) -> dict:
    return {
        "summary": join_parts(e.resident.name, e.get_kind_display(), e.get_reason_display() if e.reason else None,
                         e.note or None),
        "who": e.recorded_by,
        "url": None,
        "tone": "",
    }


def _transfer(t: CaseTransfer) -> dict:
    return {
        "summary": join_parts(f"#{t.case_id}", _("희망복지지원단 이관 요청"), t.get_status_display(),
                              t.decision_note or t.handback_note or None),
        "who": t.requested_by,
        "url": url_or_none("households:case_detail", t.household_id, t.case_id),
        "tone": "off" if t.status == "returned" else "",
    }


_SOURCES: list[TimelineSource] = [
    TimelineSource("visit", gettext_lazy("방문·상담"), Visit, "visited_at", _visit,
                   select_related=("recorded_by",), prefetch_related=("needs",)),
    TimelineSource("stage", gettext_lazy("사례 단계"), CaseStageChange, "at", _stage_change, select_related=("by",)),
    TimelineSource("link", gettext_lazy("서비스 연계"), ServiceLink, "created_at", _service_link,
                   select_related=("resource", "created_by")),
    TimelineSource("checkin", gettext_lazy("안부 확인"), CheckIn, "at", _check_in, select_related=("recorded_by",)),
    TimelineSource("followup", gettext_lazy("접촉 예정"), FollowUp, "created_at", _follow_up, select_related=("assigned_to",)),
    TimelineSource("member", gettext_lazy("세대 구성"), MemberEvent, lambda: _seoul_midnight("on"), _member_event,
                   select_related=("resident", "recorded_by"), date_only=True),
    TimelineSource("transfer", gettext_lazy("사례 이관"), CaseTransfer, "requested_at", _transfer,
                   select_related=("requested_by",)),
]


def register(source: TimelineSource) -> TimelineSource:
    """Add a kind of event to every household's timeline (from an app's ``timeline.py``)."""
    if any(s.kind == source.kind for s in _SOURCES):
        raise ValueError(f"timeline kind {source.kind!r} registered twice")
    _SOURCES.append(source)
    return source


_discovered = False


def timeline_sources() -> list[TimelineSource]:
    """Every registered source: households' own, then those of the apps' ``timeline.py`` modules."""
    global _discovered
    if not _discovered:
        discover("timeline")
        _discovered = True
    return list(_SOURCES)



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


def household_timeline_rows(household: Household | int, sources: list[TimelineSource] | None = None) -> QuerySet:
    """``(kind, id, at)`` of every event of the household (or household id), newest first: one ``UNION ALL``."""
    parts = [s.rows(household) for s in (sources or timeline_sources())]
    return parts[0].union(*parts[1:], all=True).order_by("-tl_at", "-tl_id", "tl_kind")


_unions: dict[tuple[TimelineSource, ...], Prepared] = {}


def _union_of(sources: list[TimelineSource]) -> Prepared:
    """The union of these sources by household id, compiled once per process (one set of sources in production;
    a source registered later makes a new set)."""
    key = tuple(sources)
    union = _unions.get(key)
    if union is None:
        union = _unions[key] = Prepared(lambda household_id: household_timeline_rows(household_id, list(key)), int)
    return union


class CompiledRows:
    """A queryset compiled to SQL once, read as a sequence: ``count()`` runs ``SELECT COUNT(*)`` around that SQL and
    a slice runs it with ``LIMIT``/``OFFSET``, its values converted as the queryset's would be (the database's
    converters, e.g. SQLite's text datetimes). For a paginator over a ``UNION ALL`` of many tables, whose
    compilation costs more than running it (2.6 ms for the timeline's eight parts, compiled twice by a plain
    ``Paginator``: once for the count, once for the page). The household timeline's union is compiled once per
    process and set of sources (:func:`_union_of`)."""

    def __init__(self, sql: str, params, compiler):
        self.connection = compiler.connection
        self.sql, self.params = sql, params
        self._compiler = compiler
        self._converters = compiler.get_converters([selected[0] for selected in compiler.select])

    @classmethod
    def of(cls, queryset: QuerySet) -> CompiledRows:
        compiler = queryset.query.get_compiler(connection=connections[queryset.db])
        return cls(*compiler.as_sql(), compiler)

    def count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) tl_count", self.params)
            return cursor.fetchone()[0]

    def __getitem__(self, bounds: slice) -> list[tuple]:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("CompiledRows takes a slice without a step")
        start, stop = bounds.start or 0, bounds.stop
        limit = self.connection.ops.limit_offset_sql(start, stop)
        with self.connection.cursor() as cursor:
            cursor.execute(f"{self.sql} {limit}", self.params)
            rows = cursor.fetchall()
        if self._converters:
            rows = [tuple(row) for row in self._compiler.apply_converters(rows, self._converters)]
        return rows


def household_timeline(household: Household, *, page: object = 1, per_page: int = TIMELINE_PER_PAGE,
                       sources: list[TimelineSource] | None = None, user=None) -> Page:
    """One page of the household's timeline; ``page.object_list`` holds :class:`TimelineEntry` items. ``user``:
    who reads it; without one, the lines of kinds with their own scoping (``TimelineSource.visible``) carry no
    link.

    Queries: 1 count + 1 page of the union (compiled once for both) + 1 per kind on the page (+1 for the needs
    of its visits).
    """
    sources = sources or timeline_sources()
    by_kind = {s.kind: s for s in sources}
    result = Paginator(CompiledRows(*_union_of(sources).statement(household.pk)), per_page).get_page(page)
    keys = list(result.object_list)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _at in keys:
        wanted.setdefault(kind, []).append(pk)
    fetched = {kind: by_kind[kind].fetch(ids, user) for kind, ids in wanted.items()}
    entries = []
    for kind, pk, at in keys:
        obj = fetched[kind].get(pk)
        if obj is None:  # deleted between the two queries
            continue
        source = by_kind[kind]
        parts = source.describe(obj)
        if source.visible is not None and not getattr(obj, "tl_openable", False):
            parts["url"] = None
        entries.append(TimelineEntry(kind=kind, label=str(source.label), at=at, obj=obj,
                                     date_only=source.date_only, **parts))
    result.object_list = entries
    return result
