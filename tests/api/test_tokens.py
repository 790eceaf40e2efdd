"""API tokens: issued in the admin (the key shown once, only its hash stored), revoked there, sent as a Bearer
header; a revoked or unknown token is 401; each token has its own throttle."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.conftest import bearer_client, error_of
from welfare.api.auth import PerTokenThrottle
from welfare.errors import RuleError
from welfare.models import AccessLog, ApiToken
from welfare.services.tokens import token_issue, tokens_revoke

ADD = "/admin/welfare/apitoken/add/"
CHANGELIST = "/admin/welfare/apitoken/"
CASES = "/api/v1/cases/"
KEY = re.compile(r"dw_[A-Za-z0-9_-]{40,}")


def issue_in_admin(admin_client, user, name: str = "구청 대시보드") -> tuple[ApiToken, str, list[str]]:
    response = admin_client.post(ADD, {"user": user.pk, "name": name}, follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)] or [
        m.message for m in response.context["messages"]]
    keys = [k for t in texts for k in KEY.findall(t)]
    assert len(keys) == 1, texts
    return ApiToken.objects.get(name=name), keys[0], texts


def test_admin_issues_a_token_and_shows_its_key_once(admin_client, official):
    # when an admin adds a token for the official
    token, key, texts = issue_in_admin(admin_client, official)

    # then the key is shown in a message that says it will not be shown again, and only its hash is stored
    assert any(t.startswith("이 키는 다시 볼 수 없습니다: dw_") for t in texts)
    assert (token.user, token.name, token.prefix) == (official, "구청 대시보드", key[3:11])
    assert token.key_hash == ApiToken.hash_key(key) and key not in str(token.__dict__)
    assert token.created_by.is_superuser
    assert AccessLog.objects.filter(verb="welfare.apitoken.issued", object_id=str(token.pk)).exists()
    # and the key works for the official's API
    assert bearer_client(key).get(CASES).status_code == 200
    # and neither the list nor the token's page shows it again
    assert key not in admin_client.get(CHANGELIST).content.decode()
    page = admin_client.get(f"{CHANGELIST}{token.pk}/change/").content.decode()
    assert key not in page and f"dw_{token.prefix}…" in page


def test_the_add_form_asks_only_for_user_and_purpose(admin_client):
    form = admin_client.get(ADD).context["adminform"].form

    assert list(form.fields) == ["user", "name"]


def test_an_issued_token_cannot_be_changed_or_deleted(admin_client, official, api_token_for):
    token, _key = api_token_for(official)

    page = admin_client.get(f"{CHANGELIST}{token.pk}/change/")
    admin_client.post(f"{CHANGELIST}{token.pk}/change/", {"user": official.pk, "name": "바꾼 이름"})
    deleting = admin_client.get(f"{CHANGELIST}{token.pk}/delete/")

    token.refresh_from_db()
    assert 'name="_save"' not in page.content.decode()
    assert token.name == "테스트 연동"
    assert deleting.status_code == 403


def test_changelist_shows_prefix_user_and_use(admin_client, official, api_token_for):
    token, key = api_token_for(official)
    bearer_client(key).get(CASES)

    page = admin_client.get(CHANGELIST).content.decode()

    assert f"dw_{token.prefix}…" in page and "official" in page and "테스트 연동" in page
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_in_the_admin_stops_the_key_at_once(admin_client, official, api_token_for):
    # given a token in use
    token, key = api_token_for(official)
    client = bearer_client(key)
    assert client.get(CASES).status_code == 200

    # when the admin runs the "폐기" action on it
    response = admin_client.post(CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)

    # then it is revoked (kept for the record) and the key answers 401 in the API's error shape
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "토큰 1개를 폐기했습니다." in response.content.decode()
    refused = client.get(CASES)
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"] == "Bearer"
    assert AccessLog.objects.filter(verb="welfare.apitoken.revoked", object_id=str(token.pk)).exists()


def test_revoking_twice_keeps_the_first_time(admin_client, official, api_token_for):
    token, _key = api_token_for(official)
    first = timezone.now() - timezone.timedelta(days=3)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=first)

    response = admin_client.post(CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)

    token.refresh_from_db()
    assert token.revoked_at == first
    assert "토큰 0개를 폐기했습니다." in response.content.decode()


def test_the_token_services_log_what_they_do(admin_user, official):
    # the admin's issue and revoke are these services; other callers meet the same rules
    with pytest.raises(RuleError) as refused:
        token_issue(user=official, name="  ", by=admin_user)
    token, key = token_issue(user=official, name="구청 대시보드", by=admin_user)

    assert "name" in refused.value.message_dict
    assert ApiToken.hash_key(key) == token.key_hash and key not in str(AccessLog.objects.get().changes)
    assert tokens_revoke(tokens=[token], by=admin_user) == [token]
    assert tokens_revoke(tokens=[token], by=admin_user) == []
    assert AccessLog.objects.filter(verb="welfare.apitoken.revoked", user=admin_user).count() == 1


def test_a_dong_official_may_not_issue_tokens_in_the_admin(client, official):
    client.force_login(official)

    assert client.get(ADD).status_code in (302, 403)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", ["Bearer {key}", "Token {key}"])
def test_both_header_keywords_are_accepted(official, api_token_for, header):
    _token, key = api_token_for(official)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=key))

    assert client.get(CASES).status_code == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer dw_unknown", "Bearer a b"])
def test_a_bad_or_unknown_token_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(CASES)

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_an_inactive_users_token_is_401(official, api_token_for):
    _token, key = api_token_for(official)
    official.is_active = False
    official.save()

    assert bearer_client(key).get(CASES).status_code == 401


def test_no_credentials_is_401_not_a_login_redirect(db):
    response = APIClient().get(CASES)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_each_token_has_its_own_throttle(official, lead, api_token_for, monkeypatch):
    # given a rate of 3 requests a minute
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    busy = bearer_client(api_token_for(official)[1])
    other = bearer_client(api_token_for(official)[1])

    # when one token sends four requests
    answers = [busy.get(CASES).status_code for _n in range(4)]

    # then its fourth is 429 in the error shape with Retry-After, and another token of the same user is not held
    assert answers == [200, 200, 200, 429]
    throttled = busy.get(CASES)
    assert error_of(throttled)["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert other.get(CASES).status_code == 200
