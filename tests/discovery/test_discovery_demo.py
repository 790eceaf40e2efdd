"""Discovery demo data: the §9 recipe, consistent with the rules, written in bulk, and idempotent."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery.models import (
    OUTCOMES_NEEDING_REASON,
    BigDataRound,
    BigDataTarget,
    Channel,
    ContactAttempt,
    CrisisReport,
    DiscoveryPolicy,
    NetworkMember,
    ReporterIdentity,
    ReportOutcome,
    ReportStatus,
    RewardDecision,
)
from discovery.services.answers import results_allowed
from households.models import ASSESSMENT_DAYS, PLAN_DAYS, Case, Consent
from tests.factories import DongFactory, HouseholdFactory, ResidentFactory
from tests.households.factories_cases import ResourceFactory
from welfare.demo.discovery import seed_discovery
from welfare.demo.years import DemoYears

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_district(seongdong, dong, second_dong, official):
    """Three dongs (one high-risk), households with heads, public and private resources, report-born cases."""
    dong.is_high_risk = True
    dong.save()
    third = DongFactory(district=seongdong, name="사근동")
    today = timezone.localdate()
    for d in (dong, second_dong, third):
        for i in range(12):
            household = HouseholdFactory(dong=d, is_demo=True)
            head = ResidentFactory(household=household, relation="head")
            if i < 2:
                opened = today - dt.timedelta(days=30 + 90 * i)
                Case.objects.create(household=household, client=head, opened_on=opened, source="report",
                                    assessment_due_on=opened + dt.timedelta(days=ASSESSMENT_DAYS),
                                    plan_due_on=opened + dt.timedelta(days=PLAN_DAYS), stage="in_service")
    ResourceFactory(district=seongdong, sector="public", name="긴급복지지원")
    ResourceFactory(district=seongdong, sector="public", name="기초생활보장 생계급여")
    ResourceFactory(district=seongdong, sector="private", name="푸드뱅크")
    return seongdong


def seed(district, official, dongs, rng_seed=7):
    return seed_discovery(rng=random.Random(rng_seed), districts=[district],
                          officials_by_dong={d.pk: official for d in dongs})


def test_the_network_follows_the_recipe(demo_district, official, dong, second_dong):
    # When the demo is seeded
    made = seed(demo_district, official, [dong, second_dong])

    # Then each dong has about 45 honorary officials of mixed occupations, a few 통장, and a care team of
    # 1–2 members, 3 in the high-risk dong
    assert made["network_members"] == NetworkMember.objects.count()
    for d in demo_district.dongs.all():
        members = NetworkMember.objects.filter(dongs=d)
        roles = Counter(members.values_list("role", flat=True))
        assert 40 <= roles["honorary"] <= 55
        assert len(set(members.filter(role="honorary").values_list("occupation", flat=True))) >= 5
        assert 2 <= roles["tongjang"] <= 4
        if d.is_high_risk:
            assert roles["care_team"] == 3
        else:
            assert 1 <= roles["care_team"] <= 2


def test_reports_span_the_channels_and_the_year_with_open_and_overdue_ones(demo_district, official, dong):
    seed(demo_district, official, [dong])
    reports = CrisisReport.objects.filter(district=demo_district)
    now = timezone.now()

    channels = Counter(reports.values_list("channel", flat=True))
    # 30–60 a year per dong at last year's pace, over the demo's span (half a year, last year, this year at the
    # dong's own pace): welfare.demo.years
    years = DemoYears(timezone.localdate())
    low = sum(round(30 * years.years_of(d.pk)) for d in demo_district.dongs.all())
    high = sum(round(60 * years.years_of(d.pk)) for d in demo_district.dongs.all())
    assert low <= reports.count() <= high
    assert channels[Channel.BIGDATA] == max(channels.values())  # big data is the largest channel (§9: 55 %)
    assert len(channels) >= 6
    assert reports.filter(received_at__gt=now).count() == 0
    # Last year's casework is there for last year's plan, and this year's for this year's.
    assert reports.filter(received_at__year=now.year - 1).count() > 50
    assert reports.filter(received_at__year=now.year).count() > 50
    assert reports.open().exists() and reports.overdue(now).exists()
    assert reports.filter(status=ReportStatus.RESOLVED).count() > reports.open().count()
    codes = list(reports.values_list("receipt_code", flat=True))
    assert len(codes) == len(set(codes)) and all(c.startswith(f"DM{demo_district.pk:03d}-") for c in codes)


def test_resolved_reports_follow_the_rules(demo_district, official, dong):
    seed(demo_district, official, [dong])
    policy = DiscoveryPolicy.for_district(demo_district.pk)
    resolved = CrisisReport.objects.filter(status=ReportStatus.RESOLVED).select_related("case", "service_link")

    for r in resolved:
        assert r.outcome and r.resolved_at >= r.received_at
        if r.outcome in OUTCOMES_NEEDING_REASON:
            assert r.outcome_reason
        if r.outcome == ReportOutcome.CASE_OPENED:  # the case came after the report
            assert r.case.opened_on >= timezone.localdate(r.received_at)
            assert r.household_id == r.case.household_id
        if r.outcome == ReportOutcome.LINKAGE_ONLY and r.service_link is not None:
            assert r.service_link.household_id == r.household_id
            if r.service_link.resource.sector == "private":  # a private provider only with consent
                assert Consent.objects.filter(resident__household=r.household_id, scope="third_party").exists()
        if r.outcome == ReportOutcome.UNREACHABLE:
            assert ContactAttempt.objects.filter(report=r, reached=False).count() >= policy.unreachable_attempts
    outcomes = Counter(resolved.values_list("outcome", flat=True))
    assert outcomes[ReportOutcome.CASE_OPENED] >= 1  # the report-born cases are tied to their reports
    assert outcomes[ReportOutcome.LINKAGE_ONLY] > outcomes[ReportOutcome.UNREACHABLE]


def test_network_reports_name_a_member_and_referrals_a_mandatory_reporter(demo_district, official, dong):
    seed(demo_district, official, [dong])

    honorary = CrisisReport.objects.filter(channel=Channel.HONORARY)
    assert honorary.exists() and not honorary.filter(network_member=None).exists()
    referrals = CrisisReport.objects.filter(channel=Channel.REFERRAL)
    assert not referrals.exclude(reporter_kind="mandatory").exists()
    assert ReporterIdentity.objects.filter(report__in=referrals).count() == referrals.count()


def test_big_data_reports_have_targets_with_one_to_four_indicators_in_rounds(demo_district, official, dong):
    seed(demo_district, official, [dong])
    today = timezone.localdate()

    from_lists = CrisisReport.objects.filter(channel__in=(Channel.BIGDATA, Channel.LONELY_DEATH))
    assert BigDataTarget.objects.count() == from_lists.count() > 0
    for target in BigDataTarget.objects.prefetch_related("indicators").select_related("report", "round"):
        assert 1 <= len(target.indicators.all()) <= 4
        assert bool(target.result_code) == (target.report.status == ReportStatus.RESOLVED)
        # One truth: the answer is one the report's outcome allows, on the round's own list
        if target.result_code:
            assert target.result_code in results_allowed(target.round.system, target.report)
        assert (target.report.channel == Channel.LONELY_DEATH) == target.round.is_lonely_death
        assert target.ssis_ref
    current = BigDataRound.objects.filter(district=demo_district, system="blind_spot").order_by(
        "-received_on").first()
    assert today - dt.timedelta(days=62) <= current.received_on <= today
    assert current.targets.exclude(result_code="").exists() or current.targets.count() < 3
    assert current.targets.filter(result_code="").exists()


def test_reward_decisions_follow_the_exclusions_and_the_cap(demo_district, official, dong, second_dong):
    seed(demo_district, official, [dong, second_dong])
    policy = DiscoveryPolicy.for_district(demo_district.pk)

    decisions = RewardDecision.objects.select_related("report__service_link__resource", "report__network_member")
    assert 1 <= decisions.count() <= 10
    per_year = defaultdict(int)
    for d in decisions:
        assert d.report.outcome in (ReportOutcome.CASE_OPENED, ReportOutcome.LINKAGE_ONLY)
        if d.is_pending:  # waiting for the conference or the benefit decision: nothing decided, nothing paid
            assert d.decided_on is None and d.amount_krw == 0 and d.reason.startswith("선정 대기")
            assert d.approved_by is None and d.paid_on is None
            continue
        if d.eligible:
            assert 0 < d.amount_krw <= policy.reward_amount_krw
            assert d.report.service_link is None or d.report.service_link.resource.sector == "public"
            assert d.report.network_member is None or not d.report.network_member.reward_excluded
            per_year[(d.informant_key, d.decided_on.year)] += d.amount_krw
        else:
            assert d.amount_krw == 0 and d.reason and d.approved_by is None and d.paid_on is None
        if d.paid_on is not None:
            assert d.approved_by_id is not None  # paid only once approved
    assert all(total <= policy.reward_yearly_cap_krw for total in per_year.values())


def test_a_second_run_adds_nothing(demo_district, official, dong):
    first = seed(demo_district, official, [dong])
    counts = (NetworkMember.objects.count(), CrisisReport.objects.count(), BigDataRound.objects.count(),
              BigDataTarget.objects.count(), RewardDecision.objects.count())

    again = seed(demo_district, official, [dong], rng_seed=8)

    assert first["crisis_reports"] > 0
    assert again == {}
    assert counts == (NetworkMember.objects.count(), CrisisReport.objects.count(), BigDataRound.objects.count(),
                      BigDataTarget.objects.count(), RewardDecision.objects.count())


def test_rows_are_written_in_bulk(demo_district, official, dong):
    with CaptureQueriesContext(connection) as ctx:
        made = seed(demo_district, official, [dong])

    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    report_inserts = [s for s in inserts if 'INTO "discovery_crisisreport"' in s]
    member_inserts = [s for s in inserts if 'INTO "discovery_networkmember"' in s]
    # Many rows per statement (SQLite caps the parameters of one statement, PostgreSQL takes a batch at once).
    assert made["crisis_reports"] >= 10 * len(report_inserts)
    assert made["network_members"] >= 10 * len(member_inserts)
    assert len(ctx.captured_queries) < 80


def test_the_demo_has_both_lists_rounds_over_last_year_and_this_year(demo_district, official, dong):
    seed(demo_district, official, [dong])
    today = timezone.localdate()

    rounds = BigDataRound.objects.filter(district=demo_district)
    blind = rounds.filter(system="blind_spot")
    lonely = rounds.filter(system="lonely_death")
    # Every bimonthly round of last year, and this year's so far
    assert set(blind.filter(year=today.year - 1).values_list("number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert blind.filter(year=today.year).count() == min(6, (today.month - 1) // 2 + 1)
    # The quarterly lonely-death rounds since the system went live (2026-02-27), none before
    assert lonely.exists() and not lonely.filter(received_on__lt=dt.date(2026, 2, 27)).exists()
    assert all(1 <= r.number <= 4 for r in lonely)
    assert CrisisReport.objects.filter(channel=Channel.LONELY_DEATH).exists()
