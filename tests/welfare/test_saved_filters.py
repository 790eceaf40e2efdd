"""Saved filters on the work lists and the triage queue (issue 15 item 6): per user and shared within a dong,
shown as chips, deleted by their owner only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import staff_user
from welfare.errors import RuleError
from welfare.models import AccessLog, Role, SavedFilter
from welfare.selectors import saved_filters_for
from welfare.services.saved_filters import filter_query, saved_filter_delete, saved_filter_save

pytestmark = pytest.mark.django_db

CASELOAD = reverse("households:caseload")
QUEUE = reverse("discovery:queue")
TEAM = reverse("households:team")


def test_the_query_is_kept_without_page_numbers_tokens_or_empty_values():
    assert filter_query("stage=planning&page=3&risk_level=high&csrfmiddlewaretoken=x&q=") == (
        "risk_level=high&stage=planning")


def test_a_filter_is_mine_unless_shared_with_one_of_my_dongs(dong, second_dong, official, lead,
                                                              other_dong_official):
    mine = saved_filter_save(by=official, list_key="caseload", name="고위험만", query="risk_level=high&page=2")
    shared = saved_filter_save(by=lead, list_key="caseload", name="계획 단계", query="stage=planning",
                               share_with=dong)

    assert mine.query == "risk_level=high" and mine.shared_dong is None
    assert [f.name for f in saved_filters_for(official, "caseload")] == ["고위험만", "계획 단계"]  # mine first
    assert [f.name for f in saved_filters_for(lead, "caseload")] == ["계획 단계"]
    assert list(saved_filters_for(other_dong_official, "caseload")) == []  # another dong's share is not theirs
    assert list(saved_filters_for(official, "triage")) == []  # one list's filters stay on that list
    assert AccessLog.objects.filter(verb="welfare.savedfilter.created").count() == 2
    assert shared.shared_dong == dong


def test_saving_under_the_same_name_replaces_and_the_rules_refuse_with_reasons(dong, second_dong, official,
                                                                               planner):
    saved_filter_save(by=official, list_key="triage", name="긴급", query="urgency=urgent")
    saved_filter_save(by=official, list_key="triage", name="긴급", query="urgency=urgent&mine=on")
    assert SavedFilter.objects.get().query == "mine=on&urgency=urgent"

    with pytest.raises(RuleError) as refused:
        saved_filter_save(by=official, list_key="triage", name=" ", query="page=2", share_with=second_dong)
    assert refused.value.message_dict == {
        "name": ["필터 이름을 적어 주세요."],
        "query": ["저장할 검색 조건이 없습니다. 목록에서 조건을 고른 뒤 저장하세요."],
        "share_with": ["담당 동에만 공유할 수 있습니다."],
    }
    with pytest.raises(RuleError, match="권한이 없습니다"):
        saved_filter_save(by=planner, list_key="caseload", name="x", query="risk_level=high")
    with pytest.raises(RuleError, match="권한이 없습니다"):
        saved_filter_save(by=official, list_key="team", name="x", query="dong=1")  # not a lead
    with pytest.raises(RuleError, match="권한이 없습니다"):
        saved_filter_save(by=official, list_key="nothing", name="x", query="a=1")


def test_only_the_owner_deletes_a_filter(dong, official, lead):
    shared = saved_filter_save(by=lead, list_key="triage", name="우리 동 긴급", query="urgency=urgent",
                               share_with=dong)

    with pytest.raises(RuleError, match="내가 저장한 필터만"):
        saved_filter_delete(saved_filter=shared, by=official)
    saved_filter_delete(saved_filter=shared, by=lead)
    assert not SavedFilter.objects.exists()


def test_the_caseload_saves_the_current_query_and_shows_it_as_a_chip(client_for, official):
    client = client_for(official)
    page = client.get(CASELOAD, {"risk_level": "high", "page": "2"}).content.decode()
    assert "현재 조건 저장" in page and 'name="query" value="risk_level=high"' in page

    response = client.post(reverse("saved_filter_save"), {
        "list_key": "caseload", "name": "고위험", "query": "risk_level=high", "next": f"{CASELOAD}?risk_level=high"})

    assert response.status_code == 302 and response["Location"] == f"{CASELOAD}?risk_level=high"
    page = client.get(CASELOAD, {"risk_level": "high"}).content.decode()
    assert f'<a href="{CASELOAD}?risk_level=high" aria-current="true">고위험</a>' in page
    assert "'고위험' 필터 삭제" in page
    assert "현재 조건 저장" in client.get(CASELOAD, {"risk_level": "low"}).content.decode()


def test_a_colleagues_shared_filter_shows_without_a_delete_button(client_for, dong, official, lead):
    saved_filter_save(by=lead, list_key="triage", name="팀 공유 긴급", query="urgency=urgent", share_with=dong)

    page = client_for(official).get(QUEUE).content.decode()

    assert "팀 공유 긴급" in page and "'팀 공유 긴급' 필터 삭제" not in page
    other = SavedFilter.objects.get()
    assert client_for(official).post(reverse("saved_filter_delete", args=[other.pk])).status_code == 404
    assert SavedFilter.objects.exists()


def test_a_refused_save_says_why_and_a_foreign_next_is_not_followed(client_for, official):
    client = client_for(official)

    response = client.post(reverse("saved_filter_save"), {
        "list_key": "caseload", "name": "", "query": "risk_level=high", "next": "https://evil.example/"},
        follow=True)

    assert response.redirect_chain[0][0] == "/"
    assert "필터 이름을 적어 주세요." in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_the_team_page_filters_by_one_of_the_leads_dongs_and_saves_it(client_for, dong, second_dong, seongdong):
    lead = staff_user(Role.DONG_LEAD, district=seongdong, dongs=[dong, second_dong], username="two-dong-lead")
    client = client_for(lead)

    page = client.get(TEAM, {"dong": second_dong.pk}).content.decode()

    assert f'<option value="{second_dong.pk}" selected>' in page
    assert f'name="query" value="dong={second_dong.pk}"' in page
    client.post(reverse("saved_filter_save"), {"list_key": "team", "name": "마장동만", "query": f"dong={second_dong.pk}",
                                               "share_with": str(second_dong.pk), "next": TEAM})
    assert SavedFilter.objects.get().shared_dong == second_dong
    # a dong not the lead's is ignored, not an error
    assert client.get(TEAM, {"dong": 999999}).status_code == 200


def test_a_user_who_does_not_triage_sees_no_saved_filters_on_the_queue(client_for, nurse):
    response = client_for(nurse).get(QUEUE)
    assert response.status_code == 200 and "saved-filters" not in response.content.decode()


@pytest.mark.parametrize("share", ["abc", "-1", "9" * 20, "9" * 5000])
def test_sharing_with_a_dong_that_is_not_an_id_is_refused_with_the_reason(client_for, official, share):
    response = client_for(official).post(reverse("saved_filter_save"), {
        "list_key": "caseload", "name": "고위험", "query": "risk_level=high", "share_with": share}, follow=True)

    assert response.status_code == 200
    assert "담당 동에만 공유할 수 있습니다." in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_a_filter_name_with_a_nul_is_refused(official):
    """PostgreSQL cannot store a NUL in text: the save once answered 500 there."""
    with pytest.raises(RuleError) as refused:
        saved_filter_save(by=official, list_key="caseload", name="고위험\x00", query="risk_level=high")
    assert "NUL" in " ".join(refused.value.messages)
    assert not SavedFilter.objects.exists()
