"""Creating and editing households: clear errors, nothing saved on bad input, every change logged."""

import pytest
from django.urls import reverse

from households.models import Household, Resident
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


def valid_post(dong, /, **overrides):
    data = {
        "dong": dong.pk, "road_address": "서울특별시 성동구 왕십리로 123", "address_detail": "101동 1203호",
        "postal_code": "04750", "housing_type": "apartment", "is_single_person": "on", "risk_level": "medium",
        "status": "monitoring", "head-name": "이순자", "head-relation": "head", "head-phone": "010-0123-4567",
        "head-rrn": "", "head-birth_date": "", "head-sex": "F",
    }
    data.update(overrides)
    return data


def test_official_creates_household_with_head(client_for, official, dong):
    response = client_for(official).post(reverse("households:create"), valid_post(dong))

    household = Household.objects.get()
    assert response.status_code == 302 and response.url == reverse("households:detail", args=[household.pk])
    head = household.residents.get()
    assert (head.name, head.relation, head.phone) == ("이순자", "head", "01001234567")
    assert head.phone_display == "010-0123-4567"
    assert household.is_single_person and household.risk_level == "medium"
    assert AccessLog.objects.filter(verb="households.household.created", user=official).count() == 1
    assert AccessLog.objects.filter(verb="households.resident.created", household_id=household.pk).count() == 1


@pytest.mark.parametrize(
    ("overrides", "form", "field", "message"),
    [
        ({"head-rrn": "900230-1234567"}, "head", "rrn", "실제 생년월일이 아닙니다"),
        ({"head-rrn": "12345"}, "head", "rrn", "숫자 13자리"),
        ({"road_address": "   "}, "form", "road_address", ""),
        ({"road_address": ""}, "form", "road_address", ""),
        ({"dong": "999999"}, "form", "dong", "선택할 수 없는 동"),
        ({"head-phone": "12-34"}, "head", "phone", "전화번호 형식"),
        ({"postal_code": "12"}, "form", "postal_code", "5자리"),
        ({"head-rrn": "900101-2234567", "head-sex": "M"}, "head", "rrn", "성별"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(client_for, official, dong, overrides, form, field, message):
    response = client_for(official).post(reverse("households:create"), valid_post(dong, **overrides))

    assert response.status_code == 200
    errors = response.context[form].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Household.objects.exists() and not Resident.objects.exists()
    # What was typed stays in the form.
    assert "이순자" in response.content.decode()


def test_rrn_fills_birth_date_and_sex_when_left_blank(client_for, official, dong):
    client_for(official).post(
        reverse("households:create"), valid_post(dong, **{"head-rrn": "450315-2123456", "head-sex": ""})
    )

    head = Resident.objects.get()
    assert str(head.birth_date) == "1945-03-15" and head.sex == "F"
    assert head.rrn_masked == "450315-2******"


def test_edit_records_the_changed_fields(client_for, official, household, dong):
    data = valid_post(dong, road_address="서울특별시 성동구 무학로 7", risk_level="high")
    data = {k: v for k, v in data.items() if not k.startswith("head-")}

    response = client_for(official).post(reverse("households:edit", args=[household.pk]), data)

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.road_address == "서울특별시 성동구 무학로 7"
    entry = AccessLog.objects.get(verb="households.household.updated")
    assert entry.changes["risk_level"] == ["low", "high"]


def test_resident_edit_keeps_the_number_when_left_blank(client_for, official, household):
    resident = household.residents.get()
    resident.set_rrn("9001011234560")
    resident.save()

    client_for(official).post(
        reverse("households:resident_edit", args=[household.pk, resident.pk]),
        {"name": "김순자", "relation": "head", "rrn": "", "phone": "", "sex": "M", "birth_date": "1990-01-01"},
    )

    resident.refresh_from_db()
    assert resident.rrn_encrypted == "9001011234560"


def test_third_party_consent_needs_its_recipient(client_for, official, household):
    resident = household.residents.get()
    url = reverse("households:consent_add", args=[household.pk, resident.pk])

    refused = client_for(official).post(url, {"scope": "third_party", "granted_on": "2026-01-05", "method": "written"})
    accepted = client_for(official).post(url, {"scope": "third_party", "granted_on": "2026-01-05",
                                               "method": "written", "recipients": "성동푸드뱅크"})

    assert "recipients" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert resident.consents.get().recipients == "성동푸드뱅크"


def test_planner_cannot_create_households(client_for, planner, dong):
    response = client_for(planner).post(reverse("households:create"), valid_post(dong))

    assert response.status_code == 403
    assert not Household.objects.exists()


def test_list_search_finds_by_name_address_and_phone(client_for, official, household, dong):
    from tests.factories import HouseholdFactory, ResidentFactory

    other = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 마조로 55")
    ResidentFactory(household=other, name="최민준", phone="01009998888")
    client = client_for(official)

    def found(q):
        return {h.pk for h in client.get(reverse("households:list"), {"q": q}).context["page"].object_list}

    assert found("최민준") == {other.pk}
    assert found("마조로") == {other.pk}
    assert found("010-0999-8888") == {other.pk}
    assert found("김순자") == {household.pk}


def test_list_filters_and_empty_state(client_for, official, household):
    client = client_for(official)

    high = client.get(reverse("households:list"), {"risk_level": "high"})
    low = client.get(reverse("households:list"), {"risk_level": "low", "sort": "-next_contact"})

    assert high.context["page"].paginator.count == 0
    assert "조건에 맞는 세대가 없습니다" in high.content.decode()
    assert [h.pk for h in low.context["page"].object_list] == [household.pk]


def test_households_without_a_next_contact_date_sort_last(client_for, official, dong):
    from tests.factories import HouseholdFactory

    undated = HouseholdFactory(dong=dong, next_contact_on=None)
    later = HouseholdFactory(dong=dong, next_contact_on="2026-12-20")
    sooner = HouseholdFactory(dong=dong, next_contact_on="2026-12-01")
    client = client_for(official)

    def order(sort):
        return [h.pk for h in client.get(reverse("households:list"), {"sort": sort}).context["page"].object_list]

    assert order("next_contact") == [sooner.pk, later.pk, undated.pk]
    assert order("-next_contact") == [later.pk, sooner.pk, undated.pk]


def test_list_search_ignores_case_and_lists_a_household_once(client_for, official, dong):
    from tests.factories import HouseholdFactory, ResidentFactory

    flat = HouseholdFactory(dong=dong, address_detail="B동 301호")
    ResidentFactory(household=flat, name="박지민")
    ResidentFactory(household=flat, name="박지민", relation="child")
    client = client_for(official)

    def found(q):
        page = client.get(reverse("households:list"), {"q": q}).context["page"]
        return page.paginator.count, [h.pk for h in page.object_list]

    assert found("b동") == (1, [flat.pk])
    assert found("박지민") == (1, [flat.pk])
