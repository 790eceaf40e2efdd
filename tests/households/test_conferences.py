"""The case conference (사례회의) record and the intermediate limits (issue 16 item 3; DOMAIN §2 rows 7 and 8):
the conference decides selection and class within about 5 days → planning, or closing when not selected; the
client agrees to the plan within about 15 days → in service."""

from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from households import services
from households.models import Case, CaseConference, CaseGoal, CaseStage, CaseStageChange, Household
from households.models.cases import DEADLINES, due_dates
from households.today import my_deadlines
from welfare.demo.conferences import seed_conferences
from welfare.models import AccessLog

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db

MORNING = dt.time(10)  # Seoul 19:00: the same day in Asia/Seoul


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, MORNING, tzinfo=dt.UTC), tick=False)


def to_conference(dong, official, *, on: dt.date) -> Case:
    """A case opened, surveyed and moved to conference through the services on ``on``."""
    with at(on):
        household = household_with_client(dong)
        case = services.case_open(household=household, client=household.residents.get(), by=official,
                                  source="visit", opened_on=on)
        for stage in (CaseStage.ASSESSMENT, CaseStage.CONFERENCE):
            services.case_transition(case=case, to=stage, by=official, expected_version=case.version)
    return case


def record(case, by, **overrides):
    values = {"held_on": case.opened_on, "kind": "general", "body": "dong_council", "staff": [by],
              "partners": [("○○종합사회복지관", "김복지 팀장")], "decision": "selected_general", "reason": "",
              "plan_items": [("income", "긴급복지 생계지원 신청", "동 주민센터", case.opened_on + dt.timedelta(days=20))]}
    return services.conference_record(case=case, by=by, **{**values, **overrides})


def flags(case: Case, today: dt.date) -> dict[str, bool]:
    annotated = Case.objects.with_deadline_flags(today).get(pk=case.pk)
    from_model = case.deadline_flags(today)
    assert from_model == {d.key: getattr(annotated, d.flag) for d in DEADLINES}  # one rule, two readings
    return from_model


# The limits --------------------------------------------------------------------------------------------------


