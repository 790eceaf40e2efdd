"""The client's address comes from REMOTE_ADDR and the configured trusted proxies, never from what the client
writes in X-Forwarded-For: the access log, the public form's rate limit and the login lockout use it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from discovery.models import CrisisReport
from welfare import audit
from welfare.common.net import client_ip
from welfare.models import AccessLog

FORM = reverse("report:create")


def request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def tip(dong) -> dict:
    return {"subject_description": "3층에 혼자 사시는 할아버지", "risk_signals": ["isolation"],
            "details": "우편물이 쌓여 있어요.", "where": f"dong:{dong.pk}"}


# The helper --------------------------------------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("10.0.0.1", "6.6.6.6")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1")) == "10.0.0.1"


def test_the_default_trusts_no_proxy():
    from django.conf import settings

    assert settings.TRUSTED_PROXY_COUNT == 0


def test_one_trusted_proxy_means_the_right_most_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6"; our proxy appended the address it saw.
    assert client_ip(request("10.0.0.254", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("10.0.0.254", "203.0.113.7")) == "203.0.113.7"


def test_two_trusted_proxies_mean_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # client → load balancer (appends the client) → nginx (appends the load balancer) → application
    assert client_ip(request("10.0.0.254", "6.6.6.6, 203.0.113.7, 10.0.0.10")) == "203.0.113.7"


def test_fewer_entries_than_trusted_proxies_use_the_left_most_which_a_proxy_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("10.0.0.254", "203.0.113.7")) == "203.0.113.7"


def test_no_header_or_a_garbled_entry_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.254")) == "10.0.0.254"
    assert client_ip(request("10.0.0.254", "1.2.3.4, not-an-address")) == "10.0.0.254"
    assert client_ip(request("10.0.0.254", " , ")) == "10.0.0.254"


def test_ipv6_addresses_are_kept(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("::1", "2001:db8::1")) == "2001:db8::1"


def test_the_lockout_callable_name_is_the_same_helper():
    # django-axes is pointed at "welfare.audit.client_ip" (AXES_CLIENT_IP_CALLABLE), called with the request.
    assert audit.client_ip is client_ip


# Where it is used --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_bypass_the_public_form_rate_limit(client, dong, settings):
    limit = settings.PUBLIC_REPORT_RATE_PER_HOUR
    statuses = [client.post(FORM, tip(dong), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(20)]

    assert statuses[:limit] == [302] * limit
    assert set(statuses[limit:]) == {429}
    assert CrisisReport.objects.count() == limit


@pytest.mark.django_db
def test_behind_one_proxy_the_rate_limit_counts_each_client_the_proxy_saw(client, dong, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_REPORT_RATE_PER_HOUR = 2
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    for n in range(2):
        assert client.post(FORM, tip(dong), HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7", **proxy).status_code == 302
    # The same client behind the proxy, whatever it writes itself, is limited ...
    assert client.post(FORM, tip(dong), HTTP_X_FORWARDED_FOR="6.6.6.9, 203.0.113.7", **proxy).status_code == 429
    # ... and another client behind the same proxy is not.
    assert client.post(FORM, tip(dong), HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 302


@pytest.mark.django_db
def test_the_access_log_records_remote_addr_not_the_forged_header(client_for, official, household):
    client_for(official).get(f"/households/{household.pk}/", REMOTE_ADDR="10.1.2.3",
                             HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert AccessLog.objects.get(verb="households.household.viewed").ip == "10.1.2.3"


@pytest.mark.django_db
def test_the_access_log_behind_one_proxy_records_the_right_most_entry(client_for, official, household, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client_for(official).get(f"/households/{household.pk}/", REMOTE_ADDR="10.0.0.254",
                             HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    assert AccessLog.objects.get(verb="households.household.viewed").ip == "203.0.113.7"


@pytest.mark.django_db
def test_a_garbage_forwarded_for_cannot_break_the_access_log(client_for, official, household, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client_for(official).get(f"/households/{household.pk}/", REMOTE_ADDR="10.0.0.254",
                                        HTTP_X_FORWARDED_FOR="'; drop table --")

    assert response.status_code == 200
    assert AccessLog.objects.get(verb="households.household.viewed").ip == "10.0.0.254"
