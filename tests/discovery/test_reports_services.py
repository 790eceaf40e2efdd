"""Crisis report services: intake from every channel, deadlines, the reporter kept apart, resolution rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from discovery import services
from discovery.models import (
    Channel,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    ReporterIdentity,
    ReportStatus,
    RewardDecision,
)
from households.models import Case, ServiceLink
from households.rrn import keyed_hash
from welfare.errors import RuleError
from welfare.models import AccessLog

from .factories_reports import ResourceFactory, household_at, new_report, seoul

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", Channel.values)
def test_every_channel_makes_a_report_in_the_dong_queue(channel, dong, official):
    # Given a report from this channel (officials type all but the web form and the big-data list)
    by = None if channel in (Channel.WEB, Channel.BIGDATA) else official

    # When it is created
    report = new_report(dong, by=by, channel=channel, subject_address="왕십리로 10")

    # Then it waits in the dong's queue with a receipt code, received and unassigned
    assert report.channel == channel and report.dong == dong and report.district == dong.district
    assert report.status == ReportStatus.RECEIVED and report.assigned_official is None
    assert report.receipt_code.startswith("R") and len(report.receipt_code) == 10
    assert AccessLog.objects.filter(verb="discovery.crisisreport.created", object_id=str(report.pk)).exists()


def test_receipt_codes_are_unguessable_and_distinct():
    codes = {services.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(set(c[1:]) <= set(services.RECEIPT_ALPHABET) and not set(c[1:]) & set("01IO") for c in codes)


def test_urgent_report_is_due_in_24_hours_and_normal_in_7_days(dong, official):
    received = seoul(2025, 4, 1, 9, 0)
    urgent = new_report(dong, by=official, urgency="urgent", received_at=received)
    normal = new_report(dong, by=official, urgency="normal", received_at=received)
    assert urgent.first_contact_due_at == received + dt.timedelta(hours=24)
    assert normal.first_contact_due_at == received + dt.timedelta(days=7)


def test_the_districts_policy_sets_other_deadlines_and_the_form_may_override(dong, official):
    # Given a district that wants urgent reports seen in 12 hours and the others in 3 days
    DiscoveryPolicy.objects.create(district=dong.district, urgent_first_contact_hours=12, normal_first_contact_days=3)
    received = seoul(2025, 4, 1, 9, 0)

    urgent = new_report(dong, by=official, urgency="urgent", received_at=received)
    normal = new_report(dong, by=official, received_at=received)
    typed = new_report(dong, by=official, received_at=received, first_contact_due_at=received + dt.timedelta(days=1))

    assert urgent.first_contact_due_at == received + dt.timedelta(hours=12)
    assert normal.first_contact_due_at == received + dt.timedelta(days=3)
    assert typed.first_contact_due_at == received + dt.timedelta(days=1)


def test_reporter_identity_is_kept_apart_encrypted_with_a_hash_of_the_phone(dong):
    report = new_report(dong, channel="web", subject_phone="010-1234-5678",
                        reporter={"name": "이웃사람", "phone": "010 9876 5432", "relation": "이웃"})

    identity = ReporterIdentity.objects.get(report=report)
    assert report.subject_phone == "01012345678"
    assert report.reporter_kind == "named"
    assert identity.name == "이웃사람" and identity.phone == "01098765432"
    assert identity.phone_hash == keyed_hash("01098765432")
    from django.db import connection

    with connection.cursor() as cursor:  # ciphertext at rest, never the number
        cursor.execute("SELECT phone FROM discovery_reporteridentity WHERE id = %s", [identity.pk])
        assert "98765432" not in cursor.fetchone()[0]


def test_anonymous_report_has_no_identity(dong):
    report = new_report(dong, channel="web", subject_description="3층 할머니", reporter={})
    assert report.reporter_kind == "anonymous"
    assert not ReporterIdentity.objects.filter(report=report).exists()


def test_a_report_must_say_who_it_is_about(dong, official):
    with pytest.raises(RuleError) as error:
        services.report_create(district=dong.district, dong=dong, by=official, channel="phone",
                               data={"details": "누군가 힘들어 보여요"}, reporter=None)
    assert "하나는 적어" in " ".join(error.value.messages)
    assert not CrisisReport.objects.exists()


def test_unknown_risk_signals_are_refused(dong, official):
    with pytest.raises(RuleError) as error:
        new_report(dong, by=official, risk_signals=["no_food", "aliens"])
    assert "risk_signals" in error.value.error_dict


def test_official_cannot_file_into_another_dongs_queue(second_dong, official):
    with pytest.raises(RuleError):
        new_report(second_dong, by=official)


def test_planner_may_not_create_reports(dong, planner):
    with pytest.raises(PermissionDenied):
        new_report(dong, by=planner)


def test_first_contact_attempt_sets_first_contact_and_screening(dong, official):
    report = new_report(dong, by=official, received_at=timezone.now() - dt.timedelta(days=2))
    at = timezone.now() - dt.timedelta(hours=1)

    services.contact_attempt_record(report=report, by=official, method="phone", reached=False, note="안 받음", at=at)
    services.contact_attempt_record(report=report, by=official, method="visit", reached=True, note="")

    report.refresh_from_db()
    assert report.first_contacted_at == at
    assert report.status == ReportStatus.SCREENING
    assert ContactAttempt.objects.filter(report=report).count() == 2


def test_unreachable_needs_the_configured_attempts_and_a_handoff_note(dong, official):
    # Given a report with two unanswered attempts of the three the default policy asks for
    report = new_report(dong, by=official)
    for method in ("phone", "visit"):
        services.contact_attempt_record(report=report, by=official, method=method, reached=False)

    # When the official closes it as unreachable, then one more attempt is asked for
    with pytest.raises(RuleError) as error:
        services.report_resolve(report=report, by=official, outcome="unreachable", reason="부재", handoff_note="인계")
    assert "1번 더" in " ".join(error.value.messages)

    # And after the third, a hand-off note for the residence fact survey is still required
    services.contact_attempt_record(report=report, by=official, method="welfare_mail", reached=False)
    with pytest.raises(RuleError) as error:
        services.report_resolve(report=report, by=official, outcome="unreachable", reason="부재")
    assert "handoff_note" in error.value.error_dict

    resolved = services.report_resolve(report=report, by=official, outcome="unreachable", reason="3회 부재",
                                       handoff_note="사실조사 요청: 장기 부재")
    assert resolved.status == ReportStatus.RESOLVED and resolved.handoff_note.startswith("사실조사")


def test_reached_attempts_do_not_count_towards_unreachable(dong, official):
    DiscoveryPolicy.objects.create(district=dong.district, unreachable_attempts=1)
    report = new_report(dong, by=official)
    services.contact_attempt_record(report=report, by=official, method="phone", reached=True)
    with pytest.raises(RuleError):
        services.report_resolve(report=report, by=official, outcome="unreachable", reason="x", handoff_note="y")


@pytest.mark.parametrize("outcome", ["no_need", "referred", "duplicate", "unreachable"])
def test_outcomes_that_need_a_reason_refuse_without_one(outcome, dong, official):
    report = new_report(dong, by=official)
    with pytest.raises(RuleError) as error:
        services.report_resolve(report=report, by=official, outcome=outcome, reason="  ")
    assert "reason" in error.value.error_dict


def test_case_opened_opens_a_case_from_the_report(dong, official):
    # Given a report linked to a household whose head consented to collection and use
    household = household_at(dong, "서울특별시 성동구 왕십리로 5", consents=("collect_use",))
    report = new_report(dong, by=official, urgency="urgent", details="끼니를 거른다고 함")
    services.report_link_household(report=report, household=household, by=official)
    head = household.residents.get()

    # When it is resolved as "case opened"
    report = services.report_resolve(report=report, by=official, outcome="case_opened",
                                     case_data={"client": head, "case_class": "difficult"})

    # Then the case is open at intake, from a report, and the report points at it; the reward rules ran
    case = Case.objects.get(household=household)
    assert report.case == case and report.outcome == "case_opened" and report.status == "resolved"
    assert case.source == "report" and case.stage == "intake" and case.case_class == "difficult"
    assert RewardDecision.objects.filter(report=report).exists()


def test_case_opened_without_consent_is_refused_with_the_rule_message(dong, official):
    household = household_at(dong, "서울특별시 성동구 왕십리로 5")
    report = new_report(dong, by=official)
    services.report_link_household(report=report, household=household, by=official)

    with pytest.raises(RuleError) as error:
        services.report_resolve(report=report, by=official, outcome="case_opened",
                                case_data={"client": household.residents.get()})

    assert "동의" in " ".join(error.value.messages)
    report.refresh_from_db()
    assert report.status != "resolved" and not Case.objects.exists()


def test_case_opened_needs_a_linked_household(dong, official):
    report = new_report(dong, by=official)
    with pytest.raises(RuleError, match="세대에 연결"):
        services.report_resolve(report=report, by=official, outcome="case_opened", case_data={})


def test_linkage_only_creates_the_service_link(dong, official):
    household = household_at(dong, "서울특별시 성동구 왕십리로 7", consents=("collect_use",))
    resource = ResourceFactory(district=dong.district, sector="public")
    report = new_report(dong, by=official)
    services.report_link_household(report=report, household=household, by=official)

    report = services.report_resolve(report=report, by=official, outcome="linkage_only",
                                     link_data={"resource": resource})

    link = ServiceLink.objects.get(household=household)
    assert report.service_link == link and link.resource == resource and link.case is None
    assert RewardDecision.objects.filter(report=report).exists()


def test_linkage_only_needs_a_resource(dong, official):
    household = household_at(dong, "서울특별시 성동구 왕십리로 7")
    report = new_report(dong, by=official)
    services.report_link_household(report=report, household=household, by=official)
    with pytest.raises(RuleError) as error:
        services.report_resolve(report=report, by=official, outcome="linkage_only", link_data={})
    assert "resource" in error.value.error_dict


def test_duplicate_points_at_the_original_report(dong, official):
    original = new_report(dong, by=official, subject_name="김철수")
    again = new_report(dong, by=official, subject_name="김철수")

    with pytest.raises(RuleError):
        services.report_resolve(report=again, by=official, outcome="duplicate", reason="같은 사람")
    with pytest.raises(RuleError):
        services.report_resolve(report=again, by=official, outcome="duplicate", reason="같은 사람",
                                duplicate_of=again)
    resolved = services.report_resolve(report=again, by=official, outcome="duplicate", reason="같은 사람",
                                       duplicate_of=original)

    assert resolved.duplicate_of == original and resolved.outcome == "duplicate"


def test_resolved_reports_are_read_only(dong, official):
    report = new_report(dong, by=official)
    services.report_resolve(report=report, by=official, outcome="no_need", reason="욕구 없음")

    with pytest.raises(RuleError):
        services.report_resolve(report=report, by=official, outcome="referred", reason="다시")
    with pytest.raises(RuleError):
        services.contact_attempt_record(report=report, by=official, method="phone", reached=True)
    assert services.reports_assign(reports=[report.pk], by=official, to_user=official).done == 0


def test_another_dongs_report_cannot_be_resolved(dong, official, other_dong_official):
    report = new_report(dong, by=official)
    with pytest.raises(PermissionDenied):
        services.report_resolve(report=report, by=other_dong_official, outcome="no_need", reason="x")
