"""Named actors and shared fixtures. Two districts; the official works in 왕십리도선동 only."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from welfare.models import Role

from .factories import DistrictFactory, DongFactory, HouseholdFactory, ResidentFactory, staff_user


def pytest_configure(config):
    from welfare.celery import app

    # Tests never share a cache with each other or with a running deployment's Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "welfare-tests"}}

    # Test accounts get a cheap password hash: Django's PBKDF2 (1,000,000 rounds) costs about 240 ms per account
    # here, and most tests make several. The product's hashers stay listed after it, so a hash they made still
    # checks; the tests of the login, the lockout and the password rules run through the same code either way.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]

    # Messages never leave a test: the console backend unless a test points the gateway at its own fake server.
    settings.MESSAGING_BACKEND = "console"
    settings.MESSAGING_GATEWAY_URL = ""

    # Unit tests run tasks in-process; the reliability tests start a real worker on Redis themselves.
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True

    # Attachments go to a private temporary folder per test process, never to var/attachments.
    import tempfile

    from django.core.files.storage import storages

    folder = tempfile.mkdtemp(prefix="welfare-attachments-")
    config.welfare_attachments_dir = folder
    settings.STORAGES = {**settings.STORAGES, "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder, "base_url": None}}}
    storages._backends = None
    storages._storages = {}
    storages.__dict__.pop("backends", None)


def pytest_unconfigure(config):
    import shutil

    folder = getattr(config, "welfare_attachments_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _required_services(django_db_setup, django_db_blocker):
    """In CI (WELFARE_REQUIRE_SERVICES=1) the suite must run on PostgreSQL and see Redis, or fail."""
    if not os.environ.get("WELFARE_REQUIRE_SERVICES"):
        return
    from django.db import connection

    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.exit(f"WELFARE_REQUIRE_SERVICES is set but the database is {vendor}, not PostgreSQL", returncode=3)
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.exit(f"WELFARE_REQUIRE_SERVICES is set but Redis at {settings.REDIS_URL!r} is unreachable: {exc}",
                    returncode=3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def seongdong(db):
    return DistrictFactory(name="성동구")


@pytest.fixture
def yeongdeungpo(db):
    return DistrictFactory(name="영등포구")


@pytest.fixture
def dong(seongdong):
    return DongFactory(district=seongdong, name="왕십리도선동")


@pytest.fixture
def second_dong(seongdong):
    return DongFactory(district=seongdong, name="마장동")


@pytest.fixture
def other_district_dong(yeongdeungpo):
    return DongFactory(district=yeongdeungpo, name="영등포동")


@pytest.fixture
def official(dong):
    return staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="official")


@pytest.fixture
def lead(dong):
    return staff_user(Role.DONG_LEAD, district=dong.district, dongs=[dong], username="lead")


@pytest.fixture
def other_dong_official(second_dong):
    return staff_user(Role.DONG_OFFICIAL, district=second_dong.district, dongs=[second_dong], username="other")


@pytest.fixture
def planner(seongdong, dong, second_dong):
    return staff_user(Role.DISTRICT_PLANNER, district=seongdong, username="planner")


@pytest.fixture
def district_admin(seongdong, dong, second_dong):
    return staff_user(Role.DISTRICT_ADMIN, district=seongdong, username="districtadmin")


@pytest.fixture
def nurse(dong):
    """방문간호사 of the official's dong."""
    return staff_user(Role.VISITING_NURSE, district=dong.district, dongs=[dong], username="nurse")


@pytest.fixture
def case_team(seongdong, dong, second_dong):
    """A member of 성동구's 희망복지지원단 (the district's integrated case-management team)."""
    return staff_user(Role.CASE_TEAM, district=seongdong, username="hope_team")


@pytest.fixture
def household(dong):
    household = HouseholdFactory(dong=dong)
    ResidentFactory(household=household, name="김순자", relation="head")
    return household


@pytest.fixture
def other_household(second_dong):
    household = HouseholdFactory(dong=second_dong)
    ResidentFactory(household=household, name="박영철", relation="head")
    return household


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
