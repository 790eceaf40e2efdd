"""Shared helpers of the API tests: a REST client authenticated by a real token (welfare.models.ApiToken)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from welfare.models import ApiToken


def bearer_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api_token_for(db):
    """``api_token_for(user)`` → (token, key): a token issued the way an admin issues one."""

    def issue(user, name: str = "테스트 연동"):
        return ApiToken.issue(user=user, name=name)

    return issue


@pytest.fixture
def api_client_for(api_token_for):
    """``api_client_for(user)``: an APIClient sending ``Authorization: Bearer <key>`` of a fresh token."""

    def make(user) -> APIClient:
        _token, key = api_token_for(user)
        return bearer_client(key)

    return make


def walk(client: APIClient, url: str, params: dict | None = None) -> list[dict]:
    """Every row of a list endpoint, following the ``next`` cursor links to the end."""
    rows: list[dict] = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        rows.extend(response.json()["results"])
        following = response.json()["next"]
        if not following:
            return rows
        response = client.get(following)


def error_of(response) -> dict:
    """The one error shape of the API (welfare.api.errors)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
