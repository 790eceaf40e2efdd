"""The new-report form's reporting network member: listed whole for a dong, found by a search for a district.

A district's network is about 2,000 members: as one ``<select>`` the form was a 100 KB page that took 300 ms to
send back with an error. The search re-draws the form as typed (nothing saved, nothing refused yet).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from discovery.forms import reports as report_forms
from discovery.models import CrisisReport

from .factories_network import member

pytestmark = pytest.mark.django_db

URL = "discovery:report_create"


def typed(dong, **extra) -> dict:
    """A report as an official has typed it so far."""
    return {"channel": "phone", "dong": dong.pk, "received_at": "2026-11-02T10:00", "urgency": "urgent",
            "subject_name": "박복순", "risk_signals": ["no_food", "isolation"], "details": "이웃이 전화로 알림",
            "reporter_kind": "network_member", "reporter_wants_reply": "on", **extra}


def _select(html: str) -> str:
    return re.search(r'<select name="network_member".*?</select>', html, re.S).group(0)


def options(html: str) -> list[str]:
    """The network member select's options (their labels), the empty choice left out."""
    return [label for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', _select(html))
            if value]


def chosen(html: str) -> str | None:
    found = re.search(r'<option value="(\d+)"[^>]*selected', _select(html))
    return found and found.group(1)


def test_a_dongs_network_is_listed_whole_and_only_whos_active_there(client_for, official, dong, second_dong):
    member(dong, name="김가스", organisation="성동도시가스")
    member(dong, name="이통장")
    member(second_dong, name="박다른동")
    member(dong, name="최지난", active_to=timezone.localdate() - dt.timedelta(days=1))

    html = client_for(official).get(reverse(URL)).content.decode()

    assert options(html) == ["김가스 (명예사회복지공무원 · 성동도시가스)", "이통장 (명예사회복지공무원)"]
    assert "목록에 없으면" in html and 'name="member_find"' in html


def test_the_reporters_kind_is_drawn_once(client_for, official):
    # Drawn twice, a browser sent both selects and the second (untouched: 익명) won
    html = client_for(official).get(reverse(URL)).content.decode()

    assert html.count('name="reporter_kind"') == 1 and html.count('name="network_member"') == 1


def test_a_districts_network_is_searched_not_listed(client_for, district_admin, dong, second_dong, monkeypatch,
                                                       django_assert_max_num_queries):
    monkeypatch.setattr(report_forms, "MEMBERS_LISTED", 3)
    for n in range(5):
        member(dong if n % 2 else second_dong, name=f"구성원{n}")
    client = client_for(district_admin)
    client.get(reverse(URL))

    with django_assert_max_num_queries(12):
        html = client.get(reverse(URL)).content.decode()

    assert options(html) == []
    assert "3명이 넘어 목록에 다 싣지 않습니다" in html


def test_the_search_button_redraws_the_form_as_typed_with_the_members_found(client_for, official, dong):
    gas = member(dong, name="김가스", organisation="성동도시가스")
    member(dong, name="김가람")
    member(dong, name="이통장", organisation="도시가스협회")

    response = client_for(official).post(reverse(URL), typed(dong, member_find="도시가스", member_find_go="1"))

    html = html_lib.unescape(response.content.decode())
    assert response.status_code == 200 and not CrisisReport.objects.exists()
    assert options(html) == ["김가스 (명예사회복지공무원 · 성동도시가스)", "이통장 (명예사회복지공무원 · 도시가스협회)"]
    assert "'도시가스'(으)로 찾은 구성원 2명입니다" in html
    assert chosen(html) is None  # two found: the official chooses
    # What was typed comes back, and nothing is refused yet
    assert 'value="박복순"' in html and "이웃이 전화로 알림" in html and 'value="2026-11-02T10:00"' in html
    assert re.search(r'value="no_food"[^>]*checked', html) and re.search(r'value="isolation"[^>]*checked', html)
    assert re.search(r'name="reporter_wants_reply"[^>]*checked', html)
    assert re.search(r'value="urgent"[^>]*checked', html)
    assert 'class="error"' not in html
    assert re.search(r'name="member_searched" value="도시가스"', html)

    # The one found by a fuller name is chosen for the official
    html = client_for(official).post(reverse(URL), typed(dong, member_find="김가스", member_find_go="1")).content.decode()
    assert options(html) == ["김가스 (명예사회복지공무원 · 성동도시가스)"] and chosen(html) == str(gas.pk)