def test_the_limits_counted_from_a_stage_are_not_set_at_intake(dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    assert set(due_dates(case.opened_on)) == {"assessment_due_on", "plan_due_on"}
    assert case.agreement_due_on is None  # not yet in planning
    assert flags(case, dt.date(2026, 12, 31))["agreement"] is False  # NULL is never late


def test_selection_is_due_5_days_after_entering_conference(dong, official):
    # given a case that entered conference on 2026-03-02
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    case.refresh_from_db()
    assert case.selection_due_on == dt.date(2026, 3, 7)

    # then on day 5 it is not late, on day 6 it is: model, annotation and the overdue list agree
    assert flags(case, dt.date(2026, 3, 7))["selection"] is False
    assert not Case.objects.selection_overdue(dt.date(2026, 3, 7)).filter(pk=case.pk).exists()
    assert flags(case, dt.date(2026, 3, 8))["selection"] is True
    assert Case.objects.overdue(dt.date(2026, 3, 8)).filter(pk=case.pk).exists()
    assert Case.objects.selection_overdue(dt.date(2026, 3, 8)).filter(pk=case.pk).exists()


def test_plan_agreement_is_due_15_days_after_entering_planning(dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    with at(dt.date(2026, 3, 4)):
        record(case, official, held_on=dt.date(2026, 3, 4))
    case.refresh_from_db()
    assert (case.stage, case.agreement_due_on) == (CaseStage.PLANNING, dt.date(2026, 3, 19))

    assert flags(case, dt.date(2026, 3, 19)) == {"assessment": False, "selection": False, "agreement": False,
                                                "plan": False}
    assert flags(case, dt.date(2026, 3, 20))["agreement"] is True
    assert Case.objects.agreement_overdue(dt.date(2026, 3, 20)).filter(pk=case.pk).exists()
    # once the selection is made, its limit no longer counts, whatever its date
    assert flags(case, dt.date(2026, 3, 20))["selection"] is False



def test_the_today_block_shows_a_near_selection_limit_and_skips_missing_dates(dong, official):
    # given a case that entered conference on 03-02 (selection due 03-07, agreement not set)
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    block = my_deadlines(official, dt.date(2026, 3, 5))

    assert block is not None and block.total == 1
    assert f"#{case.pk}" in block.rows[0].title and "2026-03-07" in block.rows[0].detail


def test_the_case_page_shows_the_selection_limit(client_for, dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with at(dt.date(2026, 3, 9)):
        response = client_for(official).get(reverse("households:case_detail", args=[case.household_id, case.pk]))

    rows = {str(d["label"]): d for d in response.context["deadlines"]}
    selection = next(d for label, d in rows.items() if "선정" in label)
    assert (selection["due"], selection["overdue"], selection["days"]) == (dt.date(2026, 3, 7), True, 2)
    agreement = next(d for label, d in rows.items() if "동의" in label)
    assert agreement["due"] is None and not agreement["pending"]


def test_the_migration_fills_the_limits_from_the_last_move_into_the_stage(dong, official):
    migration = importlib.import_module("households.migrations.0019_fill_intermediate_limits")
    # given cases in conference and planning whose dates were not set (made before the fields existed)
    conference = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE, opened_on=dt.date(2026, 2, 1))
    CaseStageChange.objects.create(case=conference, household=conference.household, from_stage="assessment",
                                   to_stage="conference", at=dt.datetime(2026, 2, 9, 16, tzinfo=dt.UTC))  # 02-10 KST
    planning = make_case(household_with_client(dong), stage=CaseStage.PLANNING, opened_on=dt.date(2026, 2, 1))
    CaseStageChange.objects.create(case=planning, household=planning.household, from_stage="conference",
                                   to_stage="planning", at=dt.datetime(2026, 2, 12, 1, tzinfo=dt.UTC))
    no_move = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE, opened_on=dt.date(2026, 2, 3))
    intake = make_case(household_with_client(dong), stage=CaseStage.INTAKE)

    migration.forward(apps, None)

    values = dict(Case.objects.values_list("pk", "selection_due_on"))
    assert values[conference.pk] == dt.date(2026, 2, 15) and values[no_move.pk] == dt.date(2026, 2, 8)
    assert Case.objects.get(pk=planning.pk).agreement_due_on == dt.date(2026, 2, 27)
    assert values[intake.pk] is None


# The record --------------------------------------------------------------------------------------------------


def test_a_difficult_selection_sets_the_class_moves_to_planning_and_writes_the_goals(dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    services.case_needs_save(case=case, by=official, expected_version=case.version,
                             needs=[("income", "high", 1, "체납")])

    with at(dt.date(2026, 3, 5)):
        conference, created = record(case, official, decision="selected_difficult", kind="difficult",
                                     body="hope_team", held_on=dt.date(2026, 3, 5))

    case.refresh_from_db()
    assert created and (case.stage, case.case_class) == (CaseStage.PLANNING, "difficult")
    assert list(conference.staff.all()) == [official]
    assert [(p.organisation, p.person) for p in conference.partners.all()] == [("○○종합사회복지관", "김복지 팀장")]
    goal = CaseGoal.objects.get(case=case)
    assert goal.text == "긴급복지 생계지원 신청" and goal.need.domain == "income"
    assert conference.plan_items.get().goal == goal
    assert conference.decided_change.to_stage == CaseStage.PLANNING
    assert AccessLog.objects.filter(verb="households.case.conference_recorded", object_id=str(case.pk)).exists()


def test_not_selected_needs_a_reason_and_goes_to_closing(dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with pytest.raises(services.RuleError) as refused:
        record(case, official, decision="not_selected", plan_items=[])
    assert "reason" in refused.value.message_dict
    case.refresh_from_db()
    assert case.stage == CaseStage.CONFERENCE and not case.conferences.exists()

    record(case, official, decision="not_selected", reason="기초수급 이미 수급 중, 단순 연계로 충분", plan_items=[])

    case.refresh_from_db()
    assert (case.stage, case.closing_reason, case.case_class) == (CaseStage.CLOSING, "not_eligible", "general")
    assert "단순 연계" in case.closing_note


def test_a_case_outside_conference_is_refused(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT, by=official)

    with pytest.raises(services.RuleError, match="사례회의 단계"):
        record(case, official)
    assert not CaseConference.objects.exists()


def test_the_same_record_twice_creates_nothing_and_a_different_one_is_refused(dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    first, created = record(case, official)
    stage_changes = CaseStageChange.objects.filter(case=case).count()

    again, created_again = record(Case.objects.get(pk=case.pk), official)

    assert created and not created_again and again.pk == first.pk
    assert CaseConference.objects.count() == 1 and CaseGoal.objects.filter(case=case).count() == 1
    assert CaseStageChange.objects.filter(case=case).count() == stage_changes
    with pytest.raises(services.RuleError):
        record(Case.objects.get(pk=case.pk), official, decision="selected_difficult")


def test_the_record_is_checked_field_by_field(dong, second_dong, official, other_dong_official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with at(dt.date(2026, 3, 3)), pytest.raises(services.RuleError) as refused:
        record(case, official, held_on=dt.date(2026, 3, 4), kind="monthly", body="", staff=[other_dong_official],
               decision="maybe", plan_items=[("income", "", "", None)])

    assert set(refused.value.message_dict) == {"held_on", "kind", "body", "staff", "decision", "plan_items"}
    assert not CaseConference.objects.exists()


def test_only_casework_staff_record_a_conference(dong, official, planner):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with pytest.raises(services.RuleError, match="권한"):
        record(case, planner, staff=[official])


def test_the_case_class_is_no_longer_edited_freely(client_for, dong, official):
    case = make_case(household_with_client(dong), by=official)

    with pytest.raises(services.RuleError) as refused:
        services.case_update(case=case, by=official, expected_version=1, data={"case_class": "difficult"})
    assert "case_class" in refused.value.message_dict

    response = client_for(official).post(reverse("households:case_edit", args=[case.household_id, case.pk]),
                                         {"case_class": "difficult", "assigned_official": official.pk,
                                          "summary": "개요", "version": 1})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.summary, case.case_class) == ("개요", "general")
    assert "case_class" not in services.CASE_EDITABLE


# The page and the API --------------------------------------------------------------------------------------------


def test_the_case_page_form_records_the_conference(client_for, dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    url = reverse("households:case_conference", args=[case.household_id, case.pk])
    data = {"held_on": "2026-03-02", "kind": "general", "body": "internal", "staff": [official.pk],
            "decision": "selected_general", "reason": "",
            "partners-TOTAL_FORMS": "2", "partners-INITIAL_FORMS": "0",
            "partners-0-organisation": "정신건강복지센터", "partners-0-person": "상담사",
            "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-domain": "health",
            "items-0-text": "정신건강 상담 연계", "items-0-provider": "정신건강복지센터", "items-0-target_on": "2026-04-01"}

    with at(dt.date(2026, 3, 2)):
        refused = client_for(official).post(url, {**data, "decision": "not_selected", "items-TOTAL_FORMS": "0"})
        assert refused.status_code == 200 and "미선정이면 그 사유를" in refused.content.decode()
        response = client_for(official).post(url, data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.PLANNING
    page = client_for(official).get(reverse("households:case_detail", args=[case.household_id, case.pk]))
    body = page.content.decode()
    assert "정신건강복지센터 (상담사)" in body and "정신건강 상담 연계" in body and "일반사례 선정" in body


def test_a_claim_of_more_rows_than_the_form_holds_is_refused_without_building_them(client_for, dong, official):
    """The management form says how many rows came; ten billion made Django build 1,030 forms (800 ms). Now at
    most 30 are built and the claim is refused with a message; nothing is recorded."""
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    url = reverse("households:case_conference", args=[case.household_id, case.pk])
    data = {"held_on": "2026-03-02", "kind": "general", "body": "internal", "staff": [official.pk],
            "decision": "selected_general", "reason": "", "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0",
            "items-TOTAL_FORMS": "9999999999", "items-INITIAL_FORMS": "0"}
    with at(dt.date(2026, 3, 2)):
        response = client_for(official).post(url, data)

    assert response.status_code == 200
    items = response.context["item_forms"]
    assert len(items.forms) == 30 and items.non_form_errors()
    assert str(items.non_form_errors()[0]) in response.content.decode()
    case.refresh_from_db()
    assert case.stage == CaseStage.CONFERENCE


def test_the_demo_records_the_demo_officials_conferences(dong, official):
    # given the demo official (username "official") with a demo case at conference and one at intake
    official.username = "official"
    official.save(update_fields=["username"])
    waiting = to_conference(dong, official, on=dt.date(2026, 3, 2))
    at_intake = make_case(household_with_client(dong), stage=CaseStage.INTAKE, by=official,
                          opened_on=dt.date(2026, 3, 1))
    Household.objects.filter(pk__in=[waiting.household_id, at_intake.household_id]).update(is_demo=True)

    with at(dt.date(2026, 3, 4)):
        assert seed_conferences(rng=random.Random(1)) == 2
        assert seed_conferences(rng=random.Random(1)) == 0  # a second run adds nothing

    decided = {c.case_id: c for c in CaseConference.objects.select_related("case")}
    assert decided[waiting.pk].decision == "selected_difficult" and decided[waiting.pk].case.case_class == "difficult"
    assert decided[at_intake.pk].case.stage == CaseStage.PLANNING
    assert CaseGoal.objects.filter(case=waiting).count() == 3
