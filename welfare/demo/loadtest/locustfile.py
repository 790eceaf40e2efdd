"""Locust users of ``make load`` (run by :mod:`welfare.demo.loadtest.driver`; ``locust -f`` this file).

``LOAD_ACCOUNTS_FILE`` names the JSON the driver wrote: one account per user (a dong official of the load run,
already signed in by the driver through the login page: its session and form-token cookies, its API token, the
households of its dong, search terms drawn from them). Each Locust user takes the next account.

User classes (the driver names the one a run uses):

- ``OfficialUser``: the mix of :data:`welfare.demo.loadtest.mix.MIX` with a think time of 1–5 s;
- ``BusyOfficialUser``: the same mix with no think time (saturation);
- ``ListUser``: the household list only, no think time (the numerator of the ratio);
- ``TrivialUser``: the login page signed out, no think time (its denominator).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import HttpUser, between, constant, task
from locust.clients import HttpSession

from welfare.demo.loadtest import mix
from welfare.demo.loadtest.client import csrf_token, login, origin, proxied

SEOUL = ZoneInfo("Asia/Seoul")
# 100 characters with two needs, as the bench's visit scenario saves.
NOTE = ("냉장고가 거의 비어 있고 당뇨 약을 2주째 드시지 못함. 월세 3개월 체납으로 집주인 독촉을 받고 있어 "
        "긴급지원 상담과 방문간호 연계를 안내함. 다음 주 화요일 오전 재방문 약속함")

_accounts: list[dict] | None = None
_next = itertools.count()


def accounts() -> list[dict]:
    global _accounts
    if _accounts is None:
        with open(os.environ["LOAD_ACCOUNTS_FILE"], encoding="utf-8") as handle:
            _accounts = json.load(handle)["accounts"]
    return _accounts


class _Official(HttpUser):
    abstract = True

    def on_start(self) -> None:
        proxied(self.client, self.host)
        pool = accounts()
        self.account = pool[next(_next) % len(pool)]
        cookies = self.account.get("cookies") or {}
        if cookies:
            for name, value in cookies.items():
                self.client.cookies.set(name, value)
        elif not login(self.client, self.host, self.account["username"], self.account["password"],
                       name=mix.LOGIN):
            raise RuntimeError(f"{self.account['username']} could not sign in")
        self.api_headers = {"Authorization": f"Bearer {self.account['token']}"}
        # The trivial page is asked signed out: a session of its own, reported with the others.
        self.anonymous = proxied(HttpSession(self.host, self.environment.events.request, self), self.host)

    # --- the tasks of mix.MIX (same names) -----------------------------------------------------------------
    def household_list(self) -> None:
        query = random.choice(mix.LIST_QUERIES).format(dong=self.account["dong_id"])
        self._get(f"/households/{query}", mix.LIST)

    def household_page(self) -> None:
        household = random.choice(self.account["households"])
        self._get(f"/households/{household['id']}/", mix.HOUSEHOLD)

    def search(self) -> None:
        self._get("/search/", mix.SEARCH, params={"q": random.choice(self.account["terms"])})

    def api_case_list(self) -> None:
        self._get(f"/api/v1/cases/?dong={self.account['dong_id']}&page_size=50", mix.API_CASES,
                  headers=self.api_headers)

    def record_visit(self) -> None:
        household = random.choice(self.account["households"])
        path = f"/households/{household['id']}/visits/new/"
        form = self._get(path, mix.VISIT_FORM)
        if form.status_code != 200:
            return
        visited = (datetime.now(SEOUL) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
        with self.client.post(path, name=mix.VISIT_POST, allow_redirects=False, catch_response=True, data={
            "csrfmiddlewaretoken": csrf_token(form.text), "submission_token": str(uuid.uuid4()),
            "visited_at": visited, "kind": "home", "contact_result": "met", "risk_level": household["risk_level"],
            "observations": NOTE, "next_contact_on": "", "need_health": "high", "need_health_note": "복약 중단",
            "need_income": "medium",
        }, headers={"Referer": f"{origin(self.host)}{path}"}) as response:
            if response.status_code != 302:
                response.failure(f"visit not saved: {response.status_code}")

    def trivial(self) -> None:
        _get_ok(self.anonymous, "/login/", mix.TRIVIAL)

    def _get(self, path: str, name: str, **kwargs):
        return _get_ok(self.client, path, name, **kwargs)


def _get_ok(client, path: str, name: str, **kwargs):
    """A GET that counts as an error unless it answers 200 (a redirect to the login page is a lost session)."""
    with client.get(path, name=name, allow_redirects=False, catch_response=True, **kwargs) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
    return response


MIX_TASKS = {getattr(_Official, t.name): t.weight for t in mix.MIX}


class OfficialUser(_Official):
    wait_time = between(1, 5)
    tasks = MIX_TASKS


class BusyOfficialUser(_Official):
    wait_time = constant(0)
    tasks = MIX_TASKS


class ListUser(_Official):
    wait_time = constant(0)

    @task
    def list_only(self) -> None:
        self.household_list()


class TrivialUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        proxied(self.client, self.host)

    @task
    def trivial(self) -> None:
        _get_ok(self.client, "/login/", mix.TRIVIAL)
