"""The Django admin covers every model (registered or as an inline) and every list page renders."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

APPS = ("welfare", "households", "discovery", "plans")


def inline_models() -> set:
    """Inlines as a superuser sees them (some, like the reporter's identity, are shown only to superusers)."""
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    return {inline.model for model_admin in admin.site._registry.values()
            for inline in model_admin.get_inline_instances(request)}


def test_every_model_is_in_the_admin():
    covered = set(admin.site._registry) | inline_models()
    missing = [f"{m._meta.app_label}.{m.__name__}" for app in APPS for m in apps.get_app_config(app).get_models()
               if m not in covered]

    assert missing == []


@pytest.mark.django_db
def test_every_changelist_renders_for_a_superuser(client, django_user_model, household):
    superuser = django_user_model.objects.create_superuser("root", "root@demo.invalid", "pass-for-tests-1")
    client.force_login(superuser)

    for model in admin.site._registry:
        if model._meta.app_label not in APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


# Casework is read-only in the admin, and a record's page is logged -------------------------------------------


@pytest.fixture
def root(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@demo.invalid", "pass-for-tests-1")
    client.force_login(superuser)
    return superuser


CASEWORK = (
    "households.household", "households.resident", "households.consent", "households.sensitiveprofile",
    "households.visit", "households.followup", "households.checkin", "households.case", "households.servicelink",
    "households.memberevent", "households.isolationscreening", "discovery.crisisreport",
    "discovery.contactattempt", "discovery.householdmerge", "discovery.importbatch", "discovery.bigdataround",
    "discovery.bigdatatarget", "discovery.universalvisittarget", "discovery.networkmember",
    "discovery.rewarddecision", "plans.annualplan", "plans.plantask", "plans.dongtarget",
)


@pytest.mark.django_db
@pytest.mark.parametrize("label", CASEWORK)
def test_no_one_adds_changes_or_deletes_casework_in_the_admin(rf, root, label):
    model = apps.get_model(label)
    request = rf.get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


@pytest.mark.django_db
def test_a_households_admin_page_is_logged_and_refuses_a_change(client, root, household):
    from welfare.models import AccessLog

    url = reverse("admin:households_household_change", args=[household.pk])
    address = household.road_address

    page = client.get(url)
    refused = client.post(url, {"road_address": "바뀐 주소 1", "dong": household.dong_id})

    assert page.status_code == 200 and refused.status_code == 403
    household.refresh_from_db()
    assert household.road_address == address
    entry = AccessLog.objects.get(verb="households.household.viewed")
    assert (entry.user, entry.household_id, entry.reason) == (root, household.pk, "admin")
    assert client.get(reverse("admin:households_household_add")).status_code == 403
    assert client.get(reverse("admin:households_household_delete", args=[household.pk])).status_code == 403


@pytest.mark.django_db
def test_every_casework_page_with_a_row_renders_and_logs_one_entry(client, root, household):
    from welfare.models import AccessLog

    for label in CASEWORK:
        model = apps.get_model(label)
        obj = model.objects.first()
        if obj is None:
            continue
        before = AccessLog.objects.count()
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, url
        assert AccessLog.objects.count() == before + 1, url


GROWING = ("households.visit", "households.followup", "households.measurement", "households.checkin",
           "discovery.crisisreport", "welfare.accesslog", "welfare.notification", "welfare.outboundmessage")


@pytest.mark.django_db
@pytest.mark.parametrize("label", GROWING)
def test_the_lists_of_growing_tables_do_not_read_every_row_for_their_dates(client, root, household, label):
    """Django's date hierarchy lists the years with a SELECT DISTINCT over every row (400 ms at 1,000,000 visits);
    these lists filter by date instead (today, 7 days, this month, this year), and page by the table's estimate."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from welfare.common.paging import EstimatedCountPaginator

    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]
    model_admin = admin.site._registry[apps.get_model(label)]
    assert model_admin.paginator is EstimatedCountPaginator
    date_field = model_admin.list_filter[-1][0]
    # The filter's own links: a date, or an aware time for a date and time column.
    time = " 00:00:00+09:00" if apps.get_model(label)._meta.get_field(date_field).get_internal_type() == "DateTimeField" else ""
    response = client.get(url, {f"{date_field}__gte": f"2000-01-01{time}", f"{date_field}__lt": f"2100-01-01{time}"})
    assert response.status_code == 200
