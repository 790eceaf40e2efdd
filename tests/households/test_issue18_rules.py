"""Issue 18's service rules: no silent default for 발굴 경로 (9); a backdated visit does not move the next
contact backwards (10); the closing review lists open goals and open service links (11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Case, CaseStage, ServiceLink, Visit
from households.selectors_closing import closing_review
from households.services import case_goal_add
from households.services.cases import case_open
from households.services.visits import VisitData, visit_record
from welfare.errors import RuleError

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db


# 9. 발굴 경로 ---------------------------------------------------------------------------------------------------


def test_the_case_form_selects_no_source_and_refuses_none(client_for, official, dong):
    household = household_with_client(dong)
    web = client_for(official)
    url = reverse("households:case_open", args=[household.pk])

    html = web.get(url).content.decode()
    select = html[html.index('name="source"') : html.index("</select>", html.index('name="source"'))]
    assert '<option value="" selected>' in select and "selected" not in select.replace(
        '<option value="" selected>', ""
    )

    response = web.post(
        url,
        {
            "client": household.residents.get().pk,
            "source": "",
            "case_class": "general",
            "opened_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "발굴 경로를 고르세요." in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()  # the summary at the top names it
    assert not Case.objects.filter(household=household).exists()


def test_the_service_refuses_a_case_without_a_source(official, dong):
    household = household_with_client(dong)
    with pytest.raises(RuleError) as refused:
        case_open(household=household, client=household.residents.get(), by=official, source="")
    assert refused.value.message_dict == {"source": ["발굴 경로를 고르세요."]}
    assert not Case.objects.exists()


# 10. The latest contact wins -------------------------------------------------------------------------------------


def test_a_backdated_visit_does_not_move_the_next_contact_backwards(official, dong):
    household = household_with_client(dong)
    now = timezone.now()
    later_next = timezone.localdate() + dt.timedelta(days=20)
    visit_record(
        household=household,
        by=official,
        data=VisitData(
            kind="home",
            contact_result="met",
            risk_level="medium",
            visited_at=now - dt.timedelta(days=1),
            next_contact_on=later_next,
        ),
    )
    household.refresh_from_db()
    assert household.next_contact_on == later_next

    # entered afterwards, about a visit a week earlier, with an earlier next contact
    visit_record(
        household=household,
        by=official,
        data=VisitData(
            kind="phone",
            contact_result="met",
            risk_level="high",
            visited_at=now - dt.timedelta(days=8),
            next_contact_on=timezone.localdate() - dt.timedelta(days=3),
        ),
    )

    household.refresh_from_db()
    assert household.next_contact_on == later_next and household.risk_level == "medium"
    assert household.last_contact_on == timezone.localdate(now - dt.timedelta(days=1))
    assert Visit.objects.filter(household=household).count() == 2


# 11. Closing review --------------------------------------------------------------------------------------------


@pytest.fixture
def case_with_work(dong, official):
    from plans.models import Resource

    household = household_with_client(dong)
    case = make_case(household, stage=CaseStage.IN_SERVICE, by=official)
    open_goal = case_goal_add(case=case, by=official, text="월세 체납 해소", target_on=timezone.localdate())
    done_goal = case_goal_add(case=case, by=official, text="건강검진", target_on=timezone.localdate())
    type(done_goal).objects.filter(pk=done_goal.pk).update(achieved_on=timezone.localdate())
    resource = Resource.objects.create(
        district=dong.district, name="긴급 생계지원", provider="구청", sector="public", category="emergency"
    )
    finished = Resource.objects.create(
        district=dong.district, name="밑반찬 배달", provider="복지관", sector="private", category="food"
    )
    ServiceLink.objects.create(household=household, case=case, resource=resource, status="in_service")
    ServiceLink.objects.create(household=household, case=case, resource=finished, status="completed")
    return case, open_goal


def test_closing_review_lists_only_what_is_still_open(case_with_work, django_assert_num_queries):
    case, open_goal = case_with_work
    with django_assert_num_queries(2):
        review = closing_review(case)
    assert [g.text for g in review.open_goals] == ["월세 체납 해소"]
    assert [link.resource.name for link in review.open_links] == ["긴급 생계지원"]
    assert not review.clear


def test_the_closing_form_shows_open_goals_and_links(client_for, official, case_with_work):
    case, _goal = case_with_work
    html = (
        client_for(official)
        .get(reverse("households:case_transition", args=[case.household_id, case.pk]) + "?to=closing")
        .content.decode()
    )
    review = html[html.index("closing-review") :]
    assert "월세 체납 해소" in review and "긴급 생계지원" in review
    assert "건강검진" not in review and "밑반찬 배달" not in review


# 7. The planner's 세대 menu ---------------------------------------------------------------------------------------


def test_the_household_list_tells_a_planner_it_shows_aggregates_only(client_for, planner, household):
    html = client_for(planner).get(reverse("households:list")).content.decode()
    assert "집계만 봅니다" in html and "아직 등록된 세대가 없습니다" not in html
    assert reverse("discovery:dashboard") in html


def test_an_official_with_no_household_sees_the_plain_empty_state(client_for, official):
    html = client_for(official).get(reverse("households:list")).content.decode()
    assert "아직 등록된 세대가 없습니다" in html and "집계만 봅니다" not in html


# 12. Printing ----------------------------------------------------------------------------------------------------


def test_printing_a_household_and_a_case_is_stamped_and_logged(client_for, official, dong, other_household):
    from welfare.models import AccessLog

    household = household_with_client(dong)
    case = make_case(household, by=official)
    case_goal_add(case=case, by=official, text="월세 체납 해소", target_on=timezone.localdate())
    web = client_for(official)

    html = web.get(reverse("households:household_print", args=[household.pk])).content.decode()
    assert "print-stamp" in html and "출력: " in html and "data-autoprint" in html
    html = web.get(reverse("households:case_print", args=[household.pk, case.pk])).content.decode()
    assert "사례 요약 #" in html and "월세 체납 해소" in html and "print-stamp" in html
    printed = AccessLog.objects.filter(verb__endswith=".printed", user=official)
    assert {(e.verb, e.action) for e in printed} == {
        ("households.household.printed", "export"),
        ("households.case.printed", "export"),
    }
    # another dong's household cannot be printed
    assert web.get(reverse("households:household_print", args=[other_household.pk])).status_code == 404