def test_enter_in_the_search_box_searches_and_a_searched_text_then_lets_the_report_be_taken(client_for, official,
                                                                                          dong):
    gas = member(dong, name="김가스")
    client = client_for(official)

    # Enter in the box sends the form through its first button (접수): a text not yet searched is searched
    response = client.post(reverse(URL), typed(dong, member_find="김가스", member_searched=""))
    assert response.status_code == 200 and not CrisisReport.objects.exists()
    assert chosen(response.content.decode()) == str(gas.pk)

    # The same text, searched, with the member chosen: the report is taken
    response = client.post(reverse(URL), typed(dong, member_find="김가스", member_searched="김가스",
                                               network_member=gas.pk))
    report = CrisisReport.objects.get()
    assert response.status_code == 302 and report.network_member == gas


def test_a_chosen_member_stays_an_option_when_the_form_comes_back_with_an_error(client_for, district_admin, dong,
                                                                                monkeypatch):
    monkeypatch.setattr(report_forms, "MEMBERS_LISTED", 1)
    gas = member(dong, name="김가스")
    member(dong, name="이통장")

    response = client_for(district_admin).post(reverse(URL), typed(
        dong, subject_name="", details="", member_find="", network_member=gas.pk, received_at=""))

    html = response.content.decode()
    assert response.status_code == 200 and not CrisisReport.objects.exists()
    assert 'class="error"' in html
    assert options(html) == ["김가스 (명예사회복지공무원)"] and chosen(html) == str(gas.pk)


def test_a_member_from_elsewhere_is_refused_by_id(client_for, official, dong, other_district_dong):
    elsewhere = member(other_district_dong, name="영등포")

    response = client_for(official).post(reverse(URL), typed(dong, network_member=elsewhere.pk))

    html = response.content.decode()
    assert response.status_code == 200 and not CrisisReport.objects.exists()
    assert "영등포 (" not in html and 'class="error"' in html


@pytest.mark.parametrize(("find", "message"), [
    ("김", "두 글자, 전화번호는 세 자리 이상"),
    ("없는이름", "'없는이름'(으)로 찾은, 오늘 활동 중인 구성원이 없습니다"),
])
def test_a_search_that_cannot_find_says_why(client_for, official, dong, find, message):
    member(dong, name="김가스")

    response = client_for(official).post(reverse(URL), typed(dong, member_find=find, member_find_go="1"))

    html = html_lib.unescape(response.content.decode())
    assert options(html) == [] and message in html


def test_a_search_finding_more_than_it_shows_asks_for_more(client_for, official, dong, monkeypatch):
    monkeypatch.setattr(report_forms, "MEMBERS_FOUND", 2)
    for n in range(3):
        member(dong, name=f"김가스{n}")
    member(dong, phone="01012345678", name="전화")

    html = client_for(official).post(reverse(URL), typed(dong, member_find="김가스", member_find_go="1")).content.decode()
    assert options(html) == ["김가스0 (명예사회복지공무원)", "김가스1 (명예사회복지공무원)"]
    assert "처음 2명입니다. 더 자세히 적어" in html

    html = client_for(official).post(reverse(URL), typed(dong, member_find="5678", member_find_go="1")).content.decode()
    assert options(html) == ["전화 (명예사회복지공무원)"]


@pytest.mark.parametrize("find", ["김가\x00스", "가" * 5000, "%_\\", "  "])
def test_odd_search_text_is_searched_safely(client_for, official, dong, find):
    member(dong, name="김가스")

    response = client_for(official).post(reverse(URL), typed(dong, member_find=find, member_find_go="1"))

    assert response.status_code == 200 and not CrisisReport.objects.exists()


@pytest.mark.parametrize("given", ["9" * 20, "9" * 5000, "-1", "abc", "１２"])
def test_an_odd_member_id_is_refused_with_a_message(client_for, official, dong, given):
    # The crawl found the 20- and 5,000-digit ids answering 500 (PostgreSQL's bigint; Python's 4,300 digits)
    member(dong, name="김가스")

    response = client_for(official).post(reverse(URL), typed(dong, network_member=given))

    assert response.status_code == 200 and not CrisisReport.objects.exists()
    assert 'class="error"' in response.content.decode()
