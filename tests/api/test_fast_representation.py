"""The API's serializers read a row's plain values directly (welfare.api.serializers.FastRepresentation), build
their fields once per class and ask the time zone once per field; what they write is DRF's own, byte for byte:
over every list and detail of every registered viewset, and over the sources DRF reads in its own ways (a foreign
key's id, a deferred column, a property, a dotted source, the whole row, a dict, a mapping that is not a dict, a
callable value, a missing key with a default).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.db import transaction
from django.db.models import Count
from rest_framework import serializers

from households.models import Household
from welfare.api import serializers as api_serializers
from welfare.api.router import build
from welfare.api.serializers import ModelSerializer, Serializer

from ..factories import UserFactory
from .conftest import bearer_client
from .test_permission_matrix import _build_world

API = "/api/v1"


@pytest.fixture
def drf_way(monkeypatch):
    """Within it, every API serializer writes through DRF's own ``to_representation``, with its fields built by
    DRF for each serializer and its date-times asking the time zone for each value (the bases' shortcuts off)."""

    def use():
        monkeypatch.setattr(api_serializers.FastRepresentation, "to_representation",
                            serializers.Serializer.to_representation)
        monkeypatch.setattr(api_serializers.ModelSerializer, "get_fields", serializers.ModelSerializer.get_fields)
        monkeypatch.setattr(api_serializers.DateTimeField, "default_timezone",
                            serializers.DateTimeField.default_timezone)

    return use


# Every endpoint -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def read_everything(client) -> dict[str, bytes]:
    """Every list of the router, then every object of each list by its detail URL: the raw bytes of each."""
    bodies: dict[str, bytes] = {}
    for prefix, _viewset, _basename in build().registry:
        if prefix.startswith("field/"):  # the field app's session and pack: written by hand, not by serializers
            continue
        response = client.get(f"{API}/{prefix}/", {"page_size": 100})
        bodies[prefix] = response.content
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        for row in rows:
            if isinstance(row, dict) and "id" in row:
                detail = client.get(f"{API}/{prefix}/{row['id']}/")
                bodies[f"{prefix}/{row['id']}"] = detail.content
    return bodies


@pytest.mark.parametrize("role", ["district_admin", "official", "nurse"])
def test_every_list_and_detail_writes_what_drf_writes(world, role, drf_way, db):
    client = bearer_client(world.keys[role])
    fast = read_everything(client)
    drf_way()
    assert read_everything(client) == fast
    # Not vacuous: rows of every kind were written.
    listed = [prefix for prefix in fast if "/" not in prefix and b'"id":' in fast[prefix]]
    assert len(listed) >= 8, listed
    assert sum(key.rsplit("/", 1)[-1].isdigit() for key in fast) >= 8


# The sources DRF reads its own ways -------------------------------------------------------------------------------


class HouseholdProbe(ModelSerializer):
    dong_name = serializers.CharField(source="dong.name")  # dotted: DRF's way
    whole = serializers.SerializerMethodField()  # source="*"
    label = serializers.CharField(source="__str__")  # a method: DRF calls it
    flagged = serializers.BooleanField(source="is_flagged", default=False)  # missing attribute: the default
    annotated = serializers.IntegerField(source="n_residents")  # an annotation in __dict__

    class Meta:
        model = Household
        fields = ("id", "dong", "assigned_official", "road_address", "risk_level", "next_contact_on", "dong_name",
                  "whole", "label", "flagged", "annotated", "updated_at")

    def get_whole(self, household) -> str:
        return f"{household.pk}:{household.road_address}"


class Box(Mapping):
    """A mapping that is not a dict and has an attribute of the same name as a key: DRF reads the key."""

    def __init__(self, data):
        self._data = data
        self.name = "attribute, not key"

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


class Plain(Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(required=False, default=7)
    made = serializers.CharField(source="make")  # a callable value: DRF calls it


class Wrapping:
    """A descriptor that keeps the raw value in the row's ``__dict__`` under its own name and gives something else
    (Django's ``FileDescriptor`` gives a FieldFile for the stored name)."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, row, owner=None):
        return self if row is None else f"wrapped {row.__dict__[self.name]}"

    def __set__(self, row, value):
        row.__dict__[self.name] = value


class Row:
    name = Wrapping()

    def __init__(self, name, make):
        self.name = name
        self.make = make


def both_ways(monkeypatch, make):
    fast = make()
    with monkeypatch.context() as m:
        m.setattr(api_serializers.FastRepresentation, "to_representation", serializers.Serializer.to_representation)
        drf = make()
    return fast, drf


def test_model_fields_of_every_kind_as_drf_writes_them(monkeypatch, world, db):
    household, other_household = world.objects[("households", "own")], world.objects[("households", "other_dong")]
    official = UserFactory()
    Household.objects.filter(pk=household.pk).update(assigned_official=official)
    Household.objects.filter(pk=other_household.pk).update(assigned_official=None, next_contact_on=None)
    counted = (Household.objects.filter(pk__in=(household.pk, other_household.pk))
               .annotate(n_residents=Count("residents")).order_by("id"))
    for queryset in (counted.select_related("dong"), counted.only("id", "dong")):  # the second: columns read later
        fast, drf = both_ways(monkeypatch, lambda qs=queryset: HouseholdProbe(qs, many=True).data)
        assert fast == drf
        assert [row["assigned_official"] for row in fast] == [official.pk, None]
        assert fast[0]["dong"] == household.dong_id and fast[1]["next_contact_on"] is None
        assert fast[0]["flagged"] is False and fast[0]["label"] == str(household)


def test_dicts_mappings_descriptors_and_callables_as_drf_reads_them(monkeypatch):
    rows = [
        Row("raw", "object"),  # a name read through its class's descriptor
        {"name": "dict", "make": lambda: "called"},  # a callable under a key
        {"name": "no size", "make": "plain"},  # a missing key: the default
        Box({"name": "key", "size": 3, "make": "boxed"}),
    ]
    fast, drf = both_ways(monkeypatch, lambda: Plain(rows, many=True).data)
    assert fast == drf == [
        {"name": "wrapped raw", "size": 7, "made": "object"},
        {"name": "dict", "size": 7, "made": "called"},
        {"name": "no size", "size": 7, "made": "plain"},
        {"name": "key", "size": 3, "made": "boxed"},
    ]


# Fields built once per class; the time zone asked once per field --------------------------------------------------


class ChoicesAtRunTime(ModelSerializer):
    class Meta:
        model = Household
        fields = ("id", "risk_level", "updated_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].choices = [("only", "하나뿐")]  # as the sync and upload serializers do


def test_each_serializer_gets_fields_of_its_own_built_once_per_class(monkeypatch):
    built = []
    drf_build = serializers.ModelSerializer.get_fields

    def counting(self):
        built.append(type(self))
        return drf_build(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    monkeypatch.setattr(api_serializers, "_BUILT_FIELDS", {})
    first, second = HouseholdProbe(), HouseholdProbe()
    assert list(first.fields) == list(second.fields) == list(HouseholdProbe.Meta.fields)
    assert built == [HouseholdProbe]  # the second serializer copied the first build
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    changed = ChoicesAtRunTime()
    assert list(changed.fields["risk_level"].choices) == ["only"]
    assert list(ChoicesAtRunTime().fields["risk_level"].choices) == ["only"]
    assert "high" in HouseholdProbe().fields["risk_level"].choices  # another class's copy is DRF's, whole
    assert built == [HouseholdProbe, ChoicesAtRunTime]


def test_date_times_are_written_in_the_time_zone_active_for_the_response():
    from datetime import UTC, datetime

    from django.utils import timezone

    moment = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)
    row = {"id": 1, "risk_level": "high", "updated_at": moment}

    class Small(ModelSerializer):
        class Meta:
            model = Household
            fields = ("id", "updated_at")

    assert isinstance(Small().fields["updated_at"], api_serializers.DateTimeField)
    assert Small([row, row], many=True).data[1]["updated_at"] == "2026-12-07T00:30:00+09:00"  # Asia/Seoul
    with timezone.override("UTC"):  # a later response under another zone is not given the first one's
        assert Small([row], many=True).data[0]["updated_at"] == "2026-12-06T15:30:00Z"
        assert serializers.DateTimeField().to_representation(moment) == "2026-12-06T15:30:00Z"
