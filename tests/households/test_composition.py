"""Household composition with its history: leaving, changing the head, moving in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import MemberEvent, Resident
from tests.factories import ResidentFactory

from .factories_visits import MemberEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(household):
    head = household.residents.get(relation="head")
    spouse = ResidentFactory(household=household, relation="spouse", name="이정희")
    child = ResidentFactory(household=household, relation="child", name="김민수")
    return head, spouse, child


def test_the_head_leaves_and_a_new_head_takes_over(client_for, official, household, family):
    # given a family of three
    head, spouse, _child = family
    on = timezone.localdate() - dt.timedelta(days=2)

    # when the head leaves (deceased) naming the spouse as new head
    response = client_for(official).post(
        reverse("households:member_leave", args=[household.pk, head.pk]),
        {"on": on.isoformat(), "reason": "deceased", "new_head": spouse.pk, "note": "병원에서 별세"},
    )

    # then the head left, the spouse is head, both events are recorded and the former head is still listed
    assert response.status_code == 302
    head.refresh_from_db()
    spouse.refresh_from_db()
    assert (head.left_on, head.left_reason) == (on, "deceased")
    assert spouse.relation == "head"
    assert set(MemberEvent.objects.filter(household=household).values_list("resident__name", "kind")) == {
        (spouse.name, "head_changed"), (head.name, "left")}
    page = client_for(official).get(reverse("households:detail", args=[household.pk]))
    assert head in page.context["former"]
    html = page.content.decode()
    assert "이전 가구원 1명" in html and "병원에서 별세" in html


def test_the_head_cannot_leave_others_without_a_new_head(client_for, official, household, family):
    head, _spouse, _child = family

    response = client_for(official).post(reverse("households:member_leave", args=[household.pk, head.pk]),
                                         {"on": timezone.localdate().isoformat(), "reason": "moved_out"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["세대주가 이탈하면 새 세대주를 지정해야 합니다."]
    assert "세대주가 이탈하면 새 세대주를 지정해야 합니다." in response.content.decode()
    head.refresh_from_db()
    assert head.left_on is None


def test_the_new_head_choice_is_offered_only_when_the_head_leaves_others(client_for, official, household, family):
    head, spouse, child = family
    client = client_for(official)

    for_head = client.get(reverse("households:member_leave", args=[household.pk, head.pk])).context["form"]
    for_child = client.get(reverse("households:member_leave", args=[household.pk, child.pk])).context["form"]

    assert set(for_head.fields["new_head"].queryset) == {spouse, child}
    assert "new_head" not in for_child.fields


def test_a_member_leaves_without_touching_the_head(client_for, official, household, family):
    head, _spouse, child = family

    client_for(official).post(reverse("households:member_leave", args=[household.pk, child.pk]),
                              {"on": timezone.localdate().isoformat(), "reason": "moved_out"})

    child.refresh_from_db()
    head.refresh_from_db()
    assert child.left_reason == "moved_out" and head.relation == "head"


def test_a_resident_who_already_left_cannot_leave_again(client_for, official, household, family):
    _head, _spouse, child = family
    child.left_on, child.left_reason = timezone.localdate(), "moved_out"
    child.save()

    response = client_for(official).post(reverse("households:member_leave", args=[household.pk, child.pk]),
                                         {"on": timezone.localdate().isoformat(), "reason": "other"})

    assert response.context["form"].non_field_errors() == ["이미 세대에서 이탈한 가구원입니다."]


def test_the_head_changes(client_for, official, household, family):
    head, spouse, _child = family

    response = client_for(official).post(reverse("households:head_change", args=[household.pk]), {
        "new_head": spouse.pk, "previous_head_relation": "spouse", "on": timezone.localdate().isoformat()})

    assert response.status_code == 302
    head.refresh_from_db()
    spouse.refresh_from_db()
    assert (spouse.relation, head.relation) == ("head", "spouse")
    assert MemberEvent.objects.get(household=household).kind == "head_changed"


def test_the_head_change_form_offers_current_non_head_residents(client_for, official, household, family):
    head, spouse, child = family
    child.left_on, child.left_reason = timezone.localdate(), "moved_out"
    child.save()

    form = client_for(official).get(reverse("households:head_change", args=[household.pk])).context["form"]

    assert set(form.fields["new_head"].queryset) == {spouse}


def test_a_resident_moves_in(client_for, official, household):
    on = timezone.localdate() - dt.timedelta(days=1)

    response = client_for(official).post(reverse("households:member_join", args=[household.pk]), {
        "name": "김하늘", "relation": "grandchild", "birth_date": "2015-03-02", "sex": "F", "phone": "",
        "moved_in_on": on.isoformat(), "rrn": ""})

    assert response.status_code == 302
    resident = Resident.objects.get(name="김하늘")
    assert (resident.household, resident.moved_in_on) == (household, on)
    assert MemberEvent.objects.get(resident=resident).kind == "joined"


def test_moving_in_needs_a_date(client_for, official, household):
    response = client_for(official).post(reverse("households:member_join", args=[household.pk]), {
        "name": "김하늘", "relation": "grandchild", "moved_in_on": ""})

    assert response.status_code == 200
    assert "moved_in_on" in response.context["form"].errors
    assert "김하늘" in response.content.decode()


def test_a_second_head_cannot_move_in(client_for, official, household):
    response = client_for(official).post(reverse("households:member_join", args=[household.pk]), {
        "name": "박새롬", "relation": "head", "moved_in_on": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["이미 세대주가 있습니다. 전입한 뒤 세대주 변경으로 바꾸세요."]
    assert not Resident.objects.filter(name="박새롬").exists()


def test_the_panel_lists_the_last_ten_events_newest_first(client_for, official, household):
    head = household.residents.get()
    today = timezone.localdate()
    for days in range(12):
        MemberEventFactory(household=household, resident=head, on=today - dt.timedelta(days=days), note=f"e{days}")

    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    events = response.context["visit_panel"]["member_events"]
    assert [e.note for e in events] == [f"e{d}" for d in range(10)]
