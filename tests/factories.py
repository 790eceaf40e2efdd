"""factory-boy factories: synthetic people only (Faker ko_KR)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from households.models import Consent, Household, Resident
from welfare.models import District, Dong, Role, StaffMembership

factory.Faker._DEFAULT_LOCALE = "ko_KR"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"테스트{n}구")


class DongFactory(DjangoModelFactory):
    class Meta:
        model = Dong

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"테스트{n}동")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def staff_user(role: str, *, district: District, dongs=(), username: str | None = None, **extra):
    user = UserFactory(**({"username": username} if username else {}))
    membership = StaffMembership.objects.create(user=user, role=role, district=district, **extra)
    membership.dongs.set(dongs)
    return user


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    dong = factory.SubFactory(DongFactory)
    road_address = factory.LazyAttributeSequence(lambda o, n: f"서울특별시 {o.dong.district.name} 왕십리로 {n % 300 + 1}")
    address_detail = factory.Sequence(lambda n: f"{n % 20 + 1}동 {n % 9 + 1}0{n % 4 + 1}호")
    housing_type = "apartment"


class ResidentFactory(DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name")
    relation = "head"
    sex = "F"
    phone = factory.Sequence(lambda n: f"0100{n % 1000:03d}{n % 10000:04d}")


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    resident = factory.SubFactory(ResidentFactory)
    scope = "collect_use"
    granted_on = factory.Faker("date_between", start_date="-1y", end_date="today")
    method = "written"


__all__ = ["Role"]
