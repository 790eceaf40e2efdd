"""The household page's attachments (issue 19): the visibility query has a condition for the owner kinds present
only, it still hides an attachment whose owner the user may not open, and the owners' labels are read without
joins the labels never use."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.attachment_owners import owner_kinds, with_owners
from households.models import Attachment, AttachmentKind
from tests.discovery.factories_network import report

from .factories_attachments import attach
from .factories_cases import make_case
from .factories_visits import VisitFactory

pytestmark = pytest.mark.django_db


def _row(owner_kind: str, owner_id: int, household, by) -> Attachment:
    """An attachment row written straight to the table (no file: the page lists rows, it never opens one)."""
    return Attachment.objects.create(owner_kind=owner_kind, owner_id=owner_id, household=household,
                                     kind=AttachmentKind.LETTER, title="임대인 서신", content_type="application/pdf",
                                     size=1_000, sha256="0" * 64, storage_name=f"test/{owner_kind}-{owner_id}",
                                     added_by=by)


def _visibility_sql(captured) -> str:
    found = [q["sql"] for q in captured if q["sql"].startswith('SELECT "households_attachment".')]
    assert len(found) == 1
    return found[0]


def test_the_visibility_query_names_only_the_kinds_present(client_for, official, household):
    case = make_case(household)
    attach(household, official)
    attach(case, official)
    url = reverse("households:detail", args=[household.pk])

    with CaptureQueriesContext(connection) as ctx:
        page = client_for(official).get(url).content.decode()

    sql = _visibility_sql(ctx.captured_queries)
    assert sql.count("EXISTS") == 2
    assert "'household'" in sql and "'case'" in sql
    assert "households_visit" not in sql and "discovery_crisisreport" not in sql
    assert len(owner_kinds()) > 2  # there are other kinds the query leaves out
    for attachment in Attachment.objects.all():
        assert reverse("households:attachment_download", args=[attachment.pk]) in page


def test_an_attachment_whose_owner_is_hidden_stays_hidden(client_for, official, household, second_dong):
    """A crisis report of another dong, linked to this household: the narrowed query still asks the report's own
    scoping, so the official sees the household's photo and not the other dong's letter."""
    hidden = _row("report", report(second_dong, household=household).pk, household, official)
    shown = attach(household, official)

    page = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()

    assert reverse("households:attachment_download", args=[shown.pk]) in page
    assert reverse("households:attachment_download", args=[hidden.pk]) not in page
    assert set(Attachment.objects.visible_to(official, kinds={"report", "household"})) == {shown}
    assert set(Attachment.objects.visible_to(official)) == {shown}


def test_visible_to_with_kinds_gives_the_same_rows_for_those_kinds(official, household, other_household):
    mine = [attach(household, official), attach(make_case(household), official)]
    _row("household", other_household.pk, other_household, official)  # another dong's
    present = {"household", "case"}

    narrowed = set(Attachment.objects.visible_to(official, kinds=present))

    assert narrowed == set(Attachment.objects.visible_to(official)) == set(mine)
    assert not Attachment.objects.visible_to(official, kinds=set()).exists()


def test_owner_labels_read_no_joins_they_do_not_use(official, household):
    visit = VisitFactory(household=household, recorded_by=official)
    attachments = [attach(visit, official), attach(household, official)]

    with CaptureQueriesContext(connection) as ctx:
        rows = with_owners(Attachment.objects.filter(pk__in=[a.pk for a in attachments]))

    owners = [q["sql"] for q in ctx.captured_queries if 'FROM "households_visit"' in q["sql"]]
    assert len(owners) == 1 and "JOIN" not in owners[0]
    assert {row.owner_url for row in rows} == {reverse("households:detail", args=[household.pk]) + "#attachments"}
    assert any(row.owner_label.startswith("방문 ") for row in rows)


def test_the_page_does_not_read_its_household_again_for_the_labels(client_for, official, household):
    attach(household, official)
    url = reverse("households:detail", args=[household.pk])
    client = client_for(official)

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()

    by_pk = [q["sql"] for q in ctx.captured_queries
             if q["sql"].startswith('SELECT "households_household".') and '"households_household"."id" IN' in q["sql"]]
    assert by_pk == []
    assert f'{reverse("households:detail", args=[household.pk])}#attachments' in page
