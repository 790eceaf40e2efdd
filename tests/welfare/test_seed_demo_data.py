"""seed_demo's data, read from one seed per module: geography, demo users, households and residents, RRNs
encrypted, fake phones. (Seeding again, topping up and the bench on the demo: test_seed_demo.py.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q

from households import rrn
from households.models import Household, Relation, Resident
from welfare import search
from welfare.demo.people import PUBLIC_FIGURES
from welfare.models import District, Dong, Role, StaffMembership

from .test_seed_demo import N, seed


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed of N households for the tests that only read it (about 6 s each on PostgreSQL), in an outer
    transaction rolled back after the module: each test's own transaction is a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_creates_both_districts_with_their_dongs(seeded):
    seongdong = Dong.objects.filter(district__name="성동구")
    yeongdeungpo = Dong.objects.filter(district__name="영등포구")
    assert seongdong.count() == 17
    assert yeongdeungpo.count() == 18
    assert {"왕십리도선동", "금호2·3가동", "용답동"} <= set(seongdong.values_list("name", flat=True))
    assert {"영등포본동", "여의동", "대림3동"} <= set(yeongdeungpo.values_list("name", flat=True))
    assert 1 <= Dong.objects.filter(is_high_risk=True).count() <= 2
    assert not District.objects.exclude(code="").exists()
    assert not Dong.objects.exclude(admin_code="").exists()


@pytest.mark.django_db
def test_creates_one_user_per_role_and_prints_them(seeded):
    output = seeded
    for role in Role.values:
        assert StaffMembership.objects.filter(role=role).exists(), role
    official = StaffMembership.objects.get(user__username="official")
    assert official.role == Role.DONG_OFFICIAL
    assert set(official.dongs.values_list("name", flat=True)) == {"왕십리도선동", "왕십리2동"}
    assert StaffMembership.objects.get(user__username="admin").user.is_staff
    assert get_user_model().objects.get(username="superadmin").is_superuser
    for username in ("official", "lead", "planner", "admin", "official_ydp", "superadmin"):
        assert username in output
        assert get_user_model().objects.get(username=username).check_password("demo-pass-2026")
    assert "demo-pass-2026" in output


@pytest.mark.django_db
def test_households_each_have_residents_and_exactly_one_head(seeded):
    households = Household.objects.annotate(
        members=Count("residents"), heads=Count("residents", filter=Q(residents__relation=Relation.HEAD))
    )
    assert households.count() == N
    assert all(h.is_demo for h in households)
    for h in households:
        assert h.members >= 1
        assert h.heads == 1
        if h.is_single_person:
            assert h.members == 1
    assert Household.objects.values("dong__district").distinct().count() == 2
    assert not Resident.objects.filter(name__in=PUBLIC_FIGURES).exists()


@pytest.mark.django_db
def test_registration_numbers_are_encrypted_and_findable(seeded):
    with_rrn = list(Resident.objects.exclude(rrn_hash=""))
    assert with_rrn, "about 20 % of heads get a synthetic number"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, rrn_encrypted FROM households_resident")
        stored = dict(cursor.fetchall())
    for resident in with_rrn:
        number = resident.rrn_encrypted  # decrypted on load
        assert resident.relation == Relation.HEAD
        assert re.fullmatch(r"\d{13}", number)
        assert rrn.birth_date(number) == resident.birth_date
        assert rrn.sex(number) == resident.sex
        raw = stored[resident.pk]
        assert not re.search(r"\d{13}", raw)
        assert resident.rrn_masked[:8] not in raw  # "YYMMDD-G"
        assert list(Resident.objects.with_rrn(number)) == [resident]
        assert list(Resident.objects.with_rrn(f"{number[:6]}-{number[6:]}")) == [resident]
    for raw in stored.values():
        assert not re.search(r"\d{13}", raw or "")


@pytest.mark.django_db
def test_phones_are_fictitious_digits_only(seeded):
    phones = [p for p in Resident.objects.values_list("phone", flat=True) if p]
    assert phones
    for phone in phones:
        assert phone.isdigit() and len(phone) == 11
        assert phone.startswith("010")
        assert phone[3] == "0"


@pytest.mark.django_db
def test_both_demo_districts_have_emergency_and_general_households(seeded):
    for district in District.objects.filter(dongs__households__is_demo=True).distinct():
        levels = set(Household.objects.filter(dong__district=district).values_list("risk_level", flat=True))
        assert {"emergency", "general"} <= levels, district.name


@pytest.mark.django_db
def test_every_admin_page_of_the_demo_renders_for_a_superuser(seeded, client):
    """Each registered model's add page (where adding is allowed) and the change page of one demo record, inlines
    included (the lists: test_admin.py): a read-only inline naming a creation time once made the risk indicator's
    pages answer 500."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    root = get_user_model().objects.get(username="superadmin")
    client.force_login(root)
    request = RequestFactory().get("/admin/")
    request.user = root
    failed, changed = [], 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("welfare", "households", "discovery", "plans"):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = []
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
            changed += 1
        failed += [(url, status) for url in urls if (status := client.get(url).status_code) != 200]

    assert failed == []
    assert changed >= 40  # the demo fills most models: the change pages were really drawn


