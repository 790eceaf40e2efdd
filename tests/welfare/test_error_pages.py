"""Issue 18 (items 17, 18): styled Korean error pages with a way back, and a favicon at /favicon.ico."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from welfare.views import server_error

pytestmark = pytest.mark.django_db


def _is_styled(html: str) -> None:
    assert "/static/css/app.css" in html and 'href="/"' in html and "처음 화면으로" in html


def test_an_unknown_address_answers_the_styled_404(client_for, official):
    response = client_for(official).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "페이지를 찾을 수 없습니다" in html
    _is_styled(html)


def test_another_dongs_household_answers_the_same_404(client_for, official, other_household):
    response = client_for(official).get(reverse("households:detail", args=[other_household.pk]))
    assert response.status_code == 404 and "페이지를 찾을 수 없습니다" in response.content.decode()


def test_a_refused_capability_answers_the_styled_403(client_for, official):
    response = client_for(official).get(reverse("district:staff"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "권한이 없습니다" in html
    _is_styled(html)


def test_the_500_page_is_styled_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/households/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "일시적인 오류가 발생했습니다" in html
    _is_styled(html)


def test_the_api_keeps_its_json_404(client_for, official):
    response = client_for(official).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_favicon_ico_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert "/static/" in response["Location"]
