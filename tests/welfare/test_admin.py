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
