"""The one permission table (welfare.permissions): every capability per role, the ``can`` template object,
the ``role_can`` filter, and the main menu it draws for each role."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from tests.factories import UserFactory, staff_user
from welfare.models import Role
from welfare.permissions import CAPABILITIES, Capabilities, can, role_can, roles_with

EVERY = frozenset({
    "edit_casework", "use_worklists", "view_sensitive", "lead_team", "approve_closing", "be_assigned",
    "receive_team_alerts", "receive_district_alerts", "triage_reports", "read_reporter_identity",
    "see_district_queue", "edit_network", "read_rewards", "approve_rewards", "upload_imports", "see_all_imports",
    "answer_rounds", "edit_plans", "approve_plans", "manage_resources", "manage_district", "needs_personal_grant",
    "review_access_log", "unlock_accounts", "manage_reference_data", "needs_second_factor",
    "edit_phrase_templates",
    # issue 15: the field roles and the case transfer
    "record_visits", "health_visits_only", "request_case_transfer", "take_over_cases", "sees_difficult_cases",
    # issue 15: areas and ownership, the today page, the approval inbox
    "manage_areas", "assign_dong_queue", "hand_over_work", "use_today", "see_approval_inbox",
    # issue 17 item 4: outbound messages
    "manage_message_templates", "read_message_log",
    # issue 17: social-network programmes and the dong discovery plans
    "run_programmes", "edit_dong_plans",
    # issue 17 item 7: health measurements from devices
    "view_health_measurements", "receive_health_alerts",
})

# Written out by hand (not derived from the table): a change to the table must change this test too.
EXPECTED = {
    Role.DONG_OFFICIAL: {
        "edit_casework", "use_worklists", "view_sensitive", "be_assigned", "triage_reports", "edit_network",
        "read_rewards", "answer_rounds", "record_visits", "request_case_transfer", "use_today",
        "run_programmes", "view_health_measurements",
    },
    Role.DONG_LEAD: {
        "edit_casework", "use_worklists", "view_sensitive", "lead_team", "approve_closing", "be_assigned",
        "receive_team_alerts", "triage_reports", "read_reporter_identity", "see_district_queue", "edit_network",
        "read_rewards", "approve_rewards", "upload_imports", "answer_rounds", "record_visits",
        "request_case_transfer", "manage_areas", "assign_dong_queue", "hand_over_work", "use_today",
        "see_approval_inbox",
        "run_programmes", "edit_dong_plans", "view_health_measurements",
    },
    Role.DISTRICT_PLANNER: {"edit_plans", "manage_resources", "needs_personal_grant"},
    Role.DISTRICT_ADMIN: {
        "edit_casework", "use_worklists", "lead_team", "approve_closing", "receive_district_alerts",
        "triage_reports", "read_reporter_identity", "see_district_queue", "edit_network", "read_rewards",
        "approve_rewards", "upload_imports", "see_all_imports", "edit_plans", "approve_plans", "manage_resources",
        "manage_district", "review_access_log", "unlock_accounts", "manage_reference_data", "needs_second_factor",
        "edit_phrase_templates",
        "record_visits", "manage_areas", "assign_dong_queue", "hand_over_work", "see_approval_inbox",
        "manage_message_templates", "read_message_log",
        "run_programmes", "edit_dong_plans",
    },
    # 방문간호사: health visits and sensitive health details in their dongs; no cases, rewards, plans or imports.
    Role.VISITING_NURSE: {"view_sensitive", "record_visits", "health_visits_only", "use_today",
                          "view_health_measurements", "receive_health_alerts"},
    # 희망복지지원단: the district's difficult cases, seen by case, run and taken over.
    Role.CASE_TEAM: {"edit_casework", "view_sensitive", "record_visits", "take_over_cases", "sees_difficult_cases",
                     "view_health_measurements"},
}

ACTORS = {Role.DONG_OFFICIAL: "official", Role.DONG_LEAD: "lead", Role.DISTRICT_PLANNER: "planner",
          Role.DISTRICT_ADMIN: "district_admin", Role.VISITING_NURSE: "nurse", Role.CASE_TEAM: "case_team"}


def test_the_table_names_every_capability_once():
    assert set(CAPABILITIES) == EVERY


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", sorted(EVERY))
def test_role_can_matches_the_table(role, capability):
    assert role_can(role, capability) is (capability in EXPECTED[role])
    assert (role in roles_with(capability)) is (capability in EXPECTED[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_capabilities(request, role):
    user = request.getfixturevalue(ACTORS[role])
    assert {name for name in EVERY if can(user, name)} == EXPECTED[role]


@pytest.mark.django_db
def test_a_superuser_holds_everything_but_the_personal_grant_restriction():
    user = UserFactory(is_superuser=True, is_staff=True)
    assert {name for name in EVERY if can(user, name)} == EVERY - {"needs_personal_grant"}


@pytest.mark.django_db
def test_anonymous_and_membership_less_users_hold_nothing():
    plain = UserFactory()
    for user in (None, AnonymousUser(), plain):
        assert not any(can(user, name) for name in EVERY)
    assert not role_can(None, "edit_casework")
    assert not role_can("", "edit_casework")


@pytest.mark.django_db
def test_an_unknown_capability_raises(official):
    for ask in (lambda: can(official, "edit_everything"), lambda: can(None, "edit_everything"),
                lambda: role_can(Role.DONG_LEAD, "edit_everything"), lambda: roles_with("edit_everything"),
                lambda: Capabilities(official)["edit_everything"]):
        with pytest.raises(KeyError):
            ask()


@pytest.mark.django_db
def test_the_can_object_answers_by_item_attribute_and_membership(lead, django_assert_num_queries):
    caps = Capabilities(lead)
    assert caps.lead_team is True and caps["approve_closing"] is True and "upload_imports" in caps
    assert caps.manage_district is False and "see_all_imports" not in caps
    with django_assert_num_queries(0):  # each answer is cached, and the membership with it
        assert caps.lead_team and caps["lead_team"]
    with pytest.raises(AttributeError):
        caps._private  # noqa: B018


@pytest.mark.django_db
def test_templates_ask_can_and_a_typo_is_an_error(rf, lead, official):
    template = Template("{% if can.lead_team %}team{% endif %}|{% if can.edit_casework %}edit{% endif %}")
    assert template.render(Context({"can": Capabilities(lead)})) == "team|edit"
    assert template.render(Context({"can": Capabilities(official)})) == "|edit"
    assert template.render(Context({"can": Capabilities(AnonymousUser())})) == "|"
    with pytest.raises(KeyError):
        Template("{% if can.lead_teem %}x{% endif %}").render(Context({"can": Capabilities(lead)}))


@pytest.mark.django_db
def test_the_context_processor_gives_every_page_can(client_for, lead):
    response = client_for(lead).get(reverse("notifications:list"))
    assert response.context["can"].lead_team is True
    assert response.context["staff_membership"].role == Role.DONG_LEAD


@pytest.mark.parametrize("role, capability, expected", [
    (Role.DISTRICT_PLANNER, "needs_personal_grant", True),
    (Role.DONG_OFFICIAL, "needs_personal_grant", False),
    (Role.DISTRICT_ADMIN, "manage_district", True),
    (None, "manage_district", False),
])
def test_the_role_can_filter(role, capability, expected):
    template = Template('{% load welfare_tags %}{% if role|role_can:capability %}yes{% else %}no{% endif %}')
    rendered = template.render(Context({"role": role, "capability": capability}))
    assert rendered == ("yes" if expected else "no")


# The main menu, exactly as it was drawn from role strings before the permission table (issue 10).
MENU = {
    "official": ["현황", "내 업무", "제보 접수함", "세대", "자원", "계획", "인적안전망", "신고포상금", "빅데이터 차수",
                 "발굴 현황", "관계망 프로그램"],
    "lead": ["현황", "내 업무", "팀 현황", "승인함", "통·대기열", "제보 접수함", "세대", "자원", "계획", "인적안전망", "신고포상금",
             "빅데이터 차수", "명단 업로드", "발굴 현황", "관계망 프로그램"],
    "district_admin": ["현황", "내 업무", "팀 현황", "승인함", "통·대기열", "제보 접수함", "세대", "자원", "계획", "인적안전망", "신고포상금",
                       "빅데이터 차수", "명단 업로드", "발굴 현황", "관계망 프로그램", "구 설정"],
    "planner": ["현황", "세대", "자원", "계획", "인적안전망 현황", "빅데이터 차수", "발굴 현황", "관계망 프로그램"],
    "nurse": ["현황", "세대", "자원", "계획", "인적안전망 현황", "빅데이터 차수", "발굴 현황"],
    "case_team": ["현황", "사례 이관", "세대", "자원", "계획", "인적안전망 현황", "빅데이터 차수", "발굴 현황"],
    "superuser": ["현황", "내 업무", "팀 현황", "승인함", "통·대기열", "사례 이관", "제보 접수함", "세대", "자원", "계획", "인적안전망", "신고포상금",
                  "빅데이터 차수", "명단 업로드", "발굴 현황", "관계망 프로그램", "구 설정", "관리"],
    "plain": ["현황", "세대", "자원"],
}


def _menu(client) -> list[str]:
    page = client.get(reverse("notifications:list")).content.decode()
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", list(MENU))
def test_the_main_menu_per_role(request, client_for, actor, seongdong):
    if actor == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif actor == "plain":
        user = UserFactory()
    else:
        user = request.getfixturevalue(actor)
    assert _menu(client_for(user)) == MENU[actor]


@pytest.mark.django_db
def test_a_planner_with_a_personal_grant_keeps_the_planner_menu(client_for, seongdong):
    user = staff_user(Role.DISTRICT_PLANNER, district=seongdong, personal_access=True)
    assert _menu(client_for(user)) == MENU["planner"]


@pytest.mark.django_db
def test_the_menu_drawn_once_per_role_and_language_is_the_menu_drawn_afresh(client_for, official, planner):
    """``{% main_nav %}`` keeps each menu it draws (by role, flags, language): what it keeps must be what a fresh draw
    gives, for each role in each language, whatever was drawn before."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from welfare.permissions import Capabilities
    from welfare.templatetags.welfare_tags import main_nav

    for user in (official, planner, official):
        for language in ("en", "ko", "en"):
            with translation.override(language):
                context = {"user": user, "staff_membership": user.staff, "can": Capabilities(user),
                           "request": RequestFactory().get("/")}
                assert main_nav(context) == render_to_string("_mainnav.html", context)
    with translation.override("en"):
        english = main_nav({"user": official, "staff_membership": official.staff})
    assert "My work" in english or "내 업무" not in english
    with translation.override("ko"):  # the request below switches the thread's language: give it back after
        client = client_for(official)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert "내 업무" not in _menu(client)
