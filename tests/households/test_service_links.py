"""Service links within a case: the resources offered, consent for private providers, amounts, status changes."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import LINK_TRANSITIONS, CaseStage, LinkStatus, ServiceLink
from households.services.links import LinkTerms

from .factories_cases import ResourceFactory, consent, household_with_client, make_case

pytestmark = pytest.mark.django_db


def url(name, case, *extra):
    return reverse(f"households:{name}", args=[case.household_id, case.pk, *extra])


def link_post(resource, **overrides):
    data = {"resource": resource.pk, "requested_on": timezone.localdate().isoformat(), "start_on": "", "end_on": "",
            "amount_krw": "", "frequency": "", "funding_source": "", "note": ""}
    data.update(overrides)
    return data


@pytest.fixture
def case(dong):
    return make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)


@pytest.fixture
def livelihood(seongdong):
    return ResourceFactory(district=seongdong, name="긴급복지지원(생계)", provider="성동구청", funding_source="국비·구비")


@pytest.fixture
def love_fund(seongdong):
    return ResourceFactory(district=seongdong, name="성동 사랑기금 치과 치료비", provider="사랑기금 운영위원회",
                           sector="private", category="dental", funding_source="구민 성금")


# Creating -----------------------------------------------------------------------------------------------------------


def test_link_with_an_amount_typed_with_separators(client_for, official, case, livelihood):
    need = case.needs.create(domain="income", severity="high", priority=1)

    response = client_for(official).post(url("link_add", case), link_post(
        livelihood, need=need.pk, amount_krw="1,830,000원", start_on="2025-05-01", end_on="2025-07-31"))

    assert response.status_code == 302
    link = ServiceLink.objects.get()
    assert (link.amount_krw, link.need, link.case, link.household_id, link.status) == (
        1830000, need, case, case.household_id, "requested")
    assert link.funding_source == "국비·구비"  # left blank: the resource's
    page = client_for(official).get(url("case_detail", case)).content.decode()
    assert "1,830,000원" in page and "의뢰" in page


@pytest.mark.parametrize(("amount", "message"), [
    ("-50000", "0원 이상"),
    ("오십만", "숫자로"),
    ("", "금액 또는 횟수·주기"),
])
def test_bad_amounts_are_refused_beside_the_field(client_for, official, case, livelihood, amount, message):
    response = client_for(official).post(url("link_add", case), link_post(livelihood, amount_krw=amount, note="메모"))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["amount_krw"])
    assert response.context["form"]["note"].value() == "메모"
    assert not ServiceLink.objects.exists()


def test_a_frequency_is_enough_without_an_amount(client_for, official, case, livelihood):
    response = client_for(official).post(url("link_add", case), link_post(livelihood, frequency="주 2회"))

    assert response.status_code == 302
    assert ServiceLink.objects.get().amount_krw is None


def test_end_before_start_is_refused(client_for, official, case, livelihood):
    response = client_for(official).post(url("link_add", case), link_post(
        livelihood, amount_krw="100000", start_on="2025-05-10", end_on="2025-05-01"))

    assert "end_on" in response.context["form"].errors and not ServiceLink.objects.exists()


def test_private_resource_needs_third_party_consent(client_for, official, case, love_fund):
    web = client_for(official)

    refused = web.post(url("link_add", case), link_post(love_fund, amount_krw="1,500,000"))

    assert refused.status_code == 200 and not ServiceLink.objects.exists()
    body = refused.content.decode()
    assert "제3자 제공 동의가 필요합니다" in body
    assert reverse("households:consent_add", args=[case.household_id, case.client_id]) in body

    consent(case.client, "third_party")
    assert web.post(url("link_add", case), link_post(love_fund, amount_krw="1,500,000")).status_code == 302
    assert ServiceLink.objects.get().amount_krw == 1500000


def test_public_resource_needs_no_third_party_consent(dong, official, livelihood):
    case = make_case(household_with_client(dong))

    link = services.service_link_create(household=case.household, resource=livelihood, by=official, case=case,
                                        terms=LinkTerms(amount_krw=500000))

    assert link.pk and link.amount_krw == 500000


def test_resources_offered_are_active_and_serve_the_households_dong(client_for, official, case, seongdong,
                                                                    second_dong, other_district_dong, livelihood):
    # given resources: the whole district, this dong, another dong only, inactive, another district
    for_this_dong = ResourceFactory(district=seongdong, name="왕십리 복지관", dongs=[case.household.dong])
    other_dong_only = ResourceFactory(district=seongdong, name="마장 복지관", dongs=[second_dong])
    inactive = ResourceFactory(district=seongdong, name="종료 사업", is_active=False)
    elsewhere = ResourceFactory(district=other_district_dong.district, name="영등포 사랑기금")
    web = client_for(official)

    # when
    form = web.get(url("link_add", case)).context["form"]

    # then the select offers only the first two, grouped by sector and category
    offered = {pk for _group, options in form.fields["resource"].widget.choices[1:] for pk, _label in options}
    assert offered == {livelihood.pk, for_this_dong.pk}
    assert form.fields["resource"].widget.choices[1][0] == "공공 · 생계"
    for refused in (other_dong_only, inactive, elsewhere):
        response = web.post(url("link_add", case), link_post(refused, amount_krw="1000"))
        assert "resource" in response.context["form"].errors, refused.name
    assert not ServiceLink.objects.exists()


def test_empty_directory_shows_an_empty_state(client_for, official, case):
    response = client_for(official).get(url("link_add", case))

    assert "이용할 수 있는 사용 중인 자원이 없습니다" in response.content.decode()


def test_need_of_another_case_cannot_be_linked(client_for, official, case, livelihood, dong):
    foreign = make_case(household_with_client(dong)).needs.create(domain="income", severity="high", priority=1)

    response = client_for(official).post(url("link_add", case), link_post(livelihood, need=foreign.pk,
                                                                          amount_krw="1000"))

    assert "need" in response.context["form"].errors


# Status changes ------------------------------------------------------------------------------------------------------


STATUS_PAIRS = list(itertools.product(LinkStatus.values, repeat=2))
LINK_ALLOWED = [(a, b) for a, b in STATUS_PAIRS if b in LINK_TRANSITIONS[a]]
LINK_REFUSED = [(a, b) for a, b in STATUS_PAIRS if b not in LINK_TRANSITIONS[a]]


def make_link(case, resource, status="requested", **extra):
    return ServiceLink.objects.create(household=case.household, case=case, resource=resource, status=status, **extra)


@pytest.mark.parametrize(("frm", "to"), LINK_ALLOWED, ids=[f"{a}->{b}" for a, b in LINK_ALLOWED])
def test_every_allowed_link_status_change_succeeds(official, case, livelihood, frm, to):
    link = make_link(case, livelihood, frm)

    services.service_link_transition(link=link, to=to, by=official, reason="본인 요청")

    link.refresh_from_db()
    assert link.status == to
    if to in ("declined", "stopped"):
        assert link.status_reason == "본인 요청"


@pytest.mark.parametrize(("frm", "to"), LINK_REFUSED, ids=[f"{a}->{b}" for a, b in LINK_REFUSED])
def test_every_other_link_status_change_is_refused(official, case, livelihood, frm, to):
    link = make_link(case, livelihood, frm)

    with pytest.raises(services.RuleError, match="바꿀 수 없습니다"):
        services.service_link_transition(link=link, to=to, by=official, reason="사유")

    link.refresh_from_db()
    assert link.status == frm and link.status_reason == ""


@pytest.mark.parametrize(("frm", "to"), [("requested", "declined"), ("accepted", "stopped"), ("in_service", "stopped")])
def test_declining_or_stopping_needs_a_reason(official, case, livelihood, frm, to):
    link = make_link(case, livelihood, frm)

    with pytest.raises(services.RuleError, match="사유"):
        services.service_link_transition(link=link, to=to, by=official, reason="  ")

    link.refresh_from_db()
    assert link.status == frm


def test_service_start_and_completion_set_their_dates(official, case, livelihood):
    link = make_link(case, livelihood, "accepted")
    day = dt.date(2025, 6, 2)

    services.service_link_transition(link=link, to="in_service", by=official, on=day)
    services.service_link_transition(link=link, to="completed", by=official, on=day + dt.timedelta(days=60))

    link.refresh_from_db()
    assert (link.start_on, link.completed_on, link.end_on) == (day, day + dt.timedelta(days=60), day + dt.timedelta(days=60))


def test_status_change_through_the_case_page(client_for, official, case, livelihood):
    link = make_link(case, livelihood, amount_krw=300000)
    web = client_for(official)
    page = web.get(url("case_detail", case))
    assert [v for v, _l in page.context["links"][0].next_statuses] == ["accepted", "declined"]

    response = web.post(url("link_transition", case, link.pk), {"to": "accepted"})

    assert response.status_code == 302 and response.url == url("case_detail", case)
    link.refresh_from_db()
    assert link.status == "accepted"


def test_declining_without_a_reason_through_the_view_is_refused_beside_the_field(client_for, official, case, livelihood):
    link = make_link(case, livelihood)

    response = client_for(official).post(url("link_transition", case, link.pk), {"to": "declined", "reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["거절·중단 사유를 적어 주세요."]
    link.refresh_from_db()
    assert link.status == "requested"


def test_refused_status_change_through_the_view_shows_the_rule(client_for, official, case, livelihood):
    link = make_link(case, livelihood, "completed")

    response = client_for(official).post(url("link_transition", case, link.pk), {"to": "in_service"})

    assert "완료 상태에서 제공 중 상태로 바꿀 수 없습니다" in response.content.decode()


def test_case_page_shows_status_tags_amounts_and_total(client_for, official, case, livelihood, love_fund):
    make_link(case, livelihood, "in_service", amount_krw=1200000)
    make_link(case, love_fund, "declined", amount_krw=800000, status_reason="예산 소진")
    make_link(case, livelihood, "requested", frequency="월 1회")

    body = client_for(official).get(url("case_detail", case)).content.decode()

    assert "1,200,000원" in body and "800,000원" in body and "월 1회" in body
    assert 'class="tag status-in_service"' in body and 'class="tag status-declined"' in body and "예산 소진" in body
    assert "연계 금액 합계" in body and ">1,200,000원</th>" in body  # the declined one is not counted


def test_link_of_another_case_through_this_case_is_404(client_for, official, case, livelihood, dong):
    other_case = make_case(household_with_client(dong))
    foreign = make_link(other_case, livelihood)

    response = client_for(official).post(url("link_transition", case, foreign.pk), {"to": "accepted"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "requested"


# The rules live in the service: whoever calls it (page, API, crisis-report resolution) gets them.


def test_service_refuses_bad_terms_field_by_field(official, case, livelihood):
    with pytest.raises(services.RuleError) as refused:
        services.service_link_create(household=case.household, resource=livelihood, by=official, case=case,
                                     terms=LinkTerms(start_on=dt.date(2025, 5, 2), end_on=dt.date(2025, 5, 1)))

    assert set(refused.value.error_dict) == {"end_on", "amount_krw"}


def test_service_fills_the_funding_source_from_the_resource(official, case, livelihood):
    link = services.service_link_create(household=case.household, resource=livelihood, by=official, case=case,
                                        terms=LinkTerms(frequency="월 1회"))

    assert link.funding_source == livelihood.funding_source


def test_service_refuses_a_user_without_casework(planner, case, livelihood):
    with pytest.raises(services.RuleError):
        services.service_link_create(household=case.household, resource=livelihood, by=planner, case=case,
                                     terms=LinkTerms(amount_krw=1))


def test_service_names_the_reason_field_when_declining_silently(official, case, livelihood):
    link = services.service_link_create(household=case.household, resource=livelihood, by=official, case=case,
                                        terms=LinkTerms(amount_krw=1))

    with pytest.raises(services.RuleError) as refused:
        services.service_link_transition(link=link, to=LinkStatus.DECLINED, by=official, reason="  ")

    assert list(refused.value.error_dict) == ["reason"]
