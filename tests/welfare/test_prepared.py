"""welfare.common.prepared: a read built and compiled once, then run with new values, gives what its queryset
gives (instances with their select_related objects and annotations, rows, counts) in one statement, and refuses a
build whose SQL would not be the same for every value. Then the reads of every request that use it: the session,
the signed-in user, their membership and dongs, the bell's count."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from tests.factories import HouseholdFactory
from welfare.common import prepared
from welfare.common.prepared import Prepared, PreparedInsert
from welfare.context_processors import unread_notifications
from welfare.models import AccessLog, Dong, Notification, StaffMembership
from welfare.scoping import membership, visible_dong_ids, visible_dongs
from welfare.sessions import SessionStore

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_instances_with_their_related_objects_and_annotations_match_the_queryset(dong, second_dong):
    built = []

    def build(dong_id):
        built.append(dong_id)
        return (Household.objects.filter(dong_id=dong_id).select_related("dong__district")
                .annotate(dong_name=F("dong__name")).order_by("pk"))

    read = Prepared(build, int)
    mine = HouseholdFactory.create_batch(3, dong=dong)
    HouseholdFactory(dong=second_dong)
    builds_at_first_use = None
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = read(dong.pk)
            names = [(h.dong.district.name, h.dong_name) for h in found]
        assert [h.pk for h in found] == [h.pk for h in mine]
        assert names == [(dong.district.name, dong.name)] * 3
        assert len(queries) == 1  # the related objects came in the same statement
        builds_at_first_use = builds_at_first_use or len(built)
    assert [h.pk for h in read(second_dong.pk)] == list(Household.objects.filter(dong=second_dong).values_list(
        "pk", flat=True))
    assert len(built) == builds_at_first_use  # built at the first call (its check), never again


def test_rows_flat_values_counts_and_first(dong, second_dong):
    HouseholdFactory.create_batch(2, dong=dong)
    rows = Prepared(lambda d: Household.objects.filter(dong_id=d).order_by("pk").values_list("pk", "dong_id"), int)
    flat = Prepared(lambda d: Household.objects.filter(dong_id=d).order_by("pk").values_list("pk", flat=True), int)
    assert rows(dong.pk) == list(Household.objects.filter(dong=dong).order_by("pk").values_list("pk", "dong_id"))
    assert flat(dong.pk) == list(Household.objects.filter(dong=dong).order_by("pk").values_list("pk", flat=True))
    assert rows.count(dong.pk) == 2 and rows.count(second_dong.pk) == 0
    assert flat.first(second_dong.pk) is None
    assert flat.first(dong.pk) == flat(dong.pk)[0]


def test_text_and_instant_arguments(dong):
    HouseholdFactory(dong=dong, road_address="서울 성동구 왕십리로 1")
    read = Prepared(lambda road, since: Household.objects.filter(road_address=road, created_at__gt=since)
                    .values_list("road_address", flat=True), str, dt.datetime)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    assert read("서울 성동구 왕십리로 1", an_hour_ago) == ["서울 성동구 왕십리로 1"]
    assert read("서울 성동구 왕십리로 1", timezone.now() + dt.timedelta(hours=1)) == []
    assert read("서울 성동구 왕십리로 2", an_hour_ago) == []


def test_a_list_argument_is_compiled_once_per_length_and_an_empty_one_asks_nothing(dong, second_dong):
    first, second, third = HouseholdFactory.create_batch(3, dong=dong)
    read = Prepared(lambda ids, d: Household.objects.filter(pk__in=ids, dong_id=d).order_by("pk")
                    .values_list("pk", flat=True), list, int)
    assert read([third.pk, first.pk], dong.pk) == [first.pk, third.pk]
    assert read([second.pk], dong.pk) == [second.pk]
    assert read([first.pk, second.pk, third.pk], second_dong.pk) == []
    assert read.count([first.pk, second.pk, first.pk], dong.pk) == 2  # as IN counts a value given twice
    with CaptureQueriesContext(connection) as queries:
        assert read([], dong.pk) == [] and read.count([], dong.pk) == 0
    assert len(queries) == 0  # as the ORM: an empty IN is known to match nothing
    with pytest.raises(TypeError):
        read([first.pk, None], dong.pk)


def test_a_list_of_many_lengths_keeps_a_bounded_number_of_compiled_forms(dong, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    households = HouseholdFactory.create_batch(5, dong=dong)
    read = Prepared(lambda ids: Household.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True), list)
    for n in range(1, 6):
        assert read([h.pk for h in households[:n]]) == [h.pk for h in households[:n]]
    assert len(read._compiled) == 3  # the fourth and fifth lengths were compiled for their call only
    assert read([h.pk for h in households]) == [h.pk for h in households]


def test_a_day_argument(dong):
    due = HouseholdFactory(dong=dong, next_contact_on=dt.date(2026, 12, 1))
    HouseholdFactory(dong=dong, next_contact_on=dt.date(2026, 12, 20))
    read = Prepared(lambda day: Household.objects.filter(next_contact_on__lte=day).values_list("pk", flat=True),
                    dt.date)
    assert read(dt.date(2026, 12, 7)) == [due.pk]
    assert read(dt.date(2026, 11, 30)) == []
    with pytest.raises(TypeError):
        read(timezone.now())  # an instant is not a day


def test_a_build_whose_sql_is_not_the_same_for_every_value_is_refused(dong):
    transformed = Prepared(lambda name: Dong.objects.filter(name__contains=name), str)
    with pytest.raises(ImproperlyConfigured, match="changed on its way to the SQL"):
        transformed("동")
    reads_the_clock = Prepared(lambda d: Household.objects.filter(dong_id=d, created_at__lt=timezone.now()), int)
    with pytest.raises(ImproperlyConfigured, match="does not depend on its arguments alone"):
        reads_the_clock(dong.pk)
    unused = Prepared(lambda d: Household.objects.all(), int)
    with pytest.raises(ImproperlyConfigured, match="arguments \\[0\\] are not passed"):
        unused(dong.pk)
    prefetching = Prepared(lambda d: Household.objects.filter(dong_id=d).prefetch_related("residents"), int)
    with pytest.raises(ImproperlyConfigured, match="prefetch_related"):
        prefetching(dong.pk)
    grouped = Prepared(lambda d: Household.objects.filter(dong_id=d).values("dong").annotate(n=Count("pk")), int)
    with pytest.raises(ImproperlyConfigured, match="values_list"):
        grouped(dong.pk)


def test_arguments_of_another_type_or_a_naive_instant_are_refused(dong):
    read = Prepared(lambda d: Household.objects.filter(dong_id=d), int)
    for wrong in ("1", True, 1.0, None):
        with pytest.raises(TypeError):
            read(wrong)
    since = Prepared(lambda at: Household.objects.filter(created_at__gt=at), dt.datetime)
    with pytest.raises(TypeError):
        since(dt.datetime(2026, 1, 1))
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda d: Household.objects.all(), float)


# --- The reads of every request --------------------------------------------------------------------------------


def test_membership_is_read_once_and_kept_where_user_staff_looks(official, dong):
    user = User.objects.get(pk=official.pk)
    with CaptureQueriesContext(connection) as queries:
        staff = membership(user)
        again = membership(user)
        direct = user.staff
    assert staff == StaffMembership.objects.get(user=official) and again is staff and direct is staff
    assert len(queries) == 1
    plain = User.objects.create_user("plain", password="x" * 12)
    assert membership(plain) is None and membership(plain) is None


def test_dong_ids_of_a_dong_role_and_of_a_district_role(official, district_admin, dong, second_dong,
                                                        other_district_dong):
    assert visible_dong_ids(User.objects.get(pk=official.pk)) == {dong.pk}
    assert visible_dong_ids(User.objects.get(pk=district_admin.pk)) == {dong.pk, second_dong.pk}


def test_the_dongs_in_order_a_dong_role_with_its_scope_a_district_role_by_a_read_of_their_own(
        official, district_admin, dong, second_dong, other_district_dong):
    both = StaffMembership.objects.get(user=official)
    both.dongs.add(second_dong)
    # The membership and the dongs' rows; a district role reads its dongs' ids, then their rows.
    for account, reads in ((official, 2), (district_admin, 3)):
        user = User.objects.get(pk=account.pk)
        with CaptureQueriesContext(connection) as queries:
            dongs = visible_dongs(user)
            assert visible_dongs(user) == dongs  # the rows kept: no read more for a dong role
        expected = list(Dong.objects.visible_to(user))
        assert [(d.pk, d.name, d.district_id) for d in dongs] == [(d.pk, d.name, d.district_id) for d in expected]
        assert expected == sorted(expected, key=lambda d: (d.district.name, d.name)) and len(expected) == 2
        assert len(queries) == reads, account


def test_the_bell_counts_the_users_unread_notifications(rf, official, lead):
    for n, user in enumerate((official, official, lead)):
        Notification.objects.create(user=user, kind="overdue", title=f"알림 {n}", dedupe_key=f"k{n}")
    Notification.objects.filter(user=official).update(read_at=None)
    Notification.objects.filter(user=lead).update(read_at=timezone.now())
    request = rf.get("/")
    request.user = official
    assert unread_notifications(request) == 2
    request = rf.get("/")
    request.user = lead
    assert unread_notifications(request) == 0


def test_an_unexpired_session_is_loaded_and_an_expired_one_is_not(official):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"answer": 42}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: an unknown or expired key is dropped


def test_a_signed_in_page_reads_the_session_and_user_and_an_inactive_user_is_signed_out(client, official):
    client.force_login(official)
    assert client.get(reverse("households:list")).status_code == 200
    User.objects.filter(pk=official.pk).update(is_active=False)
    response = client.get(reverse("households:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- One row's INSERT written once -------------------------------------------------------------------------------


def _columns(entry) -> dict:
    return {f.attname: getattr(entry, f.attname) for f in AccessLog._meta.concrete_fields if not f.primary_key}


def test_an_insert_written_once_stores_what_save_stores_and_reads_the_key_back(official, dong):
    insert = PreparedInsert(AccessLog)
    at = timezone.now()
    row = {"at": at, "user": official, "username": "official", "ip": "10.0.0.7", "action": "view",
           "verb": "households.household.viewed", "object_id": "12", "object_repr": "서울 성동구 왕십리로 1",
           "household_id": 12, "changes": {"filters": {"q": "김"}, "count": 3}, "subject_dong_id": dong.pk,
           "outside_assignment": True}
    saved = AccessLog.objects.create(**row)
    with CaptureQueriesContext(connection) as queries:
        first = insert(AccessLog(**row))
        second = insert(AccessLog(**{**row, "ip": None, "changes": {}, "verb": "households.household.listed"}))
    assert len(queries) == 2
    assert first.pk and second.pk and len({saved.pk, first.pk, second.pk}) == 3
    assert not first._state.adding and first._state.db == "default"
    stored = {entry.pk: _columns(entry) for entry in AccessLog.objects.filter(pk__in=[saved.pk, first.pk, second.pk])}
    assert stored[first.pk] == stored[saved.pk]
    assert stored[second.pk] == {**stored[saved.pk], "ip": None, "changes": {}, "verb": "households.household.listed"}


def test_an_insert_with_an_expression_value_takes_save(official):
    insert = PreparedInsert(AccessLog)
    entry = insert(AccessLog(user=official, username="official", action="view", verb="x.y.z",
                             object_repr=Upper(Value("abc"))))
    assert AccessLog.objects.get(pk=entry.pk).object_repr == "ABC"
