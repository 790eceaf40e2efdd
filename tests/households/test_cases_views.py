"""Case pages: opening, the case page, transitions, edits with optimistic locking, needs, goals, relapse."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Case, CaseStage, CaseStageChange
from households.services import case_update
from welfare.models import AccessLog

from .factories_cases import consent, household_with_client, make_case

pytestmark = pytest.mark.django_db

STALE = "다른 직원이 먼저 저장했습니다. 최신 내용을 확인한 뒤 다시 저장하세요."


def url(name, case, *extra):
    return reverse(f"households:{name}", args=[case.household_id, case.pk, *extra])


def open_post(client_resident, official, **overrides):
    data = {"client": client_resident.pk, "source": "report", "case_class": "general",
            "assigned_official": official.pk, "opened_on": timezone.localdate().isoformat(),
            "summary": "실직 후 월세 3개월 체납"}
    data.update(overrides)
    return data


# Opening -------------------------------------------------------------------------------------------------------


def test_official_opens_a_case_from_the_household_page(client_for, official, dong):
    household = household_with_client(dong)
    resident = household.residents.get()
    web = client_for(official)

    page = web.get(reverse("households:detail", args=[household.pk]))
    assert reverse("households:case_open", args=[household.pk]) in page.content.decode()
    form = web.get(reverse("households:case_open", args=[household.pk]))
    assert form.status_code == 200
    assert form.context["form"]["opened_on"].value() == timezone.localdate()

    response = web.post(reverse("households:case_open", args=[household.pk]), open_post(resident, official))

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == url("case_detail", case)
    assert (case.client, case.source, case.summary, case.stage) == (resident, "report", "실직 후 월세 3개월 체납", "intake")
    assert AccessLog.objects.filter(verb="households.case.created", household_id=household.pk).exists()


def test_opening_without_consent_shows_the_rule_and_a_link_to_record_it(client_for, official, dong):
    household = household_with_client(dong, consents=())
    resident = household.residents.get()

    response = client_for(official).post(reverse("households:case_open", args=[household.pk]),
                                         open_post(resident, official))

    assert response.status_code == 200
    assert not Case.objects.exists()
    body = response.content.decode()
    assert "수집·이용 동의가 기록되어 있지 않아" in body
    assert reverse("households:consent_add", args=[household.pk, resident.pk]) in body
    # what the user typed is kept
    assert response.context["form"]["summary"].value() == "실직 후 월세 3개월 체납"


def test_client_choices_are_the_current_residents_marked_without_consent(client_for, official, dong, other_household):
    household = household_with_client(dong)
    from tests.factories import ResidentFactory

    child = ResidentFactory(household=household, relation="child", name="김하늘")
    ResidentFactory(household=household, relation="spouse", name="떠난사람", left_on=timezone.localdate())

    form = client_for(official).get(reverse("households:case_open", args=[household.pk])).context["form"]

    labels = dict((c[0].value, c[1]) for c in list(form.fields["client"].choices))
    assert set(labels) == {household.residents.get(relation="head").pk, child.pk}
    assert "동의 없음" in labels[child.pk]
    assert "동의 없음" not in labels[household.residents.get(relation="head").pk]


def test_assigned_official_must_be_staff_of_the_dong(client_for, official, other_dong_official, dong):
    household = household_with_client(dong)

    response = client_for(official).post(reverse("households:case_open", args=[household.pk]),
                                         open_post(household.residents.get(), other_dong_official))

    assert response.status_code == 200 and "assigned_official" in response.context["form"].errors
    assert not Case.objects.exists()


def test_future_opening_date_is_refused(client_for, official, dong):
    household = household_with_client(dong)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client_for(official).post(reverse("households:case_open", args=[household.pk]),
                                         open_post(household.residents.get(), official, opened_on=tomorrow.isoformat()))

    assert "opened_on" in response.context["form"].errors
    assert not Case.objects.exists()


def test_second_open_case_is_refused_on_the_form(client_for, official, dong):
    household = household_with_client(dong)
    make_case(household, stage=CaseStage.PLANNING)

    response = client_for(official).post(reverse("households:case_open", args=[household.pk]),
                                         open_post(household.residents.get(), official))

    assert response.status_code == 200
    assert "이미 진행 중인 사례가 있습니다" in response.content.decode()
    assert Case.objects.count() == 1


# The case page -------------------------------------------------------------------------------------------------


def test_case_page_shows_stage_bar_deadlines_and_only_the_allowed_buttons(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE,
                     opened_on=timezone.localdate() - dt.timedelta(days=35))

    response = client_for(official).get(url("case_detail", case))

    assert response.status_code == 200
    assert [s["state"] for s in response.context["stages"]][:4] == ["todo", "todo", "current", "todo"]
    # In conference the case moves on by the conference record's decision (issue 16 item 3), not by a bare move
    assert response.context["offered"] == []
    body = response.content.decode()
    assert 'name="to" value="planning"' not in body and 'name="to" value="closing"' not in body
    assert 'name="decision"' in body and reverse("households:case_conference", args=[case.household_id, case.pk]) in body
    # the plan was due 5 days ago: flagged; the survey is done: not flagged; the selection and agreement limits
    # start when their stage starts (this case was put at conference without a move: no date)
    deadlines = response.context["deadlines"]
    assert [(d["overdue"], d["pending"], d["due"] is None) for d in deadlines] == [
        (False, False, False), (False, False, True), (False, False, True), (True, True, False)]
    assert deadlines[3]["days"] == 5 and "5일 지남" in body
    assert 'class="deadline overdue"' in body
    assert AccessLog.objects.filter(verb="households.case.viewed", object_id=str(case.pk)).exists()


def test_closing_approval_is_offered_only_to_team_leads(client_for, official, lead, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="goals_met")

    as_official = client_for(official).get(url("case_detail", case))
    assert as_official.context["offered"] == [] and as_official.context["awaiting_approval"]
    assert "팀장이 승인하거나 반려합니다" in as_official.content.decode()

    as_lead = client_for(lead).get(url("case_detail", case))
    assert [v for v, _label in as_lead.context["offered"]] == ["in_service", "closed"]


def test_case_page_shows_history_and_links_to_previous_and_relapse(client_for, official, dong):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.CLOSED, opened_on=timezone.localdate() - dt.timedelta(days=300))
    new = make_case(household, previous_case=old)
    CaseStageChange.objects.create(case=new, household=household, from_stage="", to_stage="intake", by=official,
                                   note="재발로 새 사례 접수")
    web = client_for(official)

    new_page = web.get(url("case_detail", new)).content.decode()
    old_page = web.get(url("case_detail", old))

    assert url("case_detail", old) in new_page and "재발로 새 사례 접수" in new_page
    assert old_page.context["relapses"] == [new]
    assert url("case_detail", new) in old_page.content.decode()


# Transitions through the views ------------------------------------------------------------------------------------


def test_transition_button_moves_the_case(client_for, official, dong):
    case = make_case(household_with_client(dong))

    response = client_for(official).post(url("case_transition", case),
                                         {"to": "assessment", "version": 1, "note": "욕구조사 시작"})

    assert response.status_code == 302 and response.url == url("case_detail", case)
    case.refresh_from_db()
    assert case.stage == "assessment" and case.version == 2
    assert CaseStageChange.objects.get(case=case).note == "욕구조사 시작"


def test_refused_transition_shows_the_rule_message(client_for, official, dong):
    case = make_case(household_with_client(dong))

    response = client_for(official).post(url("case_transition", case), {"to": "closed", "version": 1})

    assert response.status_code == 200
    assert "접수 단계에서 종결 단계로 옮길 수 없습니다" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "intake" and case.version == 1


def test_closing_without_a_reason_is_refused_beside_the_field(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    response = client_for(official).post(url("case_transition", case),
                                         {"to": "closing", "version": 1, "closing_note": "본인이 원함"})

    assert response.context["form"].errors["closing_reason"] == ["종결을 제안하려면 종결 사유를 고르세요."]
    assert response.context["form"]["closing_note"].value() == "본인이 원함"
    case.refresh_from_db()
    assert case.stage == "in_service"


def test_official_cannot_approve_closure_through_the_view(client_for, official, lead, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="goals_met")

    refused = client_for(official).post(url("case_transition", case), {"to": "closed", "version": 1})
    assert "종결은 팀장이 승인합니다" in refused.content.decode()
    case.refresh_from_db()
    assert case.stage == "closing"

    approved = client_for(lead).post(url("case_transition", case), {"to": "closed", "version": 1, "note": "승인"})
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.stage == "closed" and case.closed_on == timezone.localdate()


def test_transition_form_page_preselects_the_stage(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    response = client_for(official).get(url("case_transition", case) + "?to=closing")

    assert response.status_code == 200
    assert response.context["form"]["to"].value() == "closing"
    assert response.context["offered"] == ["reassessment", "closing"]


# Optimistic locking ----------------------------------------------------------------------------------------------


def test_edit_two_forms_at_version_1_first_wins_second_keeps_input(client_for, official, lead, dong):
    # given two staff members who opened the edit form at version 1
    case = make_case(household_with_client(dong), summary="처음 개요", by=official)
    first, second = client_for(official), None
    assert first.get(url("case_edit", case)).context["form"]["version"].value() == 1
    first_data = {"assigned_official": official.pk, "summary": "첫 번째 저장", "version": 1}
    second_data = {"assigned_official": lead.pk, "summary": "두 번째 저장", "version": 1}

    # when the first saves
    assert first.post(url("case_edit", case), first_data).status_code == 302
    # and then the second, from another session
    first.logout()
    second = client_for(lead)
    response = second.post(url("case_edit", case), second_data)

    # then the second is told, keeps what it typed, sees the saved summary, and changed nothing
    assert response.status_code == 409
    body = response.content.decode()
    assert STALE in body
    form = response.context["form"]
    assert form["summary"].value() == "두 번째 저장" and form["assigned_official"].value() == str(lead.pk)
    assert "첫 번째 저장" in body  # the current summary, shown beside
    case.refresh_from_db()
    assert (case.summary, case.assigned_official, case.version) == ("첫 번째 저장", official, 2)

    # and saving again after checking goes through (the form now carries version 2)
    assert form["version"].value() == "2"
    assert second.post(url("case_edit", case), {**second_data, "version": 2}).status_code == 302
    case.refresh_from_db()
    assert case.summary == "두 번째 저장" and case.version == 3


def test_transition_at_a_stale_version_gets_the_message_and_changes_nothing(client_for, official, lead, dong):
    case = make_case(household_with_client(dong))
    assert client_for(official).post(url("case_transition", case), {"to": "assessment", "version": 1}).status_code == 302

    response = client_for(lead).post(url("case_transition", case),
                                     {"to": "assessment", "version": 1, "note": "제가 옮길게요"})

    assert response.status_code == 409 and STALE in response.content.decode()
    assert response.context["form"]["note"].value() == "제가 옮길게요"
    case.refresh_from_db()
    assert case.stage == "assessment" and case.version == 2
    assert CaseStageChange.objects.filter(case=case).count() == 1


def needs_post(version, **rows):
    data = {"version": version}
    for domain, (severity, priority, note) in rows.items():
        data.update({f"{domain}_severity": severity, f"{domain}_priority": priority, f"{domain}_note": note})
    return data


def test_needs_assessment_saves_the_domains_with_a_severity(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)
    web = client_for(official)
    form = web.get(url("case_needs", case)).context["form"]
    assert len(form.rows) == 10

    response = web.post(url("case_needs", case), needs_post(1, income=("high", 1, "월세 체납"),
                                                            health=("medium", 2, "당뇨"), legal=("", "", "")))

    assert response.status_code == 302
    assert [(n.domain, n.severity, n.priority, n.note) for n in case.needs.order_by("priority")] == [
        ("income", "high", 1, "월세 체납"), ("health", "medium", 2, "당뇨")]
    case.refresh_from_db()
    assert case.version == 2


def test_needs_note_without_severity_is_refused_beside_the_row(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)

    response = client_for(official).post(url("case_needs", case), needs_post(1, safety=("", "", "문이 잠기지 않음")))

    assert response.status_code == 200
    assert response.context["form"].errors["safety_severity"]
    assert not case.needs.exists()


def test_needs_at_a_stale_version_keep_the_input_and_show_the_saved_values(client_for, official, lead, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)
    client_for(official).post(url("case_needs", case), needs_post(1, income=("high", 1, "먼저 저장")))

    response = client_for(lead).post(url("case_needs", case), needs_post(1, housing=("medium", 1, "곰팡이")))

    assert response.status_code == 409
    body = response.content.decode()
    assert STALE in body and "먼저 저장" in body
    assert response.context["form"]["housing_note"].value() == "곰팡이"
    assert [n.domain for n in case.needs.all()] == ["income"]


def test_a_save_between_versions_elsewhere_makes_the_edit_stale(client_for, official, dong):
    # a service call (an API client, say) saves in between
    case = make_case(household_with_client(dong), summary="원래")
    case_update(case=case, by=official, expected_version=1, data={"summary": "API에서 수정"})

    response = client_for(official).post(url("case_edit", case), {"case_class": "general", "assigned_official":
                                                                  official.pk, "summary": "화면에서 수정", "version": 1})

    assert response.status_code == 409
    case.refresh_from_db()
    assert case.summary == "API에서 수정"


# Goals -------------------------------------------------------------------------------------------------------------


def test_goal_is_added_from_the_case_page(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.PLANNING)
    need = case.needs.create(domain="income", severity="high", priority=1)
    target = timezone.localdate() + dt.timedelta(days=90)

    response = client_for(official).post(url("case_goal_add", case),
                                         {"text": "생계급여 수급", "target_on": target.isoformat(), "need": need.pk})

    assert response.status_code == 302
    goal = case.goals.get()
    assert (goal.text, goal.target_on, goal.need) == ("생계급여 수급", target, need)


def test_goal_before_opening_is_refused_on_its_form(client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.PLANNING)

    response = client_for(official).post(url("case_goal_add", case), {
        "text": "목표", "target_on": (case.opened_on - dt.timedelta(days=1)).isoformat()})

    assert response.status_code == 200
    assert response.context["form"].errors["target_on"] == ["목표일은 접수일 이후여야 합니다."]
    assert response.context["form"]["text"].value() == "목표"
    assert not case.goals.exists()


def test_need_of_another_case_cannot_be_chosen_for_a_goal(client_for, official, dong):
    case = make_case(household_with_client(dong))
    other = make_case(household_with_client(dong))
    foreign = other.needs.create(domain="income", severity="high", priority=1)

    response = client_for(official).post(url("case_goal_add", case), {
        "text": "목표", "target_on": timezone.localdate().isoformat(), "need": foreign.pk})

    assert "need" in response.context["form"].errors and not case.goals.exists()


# Relapse -----------------------------------------------------------------------------------------------------------


def test_relapse_button_opens_a_linked_case(client_for, official, dong):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.FOLLOW_UP, opened_on=timezone.localdate() - dt.timedelta(days=200))
    web = client_for(official)
    panel = web.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "재발로 새 사례 열기" in panel and url("case_reopen", old) in panel

    response = web.post(url("case_reopen", old), {"source": "visit"})

    new = Case.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response.url == url("case_detail", new)
    assert new.previous_case == old and new.stage == "intake"


def test_relapse_without_consent_shows_the_rule_and_the_consent_link(client_for, official, dong):
    household = household_with_client(dong, consents=())
    old = make_case(household, stage=CaseStage.CLOSED)

    response = client_for(official).post(url("case_reopen", old), {"source": "visit", "summary": "재발"})

    assert response.status_code == 200 and Case.objects.count() == 1
    body = response.content.decode()
    assert "수집·이용 동의" in body
    assert reverse("households:consent_add", args=[household.pk, old.client_id]) in body


def test_relapse_while_a_case_is_open_is_refused(client_for, official, dong):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.CLOSED)
    make_case(household, stage=CaseStage.INTAKE)

    response = client_for(official).post(url("case_reopen", old), {"source": "visit"})

    assert "이미 진행 중인 사례가 있습니다" in response.content.decode()
    assert Case.objects.count() == 2


# The panel on the household page --------------------------------------------------------------------------------


def test_panel_shows_the_open_case_with_flags_and_closed_cases(client_for, official, dong):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.CLOSED, closing_reason="goals_met",
                    opened_on=timezone.localdate() - dt.timedelta(days=400))
    current = make_case(household, stage=CaseStage.ASSESSMENT, by=official,
                        opened_on=timezone.localdate() - dt.timedelta(days=12))

    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    assert response.context["case_open"] == current and response.context["cases_closed"] == [old]
    assert response.context["case_relapse_from"] is None  # not while a case is open
    body = response.content.decode()
    assert "욕구조사 기한 지남" in body and "목표 달성" in body
    assert reverse("households:case_open", args=[household.pk]) not in body


def test_panel_empty_state_and_open_button(client_for, official, dong):
    household = household_with_client(dong)

    body = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()

    assert "진행 중이거나 종결된 사례가 없습니다" in body
    assert reverse("households:case_open", args=[household.pk]) in body


def test_consent_recorded_after_refusal_lets_the_case_open(client_for, official, dong):
    household = household_with_client(dong, consents=())
    resident = household.residents.get()
    web = client_for(official)
    web.post(reverse("households:case_open", args=[household.pk]), open_post(resident, official))
    consent(resident)

    response = web.post(reverse("households:case_open", args=[household.pk]), open_post(resident, official))

    assert response.status_code == 302 and Case.objects.count() == 1


def test_relapse_is_offered_on_a_closed_case_page_only_while_nothing_is_open(client_for, official, dong):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.CLOSED, opened_on=timezone.localdate() - dt.timedelta(days=90))
    web = client_for(official)
    assert url("case_reopen", old) in web.get(url("case_detail", old)).content.decode()

    make_case(household, stage=CaseStage.INTAKE)

    assert url("case_reopen", old) not in web.get(url("case_detail", old)).content.decode()
