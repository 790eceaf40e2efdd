"""The case stage machine through the services: every allowed move succeeds, every other one changes nothing."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from households import services
from households.models import (
    AFTERCARE_MOVES,
    CONFERENCE_MOVES,
    TRANSITIONS,
    Case,
    CaseGoal,
    CaseStage,
    CaseStageChange,
    FollowUp,
)
from households.services.cases import NeedInput
from tests.factories import ResidentFactory

from .factories_cases import consent, decide_conference, household_with_client, make_case

pytestmark = pytest.mark.django_db

PAIRS = list(itertools.product(CaseStage.values, repeat=2))
# Out of after-care only through the after-care outcome (tests/households/test_aftercare.py), out of conference
# only through the conference record (below, and tests/households/test_conferences.py).
ALLOWED = [(a, b) for a, b in PAIRS if b in TRANSITIONS[a] and (a, b) not in AFTERCARE_MOVES | CONFERENCE_MOVES]
REFUSED = [(a, b) for a, b in PAIRS if b not in TRANSITIONS[a]]


def _ready_for(case: Case, to: str) -> None:
    """What a legitimate move needs besides the stage: a plan goal before service starts."""
    if case.stage == CaseStage.PLANNING and to == CaseStage.IN_SERVICE:
        CaseGoal.objects.create(case=case, text="생계급여 수급", target_on=case.opened_on + dt.timedelta(days=60))


def test_the_machine_has_both_kinds_of_moves():
    # 14 allowed moves among the 100 ordered pairs of the 10 stages: 10 by the stage form, 2 out of after-care
    # by its outcome only, 2 out of conference by its record only; the tests here and in test_aftercare.py cover
    # all 100.
    assert len(ALLOWED) == 10 and len(AFTERCARE_MOVES) == 2 and len(CONFERENCE_MOVES) == 2
    assert len(REFUSED) == 100 - 14
    assert all(b in TRANSITIONS[a] for a, b in AFTERCARE_MOVES | CONFERENCE_MOVES)  # legal, just not bare


@pytest.mark.parametrize(("frm", "to"), sorted(CONFERENCE_MOVES))
def test_leaving_conference_by_the_stage_form_is_refused(dong, lead, frm, to):
    # given a case in conference, everything a move needs in order (a goal, a closing reason)
    case = make_case(household_with_client(dong), stage=frm, by=lead)
    CaseGoal.objects.create(case=case, text="목표", target_on=case.opened_on)

    # when / then the bare move is refused with the rule's sentence, and nothing changed
    with pytest.raises(services.RuleError, match="사례회의 결과\\(선정·미선정\\)를 기록해야"):
        services.case_transition(case=case, to=to, by=lead, expected_version=1, closing_reason="not_eligible")
    case.refresh_from_db()
    assert (case.stage, case.version, case.closing_reason) == (frm, 1, "")
    assert not CaseStageChange.objects.filter(case=case).exists()


def test_next_stages_never_offers_a_move_out_of_conference_or_after_care(dong, lead, official):
    for stage in CaseStage.values:
        case = make_case(household_with_client(dong), stage=stage, by=lead)
        for user in (lead, official):
            offered = services.cases.next_stages(case, user)
            assert not {(stage, to) for to in offered} & (AFTERCARE_MOVES | CONFERENCE_MOVES)
            assert all(to in TRANSITIONS[stage] for to in offered)


@pytest.mark.parametrize("selected", [True, False], ids=["selected", "not_selected"])
def test_the_conference_record_still_makes_the_moves_out_of_conference(dong, lead, selected):
    case = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE, by=lead)

    decide_conference(case, lead, selected=selected)

    to = CaseStage.PLANNING if selected else CaseStage.CLOSING
    assert (case.stage, case.version) == (to, 3 if selected else 2)  # selected: the class is set first
    change = CaseStageChange.objects.get(case=case)
    assert (change.from_stage, change.to_stage, change.by) == (CaseStage.CONFERENCE, to, lead)
    assert case.conferences.get().decided_change == change


@pytest.mark.parametrize(("frm", "to"), sorted(AFTERCARE_MOVES))
def test_leaving_after_care_by_the_stage_form_is_refused(dong, lead, frm, to):
    case = make_case(household_with_client(dong), stage=frm, by=lead)

    with pytest.raises(services.RuleError, match="사후관리 결과"):
        services.case_transition(case=case, to=to, by=lead, expected_version=1)
    case.refresh_from_db()
    assert (case.stage, case.version) == (frm, 1)
    assert services.cases.next_stages(case, lead) == []


@pytest.mark.parametrize(("frm", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_transition_succeeds(dong, lead, frm, to):
    # given a case at `frm`, moved by a team lead (who may also approve closure)
    case = make_case(household_with_client(dong), stage=frm, by=lead)
    _ready_for(case, to)

    # when
    services.case_transition(case=case, to=to, by=lead, expected_version=1, note="다음 단계",
                             closing_reason="goals_met")

    # then the stage moved, the version went up and the change is in the history
    case.refresh_from_db()
    assert case.stage == to and case.version == 2
    change = CaseStageChange.objects.get(case=case)
    assert (change.from_stage, change.to_stage, change.by, change.note) == (frm, to, lead, "다음 단계")


@pytest.mark.parametrize(("frm", "to"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_other_transition_is_refused_and_changes_nothing(dong, lead, frm, to):
    # given a case at `frm`, everything else in order (an approver, a reason, a goal)
    case = make_case(household_with_client(dong), stage=frm, by=lead)
    CaseGoal.objects.create(case=case, text="목표", target_on=case.opened_on)

    # when / then
    with pytest.raises(services.RuleError, match="옮길 수 없습니다"):
        services.case_transition(case=case, to=to, by=lead, expected_version=1, closing_reason="goals_met")
    case.refresh_from_db()
    assert (case.stage, case.version, case.closing_reason) == (frm, 1, "")
    assert not CaseStageChange.objects.filter(case=case).exists()


def test_an_unknown_stage_is_refused(dong, lead):
    case = make_case(household_with_client(dong), by=lead)

    with pytest.raises(services.RuleError):
        services.case_transition(case=case, to="deleted", by=lead, expected_version=1)


def test_intake_is_refused_without_consent(official, dong):
    # given a household whose only member has given no consent
    household = household_with_client(dong, consents=())
    client = household.residents.get()

    # when / then
    with pytest.raises(services.RuleError, match="수집·이용 동의"):
        services.case_open(household=household, client=client, by=official, source="visit")
    assert not Case.objects.exists()


def test_intake_is_allowed_after_consent_and_starts_the_clocks(official, dong):
    household = household_with_client(dong, consents=())
    client = household.residents.get()
    consent(client)
    today = timezone.localdate()

    case = services.case_open(household=household, client=client, by=official, source="visit")

    assert case.stage == CaseStage.INTAKE and case.version == 1
    assert case.assessment_due_on == today + dt.timedelta(days=10)
    assert case.plan_due_on == today + dt.timedelta(days=30)
    assert case.assigned_official == official
    household.refresh_from_db()
    assert household.status == "under_care"
    assert CaseStageChange.objects.get(case=case).to_stage == CaseStage.INTAKE


def test_intake_is_refused_after_consent_is_withdrawn(official, dong):
    household = household_with_client(dong, consents=())
    client = household.residents.get()
    given = consent(client)
    services.consent_withdraw(consent=given, by=official, on=timezone.localdate())

    with pytest.raises(services.RuleError, match="수집·이용 동의"):
        services.case_open(household=household, client=client, by=official, source="visit")


def test_another_households_resident_cannot_be_the_client(official, dong, other_household):
    household = household_with_client(dong)
    stranger = other_household.residents.get()
    consent(stranger)

    with pytest.raises(services.RuleError, match="현재 가구원"):
        services.case_open(household=household, client=stranger, by=official, source="visit")


def test_closing_needs_a_reason(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    with pytest.raises(services.RuleError, match="종결 사유"):
        services.case_transition(case=case, to=CaseStage.CLOSING, by=official, expected_version=1)

    case.refresh_from_db()
    assert case.stage == CaseStage.IN_SERVICE and case.version == 1


def test_closing_keeps_its_reason_and_note(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    services.case_transition(case=case, to=CaseStage.CLOSING, by=official, expected_version=1,
                             closing_reason="moved_out", closing_note="경기도로 전출")

    case.refresh_from_db()
    assert (case.stage, case.closing_reason, case.closing_note) == ("closing", "moved_out", "경기도로 전출")


def test_closed_needs_a_team_lead(dong, official, lead):
    # given a closing proposal
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="goals_met")

    # when an official tries to approve it: refused, nothing changes
    with pytest.raises(services.RuleError, match="팀장"):
        services.case_transition(case=case, to=CaseStage.CLOSED, by=official, expected_version=1)
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSING and case.closed_on is None

    # when the team lead approves: closed today, with the two after-care contacts planned
    services.case_transition(case=case, to=CaseStage.CLOSED, by=lead, expected_version=1)
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED and case.closed_on == timezone.localdate()
    assert FollowUp.objects.filter(household=case.household, case=case).count() == 2


def test_only_a_team_lead_returns_a_closing_proposal_to_service(dong, official, lead):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="refused")

    with pytest.raises(services.RuleError, match="팀장"):
        services.case_transition(case=case, to=CaseStage.IN_SERVICE, by=official, expected_version=1)
    services.case_transition(case=case, to=CaseStage.IN_SERVICE, by=lead, expected_version=1)

    case.refresh_from_db()
    assert case.stage == CaseStage.IN_SERVICE


def test_district_admin_may_approve_closure(dong, district_admin):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, closing_reason="goals_met")

    services.case_transition(case=case, to=CaseStage.CLOSED, by=district_admin, expected_version=1)

    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED


def test_service_cannot_start_without_a_plan_goal(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.PLANNING)

    with pytest.raises(services.RuleError, match="목표"):
        services.case_transition(case=case, to=CaseStage.IN_SERVICE, by=official, expected_version=1)


def test_a_stale_version_is_refused_before_the_rules(dong, official):
    # given a case someone else already moved on (version 2, assessment)
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT, version=2)

    # when a form opened at version 1 asks for the move it saw (intake → assessment)
    with pytest.raises(services.StaleVersion):
        services.case_transition(case=case, to=CaseStage.ASSESSMENT, by=official, expected_version=1)

    case.refresh_from_db()
    assert case.version == 2


def test_relapse_opens_a_new_case_linked_to_the_old_one(dong, official):
    # given a closed case
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.CLOSED, opened_on=timezone.localdate() - dt.timedelta(days=200),
                    case_class="difficult", by=official)

    # when
    new = services.case_reopen(previous=old, by=official, source="visit", summary="다시 연락 두절")

    # then
    assert new.pk != old.pk and new.previous_case == old
    assert (new.stage, new.client, new.case_class, new.summary) == ("intake", old.client, "difficult", "다시 연락 두절")
    assert list(old.relapses.all()) == [new]
    assert CaseStageChange.objects.get(case=new).note == "재발로 새 사례 접수"


def test_relapse_is_refused_while_a_case_is_open(dong, official):
    household = household_with_client(dong)
    old = make_case(household, stage=CaseStage.FOLLOW_UP, opened_on=timezone.localdate() - dt.timedelta(days=400))
    make_case(household, stage=CaseStage.ASSESSMENT)

    with pytest.raises(services.RuleError, match="진행 중인 사례"):
        services.case_reopen(previous=old, by=official, source="visit")
    assert Case.objects.filter(household=household).count() == 2


def test_relapse_is_refused_from_an_open_case(dong, official):
    open_case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)

    with pytest.raises(services.RuleError, match="종결된 사례"):
        services.case_reopen(previous=open_case, by=official, source="visit")


def test_a_second_open_case_is_refused_by_the_service(dong, official):
    household = household_with_client(dong)
    make_case(household, stage=CaseStage.CONFERENCE)

    with pytest.raises(services.RuleError, match="진행 중인 사례"):
        services.case_open(household=household, client=household.residents.get(), by=official, source="visit")


@pytest.mark.parametrize("open_stage", sorted(set(CaseStage.values) - {"closed", "follow_up", "archived"}))
def test_the_database_allows_one_open_case_per_household(dong, open_stage):
    household = household_with_client(dong)
    make_case(household, stage=CaseStage.INTAKE)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(household, stage=open_stage)


def test_closed_cases_do_not_count_against_the_open_one(dong):
    household = household_with_client(dong)
    make_case(household, stage=CaseStage.CLOSED)
    make_case(household, stage=CaseStage.FOLLOW_UP)
    make_case(household, stage=CaseStage.ARCHIVED)

    make_case(household, stage=CaseStage.INTAKE)

    assert Case.objects.filter(household=household).open().count() == 1


# Deadlines ---------------------------------------------------------------------------------------------------


def _from_intake(flags: dict) -> dict:
    """The limits counted from intake (the selection and agreement limits: tests/households/test_conferences.py)."""
    return {k: flags[k] for k in ("assessment", "plan")}


def _flags(case: Case, today: dt.date) -> dict:
    annotated = Case.objects.with_deadline_flags(today).get(pk=case.pk)
    flags = case.deadline_flags(today)
    # The queryset annotation (lists) and the model method (one case) agree.
    assert flags == {key: getattr(annotated, f"is_{key}_overdue") for key in flags}
    return _from_intake(flags)


@pytest.mark.parametrize(("stage", "days_ago", "expected"), [
    ("intake", 10, {"assessment": False, "plan": False}),       # due today: not yet late
    ("intake", 11, {"assessment": True, "plan": False}),
    ("assessment", 11, {"assessment": True, "plan": False}),
    ("conference", 11, {"assessment": False, "plan": False}),   # the survey is done
    ("conference", 31, {"assessment": False, "plan": True}),
    ("planning", 31, {"assessment": False, "plan": True}),
    ("intake", 31, {"assessment": True, "plan": True}),
    ("in_service", 31, {"assessment": False, "plan": False}),   # the plan is done
    ("reassessment", 90, {"assessment": False, "plan": False}),
    ("closed", 90, {"assessment": False, "plan": False}),
])
def test_deadline_flags_by_stage_and_age(dong, stage, days_ago, expected):
    today = timezone.localdate()
    case = make_case(household_with_client(dong), stage=stage, opened_on=today - dt.timedelta(days=days_ago))

    assert _flags(case, today) == expected


def test_deadline_flags_on_frozen_dates(dong, official):
    # given a case opened on 2025-03-03 (assessment due 03-13, plan due 04-02)
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        case = services.case_open(household=(h := household_with_client(dong)), client=h.residents.get(),
                                  by=official, source="report")
    assert (case.assessment_due_on, case.plan_due_on) == (dt.date(2025, 3, 13), dt.date(2025, 4, 2))

    # then on 03-13 nothing is late, on 03-14 the survey is, and on 04-03 the plan too
    with time_machine.travel(dt.datetime(2025, 3, 13, 10, tzinfo=dt.UTC), tick=False):
        assert _from_intake(case.deadline_flags()) == {"assessment": False, "plan": False}
    with time_machine.travel(dt.datetime(2025, 3, 14, 10, tzinfo=dt.UTC), tick=False):
        assert _from_intake(case.deadline_flags()) == {"assessment": True, "plan": False}
    with time_machine.travel(dt.datetime(2025, 4, 3, 10, tzinfo=dt.UTC), tick=False):
        assert _from_intake(case.deadline_flags()) == {"assessment": True, "plan": True}
        assert list(Case.objects.plan_overdue(timezone.localdate())) == [case]


def test_needs_save_replaces_the_assessment_and_checks_the_version(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)
    services.case_needs_save(case=case, by=official, expected_version=1,
                             needs=[("income", "high", 1, "체납"), ("health", "medium", 2, "")])

    services.case_needs_save(case=case, by=official, expected_version=2, needs=[("income", "medium", 1, "일부 해소")])

    assert [(n.domain, n.severity, n.note) for n in case.needs.all()] == [("income", "medium", "일부 해소")]
    with pytest.raises(services.StaleVersion):
        services.case_needs_save(case=case, by=official, expected_version=2, needs=[])
    assert case.needs.count() == 1


def test_goal_before_the_opening_day_is_refused(dong, official):
    case = make_case(household_with_client(dong), opened_on=timezone.localdate())

    with pytest.raises(services.RuleError, match="접수일 이후"):
        services.case_goal_add(case=case, by=official, text="목표", target_on=case.opened_on - dt.timedelta(days=1))


def test_client_who_left_cannot_open_a_case(dong, official):
    household = household_with_client(dong)
    leaver = ResidentFactory(household=household, relation="child", left_on=timezone.localdate())
    consent(leaver)

    with pytest.raises(services.RuleError):
        services.case_open(household=household, client=leaver, by=official, source="visit")


# Rules that used to live in the forms: the service refuses them, naming the field.


def test_open_refuses_a_future_date_on_the_field(dong, official):
    household = household_with_client(dong)
    consent(household.residents.get())

    with pytest.raises(services.RuleError) as refused:
        services.case_open(household=household, client=household.residents.get(), by=official, source="visit",
                           opened_on=timezone.localdate() + dt.timedelta(days=1))

    assert list(refused.value.error_dict) == ["opened_on"]


def test_closing_without_a_reason_names_the_field(dong, lead):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=lead)

    with pytest.raises(services.RuleError) as refused:
        services.case_transition(case=case, to=CaseStage.CLOSING, by=lead, expected_version=1)

    assert list(refused.value.error_dict) == ["closing_reason"]


def test_a_note_without_a_severity_is_refused_on_that_domain(dong, official):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)

    with pytest.raises(services.RuleError) as refused:
        services.case_needs_save(case=case, by=official, expected_version=1,
                                 needs=[NeedInput("income", "high", 1, "체납"), NeedInput("safety", "", None, "메모")])

    assert list(refused.value.error_dict) == ["safety_severity"]
    assert case.needs.count() == 0


def test_case_update_logs_the_change_and_refuses_an_official_of_another_dong(dong, official, lead,
                                                                              other_dong_official):
    case = make_case(household_with_client(dong), by=official)

    services.case_update(case=case, by=lead, expected_version=1, data={"assigned_official": lead, "summary": "요약"})

    case.refresh_from_db()
    assert (case.assigned_official, case.summary, case.version) == (lead, "요약", 2)
    with pytest.raises(services.RuleError) as refused:
        services.case_update(case=case, by=lead, expected_version=2, data={"assigned_official": other_dong_official})
    assert list(refused.value.error_dict) == ["assigned_official"]
    with pytest.raises(services.StaleVersion):
        services.case_update(case=case, by=lead, expected_version=1, data={"summary": "낡은 화면"})


def test_casework_needs_the_capability(dong, planner):
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT)

    with pytest.raises(services.RuleError):
        services.case_transition(case=case, to=CaseStage.CONFERENCE, by=planner, expected_version=1)
