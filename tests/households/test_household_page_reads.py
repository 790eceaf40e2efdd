"""The household page's reads compiled once (households.selectors_household_page, the timeline's union and its
per-kind rows): for each of two households they give what the querysets they were written from give, in the same
order, the second household's rows never the first's; and a page reads them in the same number of statements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households import selectors_household_page as panels
from households import timeline
from households.models import IsolationScreening
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.common.prepared import Prepared
from welfare.demo.busy import seed_busy_household

pytestmark = pytest.mark.django_db


def busy(dong, events, by):
    household = HouseholdFactory(dong=dong, status="under_care")
    ResidentFactory(household=household, relation="head")
    ResidentFactory(household=household, relation="spouse")
    seed_busy_household(household, events=events, by=by)
    return household


def pks(rows) -> list[int]:
    return [row.pk for row in rows]


@pytest.fixture
def households(dong, official):
    first, second = busy(dong, 70, official), busy(dong, 40, official)  # each with the case its events need
    for household in (first, second):
        IsolationScreening.objects.create(household=household, resident=household.residents.first(),
                                          screened_on=timezone.localdate(), answers={}, score=3,
                                          proposed_risk="medium")
    return first, second


def test_each_panel_read_gives_its_querysets_rows_for_that_household_only(households):
    for household in households:
        assert pks(panels.latest_visits(household.pk)) == pks(
            household.visits.order_by("-visited_at", "-id")[:panels.PANEL_VISITS])
        assert pks(panels.open_follow_ups(household.pk)) == pks(household.follow_ups.open().order_by("due_on", "id"))
        assert pks(panels.latest_check_ins(household.pk)) == pks(
            household.check_ins.order_by("-at", "-id")[:panels.PANEL_CHECK_INS])
        assert pks(panels.latest_member_events(household.pk)) == pks(
            household.member_events.order_by("-on", "-id")[:panels.PANEL_EVENTS])
        assert panels.latest_isolation_screening.first(household.pk) == household.isolation_screenings.order_by(
            "-screened_on", "-id").first()
        assert pks(panels.current_residents(household.pk)) == pks(household.residents.current().order_by("id"))
        assert panels.latest_visits(household.pk)  # the busy households have them all
    first, second = households
    assert not set(pks(panels.latest_visits(first.pk))) & set(pks(panels.latest_visits(second.pk)))


def test_the_residents_and_their_consents_as_prefetch_related_gives_them(households, official):
    from django.db.models import Prefetch

    from households.models import Consent
    from households.services import with_evidence
    from tests.factories import ConsentFactory

    first, second = households
    moved = ResidentFactory(household=first, relation="child", left_on=dt.date(2026, 1, 5))
    for resident, scopes in ((first.residents.order_by("id").first(), ("welfare", "health")), (moved, ("welfare",)),
                             (second.residents.order_by("id").first(), ("health",))):
        for scope in scopes:
            ConsentFactory(resident=resident, scope=scope)
    for household in households:
        expected = list(household.residents.order_by("left_on", "id").prefetch_related(
            Prefetch("consents", queryset=with_evidence(Consent.objects.order_by("scope", "-granted_on")))))
        found = panels.residents_with_consents(household.pk)
        with CaptureQueriesContext(connection) as asked:
            shown = [(r.pk, [(c.pk, c.has_evidence, c.resident is r) for c in r.consents.all()]) for r in found]
        assert not asked.captured_queries  # the consents given as prefetch_related gives them
        assert shown == [(r.pk, [(c.pk, c.has_evidence, True) for c in r.consents.all()]) for r in expected]
        assert any(consents for _pk, consents in shown)
    assert not {r.pk for r in panels.residents_with_consents(first.pk)} & {
        r.pk for r in panels.residents_with_consents(second.pk)}


def test_the_cases_and_their_deadline_flags_as_of_any_day(households):
    flags = ("is_assessment_overdue", "is_selection_overdue", "is_agreement_overdue", "is_plan_overdue")
    for household in households:
        for day in (timezone.localdate(), timezone.localdate() + dt.timedelta(days=365)):
            expected = household.cases.with_deadline_flags(day).order_by("-opened_on", "-id")
            found = panels.cases_with_flags(household.pk, day)
            assert [(c.pk, *(getattr(c, f) for f in flags)) for c in found] == [
                (c.pk, *(getattr(c, f) for f in flags)) for c in expected]
            assert found and all(c.client.name for c in found)  # the client read in the same statement


def test_the_timeline_of_each_household_is_its_own(households):
    for household in households:
        expected = [(kind, pk) for kind, pk, _at in timeline.household_timeline_rows(household)]
        total = len(expected)
        seen = []
        for number in range(1, -(-total // timeline.TIMELINE_PER_PAGE) + 1):
            page = timeline.household_timeline(household, page=number)
            assert page.paginator.count == total
            seen += [(entry.kind, entry.obj.pk) for entry in page.object_list]
        assert seen == expected


def built_anew(monkeypatch):
    """Every prepared read built and compiled as a plain queryset, on each call (what the page did before)."""
    def statement(self, *values, using=None):
        compiler = self.build(*values).query.get_compiler(using=using or "default")
        return (*compiler.as_sql(), compiler)

    monkeypatch.setattr(Prepared, "iterator", lambda self, *values, using=None: iter(self.build(*values)))
    monkeypatch.setattr(Prepared, "count", lambda self, *values, using=None: self.build(*values).count())
    monkeypatch.setattr(Prepared, "statement", statement)


def test_the_household_page_reads_them_in_as_many_statements_as_built_anew(client, official, households,
                                                                           monkeypatch):
    client.force_login(official)

    def statements(household) -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("households:detail", args=[household.pk]))
        assert response.status_code == 200
        return len(queries), response.content.count(b'class="tl-item')

    statements(households[0])  # the first request of a process fills caches of its own (content types)
    prepared = [statements(household) for household in households]
    built_anew(monkeypatch)
    assert [statements(household) for household in households] == prepared