@pytest.mark.django_db
def test_the_crawl_finds_nothing_on_the_demo_and_would_report_a_refused_link(seeded):
    """``manage.py crawl`` over the demo (a few pages and two odd values per field, to stay quick): no 5xx, no link
    to a refusal. And a page that links to a refusal is reported."""
    from django.test import Client

    from welfare.demo.crawl import Finding, crawl, crawl_account

    lines: list[str] = []
    accounts = ("official", "lead", "planner", "anonymous")  # anonymous: the public tip-off form, signed out
    assert crawl(accounts, pages=25, values=("abc", "9" * 5000), write=lines.append) == []
    assert [line.split(":")[0] for line in lines] == list(accounts)
    assert all(int(line.split(", ")[1].split()[0]) > 0 for line in lines)  # forms were sent

    # A link the reader may not open: the household list of an aggregates-only planner links to a household
    found: list[Finding] = []
    planner = get_user_model().objects.get(username="planner")
    household = Household.objects.filter(dong__district=planner.staff.district).first()
    client = Client(raise_request_exception=False)
    client.force_login(planner)
    from unittest import mock

    from welfare.demo import crawl as crawl_module

    with mock.patch.object(crawl_module, "START", ("/households/",)), \
            mock.patch.object(crawl_module, "_links", lambda page, html, pattern=crawl_module.HREF:
                              [f"/households/{household.pk}/"] if pattern is crawl_module.HREF else []):
        crawl_account(client, planner, pages=5, per_kind=2, values=(), report=found.append)
    assert [(f.status, f.url, f.via) for f in found] == [(404, f"/households/{household.pk}/", "/households/")]


def test_the_crawl_reads_htmx_posts_as_the_browser_sends_them():
    """A form with ``hx-post`` is posted to that address; an element HTMX posts by itself (a plan's target cell)
    is a form of its name and its ``hx-vals``."""
    from welfare.demo.crawl import _Forms

    parser = _Forms("/plans/7/")
    parser.feed("""<form method="post" action="/plans/7/areas/" hx-post="/plans/7/areas/" hx-target="#areas">
        <input type="hidden" name="csrfmiddlewaretoken" value="t"><input name="title" value="돌봄"></form>
      <table><tr><td><input type="text" name="t-3-5" value="12" hx-post="/plans/7/targets/" hx-trigger="change"
        hx-vals='{"cell": "3-5"}'></td></tr></table>
      <input name="js" hx-post="/plans/7/x/" hx-vals="js:{a: 1}">
      <form method="get" action="/households/"><input name="q" value=""></form>""")
    assert [(f.method, f.action, f.htmx, f.fields) for f in parser.forms] == [
        ("post", "/plans/7/areas/", True, {"csrfmiddlewaretoken": "t", "title": "돌봄"}),
        ("post", "/plans/7/targets/", True, {"cell": "3-5", "t-3-5": "12"}),
        ("post", "/plans/7/x/", True, {"js": ""}),  # hx-vals written as JavaScript: the name alone
        ("get", "/households/", False, {"q": ""}),
    ]


@pytest.mark.django_db
def test_the_crawl_posts_a_plans_target_cells_with_the_htmx_header(seeded):
    """On a plan's page the crawl sends the target cells (HTMX only) with ``HX-Request``, and the HTMX forms both
    ways; nothing it sent answered 5xx."""
    from unittest import mock

    from django.test import Client

    from plans.models import AnnualPlan
    from plans.services import plan_create_from_previous
    from welfare.demo import crawl as crawl_module

    admin = get_user_model().objects.get(username="planner")
    # The demo's plans are approved; next year's draft, made from this year's as a planner does in December.
    current = AnnualPlan.objects.filter(district=admin.staff.district).order_by("-year").first()
    plan = plan_create_from_previous(previous=current, by=admin, year=current.year + 1)
    sent: list[tuple[str, str, bool]] = []
    real_post = Client.post

    def post(self, path, data=None, **extra):
        sent.append((path, ",".join(sorted(data or {})), extra.get("HTTP_HX_REQUEST") == "true"))
        return real_post(self, path, data, **extra)

    found: list = []
    with mock.patch.object(crawl_module, "START", (f"/plans/{plan.pk}/",)), \
            mock.patch.object(crawl_module, "_links", lambda page, html, pattern=crawl_module.HREF: []), \
            mock.patch.object(Client, "post", post):
        crawl_module.crawl_account(Client(raise_request_exception=False), admin, pages=1, per_kind=1,
                                   values=("abc",), report=found.append)
    targets = f"/plans/{plan.pk}/targets/"
    cells = [fields.split(",") for path, fields, htmx in sent if path == targets and htmx]
    assert cells and all(len(fields) == 2 and fields[0] == "cell" for fields in cells)  # one cell and its key
    both_ways = {htmx for path, _fields, htmx in sent if path == f"/plans/{plan.pk}/areas/"}
    assert both_ways == {True, False}
    assert found == []


@pytest.mark.django_db
def test_the_crawl_reports_answers_slower_than_asked(seeded):
    """``--slow-ms``: an answer that took longer is a finding, with its time; without it, time is not judged."""
    from unittest import mock

    from django.test import Client

    from welfare.demo import crawl as crawl_module

    official = get_user_model().objects.get(username="official")
    found: list = []
    with mock.patch.object(crawl_module, "START", ("/households/",)), \
            mock.patch.object(crawl_module, "_links", lambda page, html, pattern=crawl_module.HREF: []):
        for slow_ms in (None, 60_000, -1):  # -1: every answer is slower than that
            crawl_module.crawl_account(Client(raise_request_exception=False), official, pages=1, per_kind=1,
                                       values=(), report=found.append, slow_ms=slow_ms)
    assert [(f.status, f.url) for f in found] == [(200, "/households/")]
    assert found[0].ms >= 0 and "slow:" in str(found[0])


@pytest.mark.django_db
def test_the_crawls_nul_inside_a_name_reaches_the_search_and_is_answered(seeded):
    """The header search (a GET form on every page) sent with the crawl's NUL inside a name: on PostgreSQL this
    answered 500 until the search dropped control characters (a NUL alone was too short to be searched)."""
    from unittest import mock

    from django.test import Client

    from welfare.demo import crawl as crawl_module

    official = get_user_model().objects.get(username="official")
    odd = next(value for value in crawl_module.ODD_VALUES if "\x00" in value)
    sent: list[str] = []
    real_get = Client.get

    def get(self, path, data=None, **extra):
        sent.append(f"{path} {sorted((data or {}).items())}")
        return real_get(self, path, data, **extra)

    found: list = []
    with mock.patch.object(crawl_module, "START", ("/notifications/",)), \
            mock.patch.object(crawl_module, "_links", lambda page, html, pattern=crawl_module.HREF: []), \
            mock.patch.object(Client, "get", get):
        crawl_module.crawl_account(Client(raise_request_exception=False), official, pages=1, per_kind=1,
                                   values=(odd,), report=found.append)
    assert search.parse(odd).searchable
    assert any(line.startswith("/search/ ") and repr(odd) in line for line in sent)
    assert found == []
